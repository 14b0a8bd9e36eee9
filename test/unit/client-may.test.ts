/**
 * The client offers the round summary and "who has commented" by the server's rules
 * (`mayReviewRound`, `mayFollowParticipation` within `isWithinScope`), fed with `/me` (the caller's
 * memberships with their paths) and only the ids of the document's unit and the round's scope: for
 * every caller, document and round of a small tree, its answer is the rules' answer with the real paths.
 */
import { describe, expect, it } from 'vitest';
import { isRoundParticipant, isWithinScope, mayFollowParticipation, mayRecordOnBehalf, mayReviewRound } from '../../server/domain/permissions.js';
import type { Role } from '../../server/domain/vocabulary.js';
import { mayRecordInRoundOf, mayReviewRoundOf, participationUnitsOf, recordingUnitsOf, takesPartInRoundOf } from '../../client/src/ui/may.js';

// province → district → communes A and B
const paths: Record<string, string[]> = {
  province: ['province'],
  district: ['province', 'district'],
  communeA: ['province', 'district', 'communeA'],
  communeB: ['province', 'district', 'communeB'],
};
const units = Object.keys(paths);
const roles: Role[] = ['member', 'drafter', 'secretary'];

/** Every one-role caller (as `/me` and as the server's actor), document unit and round scope of the tree. */
function* cases() {
  for (const own of units)
    for (const role of roles)
      for (const docUnit of units)
        for (const scope of units) {
          const membership = { unitId: own, role, path: paths[own]! };
          yield {
            me: { member: { id: 'm', login: 'm', displayName: 'M' }, isAdmin: false, memberships: [membership] },
            actor: { memberId: 'm', isAdmin: false, memberships: [membership] },
            docUnit,
            scope,
            label: `${role} of ${own}, document of ${docUnit}, round for ${scope}`,
          };
        }
}

describe('mayReviewRoundOf (client)', () => {
  it('answers as mayReviewRound with real paths, for every one-role caller, document unit and round scope', () => {
    let compared = 0;
    for (const { me, actor, docUnit, scope, label } of cases()) {
      const expected = mayReviewRound(actor, { id: 'd', unitPath: paths[docUnit]! }, paths[scope]!);
      expect(mayReviewRoundOf(me, { id: 'd', unitId: docUnit }, { scopeUnitId: scope }), label).toBe(expected);
      compared++;
    }
    expect(compared).toBe(4 * 3 * 4 * 4);
  });

  it('does not offer the district round’s summary to a commune’s secretary, and offers it to the district’s', () => {
    const secretaryOf = (unitId: string) => ({ member: { id: 'm', login: 'm', displayName: 'M' }, isAdmin: false, memberships: [{ unitId, role: 'secretary' as const, path: paths[unitId]! }] });
    expect(mayReviewRoundOf(secretaryOf('communeA'), { id: 'd', unitId: 'district' }, { scopeUnitId: 'district' })).toBe(false);
    expect(mayReviewRoundOf(secretaryOf('district'), { id: 'd', unitId: 'district' }, { scopeUnitId: 'district' })).toBe(true);
    // A round the district distributed to commune A alone: A's secretary reviews it.
    expect(mayReviewRoundOf(secretaryOf('communeA'), { id: 'd', unitId: 'district' }, { scopeUnitId: 'communeA' })).toBe(true);
    expect(mayReviewRoundOf(null, { id: 'd', unitId: 'district' }, { scopeUnitId: 'district' })).toBe(false);
  });

  it('participationUnitsOf: the units of the round’s scope the caller may follow, as the server’s rule with real paths', () => {
    let compared = 0;
    for (const { me, actor, docUnit, scope, label } of cases()) {
      const document = { id: 'd', unitPath: paths[docUnit]! };
      const inScope = units.filter((u) => isWithinScope(paths[scope]!, paths[u]!));
      const expected = inScope.filter((u) => mayFollowParticipation(actor, document, paths[scope]!, { id: u, path: paths[u]! }));
      const answer = participationUnitsOf(me, { id: 'd', unitId: docUnit }, { scopeUnitId: scope });
      if (answer === 'all') expect(expected, label).toEqual(inScope);
      else expect(answer, label).toEqual(expected);
      compared++;
    }
    expect(compared).toBe(4 * 3 * 4 * 4);
  });

  it('offers a commune’s secretary its own commune in the district’s round, and nothing in a round of another commune', () => {
    const secretaryOfA = { member: { id: 'm', login: 'm', displayName: 'M' }, isAdmin: false, memberships: [{ unitId: 'communeA', role: 'secretary' as const, path: paths.communeA! }] };
    expect(participationUnitsOf(secretaryOfA, { id: 'd', unitId: 'district' }, { scopeUnitId: 'district' })).toEqual(['communeA']);
    expect(participationUnitsOf(secretaryOfA, { id: 'd', unitId: 'district' }, { scopeUnitId: 'communeB' })).toEqual([]);
    expect(participationUnitsOf(secretaryOfA, { id: 'd', unitId: 'district' }, { scopeUnitId: 'communeA' })).toBe('all');
    expect(participationUnitsOf(null, { id: 'd', unitId: 'district' }, { scopeUnitId: 'district' })).toEqual([]);
  });

  it('takesPartInRoundOf and mayRecordInRoundOf answer as isRoundParticipant and mayRecordOnBehalf (a group) with real paths', () => {
    let compared = 0;
    for (const { me, actor, scope, label } of cases()) {
      expect(takesPartInRoundOf(me, { scopeUnitId: scope }), label).toBe(isRoundParticipant(actor, paths[scope]!));
      expect(mayRecordInRoundOf(me, { scopeUnitId: scope }), label).toBe(mayRecordOnBehalf(actor, paths[scope]!, 'group'));
      // Whose members the entry form lists: staff units inside the scope, each one the server accepts.
      for (const unit of recordingUnitsOf(me, { scopeUnitId: scope })) {
        expect(mayRecordOnBehalf(actor, paths[scope]!, { memberships: [{ unitId: unit, role: 'member', path: paths[unit]! }] }), label).toBe(true);
      }
      compared++;
    }
    expect(compared).toBe(4 * 3 * 4 * 4);
  });

  it('a province secretary reading the district’s draft neither comments nor records in the district’s round', () => {
    const me = { member: { id: 'm', login: 'm', displayName: 'M' }, isAdmin: false, memberships: [{ unitId: 'province', role: 'secretary' as const, path: paths.province! }] };
    expect(takesPartInRoundOf(me, { scopeUnitId: 'district' })).toBe(false);
    expect(mayRecordInRoundOf(me, { scopeUnitId: 'district' })).toBe(false);
    expect(takesPartInRoundOf(null, { scopeUnitId: 'district' })).toBe(false);
  });
});
