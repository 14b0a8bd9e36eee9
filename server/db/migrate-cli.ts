/** `npm run migrate`: applies pending migrations to DATABASE_URL, or to the embedded database. */
import { loadConfig } from '../config.js';
import { connectDatabase } from './connect.js';
import { openDatabaseServer } from './database-server.js';
import { migrateToLatest } from './migrate.js';

const config = loadConfig();
const server = await openDatabaseServer(config, () => {});
const handle = connectDatabase(server.url, { max: 2 });
try {
  const applied = await migrateToLatest(handle.db);
  console.log(applied.length ? `applied: ${applied.join(', ')}` : 'database is up to date');
} finally {
  await handle.close();
  await server.stop();
}
