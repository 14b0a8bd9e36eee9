/**
 * Where the database comes from: DATABASE_URL when set, otherwise the embedded PostgreSQL under
 * DATA_DIR with a `draftroom` database in it.
 */
import type { Config } from '../config.js';
import { ensureDatabase, startEmbeddedPostgres } from './embedded-postgres.js';

export interface DatabaseServer {
  readonly url: string;
  readonly embedded: boolean;
  stop(): Promise<void>;
}

export async function openDatabaseServer(config: Config, log: (message: string) => void): Promise<DatabaseServer> {
  if (config.databaseUrl) return { url: config.databaseUrl, embedded: false, stop: async () => {} };
  const server = await startEmbeddedPostgres({ dataDir: config.dataDir, log });
  try {
    const url = await ensureDatabase(server.url, 'draftroom');
    return { url, embedded: true, stop: () => server.stop() };
  } catch (error) {
    await server.stop();
    throw error;
  }
}
