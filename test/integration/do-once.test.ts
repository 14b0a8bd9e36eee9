/**
 * "Do once" actions under concurrent duplicates (a double click, two drafters at once), against
 * the real PostgreSQL: applying a suggestion, deciding, closing a round. Each is requested five
 * times at once; exactly one takes effect, and nothing is stored twice.
 */
import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Unit } from '../../server/db/units.repository.js';
import { makeMember, makeUnit, type TestMember } from '../helpers/factories.js';
import { startTestApp, type TestApp } from '../helpers/test-app.js';

let t: TestApp;
let commune: Unit;
let drafter: TestMember, secretary: TestMember, alice: TestMember;
const tok: Record<string, string> = {};
const report = '# I. Kinh tế\nThu nhập bình quân đầu người năm 2025 ước đạt **52 triệu đồng**, tăng 1,6 lần.\n';
const text = report.replace(/^# /gm, '').replace(/\*\*/g, '');
const inHours = (h: number) => new Date(Date.now() + h * 3600_000).toISOString();

beforeAll(async () => {
  t = await startTestApp();
  const db = t.database.db;
  const district = await makeUnit(db, { level: 'district' });
  commune = await makeUnit(db, { parent: district });
  drafter = await makeMember(db, { roles: [[commune, 'drafter']] });
  secretary = await makeMember(db, { roles: [[commune, 'secretary']] });
  alice = await makeMember(db, { roles: [[commune, 'member']] });
  for (const m of [drafter, secretary, alice]) tok[m.id] = await t.tokenFor(m);
});
afterAll(async () => t.close());

async function documentInRound(): Promise<{ documentId: string; roundId: string }> {
  const created = await t.request({ method: 'POST', url: '/api/v1/documents', token: tok[drafter.id], payload: { unitId: commune.id, title: 'Dự thảo', content: { format: 'markdown', value: report } } });
  const documentId = created.json().id;
  const round = await t.request({ method: 'POST', url: `/api/v1/documents/${documentId}/rounds`, token: tok[drafter.id], payload: { closesAt: inHours(24), visibility: 'private' } });
  return { documentId, roundId: round.json().id };
}

async function acceptedSuggestion(roundId: string, quote: string, replacement: string): Promise<string> {
  const id = randomUUID();
  const start = text.indexOf(quote);
  const put = await t.request({ method: 'PUT', url: `/api/v1/rounds/${roundId}/annotations/${id}`, token: tok[alice.id], payload: { kind: 'suggestion', body: '', replacement, anchor: { start, end: start + quote.length } } });
  expect(put.statusCode).toBe(201);
  const decided = await t.request({ method: 'PUT', url: `/api/v1/annotations/${id}/disposition`, token: tok[drafter.id], payload: { decision: 'accepted', note: '' } });
  expect(decided.statusCode).toBe(200);
  return id;
}

const five = <T>(request: () => Promise<T>) => Promise.all(Array.from({ length: 5 }, request));
const count = (haystack: string, needle: string) => haystack.split(needle).length - 1;

describe('do once', () => {
  it('applies a suggestion requested five times at once exactly once: one 200, four 409, the replacement once', async () => {
    const { documentId, roundId } = await documentInRound();
    const id = await acceptedSuggestion(roundId, 'ước đạt 52 triệu đồng', 'đạt khoảng 52 triệu đồng');
    const answers = await five(() => t.request({ method: 'POST', url: `/api/v1/annotations/${id}/apply`, token: tok[drafter.id] }));
    expect(answers.map((a) => a.statusCode).sort()).toEqual([200, 409, 409, 409, 409]);
    for (const a of answers.filter((a) => a.statusCode === 409)) expect(a.json().code).toBe('conflict');
    const live = (await t.request({ method: 'GET', url: `/api/v1/documents/${documentId}/content`, token: tok[drafter.id] })).json();
    expect(count(live.text, 'khoảng 52 triệu đồng')).toBe(1);
    expect(live.text).toContain('năm 2025 đạt khoảng 52 triệu đồng, tăng 1,6 lần.');
    const events = await t.database.db.selectFrom('events').select('type').where('document_id', '=', documentId).where('type', '=', 'suggestion.applied').execute();
    expect(events).toHaveLength(1);
  });

  it('takes over an apply whose process died between its claim and its edit, and never applies twice', async () => {
    const { documentId, roundId } = await documentInRound();
    const id = await acceptedSuggestion(roundId, 'ước đạt 52 triệu đồng', 'đạt khoảng 52 triệu đồng');
    const db = t.database.db;
    const claim = (at: Date) => db.updateTable('dispositions').set({ applied_at: at, applied_by: secretary.id }).where('annotation_id', '=', id).execute();
    const apply = () => t.request({ method: 'POST', url: `/api/v1/annotations/${id}/apply`, token: tok[drafter.id] });
    const liveText = async () => (await t.request({ method: 'GET', url: `/api/v1/documents/${documentId}/content`, token: tok[drafter.id] })).json().text as string;
    // A claim within its lease may be an apply under way: not taken over.
    await claim(new Date());
    expect((await apply()).statusCode).toBe(409);
    // What a process killed after its claim and before its edit was committed leaves: an old claim, the draft unchanged.
    await claim(new Date(Date.now() - 2 * 60_000));
    const taken = await apply();
    expect(taken.statusCode).toBe(200);
    expect(count(await liveText(), 'khoảng 52 triệu đồng')).toBe(1);
    const row = await db.selectFrom('dispositions').select(['applied_at', 'applied_by']).where('annotation_id', '=', id).executeTakeFirstOrThrow();
    expect(row.applied_by).toBe(drafter.id);
    // Killed after the edit was committed (the draft holds it), before anything else: an old claim again, never re-applied.
    await claim(new Date(Date.now() - 2 * 60_000));
    const again = await five(apply);
    expect(again.map((a) => a.statusCode)).toEqual([409, 409, 409, 409, 409]);
    expect(count(await liveText(), 'khoảng 52 triệu đồng')).toBe(1);
    expect(await liveText()).toContain('năm 2025 đạt khoảng 52 triệu đồng, tăng 1,6 lần.');
  });

  it('answers 409 with the current text when the passage changed, and applies nothing', async () => {
    const { documentId, roundId } = await documentInRound();
    const first = await acceptedSuggestion(roundId, '52 triệu đồng', '55 triệu đồng');
    const second = await acceptedSuggestion(roundId, '52 triệu đồng', '60 triệu đồng');
    expect((await t.request({ method: 'POST', url: `/api/v1/annotations/${first}/apply`, token: tok[drafter.id] })).statusCode).toBe(200);
    const refused = await t.request({ method: 'POST', url: `/api/v1/annotations/${second}/apply`, token: tok[drafter.id] });
    expect(refused.statusCode).toBe(409);
    expect(refused.json()).toMatchObject({ code: 'conflict', currentText: '55 triệu đồng' });
    const live = (await t.request({ method: 'GET', url: `/api/v1/documents/${documentId}/content`, token: tok[drafter.id] })).json();
    expect(live.text).not.toContain('60 triệu');
    // A refused apply releases nothing it did not own: the second can still be tried again later.
    const row = await t.database.db.selectFrom('dispositions').select('applied_at').where('annotation_id', '=', second).executeTakeFirstOrThrow();
    expect(row.applied_at).toBeNull();
  });

  it('stores one decision and one event when the same decision arrives five times at once', async () => {
    const { documentId, roundId } = await documentInRound();
    const id = randomUUID();
    const start = text.indexOf('1,6 lần');
    await t.request({ method: 'PUT', url: `/api/v1/rounds/${roundId}/annotations/${id}`, token: tok[alice.id], payload: { kind: 'comment', body: 'Nguồn?', anchor: { start, end: start + 7 } } });
    const answers = await five(() => t.request({ method: 'PUT', url: `/api/v1/annotations/${id}/disposition`, token: tok[drafter.id], payload: { decision: 'rejected', note: 'Đã có nguồn' } }));
    expect(answers.map((a) => a.statusCode)).toEqual([200, 200, 200, 200, 200]);
    const events = await t.database.db.selectFrom('events').select('type').where('document_id', '=', documentId).where('type', '=', 'disposition.set').execute();
    expect(events).toHaveLength(1);
    // A different decision is a change: stored, with its event.
    await t.request({ method: 'PUT', url: `/api/v1/annotations/${id}/disposition`, token: tok[drafter.id], payload: { decision: 'noted', note: '' } });
    const after = await t.database.db.selectFrom('events').select('type').where('document_id', '=', documentId).where('type', '=', 'disposition.set').execute();
    expect(after).toHaveLength(2);
  });

  it('closes a round requested five times at once exactly once', async () => {
    const { documentId, roundId } = await documentInRound();
    const answers = await five(() => t.request({ method: 'POST', url: `/api/v1/rounds/${roundId}/close`, token: tok[secretary.id] }));
    expect(answers.map((a) => a.statusCode).sort()).toEqual([200, 409, 409, 409, 409]);
    const events = await t.database.db.selectFrom('events').select('type').where('document_id', '=', documentId).where('type', '=', 'round.closed').execute();
    expect(events).toHaveLength(1);
  });
});
