import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import mammoth from 'mammoth';
import { contentHash } from '../../server/domain/content-hash.js';
import type { Unit } from '../../server/db/units.repository.js';
import { makeMember, makeUnit, type TestMember } from '../helpers/factories.js';
import { expectProblem, startTestApp, type TestApp } from '../helpers/test-app.js';

let t: TestApp;
let province: Unit, d1: Unit, d2: Unit, d3: Unit, c1a: Unit, c1b: Unit, c2: Unit;
const staff: Record<string, TestMember> = {};
const members: Record<string, TestMember[]> = {};
const tok = new Map<string, string>();
let documentId: string;
let roundId: string;
const annotationIds: Record<string, string[]> = {};

const text = '# I. Kinh tế\nTốc độ tăng trưởng đạt 8,2% mỗi năm.\nChuyển đổi số bước đầu có kết quả.\n# II. Xã hội\nTỷ lệ hộ nghèo giảm còn 4,1%.\n';
const plain = text.replace(/^# /gm, '');
const at = (quote: string) => ({ start: plain.indexOf(quote), end: plain.indexOf(quote) + quote.length });
const token = async (m: TestMember) => tok.get(m.id) ?? tok.set(m.id, await t.tokenFor(m)).get(m.id)!;

beforeAll(async () => {
  t = await startTestApp();
  const db = t.database.db;
  province = await makeUnit(db, { level: 'province', name: 'Tỉnh' });
  d1 = await makeUnit(db, { level: 'district', parent: province, name: 'Huyện 1' });
  d2 = await makeUnit(db, { level: 'district', parent: province, name: 'Huyện 2' });
  d3 = await makeUnit(db, { level: 'district', parent: province, name: 'Huyện 3' });
  c1a = await makeUnit(db, { parent: d1, name: 'Xã 1a' });
  c1b = await makeUnit(db, { parent: d1, name: 'Xã 1b' });
  c2 = await makeUnit(db, { parent: d2, name: 'Xã 2' });
  staff.provinceDrafter = await makeMember(db, { roles: [[province, 'drafter']] });
  staff.provinceSecretary = await makeMember(db, { roles: [[province, 'secretary']] });
  for (const [key, unit] of Object.entries({ d1, d2, d3, c1a, c1b, c2 })) {
    staff[key] = await makeMember(db, { roles: [[unit, 'secretary']] });
    members[key] = await Promise.all([0, 1, 2].map(() => makeMember(db, { roles: [[unit, 'member']] })));
  }
  documentId = (
    await t.request({
      method: 'POST',
      url: '/api/v1/documents',
      token: await token(staff.provinceDrafter!),
      payload: { unitId: province.id, title: 'Dự thảo Báo cáo chính trị', content: { format: 'markdown', value: text } },
    })
  ).json().id;
  roundId = (
    await t.request({
      method: 'POST',
      url: `/api/v1/documents/${documentId}/rounds`,
      token: await token(staff.provinceDrafter!),
      payload: { closesAt: new Date(Date.now() + 3600_000).toISOString() },
    })
  ).json().id;

  const comment = async (unit: string, i: number, kind: string, body: string, quote: string) => {
    const id = randomUUID();
    const response = await t.request({
      method: 'PUT',
      url: `/api/v1/rounds/${roundId}/annotations/${id}`,
      token: await token(members[unit]![i]!),
      payload: { kind, body, anchor: at(quote) },
    });
    expect(response.statusCode).toBe(201);
    (annotationIds[unit] ??= []).push(id);
    return id;
  };
  // The same point, in slightly different words, from three units.
  await comment('c1a', 0, 'comment', 'Đề nghị bổ sung chỉ tiêu về chuyển đổi số', 'Chuyển đổi số');
  await comment('c1a', 1, 'comment', 'Đề nghị bổ sung thêm chỉ tiêu chuyển đổi số.', 'Chuyển đổi số bước đầu');
  await comment('c1b', 0, 'comment', 'đề nghị bổ sung chỉ tiêu về chuyển đổi số', 'Chuyển đổi số');
  await comment('c2', 0, 'comment', 'Đề nghị bổ sung chỉ tiêu về chuyển đổi số!', 'Chuyển đổi số');
  // Different points.
  await comment('c1a', 2, 'objection', 'Con số 8,2% chưa có căn cứ', '8,2%');
  await comment('c2', 1, 'comment', 'Cần nêu rõ giải pháp giảm nghèo bền vững', '4,1%');
  await comment('d2', 0, 'support', 'Đồng ý', '4,1%');
});
afterAll(async () => t.close());

describe('round summary', () => {
  it('merges the same point on the same passage and keeps distinct points apart, with participation', async () => {
    const response = await t.request({ method: 'GET', url: `/api/v1/rounds/${roundId}/summary`, token: await token(staff.provinceDrafter!) });
    expect(response.statusCode).toBe(200);
    const summary = response.json();
    const [economy, society] = summary.sections;
    expect(economy.path).toBe('I');
    const digital = economy.clusters.find((c: { representative: { body: string } }) => c.representative.body.toLowerCase().includes('chuyển đổi số'));
    expect(digital.count).toBe(4);
    expect(digital.annotationIds).toHaveLength(4);
    expect(digital.decisions).toEqual({ accepted: 0, partially_accepted: 0, rejected: 0, noted: 0, undecided: 4 });
    expect(economy.clusters.find((c: { kind: string }) => c.kind === 'objection').count).toBe(1);
    expect(society.clusters.map((c: { kind: string; count: number }) => [c.kind, c.count]).sort()).toEqual([
      ['comment', 1],
      ['support', 1],
    ]);
    // 2 province staff + 6 secretaries + 18 members were invited; 7 annotations from 7 members.
    expect(summary.participation).toMatchObject({ invited: 26, commented: 7, annotations: 7 });
    const byUnit = new Map(summary.participation.byUnit.map((u: { unitId: string }) => [u.unitId, u]));
    expect(byUnit.get(c1a.id)).toEqual({ unitId: c1a.id, invited: 4, commented: 3 });
    expect(byUnit.get(d3.id)).toEqual({ unitId: d3.id, invited: 4, commented: 0 });
  });

  it('counts decisions per cluster', async () => {
    await t.request({
      method: 'PUT',
      url: `/api/v1/annotations/${annotationIds.c1a![0]}/disposition`,
      token: await token(staff.provinceDrafter!),
      payload: { decision: 'accepted', note: 'Bổ sung vào mục II' },
    });
    const summary = (await t.request({ method: 'GET', url: `/api/v1/rounds/${roundId}/summary`, token: await token(staff.provinceSecretary!) })).json();
    const digital = summary.sections[0].clusters.find((c: { count: number }) => c.count === 4);
    expect(digital.decisions).toMatchObject({ accepted: 1, undecided: 3 });
  });

  it('follows new annotations at once, though clusters are remembered between reads', async () => {
    const read = async () =>
      (await t.request({ method: 'GET', url: `/api/v1/rounds/${roundId}/summary`, token: await token(staff.provinceDrafter!) })).json().participation.annotations;
    const before = await read();
    expect(await read()).toBe(before);
    const id = randomUUID();
    await t.request({
      method: 'PUT',
      url: `/api/v1/rounds/${roundId}/annotations/${id}`,
      token: await token(members.d3![0]!),
      payload: { kind: 'question', body: 'Câu hỏi thêm', anchor: at('4,1%') },
    });
    const summary = (await t.request({ method: 'GET', url: `/api/v1/rounds/${roundId}/summary`, token: await token(staff.provinceDrafter!) })).json();
    expect(summary.participation.annotations).toBe(before + 1);
    expect(summary.sections[1].clusters.flatMap((c: { annotationIds: string[] }) => c.annotationIds)).toContain(id);
    await t.request({ method: 'DELETE', url: `/api/v1/rounds/${roundId}/annotations/${id}`, token: await token(members.d3![0]!) });
    const after = (await t.request({ method: 'GET', url: `/api/v1/rounds/${roundId}/summary`, token: await token(staff.provinceDrafter!) })).json();
    expect(after.sections[1].clusters.flatMap((c: { annotationIds: string[] }) => c.annotationIds)).not.toContain(id);
  });

  it('is for reviewers only', async () => {
    expectProblem(await t.request({ method: 'GET', url: `/api/v1/rounds/${roundId}/summary`, token: await token(members.c1a![0]!) }), 403, 'forbidden');
    expectProblem(await t.request({ method: 'GET', url: `/api/v1/rounds/${roundId}/summary`, token: await token(staff.d1!) }), 403, 'forbidden');
    expectProblem(await t.request({ method: 'GET', url: `/api/v1/rounds/${randomUUID()}/summary`, token: await token(staff.provinceDrafter!) }), 404, 'not_found');
    expectProblem(await t.request({ method: 'GET', url: `/api/v1/rounds/${roundId}/summary` }), 401, 'unauthenticated');
  });
});

describe('summary exports', () => {
  it('exports Markdown, a DOCX that opens in a DOCX reader, and W3C Web Annotation JSON-LD', async () => {
    const url = `/api/v1/rounds/${roundId}/summary`;
    const reviewer = await token(staff.provinceDrafter!);
    const md = await t.request({ method: 'GET', url: `${url}?format=md`, token: reviewer });
    expect(md.statusCode).toBe(200);
    expect(md.headers['content-type']).toContain('text/markdown');
    expect(md.headers['content-disposition']).toMatch(/^attachment; filename="du-thao-bao-cao-chinh-tri-vong-1\.md"$/);
    expect(md.body).toContain('Dự thảo Báo cáo chính trị');
    expect(md.body).toContain('chuyển đổi số');

    const docx = await t.request({ method: 'GET', url: `${url}?format=docx&lang=en`, token: reviewer });
    expect(docx.headers['content-type']).toBe('application/vnd.openxmlformats-officedocument.wordprocessingml.document');
    const { value: docText } = await mammoth.extractRawText({ buffer: docx.rawPayload });
    expect(docText).toContain('Dự thảo Báo cáo chính trị');
    expect(docText).toContain('Kinh tế');
    expect(docText.toLowerCase()).toContain('đề nghị bổ sung');

    const jsonld = await t.request({ method: 'GET', url: `${url}?format=jsonld`, token: reviewer });
    const collection = jsonld.json();
    expect(collection['@context']).toBe('http://www.w3.org/ns/anno.jsonld');
    const items = collection.first.items;
    expect(items).toHaveLength(7);
    expect(items.every((a: { type: string }) => a.type === 'Annotation')).toBe(true);
    expect(new Set(items.map((a: { motivation: string }) => a.motivation))).toEqual(new Set(['commenting', 'assessing']));
    const selectors = items[0].target.selector.map((sel: { type: string }) => sel.type).sort();
    expect(selectors).toEqual(['TextPositionSelector', 'TextQuoteSelector']);

    expectProblem(await t.request({ method: 'GET', url: `${url}?format=pdf`, token: reviewer }), 400, 'validation_failed');
    expectProblem(await t.request({ method: 'GET', url: `${url}?format=docx`, token: await token(members.c1a![0]!) }), 403, 'forbidden');
  });
});

describe('feedback packages and roll-up', () => {
  const submit = async (who: TestMember, from: Unit, note = '') =>
    t.request({ method: 'POST', url: `/api/v1/documents/${documentId}/packages`, token: await token(who), payload: { fromUnitId: from.id, roundIds: [roundId], note } });

  it('refuses packages from the wrong people, for open rounds, and from the document’s own unit', async () => {
    expectProblem(await submit(staff.c1a!, c1a), 409, 'conflict'); // the round is still open
    await t.request({ method: 'POST', url: `/api/v1/rounds/${roundId}/close`, token: await token(staff.provinceSecretary!) });
    expectProblem(await submit(members.c1a![0]!, c1a), 403, 'forbidden');
    expectProblem(await submit(staff.c1b!, c1a), 403, 'forbidden');
    expectProblem(await submit(staff.provinceSecretary!, province), 400, 'validation_failed');
    expectProblem(
      await t.request({ method: 'POST', url: `/api/v1/documents/${documentId}/packages`, token: await token(staff.c1a!), payload: { fromUnitId: c1a.id, roundIds: [randomUUID()] } }),
      400,
      'validation_failed',
    );
  });

  it('rolls up across three levels, matching points across units and keeping provenance', async () => {
    const fromC1a = await submit(staff.c1a!, c1a, 'Ý kiến của xã 1a');
    expect(fromC1a.statusCode).toBe(201);
    const pkg = fromC1a.json();
    expect(pkg).toMatchObject({ fromUnitId: c1a.id, toUnitId: d1.id, roundIds: [roundId], note: 'Ý kiến của xã 1a' });
    const digitalA = pkg.items.find((i: { count: number; kind: string }) => i.kind === 'comment');
    expect(digitalA.count).toBe(2);
    expect(digitalA.annotationIds.sort()).toEqual(annotationIds.c1a!.slice(0, 2).sort());
    // Private round: the higher level gets counts and texts, not names.
    expect(digitalA.authorIds).toBeUndefined();

    const fromD1 = (await submit(staff.d1!, d1)).json();
    expect(fromD1.toUnitId).toBe(province.id);
    const digitalD1 = fromD1.items.find((i: { kind: string; count: number }) => i.kind === 'comment');
    // c1a's package (2) + c1b's member writing directly (1).
    expect(digitalD1.count).toBe(3);
    expect(digitalD1.unitIds.sort()).toEqual([d1.id, c1a.id].sort());
    expect(digitalD1.sources).toHaveLength(1);
    const fromD2 = (await submit(staff.d2!, d2)).json();
    expect(fromD2.items.map((i: { kind: string; count: number }) => [i.kind, i.count]).sort()).toEqual([
      ['comment', 1],
      ['comment', 1],
      ['support', 1],
    ]);

    const feedback = (await t.request({ method: 'GET', url: `/api/v1/documents/${documentId}/feedback`, token: await token(staff.provinceSecretary!) })).json();
    expect(feedback.units.map((u: { name: string; packageId: string | null }) => [u.name, u.packageId !== null])).toEqual([
      ['Huyện 1', true],
      ['Huyện 2', true],
      ['Huyện 3', false],
    ]);
    const digital = feedback.items.find((i: { representative: { body: string } }) => i.representative.body.toLowerCase().includes('chuyển đổi số'));
    expect(digital).toMatchObject({ count: 4, unitCount: 2 });
    expect(digital.unitIds.sort()).toEqual([d1.id, d2.id].sort());
    // The provenance chain reaches every original annotation, three levels down.
    expect(digital.annotationIds.sort()).toEqual([...annotationIds.c1a!.slice(0, 2), annotationIds.c1b![0]!, annotationIds.c2![0]!].sort());
  });

  it('keeps packages immutable, and their hash verifies', async () => {
    const packages = (await t.request({ method: 'GET', url: `/api/v1/documents/${documentId}/packages`, token: await token(staff.provinceSecretary!) })).json();
    // The province sees the packages sent to it (from the two districts that sent one).
    expect(packages.map((p: { fromUnitId: string }) => p.fromUnitId).sort()).toEqual([d1.id, d2.id].sort());
    for (const p of packages) {
      const { contentHash: hash, ...content } = p;
      expect(contentHash(content)).toBe(hash);
    }
    await expect(t.database.db.updateTable('feedback_packages').set({ note: 'sửa lén' }).where('id', '=', packages[0].id).execute()).rejects.toThrow(/immutable/);
    await expect(t.database.db.deleteFrom('feedback_packages').where('id', '=', packages[0].id).execute()).rejects.toThrow(/immutable/);
    // A commune's secretary sees its own package, not the others'.
    const mine = (await t.request({ method: 'GET', url: `/api/v1/documents/${documentId}/packages`, token: await token(staff.c1a!) })).json();
    expect(mine.map((p: { fromUnitId: string }) => p.fromUnitId)).toEqual([c1a.id]);
  });

  it('exports the merged feedback as Markdown and DOCX', async () => {
    const url = `/api/v1/documents/${documentId}/feedback`;
    const secretary = await token(staff.provinceSecretary!);
    const md = await t.request({ method: 'GET', url: `${url}?format=md`, token: secretary });
    expect(md.statusCode).toBe(200);
    expect(md.body).toContain('Huyện 1');
    expect(md.body).toMatch(/2\s*\/\s*3|2 (trên|of) 3/);
    const docx = await t.request({ method: 'GET', url: `${url}?format=docx`, token: secretary });
    const { value } = await mammoth.extractRawText({ buffer: docx.rawPayload });
    expect(value.toLowerCase()).toContain('chuyển đổi số');
  });

  it('shows merged feedback only to the receiving unit’s staff', async () => {
    expectProblem(await t.request({ method: 'GET', url: `/api/v1/documents/${documentId}/feedback`, token: await token(staff.d1!) }), 403, 'forbidden');
    const d1View = await t.request({ method: 'GET', url: `/api/v1/documents/${documentId}/feedback?unitId=${d1.id}`, token: await token(staff.d1!) });
    expect(d1View.statusCode).toBe(200);
    expect(d1View.json().units.map((u: { name: string }) => u.name)).toEqual(['Xã 1a', 'Xã 1b']);
  });
});
