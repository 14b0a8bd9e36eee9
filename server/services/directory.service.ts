/**
 * Units, members and memberships: the directory every other feature asks "who is where".
 */
import { randomUUID } from 'node:crypto';
import type { Db } from '../db/connect.js';
import { deleteMembership, findMemberById, insertMember, membersOfUnit, upsertMembership } from '../db/members.repository.js';
import type { Role } from '../db/schema.js';
import { childrenOf, findUnit, insertUnit, rootUnits, unitTreeCounts, type Unit } from '../db/units.repository.js';
import { isValidLogin, normaliseDisplayName } from '../domain/import-plan.js';
import { mayDoGlobal, mayDoOnUnit, secretaryUnitIds, type Actor } from '../domain/permissions.js';
import { conflict, forbidden, invalid, notFound } from '../errors.js';
import type { AccessEvents } from './access-events.js';
import { activationTtlMs, issueActivationCodes, type IssuedCode } from './activations.js';
import { renderActivationLetters } from '../exports/pdf-render.js';
import type { Clock } from './clock.js';
import { normaliseLogin, toPublicMember } from './auth.service.js';
import { hashPassword } from './secrets.js';
import type { Membership, Unit as PublicUnit, UnitMember, UnitNode } from '../http/schemas/directory.js';
import type { Member as PublicMember } from '../http/schemas/auth.js';

export const toPublicUnit = (u: Unit): PublicUnit => ({ id: u.id, name: u.name, level: u.level, parentId: u.parentId });

export class DirectoryService {
  constructor(
    private readonly db: Db,
    private readonly access: AccessEvents,
    private readonly clock: Clock,
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

  async children(actor: Actor, unitId: string): Promise<UnitNode[]> {
    await this.visibleUnit(actor, unitId);
    const children = await childrenOf(this.db, unitId);
    return this.withCounts(children.filter((c) => mayDoOnUnit(actor, 'unit.read', c)));
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

  async setRole(actor: Actor, unitId: string, memberId: string, role: Role): Promise<Membership> {
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

  /** The unit's own members (not those of units below), by name; staff of the unit and admins. */
  async members(actor: Actor, unitId: string): Promise<UnitMember[]> {
    const unit = await this.visibleUnit(actor, unitId);
    if (!mayDoOnUnit(actor, 'unit.listMembers', unit)) throw forbidden('only the staff of the unit can list its members');
    const rows = await membersOfUnit(this.db, unitId);
    return rows.map((r) => ({ ...toPublicMember(r), role: r.role, activated: r.password_hash !== null }));
  }

  /**
   * New one-time codes for the unit's members who have no password (all of them, or those of
   * `memberIds`); their earlier codes stop working. A `memberIds` entry that is not a member of
   * the unit → not_found; members who already activated are skipped.
   */
  async issueActivations(actor: Actor, unitId: string, memberIds?: readonly string[]): Promise<IssuedCode[]> {
    return (await this.issueFor(actor, unitId, memberIds)).codes;
  }

  /**
   * The same as issueActivations, answered as printable letters (PDF, one page per member, with
   * the address to open, the login and the code). A unit with no one to activate → 409.
   */
  async issueActivationLetters(actor: Actor, unitId: string, memberIds: readonly string[] | undefined, url: string): Promise<{ filename: string; body: Buffer }> {
    const { unit, codes, names } = await this.issueFor(actor, unitId, memberIds);
    if (codes.length === 0) throw conflict('every member chosen has already activated their account');
    const issuedAt = this.clock.now();
    const body = await renderActivationLetters({
      unitName: unit.name,
      url,
      issuedAt,
      expiresAt: new Date(issuedAt.getTime() + activationTtlMs),
      letters: codes.map((c) => ({ login: c.login, code: c.code, displayName: names.get(c.login) ?? c.login })),
    });
    return { filename: 'thu-kich-hoat.pdf', body };
  }

  /**
   * The units an administration screen starts from: for an administrator the roots of the tree,
   * for anyone else the units where they are a secretary (they manage those and see below them).
   */
  async topUnits(actor: Actor): Promise<UnitNode[]> {
    if (actor.isAdmin) return this.withCounts(await rootUnits(this.db));
    const units = await Promise.all(secretaryUnitIds(actor).map((id) => findUnit(this.db, id)));
    return this.withCounts(units.filter((u): u is Unit => u !== undefined));
  }

  private async withCounts(units: readonly Unit[]): Promise<UnitNode[]> {
    const counts = await unitTreeCounts(this.db, units.map((u) => u.id));
    return units.map((u) => ({ ...toPublicUnit(u), memberCount: counts.get(u.id)?.members ?? 0, childCount: counts.get(u.id)?.children ?? 0 }));
  }

  private async issueFor(actor: Actor, unitId: string, memberIds?: readonly string[]): Promise<{ unit: Unit; codes: IssuedCode[]; names: Map<string, string> }> {
    const unit = await this.manageableUnit(actor, unitId);
    const rows = await membersOfUnit(this.db, unitId);
    const known = new Set(rows.map((r) => r.id));
    const missing = memberIds?.find((id) => !known.has(id));
    if (missing) throw notFound(`member ${missing} of this unit`);
    const wanted = memberIds ? new Set(memberIds) : known;
    const pending = rows.filter((r) => r.password_hash === null && wanted.has(r.id));
    const codes = await this.db.transaction().execute((tx) => issueActivationCodes(tx, pending, this.clock.now()));
    return { unit, codes, names: new Map(pending.map((r) => [r.login, r.display_name])) };
  }

  private async manageableUnit(actor: Actor, unitId: string): Promise<Unit> {
    const unit = await this.visibleUnit(actor, unitId);
    if (!mayDoOnUnit(actor, 'unit.manageMembers', unit)) {
      throw forbidden('only an administrator or a secretary of the unit can change its members');
    }
    return unit;
  }
}
