import { randomUUID } from 'node:crypto';
import { gunzipSync } from 'node:zlib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import mammoth from 'mammoth';
import { annotationsForSummary } from '../../server/db/annotations.repository.js';
import { listClusterEdits } from '../../server/db/cluster-edits.repository.js';
import { findVersionContent } from '../../server/db/versions.repository.js';
import { clusterAnnotations } from '../../server/domain/clustering.js';
import { contentHash } from '../../server/domain/content-hash.js';
import type { Section } from '../../server/domain/sections.js';
import type { Unit } from '../../server/db/units.repository.js';
import { pdfContent } from '../helpers/export-files.js';
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

  it('gathers each section’s anchors into passages, each with its points inside', async () => {
    const summary = (await t.request({ method: 'GET', url: `/api/v1/rounds/${roundId}/summary`, token: await token(staff.provinceDrafter!) })).json();
    const [economy, society] = summary.sections;
    const digital = economy.clusters.find((c: { count: number }) => c.count === 4);
    const objection = economy.clusters.find((c: { kind: string }) => c.kind === 'objection');
    // "8,2%" and "Chuyển đổi số …" are in different sentences and paragraphs: two passages.
    expect(economy.passages).toEqual([
      { ...at('8,2%'), quote: '8,2%', count: 1, clusterIds: [objection.id] },
      { ...at('Chuyển đổi số bước đầu'), quote: 'Chuyển đổi số bước đầu', count: 4, clusterIds: [digital.id] },
    ]);
    // A comment and a support on "4,1%": one passage, two points.
    expect(society.passages).toHaveLength(1);
    expect(society.passages[0]).toMatchObject({ ...at('4,1%'), quote: '4,1%', count: 2 });
    expect([...society.passages[0].clusterIds].sort()).toEqual(society.clusters.map((c: { id: string }) => c.id).sort());
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

  it('after writes, moves to another section, withdrawals and edits by hand, equals the round clustered afresh', async () => {
    const db = t.database.db;
    const drafter = await token(staff.provinceDrafter!);
    const doc = (await t.request({ method: 'POST', url: '/api/v1/documents', token: drafter, payload: { unitId: province.id, title: 'Dự thảo 2', content: { format: 'markdown', value: text } } })).json();
    const round = (await t.request({ method: 'POST', url: `/api/v1/documents/${doc.id}/rounds`, token: drafter, payload: { closesAt: new Date(Date.now() + 3600_000).toISOString() } })).json();
    const write = async (who: TestMember, id: string, body: string, quote: string, expected = 201) => {
      const response = await t.request({ method: 'PUT', url: `/api/v1/rounds/${round.id}/annotations/${id}`, token: await token(who), payload: { kind: 'comment', body, anchor: at(quote) } });
      expect(response.statusCode).toBe(expected);
    };
    const read = async () => (await t.request({ method: 'GET', url: `/api/v1/rounds/${round.id}/summary`, token: drafter })).json();
    // What clustering every annotation of the round from scratch gives (the decisions as recorded now).
    const afresh = async () => {
      const version = (await findVersionContent<Section>(db, doc.id, round.baseVersion))!;
      const edits = await listClusterEdits(db, [round.id]);
      return clusterAnnotations(await annotationsForSummary(db, [round.id]), version.sections, { text: version.text, edits }).map((s) => ({
        ...s,
        clusters: s.clusters.map(({ authorIds: _, ...c }) => c),
      }));
    };
    const ids = Array.from({ length: 5 }, () => randomUUID());
    await write(members.c1a![0]!, ids[0]!, 'Đề nghị bổ sung chỉ tiêu về chuyển đổi số', 'Chuyển đổi số');
    await write(members.c1a![1]!, ids[1]!, 'Đề nghị bổ sung thêm chỉ tiêu chuyển đổi số.', 'Chuyển đổi số');
    await write(members.c2![0]!, ids[2]!, 'Cần nêu rõ giải pháp giảm nghèo bền vững', '4,1%');
    expect((await read()).sections).toEqual(await afresh());
    // Moved from section I to section II alone: both sections change.
    await write(members.c1a![1]!, ids[1]!, 'Cần nêu rõ giải pháp giảm nghèo bền vững.', '4,1%', 200);
    expect((await read()).sections).toEqual(await afresh());
    // A new one, one withdrawn.
    await write(members.c2![1]!, ids[3]!, 'Con số 8,2% chưa có căn cứ', '8,2%');
    await t.request({ method: 'DELETE', url: `/api/v1/rounds/${round.id}/annotations/${ids[0]}`, token: await token(members.c1a![0]!) });
    expect((await read()).sections).toEqual(await afresh());
    // Split by hand, then undone; a decision changes no cluster but is counted.
    const split = (await t.request({ method: 'POST', url: `/api/v1/rounds/${round.id}/clusters/split`, token: drafter, payload: { annotationIds: [ids[1]] } })).json();
    let summary = await read();
    expect(summary.sections).toEqual(await afresh());
    expect(summary.sections[1].clusters).toHaveLength(2);
    await t.request({ method: 'DELETE', url: `/api/v1/rounds/${round.id}/clusters/edits/${split.id}`, token: drafter });
    await t.request({ method: 'PUT', url: `/api/v1/annotations/${ids[3]}/disposition`, token: drafter, payload: { decision: 'noted', note: '' } });
    summary = await read();
    expect(summary.sections).toEqual(await afresh());
    expect(summary.sections[1].clusters).toHaveLength(1);
    expect(summary.sections[0].clusters[0].decisions).toMatchObject({ noted: 1 });
  });

  it('sends the whole summary gzip-compressed from each section’s kept compressed bytes: the same bytes, also after new annotations', async () => {
    const drafter = await token(staff.provinceDrafter!);
    const url = `/api/v1/rounds/${roundId}/summary`;
    const both = async () => {
      const plain = await t.request({ method: 'GET', url, token: drafter });
      const zipped = await t.request({ method: 'GET', url, token: drafter, headers: { 'accept-encoding': 'gzip, deflate, br' } });
      expect(plain.headers['content-encoding']).toBeUndefined();
      expect(zipped.headers['content-encoding']).toBe('gzip');
      expect(zipped.headers.vary).toContain('accept-encoding');
      expect(gunzipSync(zipped.rawPayload).equals(plain.rawPayload)).toBe(true);
      return plain.json();
    };
    const before = await both();
    const id = randomUUID();
    const written = await t.request({ method: 'PUT', url: `/api/v1/rounds/${roundId}/annotations/${id}`, token: await token(members.d3![0]!), payload: { kind: 'comment', body: 'Cần thêm số liệu so sánh', anchor: at('4,1%') } });
    expect(written.statusCode).toBe(201);
    const after = await both();
    expect(after.participation.annotations).toBe(before.participation.annotations + 1);
    await t.request({ method: 'DELETE', url: `/api/v1/rounds/${roundId}/annotations/${id}`, token: await token(members.d3![0]!) });
    expect(await both()).toEqual(before);
    // gzip refused (q=0): not gzip; one section: the app's own compression, as for any answer.
    expect((await t.request({ method: 'GET', url, token: drafter, headers: { 'accept-encoding': 'gzip;q=0, identity' } })).headers['content-encoding']).not.toBe('gzip');
    const one = await t.request({ method: 'GET', url: `${url}?section=II`, token: drafter, headers: { 'accept-encoding': 'gzip' } });
    expect(one.statusCode).toBe(200);
    expect(JSON.parse(gunzipSync(one.rawPayload).toString('utf8'))).toEqual({ ...before, sections: before.sections.filter((s: { path: string }) => s.path === 'II') });
  });

  it('answers one section on demand, as the whole summary has it; 404 for a section it does not have', async () => {
    const drafter = await token(staff.provinceDrafter!);
    const whole = (await t.request({ method: 'GET', url: `/api/v1/rounds/${roundId}/summary`, token: drafter })).json();
    // Section I holds a decided annotation (above): its decisions are counted as in the whole summary.
    expect(whole.sections[0].clusters.some((c: { decisions: { accepted: number } }) => c.decisions.accepted > 0)).toBe(true);
    for (const section of whole.sections) {
      const response = await t.request({ method: 'GET', url: `/api/v1/rounds/${roundId}/summary?section=${encodeURIComponent(section.path)}`, token: drafter });
      expect(response.statusCode).toBe(200);
      expect(response.headers['content-type']).toBe('application/json; charset=utf-8');
      expect(response.json()).toEqual({ ...whole, sections: [section] });
    }
    expectProblem(await t.request({ method: 'GET', url: `/api/v1/rounds/${roundId}/summary?section=${encodeURIComponent('III')}`, token: drafter }), 404, 'not_found');
    expectProblem(await t.request({ method: 'GET', url: `/api/v1/rounds/${roundId}/summary?section=II`, token: await token(members.c1a![0]!) }), 403, 'forbidden');
  });

  it('lists the sections as counts (/summary/sections), the whole summary otherwise unchanged', async () => {
    const drafter = await token(staff.provinceDrafter!);
    const whole = (await t.request({ method: 'GET', url: `/api/v1/rounds/${roundId}/summary`, token: drafter })).json();
    const response = await t.request({ method: 'GET', url: `/api/v1/rounds/${roundId}/summary/sections`, token: drafter });
    expect(response.statusCode).toBe(200);
    const index = response.json();
    type Counts = { accepted: number; partially_accepted: number; rejected: number; noted: number; undecided: number };
    const sum = (all: Counts[]) => all.reduce((a, c) => ({ accepted: a.accepted + c.accepted, partially_accepted: a.partially_accepted + c.partially_accepted, rejected: a.rejected + c.rejected, noted: a.noted + c.noted, undecided: a.undecided + c.undecided }));
    expect(Object.keys(index)).toEqual(['documentId', 'roundId', 'roundNumber', 'baseVersion', 'participation', 'document', 'sections']);
    expect(index).toEqual({
      documentId,
      roundId,
      roundNumber: 1,
      baseVersion: whole.baseVersion,
      participation: whole.participation,
      document: whole.document,
      sections: whole.sections.map((s: { path: string; title: string; clusters: Array<{ count: number; decisions: Counts }>; passages: unknown[] }) => ({
        path: s.path,
        title: s.title,
        annotations: s.clusters.reduce((n, c) => n + c.count, 0),
        points: s.clusters.length,
        passages: s.passages.length,
        decisions: sum(s.clusters.map((c) => c.decisions)),
      })),
    });
    // Section I: the digital point (4, one accepted above) and the objection, on two passages.
    expect(index.sections[0]).toMatchObject({ path: 'I', title: 'I. Kinh tế', passages: 2 });
    expect(index.sections[0].decisions.accepted).toBe(1);
    expect(index.sections[0].annotations).toBe(index.sections[0].decisions.accepted + index.sections[0].decisions.partially_accepted + index.sections[0].decisions.rejected + index.sections[0].decisions.noted + index.sections[0].decisions.undecided);
    expect(index.sections.map((s: { path: string }) => s.path)).toEqual(['I', 'II']);
    // Beside a section, its annotations alone (`/rounds/:id/annotations?section=`): those of its points, exactly.
    for (const section of whole.sections as Array<{ path: string; clusters: Array<{ annotationIds: string[] }> }>) {
      const listed = await t.request({ method: 'GET', url: `/api/v1/rounds/${roundId}/annotations?section=${encodeURIComponent(section.path)}`, token: drafter });
      expect(listed.statusCode).toBe(200);
      const got = (listed.json() as Array<{ id: string; anchor: { section: string } }>);
      expect(got.map((a) => a.id).sort()).toEqual(section.clusters.flatMap((c) => c.annotationIds).sort());
      expect(new Set(got.map((a) => a.anchor.section))).toEqual(new Set([section.path]));
    }
    expect((await t.request({ method: 'GET', url: `/api/v1/rounds/${roundId}/annotations?section=III`, token: drafter })).json()).toEqual([]);
    expectProblem(await t.request({ method: 'GET', url: `/api/v1/rounds/${roundId}/summary/sections`, token: await token(members.c1a![0]!) }), 403, 'forbidden');
    expectProblem(await t.request({ method: 'GET', url: `/api/v1/rounds/${randomUUID()}/summary/sections`, token: drafter }), 404, 'not_found');
    expectProblem(await t.request({ method: 'GET', url: `/api/v1/rounds/${roundId}/summary/sections` }), 401, 'unauthenticated');
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

    const pdf = await t.request({ method: 'GET', url: `${url}?format=pdf`, token: reviewer });
    expect(pdf.headers['content-type']).toBe('application/pdf');
    expect((await pdfContent(pdf.rawPayload)).text.replace(/\s+/g, '')).toContain('ĐẢNGCỘNGSẢNVIỆTNAM');
    expectProblem(await t.request({ method: 'GET', url: `${url}?format=xlsx`, token: reviewer }), 400, 'validation_failed');
    expectProblem(await t.request({ method: 'GET', url: `${url}?format=docx`, token: await token(members.c1a![0]!) }), 403, 'forbidden');
  });
});

describe('feedback packages and roll-up', () => {
  const submit = async (who: TestMember, from: Unit, note = '') =>
    t.request({ method: 'POST', url: `/api/v1/documents/${documentId}/packages`, token: await token(who), payload: { fromUnitId: from.id, roundIds: [roundId], note } });

  it('refuses packages from the wrong people, from a unit without a parent, and for unknown rounds', async () => {
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

  it('exports a package as sent, as DOCX and PDF, to the staff of the units it went between only', async () => {
    const [sent] = (await t.request({ method: 'GET', url: `/api/v1/documents/${documentId}/packages`, token: await token(staff.c1a!) })).json();
    const url = `/api/v1/documents/${documentId}/packages/${sent.id}/export`;
    const docx = await t.request({ method: 'GET', url: `${url}?format=docx`, token: await token(staff.c1a!) });
    expect(docx.statusCode).toBe(200);
    const { value } = await mammoth.extractRawText({ buffer: docx.rawPayload });
    expect(value).toContain('Ý kiến của Xã 1a đối với Dự thảo Báo cáo chính trị');
    expect(value).toContain('Ý kiến của xã 1a');
    expect(value).toContain('“Chuyển đổi số');
    expect(value).toContain(sent.contentHash);
    const pdf = await t.request({ method: 'GET', url: `${url}?format=pdf`, token: await token(staff.d1!) });
    expect(pdf.headers['content-type']).toBe('application/pdf');
    expect((await pdfContent(pdf.rawPayload)).text.replace(/\s+/g, '')).toContain(`Tảixuốngbởi${staff.d1!.displayName.replace(/\s+/g, '')}`);
    // Another commune's secretary, and the commune's members, do not see it.
    expectProblem(await t.request({ method: 'GET', url: `${url}?format=docx`, token: await token(staff.c1b!) }), 404, 'not_found');
    expectProblem(await t.request({ method: 'GET', url: `${url}?format=docx`, token: await token(members.c1a![0]!) }), 404, 'not_found');
    expectProblem(await t.request({ method: 'GET', url: `${url}?format=md`, token: await token(staff.c1a!) }), 400, 'validation_failed');
  });

  it('exports the merged feedback as Markdown, DOCX and PDF', async () => {
    const url = `/api/v1/documents/${documentId}/feedback`;
    const secretary = await token(staff.provinceSecretary!);
    const md = await t.request({ method: 'GET', url: `${url}?format=md`, token: secretary });
    expect(md.statusCode).toBe(200);
    expect(md.body).toContain('Huyện 1');
    expect(md.body).toMatch(/2\s*\/\s*3|2 (trên|of) 3/);
    const docx = await t.request({ method: 'GET', url: `${url}?format=docx`, token: secretary });
    const { value } = await mammoth.extractRawText({ buffer: docx.rawPayload });
    expect(value.toLowerCase()).toContain('chuyển đổi số');
    // The quoted passage comes with each point.
    expect(value).toContain('“Chuyển đổi số');
    const pdf = await t.request({ method: 'GET', url: `${url}?format=pdf`, token: secretary });
    expect(pdf.headers['content-type']).toBe('application/pdf');
    const text = (await pdfContent(pdf.rawPayload)).text.replace(/\s+/g, '').toLowerCase();
    expect(text).toContain('chuyểnđổisố');
    expect(text).toContain(`tảixuốngbởi${staff.provinceSecretary!.displayName.replace(/\s+/g, '').toLowerCase()}`);
    expectProblem(await t.request({ method: 'GET', url: `${url}?format=pdf`, token: await token(staff.d1!) }), 403, 'forbidden');
  });

  it('shows merged feedback only to the receiving unit’s staff', async () => {
    expectProblem(await t.request({ method: 'GET', url: `/api/v1/documents/${documentId}/feedback`, token: await token(staff.d1!) }), 403, 'forbidden');
    const d1View = await t.request({ method: 'GET', url: `/api/v1/documents/${documentId}/feedback?unitId=${d1.id}`, token: await token(staff.d1!) });
    expect(d1View.statusCode).toBe(200);
    expect(d1View.json().units.map((u: { name: string }) => u.name)).toEqual(['Xã 1a', 'Xã 1b']);
  });
});

describe('submitting a package is done once', () => {
  it('stores one package and one event when the same submission arrives five times at once', async () => {
    const payload = { fromUnitId: c1b.id, roundIds: [roundId], note: 'Ý kiến của xã 1b' };
    const who = await token(staff.c1b!);
    const answers = await Promise.all(
      Array.from({ length: 5 }, () => t.request({ method: 'POST', url: `/api/v1/documents/${documentId}/packages`, token: who, payload })),
    );
    // One stores it; the others are the same request again, answered with the same package.
    expect(answers.map((a) => a.statusCode).sort()).toEqual([200, 200, 200, 200, 201]);
    expect(new Set(answers.map((a) => a.json().id)).size).toBe(1);
    const stored = await t.database.db.selectFrom('feedback_packages').select('id').where('document_id', '=', documentId).where('from_unit_id', '=', c1b.id).execute();
    expect(stored).toHaveLength(1);
    const events = await t.database.db.selectFrom('events').select('payload').where('document_id', '=', documentId).where('type', '=', 'package.submitted').execute();
    expect(events.filter((e) => (e.payload as { fromUnitId: string }).fromUnitId === c1b.id)).toHaveLength(1);
    // A different note is another package for the same round: it must say what it corrects.
    expectProblem(await t.request({ method: 'POST', url: `/api/v1/documents/${documentId}/packages`, token: who, payload: { ...payload, note: 'Bổ sung' } }), 409, 'conflict');
    const corrected = await t.request({
      method: 'POST',
      url: `/api/v1/documents/${documentId}/packages`,
      token: who,
      payload: { ...payload, note: 'Bổ sung', supersedes: answers[0]!.json().id },
    });
    expect(corrected.statusCode).toBe(201);
    expect(corrected.json()).toMatchObject({ supersedes: answers[0]!.json().id, note: 'Bổ sung' });
  });
});
