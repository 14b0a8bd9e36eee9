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

export async function childrenOf(db: Db, id: string): Promise<Unit[]> {
  const rows = await db.selectFrom('units').select(unitColumns).where('parent_id', '=', id).orderBy('name').execute();
  return rows.map(toUnit);
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
