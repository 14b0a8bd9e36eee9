/**
 * The statements of a bulk import of units and members (services/import.service.ts): set-based,
 * one statement per kind of row, inside the import's transaction.
 */
import { sql } from 'kysely';
import type { Db } from './connect.js';
import { formatPath, parsePath, type UnitPath } from '../domain/unit-path.js';
import type { Role } from './schema.js';

/** Serialises imports until the transaction ends: two at once could both create the same new key. */
export async function lockImports(tx: Db): Promise<void> {
  await sql`select pg_advisory_xact_lock(hashtext('draftroom.import'))`.execute(tx);
}

/** Every import key in use (a province is ≈600 units). */
export async function importKeys(db: Db): Promise<Set<string>> {
  const rows = await db.selectFrom('units').select('import_key').where('import_key', 'is not', null).execute();
  return new Set(rows.map((r) => r.import_key!));
}

/** The units imported under these keys, by key. */
export async function unitsByImportKey(tx: Db, keys: readonly string[]): Promise<Map<string, { id: string; path: UnitPath; parentId: string | null }>> {
  if (keys.length === 0) return new Map();
  const rows = await tx
    .selectFrom('units')
    .select(['id', 'import_key', 'parent_id', sql<string>`path::text`.as('path')])
    .where('import_key', 'in', [...keys])
    .execute();
  return new Map(rows.map((u) => [u.import_key!, { id: u.id, path: parsePath(u.path), parentId: u.parent_id }]));
}

export async function updateImportedUnit(tx: Db, id: string, unit: { name: string; level: string; parentId: string | null }): Promise<void> {
  await tx.updateTable('units').set({ name: unit.name, level: unit.level, parent_id: unit.parentId }).where('id', '=', id).execute();
}

/**
 * Re-roots a unit's whole subtree from `oldPath` to `newPath`. subpath() refuses an offset equal
 * to the path's length, so the moved unit itself takes the new path directly.
 */
export async function moveSubtree(tx: Db, oldPath: UnitPath, newPath: UnitPath): Promise<void> {
  const from = formatPath(oldPath);
  const to = formatPath(newPath);
  await sql`update units set path = case when path = ${from}::ltree then ${to}::ltree
              else ${to}::ltree || subpath(path, nlevel(${from}::ltree)) end
            where path <@ ${from}::ltree`.execute(tx);
}

/** Inserts units in one statement; parents must come before their children. */
export async function insertImportedUnits(
  tx: Db,
  units: ReadonlyArray<{ id: string; name: string; level: string; parent: string | null; path: UnitPath; key: string }>,
): Promise<void> {
  if (units.length === 0) return;
  await sql`insert into units (id, name, level, parent_id, path, import_key)
    select * from unnest(${units.map((u) => u.id)}::uuid[], ${units.map((u) => u.name)}::text[],
      ${units.map((u) => u.level)}::text[], ${units.map((u) => u.parent)}::uuid[],
      ${units.map((u) => formatPath(u.path))}::ltree[], ${units.map((u) => u.key)}::text[])`.execute(tx);
}

export interface UpsertedMember {
  id: string;
  login: string;
  /** Created by this statement (not updated). */
  inserted: boolean;
  /** Has no password yet: needs an activation code. */
  pending: boolean;
}

/**
 * Creates or updates members by login; a password hash given replaces the stored one, none
 * keeps it.
 */
export async function upsertMembersByLogin(
  tx: Db,
  members: ReadonlyArray<{ login: string; displayName: string; passwordHash: string | null }>,
): Promise<UpsertedMember[]> {
  const result = await sql<UpsertedMember>`
    insert into members (login, display_name, password_hash, updated_at)
    select login, display_name, password_hash, now()
    from unnest(${members.map((m) => m.login)}::text[], ${members.map((m) => m.displayName)}::text[],
                ${members.map((m) => m.passwordHash)}::text[]) as t(login, display_name, password_hash)
    on conflict (login) do update
      set display_name = excluded.display_name,
          password_hash = coalesce(excluded.password_hash, members.password_hash),
          updated_at = now()
    returning id, login, (xmax = 0) as inserted, password_hash is null as pending`.execute(tx);
  return result.rows;
}

/** Gives each member their role in the unit, replacing a role held there before. */
export async function upsertMemberships(tx: Db, memberships: ReadonlyArray<{ unitId: string; memberId: string; role: Role }>): Promise<void> {
  if (memberships.length === 0) return;
  await sql`insert into memberships (unit_id, member_id, role)
    select * from unnest(${memberships.map((m) => m.unitId)}::uuid[],
                         ${memberships.map((m) => m.memberId)}::uuid[], ${memberships.map((m) => m.role)}::text[])
    on conflict (unit_id, member_id) do update set role = excluded.role`.execute(tx);
}
