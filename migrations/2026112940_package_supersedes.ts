import { sql, type Kysely } from 'kysely';

// A corrected package names the one it replaces (both stay: packages are immutable, the newer one
// counts). The receiving unit records its own decision on each merged point; the decision is kept
// with the package items it was made on (`sources`, `fromUnitId/itemId`), so it stays on the point
// when a corrected package or another unit's package changes the merge around it.
export async function up(db: Kysely<any>): Promise<void> {
  await sql`alter table feedback_packages add column supersedes uuid references feedback_packages(id)`.execute(db);
  await sql`create unique index feedback_packages_superseded_once on feedback_packages (supersedes) where supersedes is not null`.execute(db);
  await sql`
    create table feedback_dispositions (
      document_id uuid not null references documents(id) on delete cascade,
      unit_id uuid not null references units(id),
      item_id text not null,
      sources text[] not null,
      decision text not null check (decision in ('accepted', 'partially_accepted', 'rejected', 'noted')),
      note text not null check (length(note) <= 20000),
      decided_by uuid not null references members(id),
      decided_at timestamptz not null,
      primary key (document_id, unit_id, item_id)
    )`.execute(db);
}

export async function down(): Promise<void> {
  throw new Error('migrations are forward-only');
}
