import { sql, type Kysely } from 'kysely';

// A document's live state is a compacted snapshot plus an append-only log of Yjs updates.
// `last_seq` on the document row hands out log sequence numbers: the append transaction updates
// it, so its row lock orders appenders, across processes too, with no gaps and no duplicates.
export async function up(db: Kysely<any>): Promise<void> {
  await sql`
    create table documents (
      id uuid primary key default gen_random_uuid(),
      unit_id uuid not null references units(id),
      title text not null check (length(title) between 1 and 300),
      status text not null default 'drafting',
      max_rounds integer not null default 3 check (max_rounds between 1 and 10),
      current_round integer not null default 0,
      created_by uuid references members(id),
      last_seq bigint not null default 0,
      created_at timestamptz not null default now(),
      updated_at timestamptz not null default now()
    )`.execute(db);
  await sql`create index documents_unit on documents (unit_id)`.execute(db);

  await sql`
    create table document_updates (
      document_id uuid not null references documents(id) on delete cascade,
      seq bigint not null,
      data bytea not null,
      created_at timestamptz not null default now(),
      primary key (document_id, seq)
    )`.execute(db);

  await sql`
    create table document_snapshots (
      document_id uuid primary key references documents(id) on delete cascade,
      state bytea not null,
      through_seq bigint not null,
      updated_at timestamptz not null default now()
    )`.execute(db);
}

export async function down(): Promise<void> {
  throw new Error('migrations are forward-only');
}
