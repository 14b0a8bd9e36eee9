/**
 * A fresh, migrated database for one benchmark run: on DATABASE_URL's server when set, else on an
 * embedded PostgreSQL in a temp dir. `close()` drops the database (or stops the embedded server
 * and deletes its directory); benchmarks call it in `finally`.
 */
import { randomBytes } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import pg from 'pg';
import { connectDatabase, type DatabaseHandle } from '../../server/db/connect.js';
import { ensureDatabase, startEmbeddedPostgres } from '../../server/db/embedded-postgres.js';
import { migrateToLatest } from '../../server/db/migrate.js';

export interface BenchDatabase extends DatabaseHandle {
  /** Connection string of the fresh database (give it to a child server as DATABASE_URL). */
  readonly url: string;
  /** The embedded server's data directory, when embedded. */
  readonly dataDir: string | undefined;
}

export async function openBenchDatabase(name: string, options: { poolSize?: number } = {}): Promise<BenchDatabase> {
  const databaseName = `bench_${name}_${randomBytes(4).toString('hex')}`;
  const given = process.env.DATABASE_URL?.trim();
  let dataDir: string | undefined;
  let stopServer = async () => {};
  let adminUrl: string;
  if (given) {
    adminUrl = given;
  } else {
    dataDir = await mkdtemp(path.join(os.tmpdir(), `draftroom-bench-${name}-`));
    const embedded = await startEmbeddedPostgres({ dataDir, persistent: false });
    const dir = dataDir;
    stopServer = async () => {
      await embedded.stop().catch(() => {});
      await rm(dir, { recursive: true, force: true });
    };
    adminUrl = embedded.url;
  }
  try {
    const url = await ensureDatabase(adminUrl, databaseName);
    const handle = connectDatabase(url, { max: options.poolSize ?? 10 });
    await migrateToLatest(handle.db);
    return {
      ...handle,
      url,
      dataDir,
      async close() {
        await handle.close().catch(() => {});
        if (given) await dropDatabase(adminUrl, databaseName);
        await stopServer();
      },
    };
  } catch (error) {
    await stopServer();
    throw error;
  }
}

async function dropDatabase(adminUrl: string, name: string): Promise<void> {
  const client = new pg.Client({ connectionString: adminUrl });
  await client.connect();
  try {
    await client.query(`drop database if exists "${name}" with (force)`);
  } finally {
    await client.end();
  }
}
