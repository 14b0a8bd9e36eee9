import { sql, type Kysely } from 'kysely';

// A feedback package is what a unit sends up about a document: its consolidated items with their
// provenance. Once submitted it never changes: a trigger refuses updates and deletes, and the
// content hash recorded at submission proves it.
export async function up(db: Kysely<any>): Promise<void> {
  await sql`
    create table feedback_packages (
      id uuid primary key default gen_random_uuid(),
      document_id uuid not null references documents(id) on delete cascade,
      from_unit_id uuid not null references units(id),
      to_unit_id uuid not null references units(id),
      round_ids uuid[] not null,
      note text not null check (length(note) <= 20000),
      items jsonb not null,
      content_hash text not null,
      submitted_by uuid not null references members(id),
      submitted_at timestamptz not null
    )`.execute(db);
  await sql`create index feedback_packages_to on feedback_packages (document_id, to_unit_id, submitted_at)`.execute(db);
  await sql`create index feedback_packages_from on feedback_packages (document_id, from_unit_id, submitted_at)`.execute(db);
  await sql`
    create function feedback_packages_immutable() returns trigger language plpgsql as $$
    begin
      raise exception 'feedback packages are immutable once submitted';
    end $$`.execute(db);
  await sql`
    create trigger feedback_packages_immutable before update or delete on feedback_packages
    for each row execute function feedback_packages_immutable()`.execute(db);
}

export async function down(): Promise<void> {
  throw new Error('migrations are forward-only');
}
