import { describe, expect, it } from 'vitest';
import type { Role } from '../../server/db/schema.js';
import {
  annotationAudience,
  annotationsSeen,
  documentListScope,
  groupMeetingUnit,
  isUnitSecretary,
  isWithinScope,
  mayDoGlobal,
  mayDoOnUnit,
  mayEditAnnotation,
  mayFollowParticipation,
  mayReadAuditTrail,
  maySeeAnnotation,
  maySeeRoundEvent,
  maySendFeedbackFrom,
  packageNamesAuthors,
  mayWithdrawAnnotation,
  roleAtLeast,
  roleIn,
  roundTouchesUnit,
  secretaryUnitIds,
  seesAllAnnotations,
  speakingUnit,
  strongestRoleAbove,
  type Actor,
  type DocumentTarget,
  type RoundTarget,
  type UnitTarget,
} from '../../server/domain/permissions.js';

/*
 *   province
 *   ├── districtA ── communeA1, communeA2
 *   └── districtB ── communeB1
 */
const unit = (...path: string[]): UnitTarget => ({ id: path[path.length - 1]!, path });
const province = unit('p');
const districtA = unit('p', 'da');
const districtB = unit('p', 'db');
const communeA1 = unit('p', 'da', 'a1');
const communeA2 = unit('p', 'da', 'a2');
const communeB1 = unit('p', 'db', 'b1');
const all = { province, districtA, districtB, communeA1, communeA2, communeB1 };

function actor(...roles: Array<[UnitTarget, Role]>): Actor {
  return { memberId: 'm', isAdmin: false, memberships: roles.map(([u, role]) => ({ unitId: u.id, role, path: u.path })) };
}
const admin: Actor = { memberId: 'admin', isAdmin: true, memberships: [] };

const visible = (who: Actor) =>
  Object.entries(all)
    .filter(([, u]) => mayDoOnUnit(who, 'unit.read', u))
    .map(([name]) => name);

describe('roles', () => {
  it('ranks secretary above drafter above member', () => {
    expect(roleAtLeast('secretary', 'drafter')).toBe(true);
    expect(roleAtLeast('drafter', 'drafter')).toBe(true);
    expect(roleAtLeast('member', 'drafter')).toBe(false);
    expect(roleAtLeast('drafter', 'secretary')).toBe(false);
  });

  it('finds the role in exactly one unit', () => {
    const who = actor([districtA, 'secretary'], [communeA1, 'member']);
    expect(roleIn(who, communeA1.id)).toBe('member');
    expect(roleIn(who, communeA2.id)).toBeUndefined();
  });

  it('finds the strongest role held in the unit or above it, never below or beside', () => {
    const who = actor([districtA, 'drafter'], [communeA1, 'secretary'], [communeB1, 'secretary']);
    expect(strongestRoleAbove(who, communeA1)).toBe('secretary');
    expect(strongestRoleAbove(who, communeA2)).toBe('drafter');
    expect(strongestRoleAbove(who, province)).toBeUndefined();
    expect(strongestRoleAbove(who, districtB)).toBeUndefined();
  });
});

describe('unit.read', () => {
  it.each(['member', 'drafter', 'secretary'] as Role[])('shows a %s their unit, the chain above and the units below', (role) => {
    expect(visible(actor([districtA, role]))).toEqual(['province', 'districtA', 'communeA1', 'communeA2']);
  });

  it('shows a commune member the chain above, never a sibling or cousin', () => {
    expect(visible(actor([communeA1, 'member']))).toEqual(['province', 'districtA', 'communeA1']);
  });

  it('shows the union over several memberships', () => {
    expect(visible(actor([communeA1, 'member'], [communeB1, 'member']))).toEqual(['province', 'districtA', 'districtB', 'communeA1', 'communeB1']);
  });

  it('shows nothing to a member of no unit, and everything to an administrator', () => {
    expect(visible(actor())).toEqual([]);
    expect(visible(admin)).toEqual(Object.keys(all));
  });

  it('does not mistake a unit whose path shares a prefix for an ancestor', () => {
    const lookalike = unit('p', 'd');
    expect(mayDoOnUnit(actor([unit('p', 'da', 'a1'), 'member']), 'unit.read', lookalike)).toBe(false);
  });
});

describe('unit.manageMembers', () => {
  it('lets a secretary of the unit manage it', () => {
    expect(mayDoOnUnit(actor([communeA1, 'secretary']), 'unit.manageMembers', communeA1)).toBe(true);
  });

  it('refuses a drafter or a member of the unit', () => {
    expect(mayDoOnUnit(actor([communeA1, 'drafter']), 'unit.manageMembers', communeA1)).toBe(false);
    expect(mayDoOnUnit(actor([communeA1, 'member']), 'unit.manageMembers', communeA1)).toBe(false);
  });

  it('refuses a secretary of the unit above or of a sibling', () => {
    expect(mayDoOnUnit(actor([districtA, 'secretary']), 'unit.manageMembers', communeA1)).toBe(false);
    expect(mayDoOnUnit(actor([communeA2, 'secretary']), 'unit.manageMembers', communeA1)).toBe(false);
  });

  it('lets an administrator manage any unit', () => {
    expect(mayDoOnUnit(admin, 'unit.manageMembers', communeB1)).toBe(true);
  });
});

describe('global actions and unit.createChild', () => {
  it('keeps units, members and import for administrators', () => {
    const secretary = actor([province, 'secretary']);
    for (const action of ['unit.createRoot', 'member.create', 'import'] as const) {
      expect(mayDoGlobal(admin, action)).toBe(true);
      expect(mayDoGlobal(secretary, action)).toBe(false);
    }
    expect(mayDoOnUnit(secretary, 'unit.createChild', province)).toBe(false);
    expect(mayDoOnUnit(admin, 'unit.createChild', province)).toBe(true);
  });
});

/** A document of districtA, with a round distributed down to it (scope districtA). */
const districtDraft: DocumentTarget = { id: 'doc', unitPath: districtA.path };
const privateRound: RoundTarget = { scopePath: districtA.path, visibility: 'private' };
const openRound: RoundTarget = { scopePath: districtA.path, visibility: 'open' };

describe('units and scopes', () => {
  it('keeps a unit inside a scope only at or below the scope unit', () => {
    expect(isWithinScope(districtA.path, communeA1.path)).toBe(true);
    expect(isWithinScope(districtA.path, districtA.path)).toBe(true);
    expect(isWithinScope(districtA.path, province.path)).toBe(false);
    expect(isWithinScope(districtA.path, communeB1.path)).toBe(false);
  });

  it('relates a round and a unit on one branch in either direction, never across', () => {
    expect(roundTouchesUnit(districtA.path, communeA2.path)).toBe(true);
    expect(roundTouchesUnit(communeA2.path, districtA.path)).toBe(true);
    expect(roundTouchesUnit(communeA2.path, communeA1.path)).toBe(false);
    expect(roundTouchesUnit(districtB.path, communeA1.path)).toBe(false);
  });

  it('lets feedback go up from the document’s unit or below, never from the root or a side branch', () => {
    const withParent = (u: UnitTarget) => ({ ...u, parentId: u.path.length > 1 ? u.path[u.path.length - 2]! : null });
    expect(maySendFeedbackFrom(districtDraft, withParent(communeA1))).toBe(true);
    expect(maySendFeedbackFrom(districtDraft, withParent(districtA))).toBe(true);
    expect(maySendFeedbackFrom(districtDraft, withParent(communeB1))).toBe(false);
    expect(maySendFeedbackFrom({ id: 'p', unitPath: province.path }, withParent(province))).toBe(false);
  });

  it('speaks from the deepest unit inside the scope, and from none outside it', () => {
    const who = actor([districtA, 'member'], [communeA1, 'member'], [communeB1, 'member']);
    expect(speakingUnit(who.memberships, districtA.path)).toBe(communeA1.id);
    expect(speakingUnit(who.memberships, districtB.path)).toBe(communeB1.id);
    expect(speakingUnit(who.memberships, communeA2.path)).toBeUndefined();
  });

  it('places a discussion group in the recorder’s shallowest staff unit inside the scope', () => {
    const recorder = actor([districtA, 'drafter'], [communeA1, 'secretary'], [province, 'member']);
    expect(groupMeetingUnit(recorder, districtA.path)).toBe(districtA.id);
    expect(groupMeetingUnit(recorder, communeA1.path)).toBe(communeA1.id);
    expect(groupMeetingUnit(actor([communeA1, 'member']), districtA.path)).toBeUndefined();
  });

  it('narrows document listings by memberships, staff subtrees and participant paths', () => {
    const scope = documentListScope(actor([districtA, 'drafter'], [communeB1, 'member']));
    expect(scope).toEqual({ unitIds: ['da', 'b1'], subtreeRoots: [districtA.path], participantPaths: [districtA.path, communeB1.path] });
  });
});

describe('secretaries', () => {
  it('tells a secretary from a drafter of the same unit', () => {
    const who = actor([districtA, 'secretary'], [communeA1, 'drafter']);
    expect(isUnitSecretary(who, districtA.id)).toBe(true);
    expect(isUnitSecretary(who, communeA1.id)).toBe(false);
    expect(secretaryUnitIds(who)).toEqual([districtA.id]);
  });

  it('gives the audit trail to the secretaries of the document’s own unit only', () => {
    expect(mayReadAuditTrail(actor([districtA, 'secretary']), districtDraft)).toBe(true);
    expect(mayReadAuditTrail(actor([districtA, 'drafter']), districtDraft)).toBe(false);
    expect(mayReadAuditTrail(actor([province, 'secretary']), districtDraft)).toBe(false);
  });

  it('shows who took part from a unit to its staff and to the round’s reviewers, not to its members', () => {
    expect(mayFollowParticipation(actor([communeA1, 'drafter']), districtDraft, districtA.path, communeA1)).toBe(true);
    expect(mayFollowParticipation(actor([districtA, 'drafter']), districtDraft, districtA.path, communeA1)).toBe(true);
    expect(mayFollowParticipation(actor([communeA1, 'member']), districtDraft, districtA.path, communeA1)).toBe(false);
    expect(mayFollowParticipation(actor([communeA2, 'secretary']), districtDraft, districtA.path, communeA1)).toBe(false);
  });
});

describe('annotations', () => {
  const reviewer = actor([districtA, 'drafter']);
  const author = { ...actor([communeA1, 'member']), memberId: 'author' };
  const neighbour = { ...actor([communeA2, 'member']), memberId: 'neighbour' };
  const outsider = { ...actor([communeB1, 'member']), memberId: 'outsider' };
  const recorder = { ...actor([communeA1, 'secretary']), memberId: 'recorder' };
  const own = { authorId: 'author', recordedBy: null };
  const recorded = { authorId: 'author', recordedBy: 'recorder' };

  it('shows a private round’s annotations to reviewers, and to participants only their own', () => {
    expect(annotationsSeen(reviewer, districtDraft, privateRound)).toBe('all');
    expect(annotationsSeen(author, districtDraft, privateRound)).toBe('own');
    expect(annotationsSeen(outsider, districtDraft, privateRound)).toBe('none');
    expect(maySeeAnnotation(author, districtDraft, privateRound, own)).toBe(true);
    expect(maySeeAnnotation(neighbour, districtDraft, privateRound, own)).toBe(false);
    expect(maySeeAnnotation(reviewer, districtDraft, privateRound, own)).toBe(true);
  });

  it('shows an open round’s annotations to every participant, never to an outsider', () => {
    expect(seesAllAnnotations(neighbour, districtDraft, openRound)).toBe(true);
    expect(maySeeAnnotation(neighbour, districtDraft, openRound, own)).toBe(true);
    expect(maySeeAnnotation(outsider, districtDraft, openRound, own)).toBe(false);
  });

  it('lets the recorder edit a recorded comment, and both author and recorder withdraw it', () => {
    expect(mayEditAnnotation(recorder, recorded)).toBe(true);
    expect(mayEditAnnotation(author, recorded)).toBe(false);
    expect(mayEditAnnotation(author, own)).toBe(true);
    expect(mayWithdrawAnnotation(author, recorded)).toBe(true);
    expect(mayWithdrawAnnotation(recorder, recorded)).toBe(true);
    expect(mayWithdrawAnnotation(neighbour, own)).toBe(false);
    expect(maySeeAnnotation(recorder, districtDraft, privateRound, recorded)).toBe(true);
  });

  it('sends an annotation’s events to the round in an open round, to staff otherwise', () => {
    expect(annotationAudience(openRound)).toBe('round');
    expect(annotationAudience(privateRound)).toBe('staff');
  });

  it('delivers a staff event to reviewers and its subject only, a round event to participants too', () => {
    const staffEvent = { audience: 'staff' as const, subjectMemberId: 'author' };
    expect(maySeeRoundEvent(reviewer, districtDraft, districtA.path, staffEvent)).toBe(true);
    expect(maySeeRoundEvent(author, districtDraft, districtA.path, staffEvent)).toBe(true);
    expect(maySeeRoundEvent(neighbour, districtDraft, districtA.path, staffEvent)).toBe(false);
    expect(maySeeRoundEvent(neighbour, districtDraft, districtA.path, { audience: 'round', subjectMemberId: 'author' })).toBe(true);
    expect(maySeeRoundEvent(outsider, districtDraft, districtA.path, { audience: 'round', subjectMemberId: 'author' })).toBe(false);
  });
});

describe('feedback packages', () => {
  it('names authors to the unit above only when every round behind the package was open', () => {
    expect(packageNamesAuthors([openRound, openRound])).toBe(true);
    expect(packageNamesAuthors([openRound, privateRound])).toBe(false);
  });
});
