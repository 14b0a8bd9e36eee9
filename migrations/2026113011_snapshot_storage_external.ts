import { sql, type Kysely } from 'kysely';

// A document's snapshot is read in 1 MiB slices (document-log.repository.ts: decoding it in one
// piece would block the event loop). Compressed, every slice decompressed the whole value: 16
// slices of a 16 MiB snapshot cost PostgreSQL 1.7 s. Stored uncompressed (EXTERNAL), a slice reads
// only its own TOAST chunks (35 ms for all 16). Snapshots take effect as they are next written
// (compaction rewrites them); a Yjs state is binary that pglz shrinks to ~40 %, a price paid once per
// document, not per row.
export async function up(db: Kysely<any>): Promise<void> {
  await sql`alter table document_snapshots alter column state set storage external`.execute(db);
}

export async function down(): Promise<void> {
  throw new Error('migrations are forward-only');
}
