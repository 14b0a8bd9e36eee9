/** What readiness asks of the database itself. */
import { sql } from 'kysely';
import type { Db } from './connect.js';

/** Resolves when the database answers a query; rejects with the driver's error otherwise. */
export async function pingDatabase(db: Db): Promise<void> {
  await sql`select 1`.execute(db);
}
