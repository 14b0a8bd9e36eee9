/** Merging, splitting, undoing and deciding points by hand (issue 12; API.md "Aggregation"). */
import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { findDocument } from '../../server/db/documents.repository.js';
import type { Unit } from '../../server/db/units.repository.js';
import type { ClusterEdit, FeedbackPackage, RoundSummary } from '../../server/http/schemas/aggregation.js';
import { makeMember, makeUnit, type TestMember } from '../helpers/factories.js';
import { expectProblem, startTestApp, type TestApp } from '../helpers/test-app.js';

let t: TestApp;
let district: Unit, commune: Unit, other: Unit;
let drafter: TestMember, communeSecretary: TestMember, otherSecretary: TestMember, member: TestMember;
const writers: TestMember[] = [];
const tok = new Map<string, string>();
let documentId: string;
let roundId: string;
let otherRoundAnnotation: string;
const ids: Record<string, string> = {};

const text = '# I. Kinh tế\nTốc độ tăng trưởng đạt 8,2% mỗi năm.\nChuyển đổi số bước đầu có kết quả.\n# II. Xã hội\nTỷ lệ hộ nghèo giảm còn 4,1%.\n';
const plain = text.replace(/^# /gm, '');
const at = (quote: string) => ({ start: plain.indexOf(quote), end: plain.indexOf(quote) + quote.length });
const token = async (m: TestMember) => tok.get(m.id) ?? tok.set(m.id, await t.tokenFor(m)).get(m.id)!;
const call = async (m: TestMember, method: 'GET' | 'POST' | 'PUT' | 'DELETE', url: string, payload?: unknown) =>
  t.request({ method, url, token: await token(m), ...(payload === undefined ? {} : { payload: payload as Record<string, unknown> }) });
const summary = async (): Promise<RoundSummary> => (await call(drafter, 'GET', `/api/v1/rounds/${roundId}/summary`)).json();
const pointOf = (s: RoundSummary, annotationId: string) => s.sections.flatMap((x) => x.clusters).find((c) => c.annotationIds.includes(annotationId))!;
const comment = async (key: string, writer: TestMember, body: string, quote: string, round = roundId) => {
  const id = randomUUID();
  const response = await call(writer, 'PUT', `/api/v1/rounds/${round}/annotations/${id}`, { kind: 'comment', body, anchor: at(quote) });
  expect(response.statusCode).toBe(201);
  ids[key] = id;
  return id;
};
const merge = (m: TestMember, annotationIds: string[]) => call(m, 'POST', `/api/v1/rounds/${roundId}/clusters/merge`, { annotationIds });
const split = (m: TestMember, annotationIds: string[]) => call(m, 'POST', `/api/v1/rounds/${roundId}/clusters/split`, { annotationIds });

beforeAll(async () => {
  t = await startTestApp();
  const db = t.database.db;
  district = await makeUnit(db, { level: 'district', name: 'Huyện' });
  commune = await makeUnit(db, { parent: district, name: 'Xã' });
  other = await makeUnit(db, { level: 'district', name: 'Huyện khác' });
  drafter = await makeMember(db, { roles: [[district, 'drafter']] });
  communeSecretary = await makeMember(db, { roles: [[commune, 'secretary']] });
  otherSecretary = await makeMember(db, { roles: [[other, 'secretary']] });
  member = await makeMember(db, { roles: [[commune, 'member']] });
  for (let i = 0; i < 4; i++) writers.push(await makeMember(db, { roles: [[commune, 'member']] }));
  documentId = (await call(drafter, 'POST', '/api/v1/documents', { unitId: district.id, title: 'Dự thảo', content: { format: 'markdown', value: text } })).json().id;
  roundId = (await call(drafter, 'POST', `/api/v1/documents/${documentId}/rounds`, { closesAt: new Date(Date.now() + 3600_000).toISOString() })).json().id;
  await comment('digital1', writers[0]!, 'Đề nghị bổ sung chỉ tiêu về chuyển đổi số', 'Chuyển đổi số');
  await comment('digital2', writers[1]!, 'Đề nghị bổ sung thêm chỉ tiêu chuyển đổi số.', 'Chuyển đổi số bước đầu');
  await comment('growth', writers[2]!, 'Con số 8,2% chưa có căn cứ', '8,2%');
  await comment('poverty', writers[3]!, 'Cần nêu rõ giải pháp giảm nghèo bền vững', '4,1%');
  // A second document and round, for ids from another round.
  const doc2 = (await call(drafter, 'POST', '/api/v1/documents', { unitId: district.id, title: 'Khác', content: { format: 'markdown', value: text } })).json().id;
  const round2 = (await call(drafter, 'POST', `/api/v1/documents/${doc2}/rounds`, { closesAt: new Date(Date.now() + 3600_000).toISOString() })).json().id;
  otherRoundAnnotation = await comment('elsewhere', writers[0]!, 'Ý kiến khác', '8,2%', round2);
});
afterAll(async () => t.close());

describe('merging and splitting points by hand', () => {
  it('merges two points; the edit shows who made it and holds when a new annotation arrives', async () => {
    expect(pointOf(await summary(), ids.digital1!).annotationIds.sort()).toEqual([ids.digital1!, ids.digital2!].sort());
    const response = await merge(drafter, [ids.digital1!, ids.growth!]);
    expect(response.statusCode).toBe(201);
    const edit = response.json() as ClusterEdit;
    expect(edit).toMatchObject({ kind: 'merge', annotationIds: [ids.digital1, ids.growth], by: { id: drafter.id, name: drafter.displayName } });
    expect(Date.parse(edit.at)).not.toBeNaN();
    const merged = pointOf(await summary(), ids.growth!);
    expect(merged.id).toBe(ids.digital1);
    expect(merged.annotationIds.sort()).toEqual([ids.digital1!, ids.digital2!, ids.growth!].sort());
    expect(merged.count).toBe(3);

    // A newcomer the automatic step puts beside digital1 lands in the merged point.
    await comment('digital3', member, 'đề nghị bổ sung chỉ tiêu về chuyển đổi số', 'Chuyển đổi số');
    const after = pointOf(await summary(), ids.digital3!);
    expect(after.id).toBe(ids.digital1);
    expect(after.count).toBe(4);
  });

  it('splits an annotation out, lists the edits in order, and an undo gives the point back', async () => {
    const response = await split(drafter, [ids.growth!]);
    expect(response.statusCode).toBe(201);
    const edit = response.json() as ClusterEdit;
    expect(edit.kind).toBe('split');
    const s = await summary();
    expect(pointOf(s, ids.growth!)).toMatchObject({ id: ids.growth, count: 1 });
    expect(pointOf(s, ids.digital1!).count).toBe(3);

    const list = (await call(drafter, 'GET', `/api/v1/rounds/${roundId}/clusters/edits`)).json() as { edits: ClusterEdit[] };
    expect(list.edits.map((e) => e.kind)).toEqual(['merge', 'split']);
    expect(list.edits[1]).toEqual(edit);

    const undone = await call(drafter, 'DELETE', `/api/v1/rounds/${roundId}/clusters/edits/${edit.id}`);
    expect(undone.statusCode).toBe(204);
    expect(pointOf(await summary(), ids.growth!)).toMatchObject({ id: ids.digital1, count: 4 });
    expectProblem(await call(drafter, 'DELETE', `/api/v1/rounds/${roundId}/clusters/edits/${edit.id}`), 404, 'not_found');
  });

  it('refuses bad edits with exact errors', async () => {
    expectProblem(await merge(drafter, [ids.digital1!]), 400, 'validation_failed');
    expectProblem(await merge(drafter, [ids.digital1!, ids.digital1!]), 400, 'validation_failed');
    expectProblem(await split(drafter, []), 400, 'validation_failed');
    expectProblem(await merge(drafter, [ids.digital1!, 'not-a-uuid']), 400, 'validation_failed');
    const unknown = expectProblem(await merge(drafter, [ids.digital1!, randomUUID()]), 400, 'validation_failed');
    expect(unknown.detail).toMatch(/is not an annotation of this round/);
    const elsewhere = expectProblem(await merge(drafter, [ids.digital1!, otherRoundAnnotation]), 400, 'validation_failed');
    expect(elsewhere.detail).toMatch(/is not an annotation of this round/);
    const sections = expectProblem(await merge(drafter, [ids.digital1!, ids.poverty!]), 400, 'validation_failed');
    expect(sections.detail).toMatch(/one section/);
    expectProblem(await call(drafter, 'DELETE', `/api/v1/rounds/${roundId}/clusters/edits/${randomUUID()}`), 404, 'not_found');
    expectProblem(await call(drafter, 'POST', `/api/v1/rounds/${randomUUID()}/clusters/merge`, { annotationIds: [ids.digital1, ids.growth] }), 404, 'not_found');
  });

  it('lets only the round’s drafters and secretaries edit: members 403, outsiders 404, no token 401', async () => {
    expectProblem(await merge(member, [ids.digital1!, ids.growth!]), 403, 'forbidden');
    expectProblem(await call(member, 'GET', `/api/v1/rounds/${roundId}/clusters/edits`), 403, 'forbidden');
    expectProblem(await merge(communeSecretary, [ids.digital1!, ids.growth!]), 403, 'forbidden');
    expectProblem(await merge(otherSecretary, [ids.digital1!, ids.growth!]), 404, 'not_found');
    expectProblem(await t.request({ method: 'POST', url: `/api/v1/rounds/${roundId}/clusters/merge`, payload: { annotationIds: [ids.digital1, ids.growth] } }), 401, 'unauthenticated');
    // The secretary of a round's scope unit may: a round scoped to the commune.
    const doc3 = (await call(drafter, 'POST', '/api/v1/documents', { unitId: district.id, title: 'Phân xuống xã', content: { format: 'markdown', value: text } })).json().id as string;
    const scoped = await call(drafter, 'POST', `/api/v1/documents/${doc3}/rounds`, { closesAt: new Date(Date.now() + 3600_000).toISOString(), scopeUnitId: commune.id });
    expect(scoped.statusCode).toBe(201);
    const r = scoped.json().id as string;
    const a = await comment('scoped1', writers[0]!, 'Ý kiến một', 'Chuyển đổi số', r);
    const b = await comment('scoped2', writers[1]!, 'Ý kiến hai', 'Chuyển đổi số', r);
    expect((await call(communeSecretary, 'POST', `/api/v1/rounds/${r}/clusters/merge`, { annotationIds: [a, b] })).statusCode).toBe(201);
  });

  it('emits clusters.edited in the outbox, for the round’s reviewers only', async () => {
    const document = (await findDocument(t.database.db, documentId))!;
    const actorOf = async (m: TestMember) => (await t.app.services.auth.authenticate(await token(m)))!;
    const seen = async (m: TestMember) => (await t.app.services.feed.page(await actorOf(m), document, 0, 10_000)).events.filter((e) => e.type === 'clusters.edited');
    const reviewer = await seen(drafter);
    expect(reviewer.map((e) => (e.data as { action: string }).action)).toEqual(expect.arrayContaining(['merge', 'split', 'undo']));
    expect(reviewer.find((e) => (e.data as { action: string }).action === 'merge')!.data).toMatchObject({ roundId, edit: { kind: 'merge', by: { id: drafter.id } } });
    expect(await seen(member)).toEqual([]);
  });
});

describe('deciding a whole point', () => {
  it('records the decision on every annotation of the point, with a disposition.set event each', async () => {
    const point = pointOf(await summary(), ids.digital1!);
    const response = await call(drafter, 'PUT', `/api/v1/rounds/${roundId}/clusters/${point.id}/disposition`, { decision: 'accepted', note: 'Tiếp thu' });
    expect(response.statusCode).toBe(200);
    expect(response.json()).toEqual({ decided: point.count });
    expect(pointOf(await summary(), ids.digital1!).decisions).toMatchObject({ accepted: point.count, undecided: 0 });
    const annotation = (await call(drafter, 'GET', `/api/v1/rounds/${roundId}/annotations`)).json() as Array<{ id: string; disposition: { decision: string; note: string } | null }>;
    for (const id of point.annotationIds) expect(annotation.find((a) => a.id === id)!.disposition).toMatchObject({ decision: 'accepted', note: 'Tiếp thu' });
    const events = await t.database.db.selectFrom('events').select(['payload']).where('document_id', '=', documentId).where('type', '=', 'disposition.set').execute();
    expect(events.map((e) => (e.payload as { annotationId: string }).annotationId).sort()).toEqual([...point.annotationIds].sort());
  });

  it('refuses an unknown point, a missing reason, and anyone but the reviewers', async () => {
    const point = pointOf(await summary(), ids.poverty!);
    expectProblem(await call(drafter, 'PUT', `/api/v1/rounds/${roundId}/clusters/${randomUUID()}/disposition`, { decision: 'noted' }), 404, 'not_found');
    expectProblem(await call(drafter, 'PUT', `/api/v1/rounds/${roundId}/clusters/${point.id}/disposition`, { decision: 'rejected', note: '' }), 400, 'validation_failed');
    expectProblem(await call(drafter, 'PUT', `/api/v1/rounds/${roundId}/clusters/${point.id}/disposition`, { decision: 'maybe' }), 400, 'validation_failed');
    expectProblem(await call(member, 'PUT', `/api/v1/rounds/${roundId}/clusters/${point.id}/disposition`, { decision: 'noted' }), 403, 'forbidden');
  });
});

describe('edits in packages', () => {
  it('a package carries the points as merged by hand', async () => {
    // In force: digital1 and growth merged (the split of growth was undone). Now digital2, which
    // reads like digital1, is split out: the package must keep it apart too.
    expect((await split(drafter, [ids.digital2!])).statusCode).toBe(201);
    await call(drafter, 'POST', `/api/v1/rounds/${roundId}/close`);
    const answer = await call(communeSecretary, 'POST', `/api/v1/documents/${documentId}/packages`, { fromUnitId: commune.id, roundIds: [roundId] });
    expect(answer.statusCode).toBe(201);
    const item = (answer.json() as FeedbackPackage).items.find((i) => i.annotationIds.includes(ids.growth!))!;
    expect([...item.annotationIds].sort()).toEqual([ids.digital1!, ids.digital3!, ids.growth!].sort());
    const splitOut = (answer.json() as FeedbackPackage).items.find((i) => i.annotationIds.includes(ids.digital2!))!;
    expect(splitOut.annotationIds).toEqual([ids.digital2]);
  });
});
