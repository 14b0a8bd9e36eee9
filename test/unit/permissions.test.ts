import { describe, expect, it } from 'vitest';
import type { Role } from '../../server/db/schema.js';
import {
  mayDoGlobal,
  mayDoOnUnit,
  roleAtLeast,
  roleIn,
  strongestRoleAbove,
  type Actor,
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
