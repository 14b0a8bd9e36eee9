import { sql, type Kysely } from 'kysely';

// General comments (a whole section or the whole document, with no quote) and comments recorded
// on behalf of a member or a discussion group (API.md "Annotations").
// - `scope`: for 'section' and 'document' the anchor columns keep the section's start offset in
//   the base version (0 for the document) as a zero-width anchor, so ordering by position keeps
//   working; relative positions and the quote are empty, and the API answers them as null.
// - `author_id` is null for a discussion group (then `group_name`/`group_size` say which);
//   `recorded_by` and `source` say who entered it and from what.
// - A general comment may be a written submission: up to 50,000 characters, and one attachment.
export async function up(db: Kysely<any>): Promise<void> {
  await sql`alter table annotations add column scope text not null default 'passage' check (scope in ('passage', 'section', 'document'))`.execute(db);
  await sql`alter table annotations alter column author_id drop not null`.execute(db);
  await sql`alter table annotations add column recorded_by uuid references members(id)`.execute(db);
  await sql`alter table annotations add column source text check (source in ('paper', 'meeting', 'phone', 'other'))`.execute(db);
  await sql`alter table annotations add column group_name text check (length(group_name) between 1 and 200)`.execute(db);
  await sql`alter table annotations add column group_size integer check (group_size between 1 and 100000)`.execute(db);
  await sql`alter table annotations add constraint annotations_author_or_group check ((author_id is null) = (group_name is not null) and (group_name is null) = (group_size is null))`.execute(db);
  await sql`alter table annotations add constraint annotations_recorded_source check ((recorded_by is null) = (source is null) and (group_name is null or recorded_by is not null))`.execute(db);
  await sql`alter table annotations drop constraint annotations_body_check`.execute(db);
  await sql`alter table annotations add constraint annotations_body_check check (length(body) <= case when scope = 'passage' then 10000 else 50000 end)`.execute(db);
  // "Own" lists read a member's annotations and those a staff member recorded.
  await sql`create index annotations_recorded on annotations (round_id, recorded_by) where recorded_by is not null`.execute(db);

  await sql`
    create table annotation_attachments (
      annotation_id uuid primary key references annotations(id) on delete cascade,
      filename text not null check (length(filename) between 1 and 255),
      content_type text not null,
      size integer not null check (size between 1 and 10485760),
      sha256 text not null,
      data bytea not null,
      created_at timestamptz not null default now()
    )`.execute(db);
}

export async function down(): Promise<void> {
  throw new Error('migrations are forward-only');
}
