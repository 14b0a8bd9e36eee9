/**
 * Entry point: configuration → database (embedded or DATABASE_URL) → migrations → first-start
 * setup → app → listen. SIGTERM/SIGINT drain: stop accepting, close the app (which flushes live
 * documents), close the database, stop the embedded server, exit 0.
 */
import closeWithGrace from 'close-with-grace';
import { buildApp, loggerOptions } from './app.js';
import { ConfigError, loadConfig, type Config } from './config.js';
import { connectDatabase } from './db/connect.js';
import { openDatabaseServer } from './db/database-server.js';
import { migrateToLatest } from './db/migrate.js';
import { bootstrap, demoMembers, demoPassword } from './services/bootstrap.service.js';

async function main(): Promise<void> {
  let config: Config;
  try {
    config = loadConfig();
  } catch (error) {
    if (error instanceof ConfigError) {
      console.error(error.message);
      process.exit(2);
    }
    throw error;
  }

  const started = Date.now();
  const server = await openDatabaseServer(config, () => {});
  const database = connectDatabase(server.url, { max: 20 });
  const applied = await migrateToLatest(database.db);

  const app = await buildApp({ config, db: database.db, logger: loggerOptions(config.logLevel) });
  const setup = await bootstrap(database.db, app.services, { adminPassword: config.adminPassword, demo: config.demo });

  closeWithGrace({ delay: 20_000 }, async ({ signal, err }) => {
    if (err) app.log.error({ err }, 'shutting down after an error');
    else app.log.info({ signal }, 'shutting down');
    await app.close();
    await database.close();
    await server.stop();
  });

  const address = await app.listen({ port: config.port, host: config.host });
  app.log.info(
    { database: server.embedded ? `embedded (${config.dataDir})` : 'DATABASE_URL', migrations: applied, startupMs: Date.now() - started },
    'draftroom ready',
  );
  printWelcome(address, setup, server.embedded ? config.dataDir : undefined);
}

function printWelcome(address: string, setup: Awaited<ReturnType<typeof bootstrap>>, dataDir: string | undefined): void {
  const lines = ['', `  draftroom is running at ${address.replace('127.0.0.1', 'localhost')}`, `  API docs: ${address}/docs`];
  if (dataDir) lines.push(`  embedded PostgreSQL data: ${dataDir}`);
  if (setup.generatedAdminPassword) {
    lines.push('', `  admin login: admin / ${setup.generatedAdminPassword}`, '  (generated now and shown only this once; set ADMIN_PASSWORD to choose it)');
  }
  if (setup.demoPresent) {
    lines.push('', `  demo logins (password "${demoPassword}" for all):`);
    for (const m of demoMembers) lines.push(`    ${m.login.padEnd(16)} ${m.role.padEnd(10)} ${m.displayName}`);
  }
  console.log(`${lines.join('\n')}\n`);
}

main().catch((error: unknown) => {
  console.error('draftroom failed to start:', error);
  process.exit(1);
});
