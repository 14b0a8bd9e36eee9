/** Real rows for tests, written through the repositories the app uses. */
import { randomUUID } from 'node:crypto';
import type { Db } from '../../server/db/connect.js';
import { insertMember, upsertMembership } from '../../server/db/members.repository.js';
import type { Role } from '../../server/db/schema.js';
import { findUnit, insertUnit, type Unit } from '../../server/db/units.repository.js';
import { hashPassword } from '../../server/services/secrets.js';

export const testPassword = 'correct horse battery';
let cachedHash: Promise<string> | undefined;

export async function makeUnit(db: Db, options: { name?: string; level?: string; parent?: Unit } = {}): Promise<Unit> {
  return insertUnit(db, {
    id: randomUUID(),
    name: options.name ?? `Unit ${randomUUID().slice(0, 6)}`,
    level: options.level ?? 'commune',
    parent: options.parent,
  });
}

export interface TestMember {
  id: string;
  login: string;
  displayName: string;
}

export async function makeMember(db: Db, options: { login?: string; isAdmin?: boolean; roles?: Array<[Unit, Role]> } = {}): Promise<TestMember> {
  const login = options.login ?? `m${randomUUID().slice(0, 8)}`;
  const row = await insertMember(db, {
    login,
    displayName: `Member ${login}`,
    passwordHash: await (cachedHash ??= hashPassword(testPassword)),
    isAdmin: options.isAdmin ?? false,
  });
  if (!row) throw new Error(`login ${login} exists`);
  for (const [unit, role] of options.roles ?? []) await upsertMembership(db, unit.id, row.id, role);
  return { id: row.id, login: row.login, displayName: row.display_name };
}

export async function reloadUnit(db: Db, id: string): Promise<Unit> {
  const unit = await findUnit(db, id);
  if (!unit) throw new Error(`no unit ${id}`);
  return unit;
}
