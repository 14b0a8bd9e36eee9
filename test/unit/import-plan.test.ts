import { describe, expect, it } from 'vitest';
import { AppError } from '../../server/errors.js';
import { isValidLogin, planImport, type ImportMember, type ImportUnit } from '../../server/domain/import-plan.js';

const lower = (login: string) => login.normalize('NFC').trim().toLowerCase();
const u = (key: string, parentKey: string | null): ImportUnit => ({ key, name: `Unit ${key}`, level: 'commune', parentKey });
const m = (login: string, unitKey: string, extra: Partial<ImportMember> = {}): ImportMember => ({
  login,
  displayName: `Member ${login}`,
  unitKey,
  role: 'member',
  ...extra,
});

function refusal(run: () => unknown): string {
  try {
    run();
  } catch (error) {
    expect(error).toBeInstanceOf(AppError);
    expect((error as AppError).code).toBe('validation_failed');
    return (error as AppError).message;
  }
  throw new Error('expected the plan to be refused');
}

describe('planImport', () => {
  it('orders every parent before its children, whatever the file order', () => {
    const plan = planImport({ units: [u('leaf', 'mid'), u('mid', 'root'), u('other', 'root'), u('root', null)], members: [] }, new Set(), lower);
    const order = plan.units.map((x) => x.key);
    expect(order).toHaveLength(4);
    expect(order.indexOf('root')).toBeLessThan(order.indexOf('mid'));
    expect(order.indexOf('mid')).toBeLessThan(order.indexOf('leaf'));
    expect(order.indexOf('root')).toBeLessThan(order.indexOf('other'));
  });

  it('accepts parents and member units that were imported before', () => {
    const plan = planImport({ units: [u('new', 'old')], members: [m('a.b', 'old')] }, new Set(['old']), lower);
    expect(plan.units.map((x) => x.key)).toEqual(['new']);
    expect([...plan.roles.values()]).toEqual([{ unitKey: 'old', login: 'a.b', role: 'member' }]);
  });

  it('keeps one entry per normalised login; the later name wins and an earlier password is kept', () => {
    const plan = planImport(
      {
        units: [u('a', null), u('b', 'a')],
        members: [m('An.Nguyen', 'a', { password: 'first-password', displayName: 'Tên cũ' }), m(' an.nguyen ', 'b', { displayName: 'Te\u0302n mo\u031bi' })],
      },
      new Set(),
      lower,
    );
    expect([...plan.members.keys()]).toEqual(['an.nguyen']);
    expect(plan.members.get('an.nguyen')).toEqual({ displayName: 'Tên mơi'.normalize('NFC'), password: 'first-password' });
    expect(plan.members.get('an.nguyen')!.displayName).toBe(plan.members.get('an.nguyen')!.displayName.normalize('NFC'));
    expect([...plan.roles.values()].map((r) => r.unitKey)).toEqual(['a', 'b']);
  });

  it('keeps one role per unit and login; the later row wins', () => {
    const plan = planImport({ units: [u('a', null)], members: [m('x.y', 'a'), m('X.Y', 'a', { role: 'secretary' })] }, new Set(), lower);
    expect([...plan.roles.values()]).toEqual([{ unitKey: 'a', login: 'x.y', role: 'secretary' }]);
  });

  it('refuses a duplicate key, naming it', () => {
    expect(refusal(() => planImport({ units: [u('a', null), u('a', null)], members: [] }, new Set(), lower))).toContain('units[1]: key "a" appears twice');
  });

  it('refuses an unknown parentKey, naming it', () => {
    expect(refusal(() => planImport({ units: [u('a', 'ghost')], members: [] }, new Set(), lower))).toContain('units[0]: parentKey "ghost"');
  });

  it('refuses an unknown unitKey, naming it', () => {
    expect(refusal(() => planImport({ units: [u('a', null)], members: [m('x.y', 'ghost')] }, new Set(), lower))).toContain('members[0]: unitKey "ghost"');
  });

  it('refuses a cycle and a unit that is its own parent', () => {
    expect(refusal(() => planImport({ units: [u('a', 'b'), u('b', 'c'), u('c', 'a')], members: [] }, new Set(), lower))).toContain('is its own ancestor');
    expect(refusal(() => planImport({ units: [u('self', 'self')], members: [] }, new Set(), lower))).toContain('"self" is its own ancestor');
  });

  it('refuses an invalid login and a blank display name', () => {
    expect(refusal(() => planImport({ units: [u('a', null)], members: [m('has space', 'a')] }, new Set(), lower))).toContain('members[0]: login "has space"');
    expect(refusal(() => planImport({ units: [u('a', null)], members: [m('ok.login', 'a', { displayName: ' \t' })] }, new Set(), lower))).toContain(
      'displayName of "ok.login" is blank',
    );
  });

  it('counts every problem but shows at most ten', () => {
    const members = Array.from({ length: 15 }, (_, i) => m(`user${i}`, 'ghost'));
    const message = refusal(() => planImport({ units: [], members }, new Set(), lower));
    expect(message).toContain('the import has 15 problem(s)');
    expect(message).toContain('(and 5 more)');
    expect(message.match(/unitKey "ghost"/g)).toHaveLength(10);
  });
});

describe('isValidLogin', () => {
  it('accepts lower-case letters (Vietnamese included), digits and . _ @ -', () => {
    for (const login of ['an', 'an.nguyen', 'an_nguyen-2', 'a@b.vn', 'đức.trần']) expect(isValidLogin(login)).toBe(true);
  });

  it('refuses upper case, spaces, one character and more than 64', () => {
    for (const login of ['An', 'a b', 'a', 'x'.repeat(65), '', 'a/b']) expect(isValidLogin(login)).toBe(false);
  });
});
