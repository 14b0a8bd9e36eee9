import { sql, type Kysely } from 'kysely';

// Summaries are remembered until their round's annotations change; finding a round's latest
// annotation event must not scan the whole document's outbox.
export async function up(db: Kysely<any>): Promise<void> {
  await sql`create index events_round_type on events (round_id, type, id) where round_id is not null`.execute(db);
  await sql`create index events_document_type on events (document_id, type, id)`.execute(db);
}

export async function down(): Promise<void> {
  throw new Error('migrations are forward-only');
}
