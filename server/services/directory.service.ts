/**
 * Units, members and memberships: the directory every other feature asks "who is where".
 */
import { randomUUID } from 'node:crypto';
import type { Db } from '../db/connect.js';
import { deleteMembership, findMemberById, insertMember, upsertMembership } from '../db/members.repository.js';
import type { Role } from '../db/schema.js';
import { childrenOf, findUnit, insertUnit, type Unit } from '../db/units.repository.js';
import { isValidLogin, normaliseDisplayName } from '../domain/import-plan.js';
import { mayDoGlobal, mayDoOnUnit, type Actor } from '../domain/permissions.js';
import { conflict, forbidden, invalid, notFound } from '../errors.js';
import type { AccessEvents } from './access-events.js';
import { normaliseLogin, toPublicMember, type PublicMember } from './auth.service.js';
import { hashPassword } from './secrets.js';

export interface PublicUnit {
  id: string;
  name: string;
  level: string;
  parentId: string | null;
}

export const toPublicUnit = (u: Unit): PublicUnit => ({ id: u.id, name: u.name, level: u.level, parentId: u.parentId });

export class DirectoryService {
  constructor(
    private readonly db: Db,
    private readonly access: AccessEvents,
  ) {}

  async createUnit(actor: Actor, input: { name: string; level: string; parentId: string | null }): Promise<PublicUnit> {
    if (!mayDoGlobal(actor, 'unit.createRoot')) throw forbidden('only an administrator can create units');
    let parent: Unit | undefined;
    if (input.parentId) {
      parent = await findUnit(this.db, input.parentId);
      if (!parent) throw notFound('parent unit');
    }
    const unit = await insertUnit(this.db, { id: randomUUID(), name: input.name.normalize('NFC'), level: input.level, parent });
    return toPublicUnit(unit);
  }

  /** A unit the actor may see; invisible units are reported as missing. */
  async visibleUnit(actor: Actor, unitId: string): Promise<Unit> {
    const unit = await findUnit(this.db, unitId);
    if (!unit || !mayDoOnUnit(actor, 'unit.read', unit)) throw notFound('unit');
    return unit;
  }

  async children(actor: Actor, unitId: string): Promise<PublicUnit[]> {
    await this.visibleUnit(actor, unitId);
    const children = await childrenOf(this.db, unitId);
    return children.filter((c) => mayDoOnUnit(actor, 'unit.read', c)).map(toPublicUnit);
  }

  async createMember(actor: Actor, input: { login: string; displayName: string; password: string }): Promise<PublicMember> {
    if (!mayDoGlobal(actor, 'member.create')) throw forbidden('only an administrator can create members');
    const login = normaliseLogin(input.login);
    if (!isValidLogin(login)) throw invalid(`login "${input.login}" must be 2–64 letters, digits, '.', '_', '@' or '-'`);
    const displayName = normaliseDisplayName(input.displayName);
    if (displayName.length === 0) throw invalid('displayName is blank');
    const member = await insertMember(this.db, {
      login,
      displayName,
      passwordHash: await hashPassword(input.password),
    });
    if (!member) throw conflict(`login "${login}" is taken`);
    return toPublicMember(member);
  }

  async setRole(actor: Actor, unitId: string, memberId: string, role: Role): Promise<{ unitId: string; memberId: string; role: Role }> {
    await this.manageableUnit(actor, unitId);
    if (!(await findMemberById(this.db, memberId))) throw notFound('member');
    await upsertMembership(this.db, unitId, memberId, role);
    this.access.emit('membershipChanged', memberId);
    return { unitId, memberId, role };
  }

  async removeRole(actor: Actor, unitId: string, memberId: string): Promise<void> {
    await this.manageableUnit(actor, unitId);
    if (!(await deleteMembership(this.db, unitId, memberId))) throw notFound('membership');
    this.access.emit('membershipChanged', memberId);
  }

  private async manageableUnit(actor: Actor, unitId: string): Promise<Unit> {
    const unit = await this.visibleUnit(actor, unitId);
    if (!mayDoOnUnit(actor, 'unit.manageMembers', unit)) {
      throw forbidden('only an administrator or a secretary of the unit can change its members');
    }
    return unit;
  }
}
