import { brotliDecompressSync, gunzipSync } from 'node:zlib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Unit } from '../../server/db/units.repository.js';
import { makeMember, makeUnit, type TestMember, signIn } from '../helpers/factories.js';
import { expectProblem, startTestApp, type TestApp } from '../helpers/test-app.js';

let t: TestApp;
let district: Unit, commune: Unit, otherCommune: Unit;
let drafter: TestMember, member: TestMember, districtDrafter: TestMember, districtMember: TestMember, stranger: TestMember;
let tok: Record<string, string> = {};

beforeAll(async () => {
  t = await startTestApp();
  const db = t.database.db;
  district = await makeUnit(db, { level: 'district' });
  commune = await makeUnit(db, { parent: district });
  otherCommune = await makeUnit(db, { parent: district });
  drafter = await makeMember(db, { roles: [[commune, 'drafter']] });
  member = await makeMember(db, { roles: [[commune, 'member']] });
  districtDrafter = await makeMember(db, { roles: [[district, 'drafter']] });
  districtMember = await makeMember(db, { roles: [[district, 'member']] });
  stranger = await makeMember(db, { roles: [[otherCommune, 'secretary']] });
  tok = await signIn(t, [drafter, member, districtDrafter, districtMember, stranger]);
});
afterAll(async () => t.close());

const create = (token: string | undefined, payload: unknown) => t.request({ method: 'POST', url: '/api/v1/documents', token, payload: payload as object });

describe('documents', () => {
  it('creates from Markdown, with sections, and shows it to those who may see it', async () => {
    const response = await create(tok[drafter.id], {
      unitId: commune.id,
      title: '  Dự thảo Báo cáo chính trị ',
      maxRounds: 2,
      content: { format: 'markdown', value: '# I. Kinh tế\nTăng trưởng **8%**.\n\n- Nông nghiệp\n- Dịch vụ' },
    });
    expect(response.statusCode).toBe(201);
    const document = response.json();
    expect(document).toMatchObject({ unitId: commune.id, title: 'Dự thảo Báo cáo chính trị', status: 'drafting', maxRounds: 2, currentRound: 0 });
    const content = (await t.request({ method: 'GET', url: `/api/v1/documents/${document.id}/content`, token: tok[member.id] })).json();
    expect(content).toEqual({
      text: 'I. Kinh tế\nTăng trưởng 8%.\nNông nghiệp\nDịch vụ\n',
      sections: [{ path: 'I', title: 'I. Kinh tế', level: 1, start: 0, end: 'I. Kinh tế\nTăng trưởng 8%.\nNông nghiệp\nDịch vụ\n'.length }],
    });
    for (const viewer of [drafter, member, districtDrafter]) {
      expect((await t.request({ method: 'GET', url: `/api/v1/documents/${document.id}`, token: tok[viewer.id] })).statusCode).toBe(200);
      const listed = (await t.request({ method: 'GET', url: `/api/v1/documents?unitId=${commune.id}`, token: tok[viewer.id] })).json();
      expect(listed.map((d: { id: string }) => d.id)).toContain(document.id);
    }
    // A plain member of the district is not a reader of the communes' drafts; nor is a sibling unit.
    for (const outsider of [districtMember, stranger]) {
      expectProblem(await t.request({ method: 'GET', url: `/api/v1/documents/${document.id}`, token: tok[outsider.id] }), 404, 'not_found');
      expect((await t.request({ method: 'GET', url: '/api/v1/documents', token: tok[outsider.id] })).json()).toEqual([]);
    }
    expectProblem(await t.request({ method: 'GET', url: `/api/v1/documents/${document.id}`, token: t.adminToken }), 404, 'not_found');
  });

  it('creates from text and from ProseMirror JSON, normalising to NFC', async () => {
    const decomposed = 'Kinh te\u0302\u0301'.normalize('NFD');
    const fromText = (await create(tok[drafter.id], { unitId: commune.id, title: 'T', content: { format: 'text', value: `Dòng một\n\n${decomposed}` } })).json();
    const text = (await t.request({ method: 'GET', url: `/api/v1/documents/${fromText.id}/content`, token: tok[drafter.id] })).json().text;
    expect(text).toBe(`Dòng một\n${decomposed.normalize('NFC')}\n`);
    const fromProseMirror = await create(tok[drafter.id], {
      unitId: commune.id,
      title: 'P',
      content: { format: 'prosemirror', value: { type: 'doc', content: [{ type: 'heading', attrs: { level: 2 }, content: [{ type: 'text', text: 'Mục 1' }] }] } },
    });
    expect(fromProseMirror.statusCode).toBe(201);
  });

  it('compresses answers for clients that accept it (weak connections)', async () => {
    const id = (await create(tok[drafter.id], { unitId: commune.id, title: 'Dài', content: { format: 'text', value: 'Một đoạn văn khá dài.\n'.repeat(500) } })).json().id;
    const url = `/api/v1/documents/${id}/content`;
    const plain = await t.request({ method: 'GET', url, token: tok[drafter.id] });
    const br = await t.request({ method: 'GET', url, token: tok[drafter.id], headers: { 'accept-encoding': 'br, gzip' } });
    expect(br.headers['content-encoding']).toBe('br');
    expect(br.rawPayload.length).toBeLessThan(plain.rawPayload.length / 5);
    expect(JSON.parse(brotliDecompressSync(br.rawPayload).toString('utf8'))).toEqual(plain.json());
    const gz = await t.request({ method: 'GET', url, token: tok[drafter.id], headers: { 'accept-encoding': 'gzip' } });
    expect(gz.headers['content-encoding']).toBe('gzip');
    expect(JSON.parse(gunzipSync(gz.rawPayload).toString('utf8'))).toEqual(plain.json());
  });

  it('refuses bad input, the wrong role and unknown units', async () => {
    expectProblem(await create(tok[member.id], { unitId: commune.id, title: 'x' }), 403, 'forbidden');
    expectProblem(await create(tok[districtDrafter.id], { unitId: commune.id, title: 'x' }), 403, 'forbidden');
    expectProblem(await create(tok[drafter.id], { unitId: crypto.randomUUID(), title: 'x' }), 404, 'not_found');
    expectProblem(await create(tok[drafter.id], { unitId: commune.id, title: '' }), 400, 'validation_failed');
    expectProblem(await create(tok[drafter.id], { unitId: commune.id, title: 'x', maxRounds: 0 }), 400, 'validation_failed');
    expectProblem(await create(tok[drafter.id], { unitId: commune.id, title: 'x', content: { format: 'docx', value: '' } }), 400, 'validation_failed');
    expectProblem(
      await create(tok[drafter.id], { unitId: commune.id, title: 'x', content: { format: 'prosemirror', value: { type: 'doc', content: [{ type: 'image' }] } } }),
      400,
      'validation_failed',
    );
    expectProblem(await create(tok[drafter.id], { unitId: commune.id, title: 'x', content: { format: 'text', value: 'a\n'.repeat(1_100_000) } }), 413, 'too_large');
    expectProblem(await create(undefined, { unitId: commune.id, title: 'x' }), 401, 'unauthenticated');
    expectProblem(await t.request({ method: 'GET', url: `/api/v1/documents/${crypto.randomUUID()}`, token: tok[drafter.id] }), 404, 'not_found');
    expectProblem(await t.request({ method: 'GET', url: '/api/v1/documents?unitId=nope', token: tok[drafter.id] }), 400, 'validation_failed');
  });
});
