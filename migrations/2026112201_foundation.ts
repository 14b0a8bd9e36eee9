import { sql, type Kysely } from 'kysely';

// Units form a tree stored twice: parent_id for integrity, and an ltree `path` of ids for fast
// subtree (`path <@ x`) and ancestor (`path @> x`) queries. Labels are uuids without dashes
// because PostgreSQL 15's ltree accepts only [A-Za-z0-9_] in a label.
export async function up(db: Kysely<any>): Promise<void> {
  await sql`create extension if not exists ltree`.execute(db);
  await sql`create extension if not exists pgcrypto`.execute(db);

  await sql`
    create table units (
      id uuid primary key default gen_random_uuid(),
      name text not null check (length(name) between 1 and 200),
      level text not null check (length(level) between 1 and 40),
      parent_id uuid references units(id),
      path ltree not null unique,
      import_key text unique,
      created_at timestamptz not null default now()
    )`.execute(db);
  await sql`create index units_path_gist on units using gist (path)`.execute(db);
  await sql`create index units_parent on units (parent_id)`.execute(db);

  await sql`
    create table members (
      id uuid primary key default gen_random_uuid(),
      login text not null unique check (login = lower(login) and length(login) between 2 and 64),
      display_name text not null check (length(display_name) between 1 and 200),
      password_hash text,
      is_admin boolean not null default false,
      created_at timestamptz not null default now(),
      updated_at timestamptz not null default now()
    )`.execute(db);

  await sql`
    create table memberships (
      unit_id uuid not null references units(id) on delete cascade,
      member_id uuid not null references members(id) on delete cascade,
      role text not null check (role in ('member', 'drafter', 'secretary')),
      created_at timestamptz not null default now(),
      primary key (unit_id, member_id)
    )`.execute(db);
  await sql`create index memberships_member on memberships (member_id)`.execute(db);

  await sql`
    create table sessions (
      id uuid primary key default gen_random_uuid(),
      member_id uuid not null references members(id) on delete cascade,
      token_hash bytea not null unique,
      created_at timestamptz not null default now(),
      expires_at timestamptz not null,
      revoked_at timestamptz
    )`.execute(db);
  await sql`create index sessions_member on sessions (member_id)`.execute(db);

  await sql`
    create table activation_codes (
      code_hash bytea primary key,
      member_id uuid not null references members(id) on delete cascade,
      created_at timestamptz not null default now(),
      expires_at timestamptz not null
    )`.execute(db);
  await sql`create index activation_codes_member on activation_codes (member_id)`.execute(db);
}

export async function down(): Promise<void> {
  throw new Error('migrations are forward-only');
}
