import { sql, type Kysely } from 'kysely';

// Merges and splits a round's reviewers made by hand on its points (API.md "Aggregation"). They
// are kept as intentions and replayed in `seq` order over the automatic clustering on every read,
// so they hold when annotations arrive; undoing one deletes its row.
export async function up(db: Kysely<any>): Promise<void> {
  await sql`
    create table cluster_edits (
      id uuid primary key default gen_random_uuid(),
      seq bigint generated always as identity,
      round_id uuid not null references rounds(id) on delete cascade,
      kind text not null check (kind in ('merge', 'split')),
      annotation_ids uuid[] not null check (cardinality(annotation_ids) between 1 and 10000),
      made_by uuid not null references members(id),
      made_at timestamptz not null
    )`.execute(db);
  await sql`create index cluster_edits_round on cluster_edits (round_id, seq)`.execute(db);
}

export async function down(): Promise<void> {
  throw new Error('migrations are forward-only');
}
