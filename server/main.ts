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
import { onStopSignal, STOP_SIGNALS } from './stop-signals.js';
import { bootstrap, demoDistrictDraftTitle, demoMembers, demoPassword } from './services/bootstrap.service.js';

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
  // From here on a failed start stops what it started (the embedded PostgreSQL above all) and
  // keeps a generated admin password visible: the account exists even if listening failed.
  let database: ReturnType<typeof connectDatabase> | undefined;
  let app: Awaited<ReturnType<typeof buildApp>> | undefined;
  let setup: Awaited<ReturnType<typeof bootstrap>> | undefined;
  try {
    database = connectDatabase(server.url, { max: 20 });
    const applied = await migrateToLatest(database.db);
    app = await buildApp({ config, db: database.db, logger: loggerOptions(config.logLevel, { pretty: process.stdout.isTTY }) });
    setup = await bootstrap(database.db, app.services, { adminPassword: config.adminPassword, demo: config.demo });
    const address = await app.listen({ port: config.port, host: config.host });
    const running = { app, database };
    const grace = closeWithGrace({ delay: 20_000, skip: [...STOP_SIGNALS] }, async ({ err }) => {
      if (err) running.app.log.error({ err }, 'shutting down after an error');
      await running.app.close();
      await running.database.close();
      await server.stop();
    });
    onStopSignal((signal) => {
      running.app.log.info({ signal }, 'shutting down');
      void grace.close();
    });
    app.log.info(
      { database: server.embedded ? `embedded (${config.dataDir})` : 'DATABASE_URL', migrations: applied, startupMs: Date.now() - started },
      'draftroom ready',
    );
    printWelcome(address, setup, server.embedded ? config.dataDir : undefined);
  } catch (error) {
    await app?.close().catch(() => {});
    await database?.close().catch(() => {});
    await server.stop().catch(() => {});
    const kept = setup?.generatedAdminPassword ? ` (the admin account was created: admin / ${setup.generatedAdminPassword}; keep this password)` : '';
    console.error(`draftroom failed to start: ${describeStartFailure(error, config)}${kept}`);
    process.exit(1);
  }
}

/** One line a person can act on, for the failures a start meets in practice. */
function describeStartFailure(error: unknown, config: Config): string {
  const code = (error as { code?: unknown }).code;
  if (code === 'EADDRINUSE') return `port ${config.port} on ${config.host} is already in use; stop the other server or set PORT`;
  if (code === 'EACCES') return `not allowed to listen on port ${config.port}; use a port above 1023 or set PORT`;
  if (code === 'EADDRNOTAVAIL') return `HOST ${config.host} is not an address of this machine`;
  return error instanceof Error ? error.message : String(error);
}

function printWelcome(address: string, setup: Awaited<ReturnType<typeof bootstrap>>, dataDir: string | undefined): void {
  const lines = ['', `  draftroom is running at ${address.replace('127.0.0.1', 'localhost')}`, `  API docs: ${address}/docs`];
  if (dataDir) lines.push(`  embedded PostgreSQL data: ${dataDir}`);
  if (setup.generatedAdminPassword) {
    lines.push('', `  admin login: admin / ${setup.generatedAdminPassword}`, '  (generated now and shown only this once; set ADMIN_PASSWORD to choose it)');
  }
  if (setup.demoPresent) {
    lines.push('', `  demo logins (password "${demoPassword}" for all):`);
    for (const m of demoMembers) lines.push(`    ${m.login.padEnd(16)} ${m.role.padEnd(10)} ${m.does} — ${m.displayName}`);
    lines.push(`  drafts: ${demoDistrictDraftTitle} (the district's, open for the communes' comments)`, `          and the commune Minh Sơn's political report (round 1 open)`);
  }
  console.log(`${lines.join('\n')}\n`);
}

main().catch((error: unknown) => {
  console.error(`draftroom failed to start: ${error instanceof Error ? error.message : String(error)}`);
  process.exit(1);
});
