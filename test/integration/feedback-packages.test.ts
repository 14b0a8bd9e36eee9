/**
 * Issue 14's journey through the API: a district's draft distributed to its communes, a
 * commune's secretary previewing and sending (client ids, replays, 409 and supersedes), the
 * district reading what came in (pending units, notes, quotes), deciding, and sending on to the
 * province with provenance down to each annotation.
 */
import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import mammoth from 'mammoth';
import type { Role } from '../../server/db/schema.js';
import type { Unit } from '../../server/db/units.repository.js';
import { inHours, makeAnnotation, makeDocumentInRound, makeMembers, makeUnit, type SignedInMember } from '../helpers/factories.js';
import { expectProblem, startTestApp, type TestApp } from '../helpers/test-app.js';

let t: TestApp;
let province: Unit, district: Unit, c1: Unit, c2: Unit, c3: Unit;
let who: Record<string, SignedInMember>;
let documentId: string;
let roundId: string;
const annotationIds: string[] = [];

const text = '# I. Kinh tế\nTốc độ tăng trưởng đạt 8,2% mỗi năm.\nChuyển đổi số bước đầu có kết quả.\n# II. Xã hội\nTỷ lệ hộ nghèo giảm còn 4,1%.\n';
const plain = text.replace(/^# /gm, '');
const at = (quote: string) => ({ start: plain.indexOf(quote), end: plain.indexOf(quote) + quote.length });
const packagesUrl = () => `/api/v1/documents/${documentId}/packages`;

async function preview(m: SignedInMember, query: string) {
  return t.request({ method: 'GET', url: `${packagesUrl()}/preview?${query}`, token: m.token });
}
async function send(m: SignedInMember, payload: Record<string, unknown>) {
  return t.request({ method: 'POST', url: packagesUrl(), token: m.token, payload: { roundIds: [roundId], ...payload } });
}
async function feedback(m: SignedInMember, unitId?: string) {
  const response = await t.request({ method: 'GET', url: `/api/v1/documents/${documentId}/feedback${unitId ? `?unitId=${unitId}` : ''}`, token: m.token });
  expect(response.statusCode).toBe(200);
  return response.json();
}

beforeAll(async () => {
  t = await startTestApp();
  const db = t.database.db;
  province = await makeUnit(db, { level: 'province', name: 'Tỉnh ủy' });
  district = await makeUnit(db, { level: 'district', parent: province, name: 'Huyện ủy' });
  c1 = await makeUnit(db, { parent: district, name: 'Xã Một' });
  c2 = await makeUnit(db, { parent: district, name: 'Xã Hai' });
  c3 = await makeUnit(db, { parent: district, name: 'Xã Ba' });
  const communes = Object.entries({ c1, c2, c3 }).flatMap(([key, unit]) => [
    [`${key}Secretary`, [[unit, 'secretary']]],
    [`${key}Member`, [[unit, 'member']]],
  ]);
  who = await makeMembers(t, {
    provinceSecretary: [[province, 'secretary']],
    districtDrafter: [[district, 'drafter']],
    districtSecretary: [[district, 'secretary']],
    ...(Object.fromEntries(communes) as Record<string, Array<[Unit, Role]>>),
  });
  ({ documentId, roundId } = await makeDocumentInRound(t, who.districtDrafter!.token, { unitId: district.id, title: 'Dự thảo Báo cáo chính trị huyện', markdown: text, closesAt: inHours(1) }));
  const comment = async (m: SignedInMember, kind: string, body: string, quote: string) => {
    annotationIds.push(await makeAnnotation(t, m.token, roundId, { kind, body, anchor: at(quote) }));
  };
  await comment(who.c1Member!, 'comment', 'Đề nghị bổ sung chỉ tiêu về chuyển đổi số', 'Chuyển đổi số bước đầu');
  await comment(who.c2Member!, 'comment', 'Đề nghị bổ sung chỉ tiêu chuyển đổi số.', 'Chuyển đổi số bước đầu');
  await comment(who.c1Member!, 'objection', 'Con số 8,2% chưa có căn cứ', '8,2%');
});
afterAll(async () => t.close());

describe('package preview', () => {
  it('shows the commune’s secretary exactly what would be sent, with the quoted passage and section title', async () => {
    const response = await preview(who.c1Secretary!, `fromUnitId=${c1.id}&roundIds=${roundId}`);
    expect(response.statusCode).toBe(200);
    const body = response.json();
    expect(body).toMatchObject({ documentId, fromUnitId: c1.id, toUnitId: district.id, roundIds: [roundId], note: '', supersedes: null });
    expect(body.items).toHaveLength(2);
    const digital = body.items.find((i: { kind: string }) => i.kind === 'comment');
    expect(digital).toMatchObject({ section: 'I', sectionTitle: 'I. Kinh tế', quote: 'Chuyển đổi số bước đầu', count: 1, unitIds: [c1.id], note: '' });
    expect(digital.annotationIds).toEqual([annotationIds[0]]);
    // Without roundIds: every round the unit takes part in.
    expect((await preview(who.c1Secretary!, `fromUnitId=${c1.id}`)).json().items).toEqual(body.items);
  });

  it('refuses bad input with exact errors', async () => {
    expectProblem(await preview(who.c1Member!, `fromUnitId=${c1.id}`), 403, 'forbidden');
    expectProblem(await preview(who.c2Secretary!, `fromUnitId=${c1.id}`), 403, 'forbidden');
    expectProblem(await preview(who.c1Secretary!, `fromUnitId=${randomUUID()}`), 400, 'validation_failed');
    expectProblem(await preview(who.c1Secretary!, `fromUnitId=${c1.id}&roundIds=nope`), 400, 'validation_failed');
    expectProblem(await preview(who.c1Secretary!, `fromUnitId=${c1.id}&roundIds=${randomUUID()}`), 400, 'validation_failed');
    expectProblem(await preview(who.c1Secretary!, ''), 400, 'validation_failed');
    expectProblem(await preview(who.provinceSecretary!, `fromUnitId=${province.id}`), 400, 'validation_failed');
    expectProblem(await t.request({ method: 'GET', url: `/api/v1/documents/${randomUUID()}/packages/preview?fromUnitId=${c1.id}` , token: who.c1Secretary!.token }), 404, 'not_found');
  });
});

describe('sending a package', () => {
  let firstId: string;

  it('sends once: a replay of the same client id is the same package, also when both arrive at once', async () => {
    const items = (await preview(who.c1Secretary!, `fromUnitId=${c1.id}`)).json().items;
    const digital = items.find((i: { kind: string }) => i.kind === 'comment');
    firstId = randomUUID();
    const payload = { id: firstId, fromUnitId: c1.id, note: 'Ý kiến của xã Một', itemNotes: { [digital.id]: 'Cả chi bộ thống nhất' } };
    const [a, b] = await Promise.all([send(who.c1Secretary!, payload), send(who.c1Secretary!, payload)]);
    expect([a.statusCode, b.statusCode].sort()).toEqual([200, 201]);
    expect(a.json()).toEqual(b.json());
    const pkg = a.json();
    expect(pkg).toMatchObject({ id: firstId, fromUnitId: c1.id, toUnitId: district.id, note: 'Ý kiến của xã Một', supersedes: null });
    expect(pkg.contentHash).toMatch(/^sha256:[0-9a-f]{64}$/);
    expect(pkg.items.find((i: { id: string }) => i.id === digital.id)).toMatchObject({ note: 'Cả chi bộ thống nhất', quote: 'Chuyển đổi số bước đầu', sectionTitle: 'I. Kinh tế' });
    const replay = await send(who.c1Secretary!, payload);
    expect(replay.statusCode).toBe(200);
    expect(replay.json()).toEqual(pkg);
    const stored = await t.database.db.selectFrom('feedback_packages').select('id').where('from_unit_id', '=', c1.id).execute();
    expect(stored).toHaveLength(1);
    // After sending, the preview proposes to supersede it.
    expect((await preview(who.c1Secretary!, `fromUnitId=${c1.id}`)).json().supersedes).toBe(firstId);
  });

  it('refuses a second package for the same rounds unless it names the one it supersedes', async () => {
    const conflict = expectProblem(await send(who.c1Secretary!, { id: randomUUID(), fromUnitId: c1.id, note: 'Sửa lại' }), 409, 'conflict');
    expect(String(conflict.detail)).toContain(firstId);
    // A client id already used by another unit's package.
    expectProblem(await send(who.c2Secretary!, { id: firstId, fromUnitId: c2.id }), 409, 'conflict');
    // supersedes must name a package of the same unit on this document.
    const c2First = await send(who.c2Secretary!, { id: randomUUID(), fromUnitId: c2.id });
    expect(c2First.statusCode).toBe(201);
    expectProblem(await send(who.c1Secretary!, { fromUnitId: c1.id, supersedes: c2First.json().id }), 400, 'validation_failed');
    expectProblem(await send(who.c1Secretary!, { fromUnitId: c1.id, supersedes: randomUUID() }), 400, 'validation_failed');
    const corrected = await send(who.c1Secretary!, { id: randomUUID(), fromUnitId: c1.id, note: 'Ý kiến của xã Một (bổ sung)', supersedes: firstId });
    expect(corrected.statusCode).toBe(201);
    expect(corrected.json()).toMatchObject({ supersedes: firstId, note: 'Ý kiến của xã Một (bổ sung)' });
    // The first one is already superseded: superseding it again is a conflict.
    expectProblem(await send(who.c1Secretary!, { id: randomUUID(), fromUnitId: c1.id, note: 'Lần ba', supersedes: firstId }), 409, 'conflict');
    // Both are kept; the district reads the newer one.
    const listed = (await t.request({ method: 'GET', url: packagesUrl(), token: who.districtSecretary!.token })).json();
    expect(listed.filter((p: { fromUnitId: string }) => p.fromUnitId === c1.id).map((p: { id: string }) => p.id)).toEqual([firstId, corrected.json().id]);
  });

  it('refuses bad input with exact errors', async () => {
    expectProblem(await send(who.c1Secretary!, { fromUnitId: c1.id, supersedes: firstId, itemNotes: { '0123456789abcdef': 'không có' } }), 400, 'validation_failed');
    expectProblem(await send(who.c1Secretary!, { fromUnitId: c1.id, itemNotes: { 'not-an-id': 'x' } }), 400, 'validation_failed');
    expectProblem(await send(who.c1Secretary!, { fromUnitId: c1.id, roundIds: [] }), 400, 'validation_failed');
    expectProblem(await send(who.c1Secretary!, { fromUnitId: c1.id, id: 'not-a-uuid' }), 400, 'validation_failed');
    expectProblem(await send(who.c1Secretary!, { fromUnitId: c1.id, extra: true }), 400, 'validation_failed');
    expectProblem(await send(who.c1Member!, { fromUnitId: c1.id }), 403, 'forbidden');
  });
});

describe('what the district receives', () => {
  it('lists the units that have not sent, and each point with its quote, N of M units, names and notes', async () => {
    const merged = await feedback(who.districtSecretary!);
    expect(merged.units.map((u: { name: string }) => u.name).sort()).toEqual(['Xã Ba', 'Xã Hai', 'Xã Một']);
    expect(merged.pending).toEqual([{ unitId: c3.id, name: 'Xã Ba', remindedAt: null }]);
    // Each unit's general note reaches the receiving unit (null when it sent none).
    const notes = Object.fromEntries(merged.units.map((u: { name: string; note: string | null }) => [u.name, u.note]));
    expect(notes).toEqual({ 'Xã Một': 'Ý kiến của xã Một (bổ sung)', 'Xã Hai': null, 'Xã Ba': null });
    const digital = merged.items.find((i: { kind: string }) => i.kind === 'comment');
    expect(digital).toMatchObject({ section: 'I', sectionTitle: 'I. Kinh tế', quote: 'Chuyển đổi số bước đầu', count: 2, unitCount: 2, disposition: null });
    expect(digital.units).toEqual(
      expect.arrayContaining([
        { unitId: c1.id, name: 'Xã Một', count: 1, note: '' },
        { unitId: c2.id, name: 'Xã Hai', count: 1, note: '' },
      ]),
    );
    expect(digital.annotationIds.sort()).toEqual(annotationIds.slice(0, 2).sort());
    expect(digital.decisions).toEqual({ accepted: 0, partially_accepted: 0, rejected: 0, noted: 0, undecided: 2 });
  });

  it('keeps a unit’s note on a point it sent', async () => {
    const latest = (await preview(who.c1Secretary!, `fromUnitId=${c1.id}`)).json();
    const objection = latest.items.find((i: { kind: string }) => i.kind === 'objection');
    const sent = await send(who.c1Secretary!, { id: randomUUID(), fromUnitId: c1.id, supersedes: latest.supersedes, itemNotes: { [objection.id]: 'Số liệu chưa khớp niên giám' } });
    expect(sent.statusCode).toBe(201);
    const item = (await feedback(who.districtSecretary!)).items.find((i: { kind: string }) => i.kind === 'objection');
    expect(item.units).toEqual([{ unitId: c1.id, name: 'Xã Một', count: 1, note: 'Số liệu chưa khớp niên giám' }]);
    expect(item.unitCount).toBe(1);
  });

  it('records the district’s own decision on a point, which survives a corrected package', async () => {
    const digital = (await feedback(who.districtSecretary!)).items.find((i: { kind: string }) => i.kind === 'comment');
    const url = `/api/v1/documents/${documentId}/feedback/items/${digital.id}/disposition`;
    const decided = await t.request({ method: 'PUT', url, token: who.districtDrafter!.token, payload: { decision: 'accepted', note: 'Bổ sung chỉ tiêu chuyển đổi số' } });
    expect(decided.statusCode).toBe(200);
    expect(decided.json().disposition).toMatchObject({ decision: 'accepted', note: 'Bổ sung chỉ tiêu chuyển đổi số', by: { id: who.districtDrafter!.id } });
    // A corrected package from Xã Hai: the decision stays on the point.
    const c2Latest = (await preview(who.c2Secretary!, `fromUnitId=${c2.id}`)).json();
    expect((await send(who.c2Secretary!, { id: randomUUID(), fromUnitId: c2.id, note: 'Bổ sung', supersedes: c2Latest.supersedes })).statusCode).toBe(201);
    const again = (await feedback(who.districtSecretary!)).items.find((i: { kind: string }) => i.kind === 'comment');
    expect(again.disposition).toMatchObject({ decision: 'accepted' });
  });

  it('refuses bad decisions with exact errors', async () => {
    const digital = (await feedback(who.districtSecretary!)).items.find((i: { kind: string }) => i.kind === 'comment');
    const url = (itemId: string) => `/api/v1/documents/${documentId}/feedback/items/${itemId}/disposition`;
    expectProblem(await t.request({ method: 'PUT', url: url(digital.id), token: who.districtSecretary!.token, payload: { decision: 'maybe', note: '' } }), 400, 'validation_failed');
    expectProblem(await t.request({ method: 'PUT', url: url('zz'), token: who.districtSecretary!.token, payload: { decision: 'noted' } }), 400, 'validation_failed');
    expectProblem(await t.request({ method: 'PUT', url: url('0123456789abcdef'), token: who.districtSecretary!.token, payload: { decision: 'noted' } }), 404, 'not_found');
    expectProblem(await t.request({ method: 'PUT', url: url(digital.id), token: who.c1Secretary!.token, payload: { decision: 'noted' } }), 403, 'forbidden');
    // As on an annotation: rejecting or accepting in part says why.
    for (const decision of ['rejected', 'partially_accepted']) {
      const refused = expectProblem(await t.request({ method: 'PUT', url: url(digital.id), token: who.districtSecretary!.token, payload: { decision, note: '  ' } }), 400, 'validation_failed');
      expect(refused.detail).toBe(`a ${decision.replace('_', ' ')} decision needs a reason in note`);
    }
  });

  it('answers one section on its own, and what it kept up to date as packages arrived equals reading everything afresh', async () => {
    const before = await feedback(who.districtSecretary!);
    // A package arrives after the district has read its roll-up: matched into what it kept as it
    // is submitted, so the section read right after it only assembles that section's items.
    const question = randomUUID();
    const asked = await t.request({ method: 'PUT', url: `/api/v1/rounds/${roundId}/annotations/${question}`, token: who.c3Member!.token, payload: { kind: 'question', body: 'Tỷ lệ hộ nghèo theo chuẩn nào?', anchor: at('4,1%') } });
    expect(asked.statusCode).toBe(201);
    expect((await send(who.c3Secretary!, { id: randomUUID(), fromUnitId: c3.id })).statusCode).toBe(201);
    const sectionUrl = (path: string) => `/api/v1/documents/${documentId}/feedback?section=${encodeURIComponent(path)}`;
    const sectionOf = async (path: string) => {
      const response = await t.request({ method: 'GET', url: sectionUrl(path), token: who.districtSecretary!.token });
      expect(response.statusCode).toBe(200);
      return response.json();
    };
    const first = await sectionOf('II');
    const kept = await feedback(who.districtSecretary!);
    expect(kept.items).toHaveLength(before.items.length + 1);
    expect(kept.items.find((i: { kind: string }) => i.kind === 'question')).toMatchObject({ section: 'II', unitIds: [c3.id], annotationIds: [question] });
    expect(first).toEqual({ ...kept, items: kept.items.filter((i: { section: string }) => i.section === 'II') });
    expect((await sectionOf('IX')).items).toEqual([]);
    // A fresh process computes the roll-up from nothing: the same answer, whole and per section.
    await t.restart();
    expect(await sectionOf('II')).toEqual(first);
    expect(await feedback(who.districtSecretary!)).toEqual(kept);
  });

  it('lists the sections as counts (/feedback/sections) equal to the whole answer’s items, and follows a new package', async () => {
    type Counts = { accepted: number; partially_accepted: number; rejected: number; noted: number; undecided: number };
    type Item = { section: string; kind: string; count: number; unitCount: number; unitIds: string[]; decisions: Counts; disposition: { decision: keyof Counts } | null };
    const none = (): Counts => ({ accepted: 0, partially_accepted: 0, rejected: 0, noted: 0, undecided: 0 });
    /** What the index must say of a section, from the whole answer's items. */
    const countsOf = (items: Item[]) => {
      const decisions = none();
      const dispositions = none();
      const kinds: Record<string, number> = { comment: 0, question: 0, objection: 0, support: 0, suggestion: 0 };
      for (const i of items) {
        for (const k of Object.keys(decisions) as (keyof Counts)[]) decisions[k] += i.decisions[k];
        dispositions[i.disposition?.decision ?? 'undecided']++;
        kinds[i.kind]!++;
      }
      return {
        items: items.length,
        annotations: items.reduce((n, i) => n + i.count, 0),
        unitIds: [...new Set(items.flatMap((i) => i.unitIds))].sort(),
        maxUnitCount: Math.max(0, ...items.map((i) => i.unitCount)),
        kinds,
        decisions,
        dispositions,
      };
    };
    const url = `/api/v1/documents/${documentId}/feedback/sections`;
    const index = async () => {
      const response = await t.request({ method: 'GET', url, token: who.districtSecretary!.token });
      expect(response.statusCode).toBe(200);
      return response.json();
    };
    const expectMatches = (got: { sections: Array<Record<string, unknown>> }, whole: { items: Item[] }) => {
      expect(got.sections.map(({ revision: _, ...s }) => s)).toEqual(
        [
          ['I', 'I. Kinh tế'],
          ['II', 'II. Xã hội'],
        ].map(([section, sectionTitle]) => ({ section, sectionTitle, ...countsOf(whole.items.filter((i) => i.section === section)) })),
      );
    };

    const whole = await feedback(who.districtSecretary!);
    const before = await index();
    expect(Object.keys(before)).toEqual(['documentId', 'unitId', 'units', 'pending', 'sections']);
    expect(before).toMatchObject({ documentId, unitId: district.id, units: whole.units, pending: whole.pending });
    expectMatches(before, whole);
    // Section I: the digital point (Xã Một and Xã Hai, accepted by the district) and Xã Một's objection.
    expect(before.sections[0]).toEqual({
      section: 'I',
      sectionTitle: 'I. Kinh tế',
      items: 2,
      annotations: 3,
      unitIds: [c1.id, c2.id].sort(),
      maxUnitCount: 2,
      kinds: { comment: 1, question: 0, objection: 1, support: 0, suggestion: 0 },
      decisions: { accepted: 0, partially_accepted: 0, rejected: 0, noted: 0, undecided: 3 },
      dispositions: { accepted: 1, partially_accepted: 0, rejected: 0, noted: 0, undecided: 1 },
      revision: expect.stringMatching(/^[0-9a-f]{16}$/),
    });
    // The same without `unitId` and with the district's own.
    expect((await t.request({ method: 'GET', url: `${url}?unitId=${district.id}`, token: who.districtDrafter!.token })).json()).toEqual(before);

    // Xã Ba sends a corrected package with a new point on section II: the index follows at once,
    // and only section II's revision changes.
    const more = randomUUID();
    expect((await t.request({ method: 'PUT', url: `/api/v1/rounds/${roundId}/annotations/${more}`, token: who.c3Member!.token, payload: { kind: 'suggestion', body: 'Nên nêu chuẩn nghèo đa chiều', replacement: 'theo chuẩn nghèo đa chiều', anchor: at('4,1%') } })).statusCode).toBe(201);
    const c3Latest = (await preview(who.c3Secretary!, `fromUnitId=${c3.id}`)).json();
    expect((await send(who.c3Secretary!, { id: randomUUID(), fromUnitId: c3.id, supersedes: c3Latest.supersedes })).statusCode).toBe(201);
    const after = await index();
    const section = (await t.request({ method: 'GET', url: `/api/v1/documents/${documentId}/feedback?section=II`, token: who.districtSecretary!.token })).json();
    expect(after.sections[1]).toMatchObject({ section: 'II', ...countsOf(section.items) });
    expect(after.sections[1].items).toBe(before.sections[1].items + 1);
    expect(after.sections[1].kinds.suggestion).toBe(before.sections[1].kinds.suggestion + 1);
    expect(after.sections[1].revision).not.toBe(before.sections[1].revision);
    expect(after.sections[0]).toEqual(before.sections[0]);
    expectMatches(after, await feedback(who.districtSecretary!));
    // A decision changes the counts of dispositions, nothing else.
    const suggestion = section.items.find((i: { kind: string }) => i.kind === 'suggestion');
    expect((await t.request({ method: 'PUT', url: `/api/v1/documents/${documentId}/feedback/items/${suggestion.id}/disposition`, token: who.districtSecretary!.token, payload: { decision: 'noted' } })).statusCode).toBe(200);
    // …and a live event naming the item and its section (not the decision: every viewer receives it).
    const events = await t.database.db.selectFrom('events').select(['payload', 'audience', 'actor_id']).where('document_id', '=', documentId).where('type', '=', 'feedback.decided').execute();
    expect(events.at(-1)).toEqual({ payload: { unitId: district.id, itemId: suggestion.id, section: 'II' }, audience: 'document', actor_id: who.districtSecretary!.id });
    const decided = await index();
    expect(decided.sections[1]).toEqual({ ...after.sections[1], dispositions: { ...after.sections[1].dispositions, noted: after.sections[1].dispositions.noted + 1, undecided: after.sections[1].dispositions.undecided - 1 } });
    // A fresh process counts from nothing: the same index.
    await t.restart();
    expect(await index()).toEqual(decided);

    // Access as the whole merged feedback's.
    expect(expectProblem(await t.request({ method: 'GET', url, token: who.c1Secretary!.token }), 403, 'forbidden').detail).toBe('only the receiving unit’s drafters and secretaries read its feedback');
    expectProblem(await t.request({ method: 'GET', url: `${url}?unitId=${province.id}`, token: who.districtSecretary!.token }), 403, 'forbidden');
    expectProblem(await t.request({ method: 'GET', url, token: who.c1Member!.token }), 403, 'forbidden');
    expectProblem(await t.request({ method: 'GET', url: `/api/v1/documents/${randomUUID()}/feedback/sections`, token: who.districtSecretary!.token }), 404, 'not_found');
    expectProblem(await t.request({ method: 'GET', url: `${url}?unitId=nope`, token: who.districtSecretary!.token }), 400, 'validation_failed');
    expectProblem(await t.request({ method: 'GET', url: `${url}?section=I`, token: who.districtSecretary!.token }), 400, 'validation_failed');
    expectProblem(await t.request({ method: 'GET', url }), 401, 'unauthenticated');
  });

  it('lists the sections in the draft’s order, in the whole answer as in the index (V before IX)', async () => {
    const report = '# IV. Quốc phòng\nGiữ vững an ninh.\n# V. Xây dựng Đảng\nKết nạp 120 đảng viên.\n# IX. Nhiệm vụ\nTăng trưởng 8%.\n';
    const body = report.replace(/^# /gm, '');
    const where = (quote: string) => ({ start: body.indexOf(quote), end: body.indexOf(quote) + quote.length });
    const draft = await makeDocumentInRound(t, who.districtDrafter!.token, { unitId: district.id, markdown: report, closesAt: inHours(1) });
    await makeAnnotation(t, who.c1Member!.token, draft.roundId, { kind: 'comment', body: 'Tăng trưởng 8% là cao.', anchor: where('Tăng trưởng 8%') });
    await makeAnnotation(t, who.c1Member!.token, draft.roundId, { kind: 'comment', body: 'Nêu rõ số đảng viên mới.', anchor: where('Kết nạp 120') });
    const sent = await t.request({ method: 'POST', url: `/api/v1/documents/${draft.documentId}/packages`, token: who.c1Secretary!.token, payload: { fromUnitId: c1.id, roundIds: [draft.roundId] } });
    expect(sent.statusCode, sent.body).toBe(201);
    const read = async (url: string) => (await t.request({ method: 'GET', url, token: who.districtSecretary!.token })).json();
    const whole = await read(`/api/v1/documents/${draft.documentId}/feedback`);
    expect(whole.items.map((i: { section: string }) => i.section)).toEqual(['V', 'IX']);
    const index = await read(`/api/v1/documents/${draft.documentId}/feedback/sections`);
    expect(index.sections.map((s: { section: string }) => s.section)).toEqual(['IV', 'V', 'IX']);
  });

  it('carries a decision taken before another unit’s matching point arrived to that point too, in the package going up as on the screen', async () => {
    const report = '# I. Kinh tế\nTăng trưởng bình quân 9% mỗi năm.\n';
    const body = report.replace(/^# /gm, '');
    const anchor = { start: body.indexOf('9% mỗi năm'), end: body.indexOf('9% mỗi năm') + '9% mỗi năm'.length };
    const draft = await makeDocumentInRound(t, who.districtDrafter!.token, { unitId: district.id, markdown: report, closesAt: inHours(1) });
    await makeAnnotation(t, who.c1Member!.token, draft.roundId, { kind: 'objection', body: 'Chỉ tiêu 9% là quá cao.', anchor });
    await makeAnnotation(t, who.c2Member!.token, draft.roundId, { kind: 'objection', body: 'Chỉ tiêu 9% quá cao.', anchor });
    const sendFrom = async (secretary: SignedInMember, unit: Unit) => {
      const sent = await t.request({ method: 'POST', url: `/api/v1/documents/${draft.documentId}/packages`, token: secretary.token, payload: { fromUnitId: unit.id, roundIds: [draft.roundId] } });
      expect(sent.statusCode, sent.body).toBe(201);
    };
    const read = async () => (await t.request({ method: 'GET', url: `/api/v1/documents/${draft.documentId}/feedback`, token: who.districtSecretary!.token })).json();
    await sendFrom(who.c1Secretary!, c1);
    const [point] = (await read()).items;
    const decided = await t.request({ method: 'PUT', url: `/api/v1/documents/${draft.documentId}/feedback/items/${point.id}/disposition`, token: who.districtSecretary!.token, payload: { decision: 'rejected', note: 'Giữ 9%' } });
    expect(decided.statusCode, decided.body).toBe(200);
    await sendFrom(who.c2Secretary!, c2);
    const after = await read();
    expect(after.items).toHaveLength(1);
    expect(after.items[0]).toMatchObject({ unitCount: 2, disposition: { decision: 'rejected', note: 'Giữ 9%' } });
    const preview = (await t.request({ method: 'GET', url: `/api/v1/documents/${draft.documentId}/packages/preview?fromUnitId=${district.id}`, token: who.districtSecretary!.token })).json();
    expect(preview.items.map((i: { decisions: unknown; note: string }) => ({ decisions: i.decisions, note: i.note }))).toEqual([
      { decisions: { accepted: 0, partially_accepted: 0, rejected: 2, noted: 0, undecided: 0 }, note: 'Giữ 9%' },
    ]);
  });

  it('sends the district’s package on to the province with provenance down to each annotation', async () => {
    // The province reads its roll-up (nothing yet) before the package comes. The merge remembered
    // for that read, asked for its items only after the package was matched into the kept roll-up
    // (as a read racing a submission would), answers for the packages it was computed from.
    expect((await feedback(who.provinceSecretary!, province.id)).items).toEqual([]);
    const service = (t.app as unknown as { services: { aggregation: unknown } }).services.aggregation as {
      feedbackOf(document: { id: string }, unitId: string): Promise<{ section(path: string): unknown[]; all(): unknown[] }>;
    };
    const remembered = await service.feedbackOf({ id: documentId }, province.id);
    const own = await send(who.districtSecretary!, { id: randomUUID(), fromUnitId: district.id, note: 'Huyện ủy tổng hợp' });
    expect(own.statusCode).toBe(201);
    expect(remembered.section('I')).toEqual([]);
    expect(remembered.all()).toEqual([]);
    expect(own.statusCode).toBe(201);
    const pkg = own.json();
    expect(pkg).toMatchObject({ fromUnitId: district.id, toUnitId: province.id });
    const digital = pkg.items.find((i: { kind: string }) => i.kind === 'comment');
    expect(digital.annotationIds.sort()).toEqual(annotationIds.slice(0, 2).sort());
    expect(digital.unitIds.sort()).toEqual([c1.id, c2.id].sort());
    // The district's decision on the point travels with it.
    expect(digital.decisions.accepted).toBe(2);
    // …with its reason as the point's note, unless the sender wrote another.
    expect(digital.note).toBe('Bổ sung chỉ tiêu chuyển đổi số');
    expect(digital.quote).toBe('Chuyển đổi số bước đầu');
    const atProvince = await feedback(who.provinceSecretary!, province.id);
    expect(atProvince.units.map((u: { name: string }) => u.name)).toEqual(['Huyện ủy']);
    expect(atProvince.pending).toEqual([]);
    const item = atProvince.items.find((i: { kind: string }) => i.kind === 'comment');
    expect(item.annotationIds.sort()).toEqual(annotationIds.slice(0, 2).sort());
    expect(item).toMatchObject({ unitCount: 1, decisions: { accepted: 2 } });
    // Naming no unit, the province reads what it received: its unit on the document's chain.
    expect(await feedback(who.provinceSecretary!)).toEqual(atProvince);
    const pdf = await t.request({ method: 'GET', url: `/api/v1/documents/${documentId}/feedback?format=pdf`, token: who.provinceSecretary!.token });
    expect(pdf.statusCode).toBe(200);
  });

  it('exports the merged feedback and a package with the passages, the units’ notes and the decisions', async () => {
    const secretary = who.districtSecretary!.token;
    const docx = await t.request({ method: 'GET', url: `/api/v1/documents/${documentId}/feedback?format=docx`, token: secretary });
    expect(docx.statusCode).toBe(200);
    const { value } = await mammoth.extractRawText({ buffer: docx.rawPayload });
    expect(value).toContain('“Chuyển đổi số bước đầu”');
    expect(value).toContain('Số liệu chưa khớp niên giám'); // Xã Một's note on the objection
    expect(value).toContain('Bổ sung chỉ tiêu chuyển đổi số'); // the district's reason
    expect(value).toContain('I. Kinh tế');
    const md = await t.request({ method: 'GET', url: `/api/v1/documents/${documentId}/feedback?format=md`, token: secretary });
    expect(md.body).toContain('Xã Một (Số liệu chưa khớp niên giám)');
    // Each unit's overall note, under the units that sent.
    expect(md.body).toMatch(/- Xã Hai — Ngày gửi: [0-9/]+ — Ý kiến chung của đơn vị: Bổ sung\n/);
    const sent = (await t.request({ method: 'GET', url: packagesUrl(), token: who.c1Secretary!.token })).json();
    const latest = sent.filter((p: { fromUnitId: string }) => p.fromUnitId === c1.id).at(-1);
    const pkg = await t.request({ method: 'GET', url: `${packagesUrl()}/${latest.id}/export?format=docx`, token: who.c1Secretary!.token });
    const text = (await mammoth.extractRawText({ buffer: pkg.rawPayload })).value;
    expect(text).toContain('Ghi chú của đơn vị: Số liệu chưa khớp niên giám');
    expect(text).toContain(latest.contentHash);
  });
});
