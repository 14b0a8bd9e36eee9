import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Unit } from '../../server/db/units.repository.js';
import { makeMember, makeUnit, testPassword, type TestMember } from '../helpers/factories.js';
import { expectProblem, startTestApp, type TestApp } from '../helpers/test-app.js';

/*
 * The tree every test reads:
 *
 *   province
 *   ├── districtA ── communeA1 (member, drafter, secretary), communeA2
 *   └── districtB ── communeB1
 */
let t: TestApp;
let province: Unit, districtA: Unit, districtB: Unit, communeA1: Unit, communeA2: Unit, communeB1: Unit;
let plain: TestMember, drafter: TestMember, secretary: TestMember, districtSecretary: TestMember, outsider: TestMember;
const tokens: Record<string, string> = {};

beforeAll(async () => {
  t = await startTestApp();
  const db = t.database.db;
  province = await makeUnit(db, { name: 'Tỉnh ủy', level: 'province' });
  districtA = await makeUnit(db, { name: 'Huyện ủy A', level: 'district', parent: province });
  districtB = await makeUnit(db, { name: 'Huyện ủy B', level: 'district', parent: province });
  communeA1 = await makeUnit(db, { name: 'Xã A1', parent: districtA });
  communeA2 = await makeUnit(db, { name: 'Xã A2', parent: districtA });
  communeB1 = await makeUnit(db, { name: 'Xã B1', parent: districtB });
  plain = await makeMember(db, { roles: [[communeA1, 'member']] });
  drafter = await makeMember(db, { roles: [[communeA1, 'drafter']] });
  secretary = await makeMember(db, { roles: [[communeA1, 'secretary']] });
  districtSecretary = await makeMember(db, { roles: [[districtA, 'secretary']] });
  outsider = await makeMember(db);
  for (const [name, member] of Object.entries({ plain, drafter, secretary, districtSecretary, outsider })) {
    tokens[name] = await t.tokenFor(member);
  }
});
afterAll(async () => t.close());

async function expiredToken(): Promise<string> {
  const member = await makeMember(t.database.db, { isAdmin: true });
  const token = await t.tokenFor(member);
  await t.database.db.updateTable('sessions').set({ expires_at: new Date(Date.now() - 1000) }).where('member_id', '=', member.id).execute();
  return token;
}

const getUnit = (id: string, token: string) => t.request({ method: 'GET', url: `/api/v1/units/${id}`, token });
const getChildren = (id: string, token: string) => t.request({ method: 'GET', url: `/api/v1/units/${id}/children`, token });
const setRole = (unitId: string, memberId: string, role: string, token: string) =>
  t.request({ method: 'PUT', url: `/api/v1/units/${unitId}/members/${memberId}`, payload: { role }, token });
const removeRole = (unitId: string, memberId: string, token: string) =>
  t.request({ method: 'DELETE', url: `/api/v1/units/${unitId}/members/${memberId}`, token });

describe('every directory route refuses a missing, forged or expired token', () => {
  const routes = () => [
    { method: 'POST' as const, url: '/api/v1/units', payload: { name: 'X', level: 'commune', parentId: null } },
    { method: 'GET' as const, url: `/api/v1/units/${province.id}` },
    { method: 'GET' as const, url: `/api/v1/units/${province.id}/children` },
    { method: 'POST' as const, url: '/api/v1/members', payload: { login: 'new.one', displayName: 'New', password: testPassword } },
    { method: 'PUT' as const, url: `/api/v1/units/${communeA1.id}/members/${plain.id}`, payload: { role: 'drafter' } },
    { method: 'DELETE' as const, url: `/api/v1/units/${communeA1.id}/members/${plain.id}` },
  ];

  it('refuses a missing token', async () => {
    for (const route of routes()) expectProblem(await t.request(route), 401, 'unauthenticated');
  });

  it('refuses a forged token', async () => {
    for (const route of routes()) expectProblem(await t.request({ ...route, token: 'forged-token-forged-token-forged-token-123' }), 401, 'unauthenticated');
  });

  it('refuses an expired token, even an administrator’s', async () => {
    const token = await expiredToken();
    for (const route of routes()) expectProblem(await t.request({ ...route, token }), 401, 'unauthenticated');
  });

  it('refuses a revoked token', async () => {
    const member = await makeMember(t.database.db, { isAdmin: true });
    const token = await t.tokenFor(member);
    expect((await t.request({ method: 'POST', url: '/api/v1/auth/logout', token })).statusCode).toBe(204);
    for (const route of routes()) expectProblem(await t.request({ ...route, token }), 401, 'unauthenticated');
  });
});

describe('POST /api/v1/units', () => {
  it('creates a root unit and a child for an administrator', async () => {
    const root = await t.request({ method: 'POST', url: '/api/v1/units', token: t.adminToken, payload: { name: 'Tỉnh ủy Mới', level: 'province', parentId: null } });
    expect(root.statusCode).toBe(201);
    const rootBody = root.json();
    expect(rootBody).toEqual({ id: expect.any(String), name: 'Tỉnh ủy Mới', level: 'province', parentId: null });
    const child = await t.request({ method: 'POST', url: '/api/v1/units', token: t.adminToken, payload: { name: 'Huyện', level: 'district', parentId: rootBody.id } });
    expect(child.statusCode).toBe(201);
    expect(child.json().parentId).toBe(rootBody.id);
    expect((await getUnit(child.json().id, t.adminToken)).json()).toEqual(child.json());
  });

  it('stores the name in NFC', async () => {
    const decomposed = 'Xã Tân Lập'.normalize('NFD');
    const response = await t.request({ method: 'POST', url: '/api/v1/units', token: t.adminToken, payload: { name: decomposed, level: 'commune', parentId: districtB.id } });
    expect(response.json().name).toBe('Xã Tân Lập'.normalize('NFC'));
  });

  it('refuses a malformed body', async () => {
    const post = (payload: object) => t.request({ method: 'POST', url: '/api/v1/units', token: t.adminToken, payload });
    expectProblem(await post({ name: 'X', level: 'commune' }), 400, 'validation_failed');
    expectProblem(await post({ name: '', level: 'commune', parentId: null }), 400, 'validation_failed');
    expectProblem(await post({ name: 'X', level: 'Commune Level', parentId: null }), 400, 'validation_failed');
    expectProblem(await post({ name: 'X', level: 'commune', parentId: 'not-a-uuid' }), 400, 'validation_failed');
    expectProblem(await post({ name: 'X', level: 'commune', parentId: null, extra: 1 }), 400, 'validation_failed');
  });

  it('answers 404 for an unknown parent', async () => {
    const response = await t.request({ method: 'POST', url: '/api/v1/units', token: t.adminToken, payload: { name: 'X', level: 'commune', parentId: randomUUID() } });
    expectProblem(response, 404, 'not_found');
  });

  it('refuses anyone but an administrator, a secretary included', async () => {
    for (const token of [tokens.secretary!, tokens.districtSecretary!, tokens.plain!]) {
      const response = await t.request({ method: 'POST', url: '/api/v1/units', token, payload: { name: 'X', level: 'commune', parentId: districtA.id } });
      expectProblem(response, 403, 'forbidden');
    }
  });
});

describe('GET /api/v1/units/:id and /children: what a member may see', () => {
  it('shows a member their own unit and the units above it', async () => {
    for (const unit of [communeA1, districtA, province]) {
      const response = await getUnit(unit.id, tokens.plain!);
      expect(response.statusCode).toBe(200);
      expect(response.json()).toEqual({ id: unit.id, name: unit.name, level: unit.level, parentId: unit.parentId });
    }
  });

  it('hides sibling and cousin units as missing (404, never 403)', async () => {
    for (const unit of [communeA2, districtB, communeB1]) expectProblem(await getUnit(unit.id, tokens.plain!), 404, 'not_found');
    expectProblem(await getChildren(communeA2.id, tokens.plain!), 404, 'not_found');
    expectProblem(await getChildren(districtB.id, tokens.drafter!), 404, 'not_found');
  });

  it('hides every unit from a member of none', async () => {
    expectProblem(await getUnit(province.id, tokens.outsider!), 404, 'not_found');
    expectProblem(await getChildren(province.id, tokens.outsider!), 404, 'not_found');
  });

  it('lists only the visible children', async () => {
    const fromProvince = await getChildren(province.id, tokens.plain!);
    expect(fromProvince.statusCode).toBe(200);
    expect((fromProvince.json() as Array<{ id: string }>).map((u) => u.id)).toEqual([districtA.id]);
    const fromDistrict = await getChildren(districtA.id, tokens.plain!);
    expect((fromDistrict.json() as Array<{ id: string }>).map((u) => u.id)).toEqual([communeA1.id]);
    expect((await getChildren(communeA1.id, tokens.plain!)).json()).toEqual([]);
  });

  it('shows a district’s secretary the units below it, but not the other district', async () => {
    const children = await getChildren(districtA.id, tokens.districtSecretary!);
    expect((children.json() as Array<{ id: string }>).map((u) => u.id).sort()).toEqual([communeA1.id, communeA2.id].sort());
    expect((await getUnit(communeA2.id, tokens.districtSecretary!)).statusCode).toBe(200);
    expect((await getUnit(province.id, tokens.districtSecretary!)).statusCode).toBe(200);
    expectProblem(await getUnit(communeB1.id, tokens.districtSecretary!), 404, 'not_found');
    const top = await getChildren(province.id, tokens.districtSecretary!);
    expect((top.json() as Array<{ id: string }>).map((u) => u.id)).toEqual([districtA.id]);
  });

  it('shows an administrator every unit', async () => {
    const children = await getChildren(province.id, t.adminToken);
    expect((children.json() as Array<{ id: string }>).map((u) => u.id).sort()).toEqual([districtA.id, districtB.id].sort());
  });

  it('answers 404 for an unknown id and 400 for a malformed one', async () => {
    expectProblem(await getUnit(randomUUID(), t.adminToken), 404, 'not_found');
    expectProblem(await getChildren(randomUUID(), t.adminToken), 404, 'not_found');
    expectProblem(await getUnit('not-a-uuid', t.adminToken), 400, 'validation_failed');
    expectProblem(await getChildren('12345', t.adminToken), 400, 'validation_failed');
  });
});

describe('POST /api/v1/members', () => {
  const post = (payload: object, token = t.adminToken) => t.request({ method: 'POST', url: '/api/v1/members', token, payload });

  it('creates a member who can then log in', async () => {
    const response = await post({ login: 'Lan.Tran', displayName: 'Trần Thị Lan', password: 'mat-khau-dai' });
    expect(response.statusCode).toBe(201);
    expect(response.json()).toEqual({ id: expect.any(String), login: 'lan.tran', displayName: 'Trần Thị Lan' });
    await t.tokenFor({ login: 'lan.tran' }, 'mat-khau-dai');
  });

  it('answers 409 for a login that is taken, whatever its case', async () => {
    expect((await post({ login: 'hoa.le', displayName: 'Lê Hoa', password: testPassword })).statusCode).toBe(201);
    expectProblem(await post({ login: 'hoa.le', displayName: 'Another', password: testPassword }), 409, 'conflict');
    expectProblem(await post({ login: 'HOA.Le', displayName: 'Another', password: testPassword }), 409, 'conflict');
  });

  it('refuses a malformed body', async () => {
    expectProblem(await post({ login: 'ok.login', displayName: 'X', password: 'short' }), 400, 'validation_failed');
    expectProblem(await post({ login: 'ok.login', password: testPassword }), 400, 'validation_failed');
    expectProblem(await post({ login: 'x', displayName: 'X', password: testPassword }), 400, 'validation_failed');
    expectProblem(await post({ login: 'ok.login', displayName: 'X', password: testPassword, isAdmin: true }), 400, 'validation_failed');
  });

  it('refuses a blank display name and a login with spaces, as the import does', async () => {
    expectProblem(await post({ login: 'blank.name', displayName: '   ', password: testPassword }), 400, 'validation_failed');
    expectProblem(await post({ login: 'has space', displayName: 'X', password: testPassword }), 400, 'validation_failed');
    expectProblem(await post({ login: ' a', displayName: 'X', password: testPassword }), 400, 'validation_failed');
  });

  it('refuses anyone but an administrator', async () => {
    expectProblem(await post({ login: 'by.secretary', displayName: 'X', password: testPassword }, tokens.secretary!), 403, 'forbidden');
  });
});

describe('PUT and DELETE /api/v1/units/:unitId/members/:memberId', () => {
  const rolesOf = async (memberId: string) =>
    t.database.db.selectFrom('memberships').select(['unit_id', 'role']).where('member_id', '=', memberId).orderBy('unit_id').execute();

  it('lets an administrator give, change and take a role', async () => {
    const member = await makeMember(t.database.db);
    const given = await setRole(communeB1.id, member.id, 'drafter', t.adminToken);
    expect(given.statusCode).toBe(200);
    expect(given.json()).toEqual({ unitId: communeB1.id, memberId: member.id, role: 'drafter' });
    expect((await setRole(communeB1.id, member.id, 'secretary', t.adminToken)).statusCode).toBe(200);
    expect(await rolesOf(member.id)).toEqual([{ unit_id: communeB1.id, role: 'secretary' }]);
    const me = await t.request({ method: 'GET', url: '/api/v1/me', token: await t.tokenFor(member) });
    expect(me.json().memberships).toEqual([{ unitId: communeB1.id, role: 'secretary', path: [province.id, districtB.id, communeB1.id] }]);
    expect((await removeRole(communeB1.id, member.id, t.adminToken)).statusCode).toBe(204);
    expect(await rolesOf(member.id)).toEqual([]);
  });

  it('lets a secretary of the unit give and take roles in it', async () => {
    const member = await makeMember(t.database.db);
    expect((await setRole(communeA1.id, member.id, 'member', tokens.secretary!)).statusCode).toBe(200);
    expect((await removeRole(communeA1.id, member.id, tokens.secretary!)).statusCode).toBe(204);
  });

  it('tells live connections that the member’s access changed', async () => {
    const member = await makeMember(t.database.db);
    const seen: string[] = [];
    const listener = (id: string) => seen.push(id);
    t.app.services.access.on('membershipChanged', listener);
    try {
      await setRole(communeA1.id, member.id, 'member', tokens.secretary!);
      await removeRole(communeA1.id, member.id, tokens.secretary!);
    } finally {
      t.app.services.access.off('membershipChanged', listener);
    }
    expect(seen).toEqual([member.id, member.id]);
  });

  it('refuses a drafter changing roles', async () => {
    expectProblem(await setRole(communeA1.id, plain.id, 'drafter', tokens.drafter!), 403, 'forbidden');
    expectProblem(await removeRole(communeA1.id, plain.id, tokens.drafter!), 403, 'forbidden');
    expect(await rolesOf(plain.id)).toEqual([{ unit_id: communeA1.id, role: 'member' }]);
  });

  it('refuses a plain member, and a secretary of the unit above, changing roles', async () => {
    expectProblem(await setRole(communeA1.id, plain.id, 'secretary', tokens.plain!), 403, 'forbidden');
    expectProblem(await setRole(communeA1.id, plain.id, 'secretary', tokens.districtSecretary!), 403, 'forbidden');
    expectProblem(await removeRole(communeA1.id, plain.id, tokens.districtSecretary!), 403, 'forbidden');
  });

  it('answers 404 to a secretary acting on a unit they cannot see', async () => {
    expectProblem(await setRole(communeB1.id, plain.id, 'member', tokens.secretary!), 404, 'not_found');
    expectProblem(await removeRole(communeB1.id, plain.id, tokens.secretary!), 404, 'not_found');
  });

  it('answers 404 for an unknown unit, member or membership', async () => {
    expectProblem(await setRole(randomUUID(), plain.id, 'member', t.adminToken), 404, 'not_found');
    expectProblem(await setRole(communeA1.id, randomUUID(), 'member', t.adminToken), 404, 'not_found');
    expectProblem(await removeRole(randomUUID(), plain.id, t.adminToken), 404, 'not_found');
    expectProblem(await removeRole(communeA2.id, plain.id, t.adminToken), 404, 'not_found');
  });

  it('refuses a malformed body or path', async () => {
    expectProblem(await setRole(communeA1.id, plain.id, 'boss', t.adminToken), 400, 'validation_failed');
    expectProblem(
      await t.request({ method: 'PUT', url: `/api/v1/units/${communeA1.id}/members/${plain.id}`, payload: {}, token: t.adminToken }),
      400,
      'validation_failed',
    );
    expectProblem(await setRole('nope', plain.id, 'member', t.adminToken), 400, 'validation_failed');
    expectProblem(await removeRole(communeA1.id, 'nope', t.adminToken), 400, 'validation_failed');
  });
});
