import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Unit } from '../../server/db/units.repository.js';
import { makeMember, makeUnit, type TestMember, signIn } from '../helpers/factories.js';
import { expectProblem, startTestApp, type TestApp } from '../helpers/test-app.js';
import { appendParagraph, connectClient, eventually } from '../helpers/ws-client.js';

let t: TestApp;
let province: Unit, district: Unit, otherDistrict: Unit, commune: Unit;
let drafter: TestMember, secretary: TestMember, member: TestMember, districtMember: TestMember, communeMember: TestMember, otherMember: TestMember;
let tok: Record<string, string> = {};
const inHours = (h: number) => new Date(Date.now() + h * 3600_000).toISOString();

beforeAll(async () => {
  t = await startTestApp();
  const db = t.database.db;
  province = await makeUnit(db, { level: 'province' });
  district = await makeUnit(db, { level: 'district', parent: province });
  otherDistrict = await makeUnit(db, { level: 'district', parent: province });
  commune = await makeUnit(db, { parent: district });
  drafter = await makeMember(db, { roles: [[province, 'drafter']] });
  secretary = await makeMember(db, { roles: [[province, 'secretary']] });
  member = await makeMember(db, { roles: [[province, 'member']] });
  districtMember = await makeMember(db, { roles: [[district, 'member']] });
  communeMember = await makeMember(db, { roles: [[commune, 'member']] });
  otherMember = await makeMember(db, { roles: [[otherDistrict, 'member']] });
  tok = await signIn(t, [drafter, secretary, member, districtMember, communeMember, otherMember]);
});
afterAll(async () => t.close());

async function newDocument(options: { maxRounds?: number; text?: string } = {}): Promise<string> {
  const response = await t.request({
    method: 'POST',
    url: '/api/v1/documents',
    token: tok[drafter.id],
    payload: { unitId: province.id, title: 'Dự thảo', maxRounds: options.maxRounds ?? 3, content: { format: 'markdown', value: options.text ?? '# I. Kinh tế\nTăng trưởng 8%.\n# II. Xã hội\nGiảm nghèo.' } },
  });
  expect(response.statusCode).toBe(201);
  return response.json().id;
}

const openRound = (id: string, body: Record<string, unknown>, by = drafter) =>
  t.request({ method: 'POST', url: `/api/v1/documents/${id}/rounds`, token: tok[by.id], payload: body });

describe('versions', () => {
  it('freezes the live text under a number; later edits do not change it', async () => {
    const id = await newDocument();
    const named = await t.request({ method: 'POST', url: `/api/v1/documents/${id}/versions`, token: tok[drafter.id], payload: { label: 'Bản sơ thảo' } });
    expect(named.statusCode).toBe(201);
    expect(named.json()).toMatchObject({ number: 1, label: 'Bản sơ thảo', roundNumber: null });

    const baseUrl = await t.listen().catch(() => `http://127.0.0.1:${(t.app.server.address() as { port: number }).port}`);
    const writer = connectClient(baseUrl, id, tok[drafter.id]);
    await writer.synced;
    appendParagraph(writer.doc, 'Đoạn thêm sau phiên bản 1');
    await eventually(async () => (await t.request({ method: 'GET', url: `/api/v1/documents/${id}/content`, token: tok[member.id] })).json().text.includes('Đoạn thêm'), 'live text has the edit');
    writer.destroy();

    const v1 = (await t.request({ method: 'GET', url: `/api/v1/documents/${id}/content?version=1`, token: tok[member.id] })).json();
    expect(v1.text).toBe('I. Kinh tế\nTăng trưởng 8%.\nII. Xã hội\nGiảm nghèo.\n');
    expect(v1.sections.map((s: { path: string }) => s.path)).toEqual(['I', 'II']);
    const list = await t.request({ method: 'GET', url: `/api/v1/documents/${id}/versions`, token: tok[member.id] });
    expect(list.json().map((v: { number: number }) => v.number)).toEqual([1]);
    expectProblem(await t.request({ method: 'GET', url: `/api/v1/documents/${id}/content?version=7`, token: tok[member.id] }), 404, 'not_found');
  });

  it('answers a text’s sections without the text, as /content gives them, live and frozen', async () => {
    const id = await newDocument();
    expect((await t.request({ method: 'POST', url: `/api/v1/documents/${id}/versions`, token: tok[drafter.id], payload: { label: 'v1' } })).statusCode).toBe(201);
    for (const query of ['', '?version=1']) {
      const content = (await t.request({ method: 'GET', url: `/api/v1/documents/${id}/content${query}`, token: tok[member.id] })).json();
      const outline = await t.request({ method: 'GET', url: `/api/v1/documents/${id}/sections${query}`, token: tok[member.id] });
      expect(outline.statusCode).toBe(200);
      expect(outline.json()).toEqual({ sections: content.sections });
      expect(outline.json().sections.map((s: { title: string }) => s.title)).toEqual(['I. Kinh tế', 'II. Xã hội']);
    }
    expect(expectProblem(await t.request({ method: 'GET', url: `/api/v1/documents/${id}/sections?version=7`, token: tok[member.id] }), 404, 'not_found').detail).toMatch(/version 7/);
    expectProblem(await t.request({ method: 'GET', url: `/api/v1/documents/${id}/sections?version=0`, token: tok[member.id] }), 400, 'validation_failed');
    expectProblem(await t.request({ method: 'GET', url: `/api/v1/documents/${id}/sections`, token: tok[otherMember.id] }), 404, 'not_found');
    expectProblem(await t.request({ method: 'GET', url: `/api/v1/documents/${id}/sections` }), 401, 'unauthenticated');
  });

  it('lets only drafters and secretaries name versions', async () => {
    const id = await newDocument();
    expectProblem(await t.request({ method: 'POST', url: `/api/v1/documents/${id}/versions`, token: tok[member.id], payload: { label: 'x' } }), 403, 'forbidden');
    expectProblem(await t.request({ method: 'POST', url: `/api/v1/documents/${id}/versions`, token: tok[otherMember.id], payload: { label: 'x' } }), 404, 'not_found');
    expectProblem(await t.request({ method: 'POST', url: `/api/v1/documents/${id}/versions`, token: tok[drafter.id], payload: { label: '' } }), 400, 'validation_failed');
    expectProblem(await t.request({ method: 'POST', url: `/api/v1/documents/${id}/versions`, payload: { label: 'x' } }), 401, 'unauthenticated');
  });
});

describe('rounds', () => {
  it('opens round 1 on a frozen version, with defaults, and records events', async () => {
    const id = await newDocument();
    const closesAt = inHours(24 * 14);
    const response = await openRound(id, { closesAt });
    expect(response.statusCode).toBe(201);
    const round = response.json();
    expect(round).toMatchObject({ documentId: id, number: 1, baseVersion: 1, status: 'open', scopeUnitId: province.id, visibility: 'private', closedAt: null });
    expect(Date.parse(round.closesAt)).toBe(Date.parse(closesAt));
    const versions = (await t.request({ method: 'GET', url: `/api/v1/documents/${id}/versions`, token: tok[drafter.id] })).json();
    expect(versions).toEqual([expect.objectContaining({ number: 1, roundNumber: 1 })]);
    const doc = (await t.request({ method: 'GET', url: `/api/v1/documents/${id}`, token: tok[member.id] })).json();
    expect(doc).toMatchObject({ currentRound: 1, status: 'in_round' });
    const events = await t.database.db.selectFrom('events').select(['type']).where('document_id', '=', id).orderBy('id').execute();
    expect(events.map((e) => e.type)).toEqual(['version.created', 'round.opened']);
  });

  it('refuses a second open round, and rounds beyond maxRounds, with 409', async () => {
    const id = await newDocument({ maxRounds: 2 });
    expect((await openRound(id, { closesAt: inHours(1) })).statusCode).toBe(201);
    expectProblem(await openRound(id, { closesAt: inHours(2) }), 409, 'conflict');
    const [first] = (await t.request({ method: 'GET', url: `/api/v1/documents/${id}/rounds`, token: tok[drafter.id] })).json();
    const closed = await t.request({ method: 'POST', url: `/api/v1/rounds/${first.id}/close`, token: tok[secretary.id] });
    expect(closed.json()).toMatchObject({ status: 'closed', number: 1 });
    expect(closed.json().closedAt).not.toBeNull();
    expectProblem(await t.request({ method: 'POST', url: `/api/v1/rounds/${first.id}/close`, token: tok[secretary.id] }), 409, 'conflict');
    const second = await openRound(id, { closesAt: inHours(2), visibility: 'open' });
    expect(second.json()).toMatchObject({ number: 2, baseVersion: 2, visibility: 'open' });
    await t.request({ method: 'POST', url: `/api/v1/rounds/${second.json().id}/close`, token: tok[drafter.id] });
    expectProblem(await openRound(id, { closesAt: inHours(3) }), 409, 'conflict');
  });

  it('refuses bad input and the wrong people', async () => {
    const id = await newDocument();
    expectProblem(await openRound(id, { closesAt: 'next tuesday' }), 400, 'validation_failed');
    expectProblem(await openRound(id, { closesAt: new Date(Date.now() - 60_000).toISOString() }), 400, 'validation_failed');
    expectProblem(await openRound(id, { closesAt: inHours(1), visibility: 'public' }), 400, 'validation_failed');
    expectProblem(await openRound(id, { closesAt: inHours(1), scopeUnitId: crypto.randomUUID() }), 400, 'validation_failed');
    // The scope must be the document's unit or below it.
    const elsewhere = await makeUnit(t.database.db);
    expectProblem(await openRound(id, { closesAt: inHours(1), scopeUnitId: elsewhere.id }), 400, 'validation_failed');
    expectProblem(await openRound(id, { closesAt: inHours(1) }, member), 403, 'forbidden');
    expectProblem(await openRound(id, { closesAt: inHours(1) }, otherMember), 404, 'not_found');
    expectProblem(await t.request({ method: 'POST', url: `/api/v1/documents/${id}/rounds`, payload: { closesAt: inHours(1) } }), 401, 'unauthenticated');
    expectProblem(await openRound(crypto.randomUUID(), { closesAt: inHours(1) }), 404, 'not_found');
    expectProblem(await t.request({ method: 'GET', url: '/api/v1/rounds/not-a-uuid', token: tok[drafter.id] }), 400, 'validation_failed');
    expectProblem(await t.request({ method: 'GET', url: `/api/v1/rounds/${crypto.randomUUID()}`, token: tok[drafter.id] }), 404, 'not_found');
    const round = (await openRound(id, { closesAt: inHours(1) })).json();
    expectProblem(await t.request({ method: 'POST', url: `/api/v1/rounds/${round.id}/close`, token: tok[member.id] }), 403, 'forbidden');
    // A province-wide round makes everyone below the province a participant, who sees it but may not close it.
    expectProblem(await t.request({ method: 'POST', url: `/api/v1/rounds/${round.id}/close`, token: tok[otherMember.id] }), 403, 'forbidden');
    const outsider = await makeMember(t.database.db, { roles: [[elsewhere, 'secretary']] });
    expectProblem(await t.request({ method: 'POST', url: `/api/v1/rounds/${round.id}/close`, token: await t.tokenFor(outsider) }), 404, 'not_found');
  });

  it('closes a round at its deadline by the server’s clock', async () => {
    const id = await newDocument();
    const round = (await openRound(id, { closesAt: new Date(Date.now() + 400).toISOString() })).json();
    await eventually(async () => {
      const row = await t.database.db.selectFrom('rounds').select('status').where('id', '=', round.id).executeTakeFirstOrThrow();
      return row.status === 'closed';
    }, 'the scheduler closes the round', 5000);
    const after = (await t.request({ method: 'GET', url: `/api/v1/rounds/${round.id}`, token: tok[member.id] })).json();
    expect(after).toMatchObject({ status: 'closed', closedAt: round.closesAt });
    const doc = (await t.request({ method: 'GET', url: `/api/v1/documents/${id}`, token: tok[member.id] })).json();
    expect(doc.status).toBe('drafting');
    const types = (await t.database.db.selectFrom('events').select('type').where('round_id', '=', round.id).execute()).map((e) => e.type);
    expect(types).toEqual(['round.opened', 'round.closed']);
  });

  it('closes at start a round whose deadline passed while the server was down', async () => {
    const id = await newDocument();
    const round = (await openRound(id, { closesAt: new Date(Date.now() + 1500).toISOString() })).json();
    await t.app.close();
    await new Promise((resolve) => setTimeout(resolve, 1800));
    const before = await t.database.db.selectFrom('rounds').select('status').where('id', '=', round.id).executeTakeFirstOrThrow();
    expect(before.status).toBe('open');
    await t.restart();
    const after = await t.database.db.selectFrom('rounds').select(['status', 'closed_at']).where('id', '=', round.id).executeTakeFirstOrThrow();
    expect(after.status).toBe('closed');
    expect(after.closed_at!.toISOString()).toBe(round.closesAt);
  });
});

describe('distribution down the tree', () => {
  it('lets the scope unit and the units below it read and see the round, and nobody else outside', async () => {
    const id = await newDocument();
    for (const m of [districtMember, communeMember, otherMember]) {
      expectProblem(await t.request({ method: 'GET', url: `/api/v1/documents/${id}`, token: tok[m.id] }), 404, 'not_found');
    }
    const round = (await openRound(id, { closesAt: inHours(48), scopeUnitId: district.id })).json();
    expect(round.scopeUnitId).toBe(district.id);
    for (const m of [districtMember, communeMember]) {
      expect((await t.request({ method: 'GET', url: `/api/v1/documents/${id}`, token: tok[m.id] })).statusCode).toBe(200);
      expect((await t.request({ method: 'GET', url: `/api/v1/rounds/${round.id}`, token: tok[m.id] })).statusCode).toBe(200);
      const listed = (await t.request({ method: 'GET', url: '/api/v1/documents', token: tok[m.id] })).json();
      expect(listed.map((d: { id: string }) => d.id)).toContain(id);
      const content = await t.request({ method: 'GET', url: `/api/v1/documents/${id}/content?version=${round.baseVersion}`, token: tok[m.id] });
      expect(content.json().text).toContain('Tăng trưởng 8%.');
    }
    expectProblem(await t.request({ method: 'GET', url: `/api/v1/documents/${id}`, token: tok[otherMember.id] }), 404, 'not_found');
    expectProblem(await t.request({ method: 'GET', url: `/api/v1/rounds/${round.id}`, token: tok[otherMember.id] }), 404, 'not_found');
    const listed = (await t.request({ method: 'GET', url: '/api/v1/documents', token: tok[otherMember.id] })).json();
    expect(listed.map((d: { id: string }) => d.id)).not.toContain(id);
  });
});

describe('diff', () => {
  it('compares a version with the live draft and with another version, word by word', async () => {
    const id = await newDocument();
    await t.request({ method: 'POST', url: `/api/v1/documents/${id}/versions`, token: tok[drafter.id], payload: { label: 'v1' } });
    const baseUrl = `http://127.0.0.1:${(t.app.server.address() as { port: number } | null)?.port ?? 0}`;
    const url = t.app.server.listening ? baseUrl : await t.listen();
    const writer = connectClient(url, id, tok[drafter.id]);
    await writer.synced;
    // Change one word of section II: "Giảm nghèo." → "Giảm nghèo bền vững."
    writer.doc.transact(() => {
      const fragment = writer.doc.getXmlFragment('default');
      const paragraph = fragment.get(3) as unknown as { get(i: number): { insert(at: number, s: string): void; length: number } };
      paragraph.get(0).insert('Giảm nghèo'.length, ' bền vững');
    });
    await eventually(async () => (await t.request({ method: 'GET', url: `/api/v1/documents/${id}/content`, token: tok[member.id] })).json().text.includes('bền vững'), 'edit stored');
    writer.destroy();

    const live = await t.request({ method: 'GET', url: `/api/v1/documents/${id}/diff?from=1&to=live`, token: tok[member.id] });
    expect(live.statusCode, live.body).toBe(200);
    const diff = live.json();
    expect(diff.ops.filter((op: [number, string]) => op[0] !== 0)).toEqual([[1, ' bền vững']]);
    expect(diff.stats).toEqual({ inserted: ' bền vững'.length, deleted: 0 });
    expect(diff.sections).toEqual([{ path: 'II', inserted: ' bền vững'.length, deleted: 0 }]);
    expect(diff.html).toContain('<ins> bền vững</ins>');

    await t.request({ method: 'POST', url: `/api/v1/documents/${id}/versions`, token: tok[drafter.id], payload: { label: 'v2' } });
    const backwards = (await t.request({ method: 'GET', url: `/api/v1/documents/${id}/diff?from=2&to=1`, token: tok[member.id] })).json();
    expect(backwards.stats).toEqual({ inserted: 0, deleted: ' bền vững'.length });
    const v1 = (await t.request({ method: 'GET', url: `/api/v1/documents/${id}/content?version=1`, token: tok[member.id] })).json().text;
    expect(backwards.ops.filter((op: [number, string]) => op[0] !== -1).map((op: [number, string]) => op[1]).join('')).toBe(v1);
  });

  it('refuses unknown versions, bad parameters and outsiders', async () => {
    const id = await newDocument();
    expectProblem(await t.request({ method: 'GET', url: `/api/v1/documents/${id}/diff?from=1&to=live`, token: tok[member.id] }), 404, 'not_found');
    expectProblem(await t.request({ method: 'GET', url: `/api/v1/documents/${id}/diff?from=abc&to=live`, token: tok[member.id] }), 400, 'validation_failed');
    expectProblem(await t.request({ method: 'GET', url: `/api/v1/documents/${id}/diff?to=live`, token: tok[member.id] }), 400, 'validation_failed');
    await t.request({ method: 'POST', url: `/api/v1/documents/${id}/versions`, token: tok[drafter.id], payload: { label: 'v1' } });
    const outsider = await makeMember(t.database.db, { roles: [[await makeUnit(t.database.db), 'secretary']] });
    expectProblem(await t.request({ method: 'GET', url: `/api/v1/documents/${id}/diff?from=1&to=live`, token: await t.tokenFor(outsider) }), 404, 'not_found');
    expectProblem(await t.request({ method: 'GET', url: `/api/v1/documents/${id}/diff?from=1&to=live` }), 401, 'unauthenticated');
  });
});
