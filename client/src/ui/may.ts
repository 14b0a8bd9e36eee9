/**
 * What the interface offers, decided by the server's own rules (server/domain/permissions.ts via
 * `@domain`), fed with what the client knows: `/me` (memberships with their units' paths), the
 * document's unit and a round's scope unit. For buttons and tabs only; the server's 403 stays the
 * truth. Pure, so it is unit-tested (test/unit/client-may.test.ts).
 */
import { isRoundParticipant, mayFollowParticipation, mayRecordOnBehalf, mayReviewRound, type Actor } from '@domain/permissions';
import type { Me } from '@schemas/auth';

/**
 * The rules used here look at the last unit of the document's and the round's paths only (their
 * own unit, the round's scope unit) and at the caller's real paths, so one-unit paths for those two
 * give the rule's exact answer; the unit test checks that against real paths.
 */
const actorOf = (me: Me): Actor => ({
  memberId: me.member.id,
  isAdmin: me.isAdmin,
  memberships: me.memberships.map((m) => ({ unitId: m.unitId, role: m.role, path: m.path })),
});

type DocumentRef = { id: string; unitId: string };
type RoundRef = { scopeUnitId: string };

/** A membership in the round's scope unit or a unit below it (its path, from the root, holds the scope). */
const insideScope = (m: Me['memberships'][number], round: RoundRef): boolean => m.path.includes(round.scopeUnitId);

/** May the caller read round's summary ("Tổng hợp ý kiến", `GET /rounds/:id/summary…`) and decide on its points? */
export function mayReviewRoundOf(me: Me | null, document: DocumentRef, round: RoundRef): boolean {
  if (!me) return false;
  return mayReviewRound(actorOf(me), { id: document.id, unitPath: [document.unitId] }, [round.scopeUnitId]);
}

/**
 * Whose participation in a round ("Ai đã góp ý", `GET /rounds/:id/participation?unitId=`) the caller
 * may follow: `'all'` (the round's reviewers: any unit of its scope), or the ids of the units inside
 * the scope where the caller is staff (server: `mayFollowParticipation` within `isWithinScope`);
 * empty when none.
 */
export function participationUnitsOf(me: Me | null, document: DocumentRef, round: RoundRef): 'all' | string[] {
  if (!me) return [];
  if (mayReviewRoundOf(me, document, round)) return 'all';
  const actor = actorOf(me);
  return me.memberships
    .filter((m) => insideScope(m, round))
    .filter((m) => mayFollowParticipation(actor, { id: document.id, unitPath: [document.unitId] }, [round.scopeUnitId], { id: m.unitId, path: m.path }))
    .map((m) => m.unitId);
}

/** Does the caller follow any unit's participation in this round ("Ai đã góp ý" offered)? */
export function followsParticipationOf(me: Me | null, document: DocumentRef, round: RoundRef): boolean {
  const units = participationUnitsOf(me, document, round);
  return units === 'all' || units.length > 0;
}

/**
 * The round's scope path, read off a membership inside it (a path is the chain of ids from the
 * root, so one that holds the scope unit holds the scope's path as its start); undefined when the
 * caller belongs to no unit inside the scope.
 */
function scopePathOf(me: Me, round: RoundRef): string[] | undefined {
  for (const m of me.memberships) {
    const at = m.path.indexOf(round.scopeUnitId);
    if (at >= 0) return m.path.slice(0, at + 1);
  }
  return undefined;
}

/** May the caller comment in this round (server: `isRoundParticipant`: a member of its scope unit or of a unit below)? */
export function takesPartInRoundOf(me: Me | null, round: RoundRef): boolean {
  const scopePath = me ? scopePathOf(me, round) : undefined;
  return !!me && !!scopePath && isRoundParticipant(actorOf(me), scopePath);
}

/**
 * May the caller enter comments collected on paper or in a meeting in this round, for some member
 * or a discussion group (server: `mayRecordOnBehalf`, a group's rule being the widest)?
 */
export function mayRecordInRoundOf(me: Me | null, round: RoundRef): boolean {
  const scopePath = me ? scopePathOf(me, round) : undefined;
  return !!me && !!scopePath && mayRecordOnBehalf(actorOf(me), scopePath, 'group');
}

/** The units inside the round's scope where the caller is staff: whose members they may record for. */
export function recordingUnitsOf(me: Me | null, round: RoundRef): string[] {
  return (me?.memberships ?? []).filter((m) => m.role !== 'member' && insideScope(m, round)).map((m) => m.unitId);
}
