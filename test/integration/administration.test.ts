import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { makeMember, makeUnit, type TestMember, signIn } from '../helpers/factories.js';
import { pdfContent } from '../helpers/export-files.js';
import { expectProblem, startTestApp, type TestApp } from '../helpers/test-app.js';

let t: TestApp;
let secretary: TestMember, drafter: TestMember;
let communeId = '';
let tok: Record<string, string> = {};

beforeAll(async () => {
  t = await startTestApp({ env: { PUBLIC_URL: 'https://gopy.example.vn' } });
  const imported = await t.request({
    method: 'POST',
    url: '/api/v1/import',
    token: t.adminToken,
    payload: {
      units: [
        { key: 'p', name: 'Tỉnh ủy Minh Hà', level: 'province', parentKey: null },
        { key: 'x', name: 'Đảng ủy xã Minh Sơn', level: 'commune', parentKey: 'p' },
      ],
      members: [
        { login: 'an.hoang', displayName: 'Hoàng Văn An', unitKey: 'x', role: 'member' },
        { login: 'binh.vu', displayName: 'Vũ Thị Bình', unitKey: 'x', role: 'member' },
      ],
    },
  });
  expect(imported.statusCode).toBe(200);
  const roots = (await t.request({ method: 'GET', url: '/api/v1/units', token: t.adminToken })).json();
  const province = roots.find((u: { name: string }) => u.name === 'Tỉnh ủy Minh Hà');
  communeId = (await t.request({ method: 'GET', url: `/api/v1/units/${province.id}/children`, token: t.adminToken })).json()[0].id;
  const commune = { id: communeId, name: 'Đảng ủy xã Minh Sơn', level: 'commune', parentId: province.id, path: [province.id, communeId] };
  secretary = await makeMember(t.database.db, { roles: [[commune, 'secretary']] });
  drafter = await makeMember(t.database.db, { roles: [[commune, 'drafter']] });
  tok = await signIn(t, [secretary, drafter]);
});
afterAll(async () => t.close());

describe('administration', () => {
  it('starts an administrator at the roots and a secretary at their unit', async () => {
    const admin = (await t.request({ method: 'GET', url: '/api/v1/units', token: t.adminToken })).json();
    expect(admin.map((u: { name: string }) => u.name)).toEqual(['Tỉnh ủy Minh Hà']);
    expect((await t.request({ method: 'GET', url: '/api/v1/units', token: tok[secretary.id] })).json().map((u: { id: string }) => u.id)).toEqual([communeId]);
    expect((await t.request({ method: 'GET', url: '/api/v1/units', token: tok[drafter.id] })).json()).toEqual([]);
    expectProblem(await t.request({ method: 'GET', url: '/api/v1/units' }), 401, 'unauthenticated');
  });

  it('counts each tree unit\'s own members and the units directly below it', async () => {
    const [province] = (await t.request({ method: 'GET', url: '/api/v1/units', token: t.adminToken })).json();
    expect(province).toEqual({ id: expect.any(String), name: 'Tỉnh ủy Minh Hà', level: 'province', parentId: null, memberCount: 0, childCount: 1 });
    const children = (await t.request({ method: 'GET', url: `/api/v1/units/${province.id}/children`, token: t.adminToken })).json();
    // Two imported members, the secretary and the drafter.
    expect(children).toEqual([{ id: communeId, name: 'Đảng ủy xã Minh Sơn', level: 'commune', parentId: province.id, memberCount: 4, childCount: 0 }]);
    expect((await t.request({ method: 'GET', url: '/api/v1/units', token: tok[secretary.id] })).json()).toEqual(children);
  });

  it('prints one activation letter per waiting member, whose code activates the account; earlier codes stop working', async () => {
    const members = (await t.request({ method: 'GET', url: `/api/v1/units/${communeId}/members`, token: tok[secretary.id] })).json().members;
    const an = members.find((m: { login: string }) => m.login === 'an.hoang');
    const first = await t.request({ method: 'POST', url: `/api/v1/units/${communeId}/activations`, token: tok[secretary.id], payload: { memberIds: [an.id] } });
    const oldCode = first.json().activations[0].code as string;

    const response = await t.request({ method: 'POST', url: `/api/v1/units/${communeId}/activations/letters`, token: tok[secretary.id], payload: {} });
    expect(response.statusCode).toBe(200);
    expect(response.headers['content-type']).toBe('application/pdf');
    expect(response.headers['content-disposition']).toBe('attachment; filename="thu-kich-hoat.pdf"');
    const pdf = await pdfContent(response.rawPayload);
    expect(pdf.pages).toBe(2);
    const text = pdf.text.replace(/\s+/g, ' ');
    expect(text).toContain('THƯ KÍCH HOẠT TÀI KHOẢN DRAFTROOM');
    expect(text).toContain('Hoàng Văn An');
    expect(text).toContain('Vũ Thị Bình');
    expect(text).toContain('https://gopy.example.vn');
    expect(text).toContain('ĐẢNG ỦY XÃ MINH SƠN');
    const codes = [...text.matchAll(/\b([A-HJ-NP-Z2-9]{4}-[A-HJ-NP-Z2-9]{4}-[A-HJ-NP-Z2-9]{4})\b/g)].map((m) => m[1]!);
    expect(codes).toHaveLength(2);
    // Letters are in the members' order (by name): An first.
    const activated = await t.request({ method: 'POST', url: '/api/v1/auth/activate', payload: { login: 'an.hoang', code: codes[0], password: 'mat-khau-moi-123' } });
    expect(activated.statusCode).toBe(200);
    expectProblem(await t.request({ method: 'POST', url: '/api/v1/auth/activate', payload: { login: 'an.hoang', code: oldCode, password: 'mat-khau-moi-456' } }), 401, 'unauthenticated');

    // Only waiting members get letters; none waiting → 409.
    expectProblem(await t.request({ method: 'POST', url: `/api/v1/units/${communeId}/activations/letters`, token: tok[secretary.id], payload: { memberIds: [an.id] } }), 409, 'conflict');
  });

  it('refuses others with exact errors', async () => {
    expectProblem(await t.request({ method: 'POST', url: `/api/v1/units/${communeId}/activations/letters`, token: tok[drafter.id], payload: {} }), 403, 'forbidden');
    expectProblem(await t.request({ method: 'POST', url: `/api/v1/units/${communeId}/activations/letters`, token: tok[secretary.id], payload: { memberIds: ['x'] } }), 400, 'validation_failed');
    expectProblem(
      await t.request({ method: 'POST', url: `/api/v1/units/${communeId}/activations/letters`, token: tok[secretary.id], payload: { memberIds: [randomUUID()] } }),
      404,
      'not_found',
    );
    const outsider = await makeMember(t.database.db, { roles: [[await makeUnit(t.database.db), 'secretary']] });
    expectProblem(await t.request({ method: 'POST', url: `/api/v1/units/${communeId}/activations/letters`, token: await t.tokenFor(outsider), payload: {} }), 404, 'not_found');
  });
});

describe('spreadsheet import', () => {
  const b64 = (text: string) => Buffer.from(text, 'utf8').toString('base64');
  const sheet = (payload: Record<string, unknown>, token = t.adminToken) => t.request({ method: 'POST', url: '/api/v1/import/sheet', token, payload });

  it('previews a CSV with a problem per bad row and imports nothing', async () => {
    const csv = [
      'Mã đơn vị;Tên đơn vị;Cấp;Đơn vị cấp trên;Tên đăng nhập;Họ tên;Vai trò',
      'h1;Huyện ủy Bắc Sơn;district;p;;;',
      'h1;;;;le.van.c;Lê Văn C;đảng viên',
      'h1;;;;le van d;Lê Văn D;member',
      'h9;;;;tran.e;Trần E;thư ký',
      'h1;;;;pham.f;;chủ tịch',
      ';;;;;;',
    ].join('\n');
    const answer = await sheet({ filename: 'danh-sach.csv', dataBase64: b64(csv), dryRun: false });
    expect(answer.statusCode).toBe(200);
    const body = answer.json();
    expect(body.imported).toBeNull();
    expect(body.counts).toEqual({ units: 1, members: 3 });
    expect(body.units[0]).toEqual({ row: 2, key: 'h1', name: 'Huyện ủy Bắc Sơn', level: 'district', parentKey: 'p' });
    expect(body.members[0]).toEqual({ row: 3, login: 'le.van.c', displayName: 'Lê Văn C', unitKey: 'h1', role: 'member' });
    expect(body.problems.map(({ row, column, message }: { row: number; column: string | null; message: string }) => ({ row, column, message }))).toEqual([
      { row: 4, column: 'login', message: `login "le van d" must be 2–64 letters, digits, '.', '_', '@' or '-'` },
      { row: 5, column: 'unit_key', message: 'unit "h9" is neither in the file nor already imported' },
      { row: 6, column: 'display_name', message: 'display_name is empty' },
      { row: 6, column: 'role', message: 'role "chủ tịch" must be member, drafter or secretary (đảng viên, tổ soạn thảo, thư ký)' },
    ]);
    expect(body.problems[3]).toMatchObject({ code: 'bad_role', values: { role: 'chủ tịch' } });
    expect(await t.database.db.selectFrom('units').select('id').where('import_key', '=', 'h1').execute()).toEqual([]);
    expect(await t.database.db.selectFrom('members').select('id').where('login', '=', 'le.van.c').execute()).toEqual([]);
  });

  it('imports an XLSX that has no problems, after a dry run that imported nothing', async () => {
    const ExcelJS = (await import('exceljs')).default;
    const workbook = new ExcelJS.Workbook();
    const ws = workbook.addWorksheet('Danh sách');
    ws.addRow(['unit_key', 'unit_name', 'level', 'parent_key', 'login', 'display_name', 'role']);
    ws.addRow(['x2', 'Đảng ủy xã Tân Lập', 'commune', 'p', '', '', '']);
    ws.addRow(['x2', '', '', '', 'ngo.lan', 'Ngô Thị Lan', 'thư ký']);
    ws.addRow(['x2', '', '', '', 'dinh.lap', 'Đinh Văn Lập', '']);
    const data = Buffer.from(await workbook.xlsx.writeBuffer()).toString('base64');
    const dry = (await sheet({ filename: 'danh-sach.xlsx', dataBase64: data, dryRun: true })).json();
    expect(dry).toMatchObject({ counts: { units: 1, members: 2 }, problems: [], imported: null });
    expect(dry.members.map((m: { role: string }) => m.role)).toEqual(['secretary', 'member']);
    const done = (await sheet({ filename: 'danh-sach.xlsx', dataBase64: data })).json();
    expect(done.imported).toMatchObject({ units: { created: 1, updated: 0 }, members: { created: 2, updated: 0 }, memberships: 2 });
    expect(done.imported.activations.map((a: { login: string }) => a.login).sort()).toEqual(['dinh.lap', 'ngo.lan']);
  });

  it('refuses others and unreadable files with exact errors', async () => {
    expectProblem(await sheet({ filename: 'a.csv', dataBase64: b64('unit_key,login\n') }, tok[secretary.id]), 403, 'forbidden');
    expectProblem(await sheet({ filename: 'a.xlsx', dataBase64: b64('not a zip') }), 400, 'validation_failed');
    expectProblem(await sheet({ filename: 'a.xlsx', dataBase64: Buffer.from('PK\u0003\u0004garbage').toString('base64') }), 400, 'validation_failed');
    expectProblem(await sheet({ filename: 'a.csv', dataBase64: '***' }), 400, 'validation_failed');
    const noHeader = (await sheet({ filename: 'a.csv', dataBase64: b64('foo,bar\n1,2\n') })).json();
    expect(noHeader.problems.map(({ row, column, message }: { row: number; column: string | null; message: string }) => ({ row, column, message }))).toEqual([
      { row: 1, column: 'unit_key', message: 'the header row has no "unit_key" column' },
      { row: 1, column: null, message: 'the header row needs "unit_name" (units) or "login" (members) columns' },
    ]);
  });
});
