/**
 * The one place that answers "may this member do this to that". Pure: callers load the actor
 * (memberships with their unit paths) and the target, and ask. Routes and sockets never decide
 * access on their own.
 *
 * Rules (DESIGN.md): roles are per unit. A secretary can do all a drafter can, a drafter all a
 * member can. Units above see down the tree (a district's committee is responsible for its
 * communes); members see the chain of units above their own, never sideways.
 */
import { isAncestorOrSelf, type UnitPath } from './unit-path.js';
import type { Role } from '../db/schema.js';

export interface Membership {
  readonly unitId: string;
  readonly role: Role;
  /** Unit ids from the root down to `unitId`. */
  readonly path: UnitPath;
}

export interface Actor {
  readonly memberId: string;
  readonly isAdmin: boolean;
  readonly memberships: readonly Membership[];
}

export interface UnitTarget {
  readonly id: string;
  /** Unit ids from the root down to this unit (ending with `id`). */
  readonly path: UnitPath;
}

export type UnitAction =
  /** See the unit's name, level and place in the tree. */
  | 'unit.read'
  /** Give or take roles in the unit. */
  | 'unit.manageMembers'
  /** Create a unit under this one. */
  | 'unit.createChild';

export type GlobalAction = 'unit.createRoot' | 'member.create' | 'import';

const rank: Record<Role, number> = { member: 1, drafter: 2, secretary: 3 };

/** True when `role` is at least `required` (secretary ⊇ drafter ⊇ member). */
export function roleAtLeast(role: Role, required: Role): boolean {
  return rank[role] >= rank[required];
}

/** The actor's role in exactly this unit, if any. */
export function roleIn(actor: Actor, unitId: string): Role | undefined {
  return actor.memberships.find((m) => m.unitId === unitId)?.role;
}

/** The strongest role the actor holds in this unit or any unit above it. */
export function strongestRoleAbove(actor: Actor, target: UnitTarget): Role | undefined {
  let best: Role | undefined;
  for (const m of actor.memberships) {
    if (isAncestorOrSelf(m.path, target.path) && (!best || rank[m.role] > rank[best])) best = m.role;
  }
  return best;
}

export function mayDoGlobal(actor: Actor, _action: GlobalAction): boolean {
  return actor.isAdmin;
}

export function mayDoOnUnit(actor: Actor, action: UnitAction, unit: UnitTarget): boolean {
  if (actor.isAdmin) return true;
  switch (action) {
    case 'unit.read':
      // Anyone in the unit or above it; and members below it see the chain above their own unit.
      return actor.memberships.some((m) => isAncestorOrSelf(m.path, unit.path) || isAncestorOrSelf(unit.path, m.path));
    case 'unit.manageMembers':
      return roleIn(actor, unit.id) === 'secretary';
    case 'unit.createChild':
      return false;
  }
}

export interface DocumentTarget {
  readonly id: string;
  /** Path of the unit that owns the document. */
  readonly unitPath: UnitPath;
  /** Scope unit paths of the document's rounds (open or closed): their participants may read it. */
  readonly roundScopes?: readonly UnitPath[];
}

/** What a member may do with a document's live text. */
export type DocumentAccess = 'write' | 'read' | 'none';

/**
 * Drafters and secretaries of the owning unit write; its members read; drafters and secretaries
 * of units above read (the higher committee follows its units' drafts); participants of any of
 * its rounds read (members of a round's scope unit or of units below it: a draft distributed down
 * for comment). Everyone else: none, administrators included — they manage the directory, not the
 * confidential drafts.
 */
export function documentAccess(actor: Actor, document: DocumentTarget): DocumentAccess {
  const owner = document.unitPath[document.unitPath.length - 1];
  let access: DocumentAccess = 'none';
  for (const m of actor.memberships) {
    if (m.unitId === owner) {
      if (roleAtLeast(m.role, 'drafter')) return 'write';
      access = 'read';
    } else if (isAncestorOrSelf(m.path, document.unitPath) && roleAtLeast(m.role, 'drafter')) {
      access = 'read';
    } else if (document.roundScopes?.some((scope) => isAncestorOrSelf(scope, m.path))) {
      access = 'read';
    }
  }
  return access;
}

/** Members of the scope unit or of any unit below it take part in a round. */
export function isRoundParticipant(actor: Actor, scopePath: UnitPath): boolean {
  return actor.memberships.some((m) => isAncestorOrSelf(scopePath, m.path));
}

/** Members of the document's own chain see every round; participants from below see theirs. */
export function maySeeRound(actor: Actor, document: DocumentTarget, scopePath: UnitPath): boolean {
  return documentAccess(actor, { ...document, roundScopes: [] }) !== 'none' || isRoundParticipant(actor, scopePath);
}

/** Opening, closing and naming versions: drafters and secretaries of the owning unit. */
export function mayManageDocument(actor: Actor, document: DocumentTarget): boolean {
  return documentAccess(actor, document) === 'write';
}

/**
 * Who reviews a round's annotations (sees them all, decides on them): drafters and secretaries of
 * the document's unit and of the round's scope unit.
 */
export function mayReviewRound(actor: Actor, document: DocumentTarget, scopePath: UnitPath): boolean {
  if (mayManageDocument(actor, document)) return true;
  const scopeUnit = scopePath[scopePath.length - 1];
  const role = scopeUnit === undefined ? undefined : roleIn(actor, scopeUnit);
  return role !== undefined && roleAtLeast(role, 'drafter');
}

/** Creating a document in a unit: its drafters and secretaries. */
export function mayCreateDocument(actor: Actor, unit: UnitTarget): boolean {
  return isUnitStaff(actor, unit.id);
}

/** A drafter or secretary of exactly this unit: its staff, who send and receive its feedback. */
export function isUnitStaff(actor: Actor, unitId: string): boolean {
  const role = roleIn(actor, unitId);
  return role !== undefined && roleAtLeast(role, 'drafter');
}
