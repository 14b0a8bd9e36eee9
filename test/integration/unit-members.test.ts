/**
 * A unit's members and their activation codes (API.md "People and notifications"):
 * `GET /units/:id/members` for the unit's staff and admins, `POST /units/:id/activations` for
 * admins and the unit's secretary.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { makeMember, makeUnit, reloadUnit, type TestMember } from '../helpers/factories.js';
import { expectProblem, startTestApp, type TestApp } from '../helpers/test-app.js';

let t: TestApp;
beforeAll(async () => {
  t = await startTestApp();
});
afterAll(async () => t.close());

interface Imported {
  unitId: string;
  codes: Map<string, string>;
  secretary: TestMember;
}

/** A commune with two members imported without a password, a drafter and a secretary. */
async function commune(prefix: string): Promise<Imported> {
  const answer = await t.request({
    method: 'POST',
    url: '/api/v1/import',
    token: t.adminToken,
    payload: {
      units: [{ key: `${prefix}-xa`, name: 'Đảng ủy xã Minh Sơn', level: 'commune', parentKey: null }],
      members: [
        { login: `${prefix}.an`, displayName: 'Hoàng Văn An', unitKey: `${prefix}-xa`, role: 'member' },
        { login: `${prefix}.binh`, displayName: 'Vũ Thị Bình', unitKey: `${prefix}-xa`, role: 'member' },
        { login: `${prefix}.soan`, displayName: 'Trần Thị Soạn', password: 'mat-khau-ban-dau', unitKey: `${prefix}-xa`, role: 'drafter' },
      ],
    },
  });
  expect(answer.statusCode, answer.body).toBe(200);
  const { id } = await t.database.db.selectFrom('units').select('id').where('import_key', '=', `${prefix}-xa`).executeTakeFirstOrThrow();
  const unit = await reloadUnit(t.database.db, id);
  const secretary = await makeMember(t.database.db, { roles: [[unit, 'secretary']] });
  return { unitId: unit.id, codes: new Map(answer.json().activations.map((a: { login: string; code: string }) => [a.login, a.code])), secretary };
}

const activate = (login: string, code: string) => t.request({ method: 'POST', url: '/api/v1/auth/activate', payload: { login, code, password: 'mat-khau-moi-1' } });

describe('GET /units/:id/members', () => {
  it('lists the unit’s members with role and activation, for its staff and admins only', async () => {
    const c = await commune('m');
    const drafterToken = await t.tokenFor({ login: 'm.soan' }, 'mat-khau-ban-dau');
    for (const token of [t.adminToken, drafterToken]) {
      const response = await t.request({ method: 'GET', url: `/api/v1/units/${c.unitId}/members`, token });
      expect(response.statusCode, response.body).toBe(200);
      const members = response.json().members as Array<{ login: string; role: string; activated: boolean; displayName: string }>;
      expect(members.map((m) => [m.login, m.role, m.activated])).toEqual(
        expect.arrayContaining([
          ['m.an', 'member', false],
          ['m.binh', 'member', false],
          ['m.soan', 'drafter', true],
          [c.secretary.login, 'secretary', true],
        ]),
      );
      expect(members).toHaveLength(4);
    }
    // A plain member of the unit sees the unit but not its list; a stranger does not see the unit.
    expect((await activate('m.an', c.codes.get('m.an')!)).statusCode).toBe(200);
    const memberToken = await t.tokenFor({ login: 'm.an' }, 'mat-khau-moi-1');
    expectProblem(await t.request({ method: 'GET', url: `/api/v1/units/${c.unitId}/members`, token: memberToken }), 403, 'forbidden');
    const stranger = await makeMember(t.database.db, { roles: [[await makeUnit(t.database.db), 'secretary']] });
    expectProblem(await t.request({ method: 'GET', url: `/api/v1/units/${c.unitId}/members`, token: await t.tokenFor(stranger) }), 404, 'not_found');
    expectProblem(await t.request({ method: 'GET', url: `/api/v1/units/${c.unitId}/members` }), 401, 'unauthenticated');
  });
});

describe('POST /units/:id/activations', () => {
  it('reissues codes to the members without a password; earlier codes stop working', async () => {
    const c = await commune('r');
    const response = await t.request({ method: 'POST', url: `/api/v1/units/${c.unitId}/activations`, token: await t.tokenFor(c.secretary), payload: {} });
    expect(response.statusCode, response.body).toBe(200);
    const fresh = new Map<string, string>(response.json().activations.map((a: { login: string; code: string }) => [a.login, a.code]));
    expect([...fresh.keys()].sort()).toEqual(['r.an', 'r.binh']);
    expectProblem(await activate('r.an', c.codes.get('r.an')!), 401, 'unauthenticated');
    expect((await activate('r.an', fresh.get('r.an')!)).statusCode).toBe(200);
  });

  it('reissues only to the members named, and refuses one who is not a member of the unit', async () => {
    const c = await commune('s');
    const members = (await t.request({ method: 'GET', url: `/api/v1/units/${c.unitId}/members`, token: t.adminToken })).json().members as Array<{ id: string; login: string }>;
    const an = members.find((m) => m.login === 's.an')!;
    const response = await t.request({ method: 'POST', url: `/api/v1/units/${c.unitId}/activations`, token: t.adminToken, payload: { memberIds: [an.id] } });
    expect(response.json().activations.map((a: { login: string }) => a.login)).toEqual(['s.an']);
    // s.binh's first code still works.
    expect((await activate('s.binh', c.codes.get('s.binh')!)).statusCode).toBe(200);
    const outsider = await makeMember(t.database.db);
    expectProblem(
      await t.request({ method: 'POST', url: `/api/v1/units/${c.unitId}/activations`, token: t.adminToken, payload: { memberIds: [outsider.id] } }),
      404,
      'not_found',
    );
    expectProblem(await t.request({ method: 'POST', url: `/api/v1/units/${c.unitId}/activations`, token: t.adminToken, payload: { memberIds: ['nope'] } }), 400, 'validation_failed');
  });

  it('is refused to the unit’s drafter (403)', async () => {
    const c = await commune('u');
    const drafterToken = await t.tokenFor({ login: 'u.soan' }, 'mat-khau-ban-dau');
    expectProblem(await t.request({ method: 'POST', url: `/api/v1/units/${c.unitId}/activations`, token: drafterToken, payload: {} }), 403, 'forbidden');
  });
});
