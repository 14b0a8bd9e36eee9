import { sql, type Kysely } from 'kysely';

// Annotations have client-made ids so an offline outbox can be replayed safely. The anchor is
// kept in three forms (relative positions, quote selector, offsets in the base version) plus the
// section path. Dispositions form the decision register; every change is also an outbox event.
export async function up(db: Kysely<any>): Promise<void> {
  await sql`
    create table annotations (
      id uuid primary key,
      round_id uuid not null references rounds(id) on delete cascade,
      document_id uuid not null references documents(id) on delete cascade,
      author_id uuid not null references members(id),
      author_unit_id uuid not null references units(id),
      kind text not null check (kind in ('comment', 'question', 'objection', 'support', 'suggestion')),
      body text not null check (length(body) <= 10000),
      replacement text check (length(replacement) <= 10000),
      anchor_start integer not null,
      anchor_end integer not null,
      rel_start text not null,
      rel_end text not null,
      quote_exact text not null,
      quote_prefix text not null,
      quote_suffix text not null,
      section text not null,
      status text not null default 'active' check (status in ('active', 'withdrawn')),
      created_at timestamptz not null default now(),
      updated_at timestamptz not null default now(),
      check (kind <> 'suggestion' or replacement is not null),
      check (anchor_start <= anchor_end)
    )`.execute(db);
  await sql`create index annotations_round on annotations (round_id, author_id)`.execute(db);
  await sql`create index annotations_document on annotations (document_id)`.execute(db);

  await sql`
    create table annotation_replies (
      id uuid primary key default gen_random_uuid(),
      annotation_id uuid not null references annotations(id) on delete cascade,
      author_id uuid not null references members(id),
      body text not null check (length(body) between 1 and 10000),
      created_at timestamptz not null default now()
    )`.execute(db);
  await sql`create index annotation_replies_annotation on annotation_replies (annotation_id, created_at)`.execute(db);

  await sql`
    create table dispositions (
      annotation_id uuid primary key references annotations(id) on delete cascade,
      decision text not null check (decision in ('accepted', 'partially_accepted', 'rejected', 'noted')),
      note text not null check (length(note) <= 10000),
      decided_by uuid not null references members(id),
      decided_at timestamptz not null default now(),
      applied_at timestamptz,
      applied_by uuid references members(id)
    )`.execute(db);

  // 'round': participants and reviewers of the event's round (annotations of an open round).
  await sql`alter table events drop constraint events_audience_check`.execute(db);
  await sql`alter table events add constraint events_audience_check check (audience in ('document', 'round', 'staff'))`.execute(db);
}

export async function down(): Promise<void> {
  throw new Error('migrations are forward-only');
}
