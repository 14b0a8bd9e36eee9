import { sql, type Kysely } from 'kysely';

// Versions freeze a document (Yjs state + projection + outline); a round comments on one.
// The events table is the outbox every change to rounds, annotations, dispositions and packages
// writes in the same transaction: it feeds the live event stream and the audit trail.
export async function up(db: Kysely<any>): Promise<void> {
  await sql`
    create table document_versions (
      document_id uuid not null references documents(id) on delete cascade,
      number integer not null check (number >= 1),
      label text not null check (length(label) between 1 and 200),
      state bytea not null,
      text text not null,
      sections jsonb not null,
      round_number integer,
      created_by uuid references members(id),
      created_at timestamptz not null default now(),
      primary key (document_id, number)
    )`.execute(db);

  await sql`
    create table rounds (
      id uuid primary key default gen_random_uuid(),
      document_id uuid not null references documents(id) on delete cascade,
      number integer not null check (number >= 1),
      base_version integer not null,
      status text not null check (status in ('open', 'closed')),
      closes_at timestamptz not null,
      closed_at timestamptz,
      closed_by uuid references members(id),
      scope_unit_id uuid not null references units(id),
      visibility text not null check (visibility in ('private', 'open')),
      opened_by uuid references members(id),
      created_at timestamptz not null default now(),
      unique (document_id, number),
      foreign key (document_id, base_version) references document_versions(document_id, number)
    )`.execute(db);
  // The database itself refuses a second open round on a document, whatever races above it.
  await sql`create unique index rounds_one_open on rounds (document_id) where status = 'open'`.execute(db);
  await sql`create index rounds_open_deadline on rounds (closes_at) where status = 'open'`.execute(db);
  await sql`create index rounds_scope on rounds (scope_unit_id)`.execute(db);

  await sql`
    create table events (
      id bigserial primary key,
      document_id uuid not null references documents(id) on delete cascade,
      type text not null,
      payload jsonb not null,
      -- 'document': everyone who may see the document; 'staff': drafters and secretaries of the
      -- document's unit and of the round's scope unit, plus the event's subject member.
      audience text not null default 'document' check (audience in ('document', 'staff')),
      round_id uuid references rounds(id) on delete cascade,
      subject_member_id uuid references members(id),
      actor_id uuid references members(id),
      created_at timestamptz not null default now()
    )`.execute(db);
  await sql`create index events_document on events (document_id, id)`.execute(db);
}

export async function down(): Promise<void> {
  throw new Error('migrations are forward-only');
}
