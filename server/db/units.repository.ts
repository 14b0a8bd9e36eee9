import { sql } from 'kysely';
import type { Db } from './connect.js';
import { formatPath, parsePath, type UnitPath } from '../domain/unit-path.js';

export interface Unit {
  readonly id: string;
  readonly name: string;
  readonly level: string;
  readonly parentId: string | null;
  /** Unit ids from the root down to this unit. */
  readonly path: UnitPath;
}

const unitColumns = ['id', 'name', 'level', 'parent_id', sql<string>`path::text`.as('path')] as const;

function toUnit(row: { id: string; name: string; level: string; parent_id: string | null; path: string }): Unit {
  return { id: row.id, name: row.name, level: row.level, parentId: row.parent_id, path: parsePath(row.path) };
}

export async function findUnit(db: Db, id: string): Promise<Unit | undefined> {
  const row = await db.selectFrom('units').select(unitColumns).where('id', '=', id).executeTakeFirst();
  return row && toUnit(row);
}

/** The units at the top of the tree (no parent), by name. */
export async function rootUnits(db: Db): Promise<Unit[]> {
  const rows = await db.selectFrom('units').select(unitColumns).where('parent_id', 'is', null).orderBy('name').execute();
  return rows.map(toUnit);
}

export async function childrenOf(db: Db, id: string): Promise<Unit[]> {
  const rows = await db.selectFrom('units').select(unitColumns).where('parent_id', '=', id).orderBy('name').execute();
  return rows.map(toUnit);
}

/**
 * For each unit id: how many members it has directly (memberships of any role, counted once per
 * member) and how many units sit directly below it. Ids with neither are absent from the map.
 */
export async function unitTreeCounts(db: Db, ids: readonly string[]): Promise<Map<string, { members: number; children: number }>> {
  const counts = new Map<string, { members: number; children: number }>();
  if (ids.length === 0) return counts;
  const [members, children] = await Promise.all([
    db.selectFrom('memberships').select(['unit_id as id', (eb) => eb.fn.count<string>('member_id').distinct().as('n')]).where('unit_id', 'in', ids).groupBy('unit_id').execute(),
    db.selectFrom('units').select(['parent_id as id', (eb) => eb.fn.countAll<string>().as('n')]).where('parent_id', 'in', ids).groupBy('parent_id').execute(),
  ]);
  const entry = (id: string) => counts.get(id) ?? counts.set(id, { members: 0, children: 0 }).get(id)!;
  for (const row of members) entry(row.id).members = Number(row.n);
  for (const row of children) if (row.id) entry(row.id).children = Number(row.n);
  return counts;
}

export async function insertUnit(
  db: Db,
  unit: { id: string; name: string; level: string; parent: Unit | undefined; importKey?: string },
): Promise<Unit> {
  const path = [...(unit.parent?.path ?? []), unit.id];
  const row = await db
    .insertInto('units')
    .values({
      id: unit.id,
      name: unit.name,
      level: unit.level,
      parent_id: unit.parent?.id ?? null,
      path: formatPath(path),
      import_key: unit.importKey ?? null,
    })
    .returning(unitColumns)
    .executeTakeFirstOrThrow();
  return toUnit(row);
}

/** Names of the given units, by id (for exports and views). */
export async function unitNames(db: Db, ids: readonly string[]): Promise<Map<string, string>> {
  if (ids.length === 0) return new Map();
  const rows = await db.selectFrom('units').select(['id', 'name']).where('id', '=', sql<string>`any(${[...ids]}::uuid[])`).execute();
  return new Map(rows.map((r) => [r.id, r.name]));
}

/** Locks a unit's row until the transaction ends: serialises what one unit submits. */
export async function lockUnit(tx: Db, id: string): Promise<void> {
  await tx.selectFrom('units').select('id').where('id', '=', id).forUpdate().executeTakeFirstOrThrow();
}

/** The id of the unit a bulk import made under `key`, if any. */
export async function findUnitIdByImportKey(db: Db, key: string): Promise<string | undefined> {
  const row = await db.selectFrom('units').select('id').where('import_key', '=', key).executeTakeFirst();
  return row?.id;
}
