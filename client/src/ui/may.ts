/**
 * What the interface offers, decided by the server's own rules (server/domain/permissions.ts via
 * `@domain`), fed with what the client knows: `/me` (memberships by unit id, without the units'
 * paths), the document's unit and a round's scope unit. For buttons and tabs only; the server's
 * 403 stays the truth. Pure, so it is unit-tested (test/unit/client-may.test.ts).
 */
import { mayReviewRound, type Actor } from '@domain/permissions';
import type { Me } from '@schemas/auth';

/**
 * `mayReviewRound` looks at the last unit of each path only (the document's own unit, the round's
 * scope unit) and at exact memberships there, so one-unit paths give its exact answer; the unit
 * test checks that against real paths.
 */
const actorOf = (me: Me): Actor => ({
  memberId: me.member.id,
  isAdmin: me.isAdmin,
  memberships: me.memberships.map((m) => ({ unitId: m.unitId, role: m.role, path: [m.unitId] })),
});

/** May the caller read round's summary ("Tổng hợp ý kiến", `GET /rounds/:id/summary…`) and decide on its points? */
export function mayReviewRoundOf(me: Me | null, document: { id: string; unitId: string }, round: { scopeUnitId: string }): boolean {
  if (!me) return false;
  return mayReviewRound(actorOf(me), { id: document.id, unitPath: [document.unitId] }, [round.scopeUnitId]);
}
