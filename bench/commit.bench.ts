/**
 * `npm run bench:commit [-- --count 2000]`: how long a live edit waits for its commit, one at a
 * time on one connection (what the room awaits before it broadcasts): the append of one row (the
 * live case) and of a batch of ten rows over two documents, against the round trip of `select 1`
 * on the same database (the floor). The same appends sent as unnamed statements (parsed and
 * planned on each execution, as kysely sends queries) show what the prepared statements save.
 */
import { Kysely, PostgresDialect, sql } from 'kysely';
import pg from 'pg';
import { appendUpdatesAtOnce } from '../server/db/document-log.repository.js';
import type { Database } from '../server/db/schema.js';
import type { Db } from '../server/db/connect.js';
import { openBenchDatabase } from './support/database.js';
import { ms, numberArg, printHeader, Samples } from './support/env.js';
import { runMain } from './support/run.js';
import { createDocument, seedWorkspace } from './support/workspace.js';

const count = numberArg('count', 2000);

async function timed(name: string, run: () => Promise<unknown>): Promise<number> {
  for (let i = 0; i < 50; i++) await run();
  const samples = new Samples();
  for (let i = 0; i < count; i++) {
    const started = performance.now();
    await run();
    samples.add(performance.now() - started);
  }
  const s = samples.summary();
  console.log(`  ${name.padEnd(44)} p50 ${ms(s.p50).padStart(8)}  p99 ${ms(s.p99).padStart(8)}  max ${ms(s.max).padStart(8)}`);
  return s.p50;
}

async function main(): Promise<void> {
  printHeader('bench:commit', `${count} sequential commits per statement, one connection, 30-byte updates`);
  const database = await openBenchDatabase('commit', { poolSize: 1 });
  // The same database through a plain kysely (no prepared statements): what every query was before.
  const plainPool = new pg.Pool({ connectionString: database.url, max: 1 });
  const plain: Db = new Kysely<Database>({ dialect: new PostgresDialect({ pool: plainPool }) });
  try {
    const workspace = await seedWorkspace(database.db, { writers: 1, readers: 1 });
    const [a, b] = [await createDocument(database.db, workspace), await createDocument(database.db, workspace)];
    const data = new Uint8Array(30).fill(7);
    const one = [{ documentId: a, data }];
    const batch = Array.from({ length: 10 }, (_, i) => ({ documentId: i % 2 ? a : b, data }));
    const floor = await timed('select 1 (round trip)', () => sql`select 1`.execute(database.db));
    const live = await timed('append one row (prepared)', () => appendUpdatesAtOnce(database.db, one));
    const unnamed = await timed('append one row (unnamed)', () => appendUpdatesAtOnce(plain, one));
    await timed('append 10 rows of 2 documents (prepared)', () => appendUpdatesAtOnce(database.db, batch));
    await timed('append 10 rows of 2 documents (unnamed, as before)', () => appendUpdatesAtOnce(plain, batch));
    console.log(`one-row commit: ${(live / floor).toFixed(2)}× the round trip (p50); prepared / unnamed p50 ${(live / unnamed).toFixed(2)}×`);
  } finally {
    await plain.destroy();
    await database.close();
  }
}

runMain(main);
