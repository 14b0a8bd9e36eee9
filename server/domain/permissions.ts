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
import type { Role, Visibility } from './vocabulary.js';

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
  /** Give or take roles in the unit, and (re)issue its members' activation codes. */
  | 'unit.manageMembers'
  /** List the unit's members with their roles and whether they activated their account. */
  | 'unit.listMembers'
  /** Create a unit under this one. */
  | 'unit.createChild';

export type GlobalAction = 'unit.createRoot' | 'member.create' | 'import';

const rank: Record<Role, number> = { member: 1, drafter: 2, secretary: 3 };

/** The roles of a unit's staff (drafters and secretaries): for queries that pick recipients by role. */
export const staffRoles: readonly Role[] = ['drafter', 'secretary'];

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
    case 'unit.listMembers':
      return isUnitStaff(actor, unit.id);
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

/**
 * Who records comments collected on paper, by phone or in a meeting (API.md "Recorded on
 * behalf"): a drafter or secretary of the round's scope unit, or of the member's own unit (one
 * of the units, inside the scope, where the member belongs). For a discussion group: a drafter or
 * secretary of the scope unit or of a unit inside it (the group met there).
 */
export function mayRecordOnBehalf(actor: Actor, scopePath: UnitPath, subject: { memberships: readonly Membership[] } | 'group'): boolean {
  const scopeUnit = scopePath[scopePath.length - 1];
  if (scopeUnit !== undefined && isUnitStaff(actor, scopeUnit)) return true;
  if (subject === 'group') return actor.memberships.some((m) => roleAtLeast(m.role, 'drafter') && isAncestorOrSelf(scopePath, m.path));
  return subject.memberships.some((own) => isAncestorOrSelf(scopePath, own.path) && isUnitStaff(actor, own.unitId));
}

/**
 * Whose received feedback on a document a caller reads or decides on when they name no unit: the
 * deepest unit on the document's chain (its own unit, then the units above it, which receive its
 * package) where the caller is a drafter or secretary; the document's own unit when there is none
 * (then `isUnitStaff` refuses). A province secretary reading a district's draft gets the province.
 */
export function defaultReceivingUnit(actor: Actor, document: DocumentTarget): string {
  for (let i = document.unitPath.length - 1; i >= 0; i--) {
    const unitId = document.unitPath[i]!;
    if (isUnitStaff(actor, unitId)) return unitId;
  }
  return document.unitPath[document.unitPath.length - 1]!;
}

/** A unit's secretary (not a drafter): sends its feedback, reads its documents' audit trails, reminds. */
export function isUnitSecretary(actor: Actor, unitId: string): boolean {
  return roleIn(actor, unitId) === 'secretary';
}

/** The units where the actor is a secretary: where an administration screen starts for them. */
export function secretaryUnitIds(actor: Actor): string[] {
  return actor.memberships.filter((m) => m.role === 'secretary').map((m) => m.unitId);
}

/** The audit trail of a document: the secretaries of its own unit only. */
export function mayReadAuditTrail(actor: Actor, document: DocumentTarget): boolean {
  const owner = document.unitPath[document.unitPath.length - 1];
  return owner !== undefined && isUnitSecretary(actor, owner);
}

/**
 * What a member sees of who took part in a round, from one unit inside its scope (and may remind
 * them): the unit's staff and the round's reviewers.
 */
export function mayFollowParticipation(actor: Actor, document: DocumentTarget, scopePath: UnitPath, unit: UnitTarget): boolean {
  return isUnitStaff(actor, unit.id) || mayReviewRound(actor, document, scopePath);
}

/** A unit inside a round's scope: the scope unit itself or one below it. */
export function isWithinScope(scopePath: UnitPath, unitPath: UnitPath): boolean {
  return isAncestorOrSelf(scopePath, unitPath);
}

/** A round and a unit on one branch of the tree: the unit takes part in it, or the round reached into it. */
export function roundTouchesUnit(scopePath: UnitPath, unitPath: UnitPath): boolean {
  return isAncestorOrSelf(scopePath, unitPath) || isAncestorOrSelf(unitPath, scopePath);
}

/**
 * Where a feedback package may come from: the document's unit or a unit below it, never the root
 * (a package goes to the sender's parent; a district's feedback on its own draft goes up too).
 */
export function maySendFeedbackFrom(document: DocumentTarget, from: UnitTarget & { readonly parentId: string | null }): boolean {
  return isAncestorOrSelf(document.unitPath, from.path) && from.parentId !== null;
}

/**
 * The unit a member speaks from within a round's scope: their deepest membership inside it.
 * Undefined when none is (they do not take part).
 */
export function speakingUnit(memberships: readonly Membership[], scopePath: UnitPath): string | undefined {
  let best: Membership | undefined;
  for (const m of memberships) if (isAncestorOrSelf(scopePath, m.path) && (!best || m.path.length > best.path.length)) best = m;
  return best?.unitId;
}

/**
 * Where a discussion group met: the recorder's shallowest staff unit inside the round's scope
 * (the scope unit when they are its staff). Undefined when they are staff of none inside it.
 */
export function groupMeetingUnit(actor: Actor, scopePath: UnitPath): string | undefined {
  let best: Membership | undefined;
  for (const m of actor.memberships) {
    if (roleAtLeast(m.role, 'drafter') && isAncestorOrSelf(scopePath, m.path) && (!best || m.path.length < best.path.length)) best = m;
  }
  return best?.unitId;
}

/**
 * What narrows a listing of documents before `documentAccess` decides on each: units where the
 * actor belongs (their documents), units under the actor's staff units (followed from above) and
 * the actor's own unit paths (rounds distributed down to them).
 */
export function documentListScope(actor: Actor): { unitIds: string[]; subtreeRoots: UnitPath[]; participantPaths: UnitPath[] } {
  return {
    unitIds: actor.memberships.map((m) => m.unitId),
    subtreeRoots: actor.memberships.filter((m) => roleAtLeast(m.role, 'drafter')).map((m) => m.path),
    participantPaths: actor.memberships.map((m) => m.path),
  };
}

/** What the annotation rules need of a round. */
export interface RoundTarget {
  readonly scopePath: UnitPath;
  readonly visibility: Visibility;
}

/** Who wrote an annotation: its author (null for a discussion group) and whoever recorded it for them. */
export interface AnnotationTarget {
  readonly authorId: string | null;
  readonly recordedBy: string | null;
}

/**
 * Sees every annotation of a round: its reviewers, and in an `open` round its participants.
 * Anyone else sees only their own.
 */
export function seesAllAnnotations(actor: Actor, document: DocumentTarget, round: RoundTarget): boolean {
  return mayReviewRound(actor, document, round.scopePath) || (round.visibility === 'open' && isRoundParticipant(actor, round.scopePath));
}

/** Which annotations of a round the actor sees: all, only their own, or none (not a participant nor reviewer). */
export function annotationsSeen(actor: Actor, document: DocumentTarget, round: RoundTarget): 'all' | 'own' | 'none' {
  if (seesAllAnnotations(actor, document, round)) return 'all';
  return isRoundParticipant(actor, round.scopePath) ? 'own' : 'none';
}

/** The annotation's author, or whoever recorded it on their behalf. */
export function isAnnotationAuthor(actor: Actor, annotation: AnnotationTarget): boolean {
  return annotation.authorId === actor.memberId || annotation.recordedBy === actor.memberId;
}

/** One annotation: its author or recorder, the round's reviewers, and every participant of an open round. */
export function maySeeAnnotation(actor: Actor, document: DocumentTarget, round: RoundTarget, annotation: AnnotationTarget): boolean {
  return isAnnotationAuthor(actor, annotation) || seesAllAnnotations(actor, document, round);
}

/**
 * Who changes an annotation under its id: whoever wrote it — the recorder for a comment recorded
 * on someone's behalf (the member named did not type it), else the author.
 */
export function mayEditAnnotation(actor: Actor, annotation: AnnotationTarget): boolean {
  return (annotation.recordedBy ?? annotation.authorId) === actor.memberId;
}

/** Withdrawing: the author, or whoever recorded it (a member may disown what was recorded in their name). */
export function mayWithdrawAnnotation(actor: Actor, annotation: AnnotationTarget): boolean {
  return isAnnotationAuthor(actor, annotation);
}

/** Who receives a round's event: the round's participants too (`round`), or only its reviewers and the subject (`staff`). */
export type RoundAudience = 'round' | 'staff';

/** An annotation's events reach every participant of an open round; otherwise reviewers and the author only. */
export function annotationAudience(round: RoundTarget): RoundAudience {
  return round.visibility === 'open' ? 'round' : 'staff';
}

/**
 * Whether a round's event reaches the actor: its reviewers always, the member it is about
 * (`subjectMemberId`: an annotation's author), and the participants when its audience is `round`.
 */
export function maySeeRoundEvent(actor: Actor, document: DocumentTarget, scopePath: UnitPath, event: { audience: RoundAudience; subjectMemberId: string | null }): boolean {
  return (
    mayReviewRound(actor, document, scopePath) ||
    event.subjectMemberId === actor.memberId ||
    (event.audience === 'round' && isRoundParticipant(actor, scopePath))
  );
}

/**
 * Whether a feedback package names its points' authors to the unit above: only when every round
 * behind it was `open` (its participants saw one another's names); otherwise it carries counts.
 */
export function packageNamesAuthors(rounds: readonly Pick<RoundTarget, 'visibility'>[]): boolean {
  return rounds.every((r) => r.visibility === 'open');
}
