import { sql } from 'kysely';
import type { Db } from './connect.js';
import type { MemberRow, Role } from './schema.js';
import { parsePath } from '../domain/unit-path.js';
import type { Membership } from '../domain/permissions.js';

export function findMemberByLogin(db: Db, login: string): Promise<MemberRow | undefined> {
  return db.selectFrom('members').selectAll().where('login', '=', login).executeTakeFirst();
}

export function findMemberById(db: Db, id: string): Promise<MemberRow | undefined> {
  return db.selectFrom('members').selectAll().where('id', '=', id).executeTakeFirst();
}

export async function insertMember(
  db: Db,
  member: { login: string; displayName: string; passwordHash: string | null; isAdmin?: boolean },
): Promise<MemberRow | undefined> {
  return db
    .insertInto('members')
    .values({
      login: member.login,
      display_name: member.displayName,
      password_hash: member.passwordHash,
      is_admin: member.isAdmin ?? false,
      updated_at: new Date(),
    })
    .onConflict((oc) => oc.column('login').doNothing())
    .returningAll()
    .executeTakeFirst();
}

export async function setPasswordHash(db: Db, memberId: string, passwordHash: string): Promise<void> {
  await db
    .updateTable('members')
    .set({ password_hash: passwordHash, updated_at: new Date() })
    .where('id', '=', memberId)
    .execute();
}

/** Every membership of a member with its unit's path, for building an Actor. */
export async function membershipsOf(db: Db, memberId: string): Promise<Membership[]> {
  const rows = await db
    .selectFrom('memberships as m')
    .innerJoin('units as u', 'u.id', 'm.unit_id')
    .select(['m.unit_id', 'm.role', sql<string>`u.path::text`.as('path')])
    .where('m.member_id', '=', memberId)
    .execute();
  return rows.map((r) => ({ unitId: r.unit_id, role: r.role, path: parsePath(r.path) }));
}

export async function upsertMembership(db: Db, unitId: string, memberId: string, role: Role): Promise<void> {
  await db
    .insertInto('memberships')
    .values({ unit_id: unitId, member_id: memberId, role })
    .onConflict((oc) => oc.columns(['unit_id', 'member_id']).doUpdateSet({ role }))
    .execute();
}

export async function deleteMembership(db: Db, unitId: string, memberId: string): Promise<boolean> {
  const result = await db
    .deleteFrom('memberships')
    .where('unit_id', '=', unitId)
    .where('member_id', '=', memberId)
    .executeTakeFirst();
  return result.numDeletedRows > 0n;
}

/** Display names of the given members, by id. */
export async function memberNames(db: Db, ids: readonly string[]): Promise<Map<string, string>> {
  if (ids.length === 0) return new Map();
  const rows = await db.selectFrom('members').select(['id', 'display_name']).where('id', '=', sql<string>`any(${[...ids]}::uuid[])`).execute();
  return new Map(rows.map((r) => [r.id, r.display_name]));
}

/** The direct members of a unit with their role and password hash (null: not activated), by name. */
export function membersOfUnit(db: Db, unitId: string): Promise<Array<MemberRow & { role: Role }>> {
  return db
    .selectFrom('memberships as ms')
    .innerJoin('members as m', 'm.id', 'ms.member_id')
    .selectAll('m')
    .select('ms.role')
    .where('ms.unit_id', '=', unitId)
    .orderBy('m.display_name')
    .orderBy('m.login')
    .execute();
}
