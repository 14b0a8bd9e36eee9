import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { makeMember, makeUnit } from '../helpers/factories.js';
import { expectProblem, startTestApp, type TestApp } from '../helpers/test-app.js';

interface ImportBody {
  units: Array<{ key: string; name: string; level: string; parentKey: string | null }>;
  members: Array<{ login: string; displayName: string; password?: string; unitKey: string; role: 'member' | 'drafter' | 'secretary' }>;
}
interface ImportAnswer {
  units: { created: number; updated: number };
  members: { created: number; updated: number };
  memberships: number;
  activations: Array<{ login: string; code: string }>;
}

const password = 'mat-khau-ban-dau';

/** Province → 2 districts → 3 communes, and a cell under one commune. */
function tree(prefix: string): ImportBody {
  const k = (key: string) => `${prefix}-${key}`;
  return {
    units: [
      { key: k('tinh'), name: 'Tỉnh ủy Minh Hà', level: 'province', parentKey: null },
      { key: k('dong-son'), name: 'Huyện ủy Đông Sơn', level: 'district', parentKey: k('tinh') },
      { key: k('tan-phuoc'), name: 'Huyện ủy Tân Phước', level: 'district', parentKey: k('tinh') },
      // Listed before its parent on purpose: the import orders units itself.
      { key: k('chi-bo-1'), name: 'Chi bộ thôn Trung', level: 'cell', parentKey: k('minh-son') },
      { key: k('minh-son'), name: 'Đảng ủy xã Minh Sơn', level: 'commune', parentKey: k('dong-son') },
      { key: k('tan-lap'), name: 'Đảng ủy xã Tân Lập', level: 'commune', parentKey: k('dong-son') },
      { key: k('phuoc-an'), name: 'Đảng ủy xã Phước An', level: 'commune', parentKey: k('tan-phuoc') },
    ],
    members: [
      { login: `${prefix}.tinh`, displayName: 'Lê Văn Tỉnh', password, unitKey: k('tinh'), role: 'secretary' },
      { login: `${prefix}.huyen`, displayName: 'Phạm Thị Huyền', password, unitKey: k('dong-son'), role: 'secretary' },
      { login: `${prefix}.xa`, displayName: 'Nguyễn Văn Thư', unitKey: k('minh-son'), role: 'drafter' },
      { login: `${prefix}.dv1`, displayName: 'Hoàng Văn An', unitKey: k('minh-son'), role: 'member' },
      { login: `${prefix}.dv2`, displayName: 'Vũ Thị Bình', unitKey: k('tan-lap'), role: 'member' },
      { login: `${prefix}.chibo`, displayName: 'Bùi Quang Cường', password, unitKey: k('chi-bo-1'), role: 'member' },
      { login: `${prefix}.phuoc`, displayName: 'Đinh Văn Lập', unitKey: k('phuoc-an'), role: 'secretary' },
    ],
  };
}

let t: TestApp;
beforeAll(async () => {
  t = await startTestApp();
});
afterAll(async () => t.close());

const runImport = (body: unknown, token = t.adminToken) => t.request({ method: 'POST', url: '/api/v1/import', token, payload: body as object });

async function importOk(body: ImportBody): Promise<ImportAnswer> {
  const response = await runImport(body);
  expect(response.statusCode, response.body).toBe(200);
  return response.json() as ImportAnswer;
}

async function unitId(key: string): Promise<string> {
  const row = await t.database.db.selectFrom('units').select('id').where('import_key', '=', key).executeTakeFirstOrThrow();
  return row.id;
}

async function rowCounts(): Promise<Record<string, number>> {
  const counts: Record<string, number> = {};
  for (const table of ['units', 'members', 'memberships', 'activation_codes'] as const) {
    const row = await t.database.db.selectFrom(table).select((eb) => eb.fn.countAll<number>().as('n')).executeTakeFirstOrThrow();
    counts[table] = row.n;
  }
  return counts;
}

const activate = (body: { login: string; code: string; password: string }) =>
  t.request({ method: 'POST', url: '/api/v1/auth/activate', payload: body });

describe('POST /api/v1/import', () => {
  it('creates a tree with its members and roles', async () => {
    const body = tree('a');
    const answer = await importOk(body);
    expect(answer.units).toEqual({ created: 7, updated: 0 });
    expect(answer.members).toEqual({ created: 7, updated: 0 });
    expect(answer.memberships).toBe(7);

    const province = await unitId('a-tinh');
    const district = await unitId('a-dong-son');
    const commune = await unitId('a-minh-son');
    const cell = await unitId('a-chi-bo-1');
    const get = async (id: string) => (await t.request({ method: 'GET', url: `/api/v1/units/${id}`, token: t.adminToken })).json();
    expect(await get(province)).toEqual({ id: province, name: 'Tỉnh ủy Minh Hà', level: 'province', parentId: null });
    expect(await get(district)).toMatchObject({ parentId: province, name: 'Huyện ủy Đông Sơn' });
    expect(await get(commune)).toMatchObject({ parentId: district });
    expect(await get(cell)).toMatchObject({ parentId: commune, level: 'cell' });

    const children = await t.request({ method: 'GET', url: `/api/v1/units/${district}/children`, token: t.adminToken });
    expect((children.json() as Array<{ name: string }>).map((c) => c.name).sort()).toEqual(['Đảng ủy xã Minh Sơn', 'Đảng ủy xã Tân Lập']);

    const secretary = await t.tokenFor({ login: 'a.huyen' }, password);
    const me = (await t.request({ method: 'GET', url: '/api/v1/me', token: secretary })).json();
    expect(me.member.displayName).toBe('Phạm Thị Huyền');
    expect(me.memberships).toEqual([{ unitId: district, role: 'secretary', path: [province, district] }]);
  });

  it('gives an activation code to each member imported without a password, and only to them', async () => {
    const answer = await importOk(tree('b'));
    expect(answer.activations.map((a) => a.login).sort()).toEqual(['b.dv1', 'b.dv2', 'b.phuoc', 'b.xa']);
    for (const { code } of answer.activations) expect(code).toMatch(/^[A-Z2-9]{4}-[A-Z2-9]{4}-[A-Z2-9]{4}$/);
    const pending = await t.database.db.selectFrom('members').select('login').where('password_hash', 'is', null).where('login', 'like', 'b.%').execute();
    expect(pending.map((p) => p.login).sort()).toEqual(['b.dv1', 'b.dv2', 'b.phuoc', 'b.xa']);
  });

  it('creates nothing new when the same body is imported again', async () => {
    const body = tree('c');
    await importOk(body);
    const before = await rowCounts();
    const again = await importOk(body);
    expect(again.units).toEqual({ created: 0, updated: 7 });
    expect(again.members).toEqual({ created: 0, updated: 7 });
    expect(again.memberships).toBe(7);
    expect(await rowCounts()).toEqual(before);
  });

  it('updates names and roles on re-import', async () => {
    const body = tree('d');
    await importOk(body);
    body.units.find((u) => u.key === 'd-tan-lap')!.name = 'Đảng ủy xã Tân Lập Mới';
    body.members.find((m) => m.login === 'd.dv2')!.role = 'drafter';
    body.members.find((m) => m.login === 'd.huyen')!.displayName = 'Phạm Thị Huyền Trang';
    const answer = await importOk(body);
    expect(answer.units.created).toBe(0);
    expect(answer.members.created).toBe(0);

    const tanLap = await unitId('d-tan-lap');
    const unit = await t.request({ method: 'GET', url: `/api/v1/units/${tanLap}`, token: t.adminToken });
    expect(unit.json().name).toBe('Đảng ủy xã Tân Lập Mới');
    const role = await t.database.db
      .selectFrom('memberships as ms')
      .innerJoin('members as m', 'm.id', 'ms.member_id')
      .select('ms.role')
      .where('m.login', '=', 'd.dv2')
      .execute();
    expect(role).toEqual([{ role: 'drafter' }]);
    const me = (await t.request({ method: 'GET', url: '/api/v1/me', token: await t.tokenFor({ login: 'd.huyen' }, password) })).json();
    expect(me.member.displayName).toBe('Phạm Thị Huyền Trang');
  });

  it('keeps a member’s password when a re-import gives none', async () => {
    const body = tree('e');
    await importOk(body);
    for (const m of body.members) delete m.password;
    const answer = await importOk(body);
    expect(answer.activations.map((a) => a.login)).not.toContain('e.huyen');
    await t.tokenFor({ login: 'e.huyen' }, password);
  });

  it('moves a unit and its whole subtree to another parent on re-import', async () => {
    const body = tree('f');
    await importOk(body);
    const province = await unitId('f-tinh');
    const dongSon = await unitId('f-dong-son');
    const tanPhuoc = await unitId('f-tan-phuoc');
    const minhSon = await unitId('f-minh-son');
    const cell = await unitId('f-chi-bo-1');
    const cellMember = await t.tokenFor({ login: 'f.chibo' }, password);
    expect((await t.request({ method: 'GET', url: `/api/v1/units/${dongSon}`, token: cellMember })).statusCode).toBe(200);

    body.units.find((u) => u.key === 'f-minh-son')!.parentKey = 'f-tan-phuoc';
    const answer = await importOk(body);
    expect(answer.units).toEqual({ created: 0, updated: 7 });

    const moved = await t.request({ method: 'GET', url: `/api/v1/units/${minhSon}`, token: t.adminToken });
    expect(moved.json().parentId).toBe(tanPhuoc);
    const cellUnit = await t.request({ method: 'GET', url: `/api/v1/units/${cell}`, token: t.adminToken });
    expect(cellUnit.json().parentId).toBe(minhSon);
    const path = await t.database.db.selectFrom('units').select(sql<string>`path::text`.as('path')).where('id', '=', cell).executeTakeFirstOrThrow();
    expect(path.path).toBe([province, tanPhuoc, minhSon, cell].map((id) => id.replaceAll('-', '')).join('.'));

    // The member of the moved cell now sees the new chain above, and no longer the old district.
    for (const id of [province, tanPhuoc, minhSon, cell]) {
      expect((await t.request({ method: 'GET', url: `/api/v1/units/${id}`, token: cellMember })).statusCode).toBe(200);
    }
    expectProblem(await t.request({ method: 'GET', url: `/api/v1/units/${dongSon}`, token: cellMember }), 404, 'not_found');
    const dongSonChildren = await t.request({ method: 'GET', url: `/api/v1/units/${dongSon}/children`, token: t.adminToken });
    expect((dongSonChildren.json() as Array<{ id: string }>).map((c) => c.id)).not.toContain(minhSon);
  });

  it('accepts parents and member units imported earlier without repeating them', async () => {
    await importOk(tree('g'));
    const answer = await importOk({
      units: [{ key: 'g-new-commune', name: 'Đảng ủy xã Mới', level: 'commune', parentKey: 'g-dong-son' }],
      members: [
        { login: 'g.new1', displayName: 'Người Mới', unitKey: 'g-new-commune', role: 'member' },
        { login: 'g.new2', displayName: 'Người Mới Hai', unitKey: 'g-tinh', role: 'drafter' },
      ],
    });
    expect(answer.units).toEqual({ created: 1, updated: 0 });
    expect(answer.members).toEqual({ created: 2, updated: 0 });
    const created = await t.request({ method: 'GET', url: `/api/v1/units/${await unitId('g-new-commune')}`, token: t.adminToken });
    expect(created.json().parentId).toBe(await unitId('g-dong-son'));
  });

  it('imports a few thousand members in one request', async () => {
    const units = [
      { key: 'big-root', name: 'Tỉnh ủy Lớn', level: 'province', parentKey: null },
      ...Array.from({ length: 20 }, (_, i) => ({ key: `big-${i}`, name: `Đảng ủy xã Số ${i + 1}`, level: 'commune', parentKey: 'big-root' })),
    ];
    const members = Array.from({ length: 3000 }, (_, i) => ({
      login: `big.${i}`,
      displayName: `Đảng viên Số ${i}`,
      unitKey: `big-${i % 20}`,
      role: (i % 50 === 0 ? 'secretary' : 'member') as 'secretary' | 'member',
    }));
    const before = await rowCounts();
    const answer = await importOk({ units, members });
    expect(answer.members).toEqual({ created: 3000, updated: 0 });
    expect(answer.activations).toHaveLength(3000);
    const after = await rowCounts();
    expect(after.members! - before.members!).toBe(3000);
    expect(after.memberships! - before.memberships!).toBe(3000);
    expect(after.units! - before.units!).toBe(21);
  });
});

describe('activation codes', () => {
  it('sets the password once; the code fails on a second use; login then works', async () => {
    const answer = await importOk(tree('h'));
    const { code } = answer.activations.find((a) => a.login === 'h.xa')!;
    expectProblem(await t.request({ method: 'POST', url: '/api/v1/auth/login', payload: { login: 'h.xa', password: 'mat-khau-moi-1' } }), 401, 'unauthenticated');

    const first = await activate({ login: 'H.XA', code: code.toLowerCase(), password: 'mat-khau-moi-1' });
    expect(first.statusCode, first.body).toBe(200);
    const session = first.json();
    expect(session.member.login).toBe('h.xa');
    expect((await t.request({ method: 'GET', url: '/api/v1/me', token: session.token })).statusCode).toBe(200);

    expectProblem(await activate({ login: 'h.xa', code, password: 'mat-khau-moi-2' }), 401, 'unauthenticated');
    await t.tokenFor({ login: 'h.xa' }, 'mat-khau-moi-1');
    expectProblem(await t.request({ method: 'POST', url: '/api/v1/auth/login', payload: { login: 'h.xa', password: 'mat-khau-moi-2' } }), 401, 'unauthenticated');
  });

  it('refuses a wrong code, another member’s code, and an expired code', async () => {
    const answer = await importOk(tree('i'));
    const code = (login: string) => answer.activations.find((a) => a.login === login)!.code;
    expectProblem(await activate({ login: 'i.xa', code: 'AAAA-BBBB-CCCC', password: 'mat-khau-moi-1' }), 401, 'unauthenticated');
    expectProblem(await activate({ login: 'i.xa', code: code('i.dv1'), password: 'mat-khau-moi-1' }), 401, 'unauthenticated');
    expectProblem(await activate({ login: 'nobody.here', code: code('i.dv1'), password: 'mat-khau-moi-1' }), 401, 'unauthenticated');

    const member = await t.database.db.selectFrom('members').select('id').where('login', '=', 'i.dv2').executeTakeFirstOrThrow();
    await sql`update activation_codes set expires_at = now() - interval '1 minute' where member_id = ${member.id}`.execute(t.database.db);
    expectProblem(await activate({ login: 'i.dv2', code: code('i.dv2'), password: 'mat-khau-moi-1' }), 401, 'unauthenticated');

    // The code of i.xa was not used up by the failures above.
    expect((await activate({ login: 'i.xa', code: code('i.xa'), password: 'mat-khau-moi-1' })).statusCode).toBe(200);
  });

  it('a re-import keeps every unexpired code valid and issues codes only to new members and expired ones', async () => {
    const body = tree('j');
    const first = await importOk(body);
    const code = (login: string) => first.activations.find((a) => a.login === login)!.code;
    const expired = await t.database.db.selectFrom('members').select('id').where('login', '=', 'j.dv2').executeTakeFirstOrThrow();
    await sql`update activation_codes set expires_at = now() - interval '1 minute' where member_id = ${expired.id}`.execute(t.database.db);
    body.members.push({ login: 'j.new', displayName: 'Người mới', unitKey: 'j-minh-son', role: 'member' });

    const second = await importOk(body);
    expect(second.activations.map((a) => a.login).sort()).toEqual(['j.dv2', 'j.new']);
    // The letters already handed out still work …
    expect((await activate({ login: 'j.xa', code: code('j.xa'), password: 'mat-khau-moi-1' })).statusCode).toBe(200);
    expect((await activate({ login: 'j.dv1', code: code('j.dv1'), password: 'mat-khau-moi-1' })).statusCode).toBe(200);
    // … and so do the new ones.
    for (const { login, code: fresh } of second.activations) expect((await activate({ login, code: fresh, password: 'mat-khau-moi-1' })).statusCode).toBe(200);
    // An activated member gets no new code.
    expect((await importOk(body)).activations.map((a) => a.login)).not.toContain('j.xa');
  });

  it('rejects a malformed activation body', async () => {
    expectProblem(await activate({ login: 'h.xa', code: 'AAAA-BBBB-CCCC', password: 'short' }), 400, 'validation_failed');
    expectProblem(await t.request({ method: 'POST', url: '/api/v1/auth/activate', payload: { login: 'h.xa' } }), 400, 'validation_failed');
  });
});

describe('import refusals', () => {
  const base = (): ImportBody => ({
    units: [
      { key: 'x-root', name: 'Tỉnh', level: 'province', parentKey: null },
      { key: 'x-child', name: 'Huyện', level: 'district', parentKey: 'x-root' },
    ],
    members: [{ login: 'x.one', displayName: 'Một', unitKey: 'x-child', role: 'member' }],
  });

  async function refused(body: ImportBody, ...mentions: string[]): Promise<void> {
    const before = await rowCounts();
    const detail = String(expectProblem(await runImport(body), 400, 'validation_failed').detail);
    for (const mention of mentions) expect(detail).toContain(mention);
    expect(await rowCounts()).toEqual(before);
  }

  it('refuses an unknown parentKey, naming it', async () => {
    const body = base();
    body.units[1]!.parentKey = 'x-missing';
    await refused(body, 'parentKey "x-missing"');
  });

  it('refuses an unknown unitKey, naming it', async () => {
    const body = base();
    body.members[0]!.unitKey = 'x-nowhere';
    await refused(body, 'unitKey "x-nowhere"');
  });

  it('refuses a cycle, naming a unit in it', async () => {
    const body = base();
    body.units[0]!.parentKey = 'x-child';
    await refused(body, 'its own ancestor');
  });

  it('refuses a duplicate key, naming it', async () => {
    const body = base();
    body.units.push({ key: 'x-child', name: 'Huyện khác', level: 'district', parentKey: 'x-root' });
    await refused(body, 'key "x-child" appears twice');
  });

  it('refuses a move that would put a unit under its own descendant', async () => {
    await importOk(tree('k'));
    const before = await rowCounts();
    const district = await unitId('k-dong-son');
    const response = await runImport({ units: [{ key: 'k-dong-son', name: 'Huyện ủy Đông Sơn', level: 'district', parentKey: 'k-minh-son' }], members: [] });
    expect(String(expectProblem(response, 400, 'validation_failed').detail)).toContain('k-dong-son');
    expect(await rowCounts()).toEqual(before);
    const unchanged = await t.request({ method: 'GET', url: `/api/v1/units/${district}`, token: t.adminToken });
    expect(unchanged.json().parentId).toBe(await unitId('k-tinh'));
  });

  it('refuses a login that is not a valid login', async () => {
    const body = base();
    body.members[0]!.login = 'has space';
    await refused(body, 'login "has space"');
  });

  it('refuses a blank display name, naming the login', async () => {
    const body = base();
    body.members[0]!.displayName = '   ';
    await refused(body, 'displayName of "x.one" is blank');
  });

  it('refuses a malformed body', async () => {
    expectProblem(await runImport({ units: [] }), 400, 'validation_failed');
    expectProblem(await runImport({ units: [{ key: 'a', name: 'A', level: 'Province!', parentKey: null }], members: [] }), 400, 'validation_failed');
    expectProblem(await runImport({ units: [], members: [{ login: 'ab', displayName: 'A', unitKey: 'a', role: 'boss' }] }), 400, 'validation_failed');
    expectProblem(await runImport({ units: [], members: [], extra: true }), 400, 'validation_failed');
  });

  it('refuses anyone but an administrator', async () => {
    const unit = await makeUnit(t.database.db);
    const secretary = await makeMember(t.database.db, { roles: [[unit, 'secretary']] });
    expectProblem(await runImport(base(), await t.tokenFor(secretary)), 403, 'forbidden');
    expectProblem(await t.request({ method: 'POST', url: '/api/v1/import', payload: base() }), 401, 'unauthenticated');
    expectProblem(await runImport(base(), 'forged-token-forged-token-forged-token-123'), 401, 'unauthenticated');
    expect(await t.database.db.selectFrom('units').select('id').where('import_key', '=', 'x-root').executeTakeFirst()).toBeUndefined();
  });

  it('refuses an expired token', async () => {
    const admin = await makeMember(t.database.db, { isAdmin: true });
    const token = await t.tokenFor(admin);
    await t.database.db.updateTable('sessions').set({ expires_at: new Date(Date.now() - 1000) }).where('member_id', '=', admin.id).execute();
    expectProblem(await runImport(base(), token), 401, 'unauthenticated');
  });
});
