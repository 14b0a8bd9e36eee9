/**
 * "Do once" actions under concurrent duplicates (a double click, two drafters at once), against
 * the real PostgreSQL: applying a suggestion, deciding, closing a round. Each is requested five
 * times at once; exactly one takes effect, and nothing is stored twice.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Unit } from '../../server/db/units.repository.js';
import { decide, makeAnnotation, makeDocumentInRound, makeMembers, makeUnit, type SignedInMember } from '../helpers/factories.js';
import { startTestApp, type TestApp } from '../helpers/test-app.js';

let t: TestApp;
let commune: Unit;
let drafter: SignedInMember, secretary: SignedInMember, alice: SignedInMember;
const report = '# I. Kinh tế\nThu nhập bình quân đầu người năm 2025 ước đạt **52 triệu đồng**, tăng 1,6 lần.\n';
const text = report.replace(/^# /gm, '').replace(/\*\*/g, '');

beforeAll(async () => {
  t = await startTestApp();
  const db = t.database.db;
  const district = await makeUnit(db, { level: 'district' });
  commune = await makeUnit(db, { parent: district });
  ({ drafter, secretary, alice } = await makeMembers(t, { drafter: [[commune, 'drafter']], secretary: [[commune, 'secretary']], alice: [[commune, 'member']] }));
});
afterAll(async () => t.close());

const documentInRound = () => makeDocumentInRound(t, drafter.token, { unitId: commune.id, markdown: report, visibility: 'private' });

async function acceptedSuggestion(roundId: string, quote: string, replacement: string): Promise<string> {
  const start = text.indexOf(quote);
  const id = await makeAnnotation(t, alice.token, roundId, { kind: 'suggestion', body: '', replacement, anchor: { start, end: start + quote.length } });
  expect((await decide(t, drafter.token, id, 'accepted')).statusCode).toBe(200);
  return id;
}

const five = <T>(request: () => Promise<T>) => Promise.all(Array.from({ length: 5 }, request));
const count = (haystack: string, needle: string) => haystack.split(needle).length - 1;

describe('do once', () => {
  it('applies a suggestion requested five times at once exactly once: one 200, four 409, the replacement once', async () => {
    const { documentId, roundId } = await documentInRound();
    const id = await acceptedSuggestion(roundId, 'ước đạt 52 triệu đồng', 'đạt khoảng 52 triệu đồng');
    const answers = await five(() => t.request({ method: 'POST', url: `/api/v1/annotations/${id}/apply`, token: drafter.token }));
    expect(answers.map((a) => a.statusCode).sort()).toEqual([200, 409, 409, 409, 409]);
    for (const a of answers.filter((a) => a.statusCode === 409)) expect(a.json().code).toBe('conflict');
    const live = (await t.request({ method: 'GET', url: `/api/v1/documents/${documentId}/content`, token: drafter.token })).json();
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
    const apply = () => t.request({ method: 'POST', url: `/api/v1/annotations/${id}/apply`, token: drafter.token });
    const liveText = async () => (await t.request({ method: 'GET', url: `/api/v1/documents/${documentId}/content`, token: drafter.token })).json().text as string;
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
    expect((await t.request({ method: 'POST', url: `/api/v1/annotations/${first}/apply`, token: drafter.token })).statusCode).toBe(200);
    const refused = await t.request({ method: 'POST', url: `/api/v1/annotations/${second}/apply`, token: drafter.token });
    expect(refused.statusCode).toBe(409);
    expect(refused.json()).toMatchObject({ code: 'conflict', currentText: '55 triệu đồng' });
    const live = (await t.request({ method: 'GET', url: `/api/v1/documents/${documentId}/content`, token: drafter.token })).json();
    expect(live.text).not.toContain('60 triệu');
    // A refused apply releases nothing it did not own: the second can still be tried again later.
    const row = await t.database.db.selectFrom('dispositions').select('applied_at').where('annotation_id', '=', second).executeTakeFirstOrThrow();
    expect(row.applied_at).toBeNull();
  });

  it('stores one decision and one event when the same decision arrives five times at once', async () => {
    const { documentId, roundId } = await documentInRound();
    const start = text.indexOf('1,6 lần');
    const id = await makeAnnotation(t, alice.token, roundId, { kind: 'comment', body: 'Nguồn?', anchor: { start, end: start + 7 } });
    const answers = await five(() => decide(t, drafter.token, id, 'rejected', 'Đã có nguồn'));
    expect(answers.map((a) => a.statusCode)).toEqual([200, 200, 200, 200, 200]);
    const events = await t.database.db.selectFrom('events').select('type').where('document_id', '=', documentId).where('type', '=', 'disposition.set').execute();
    expect(events).toHaveLength(1);
    // A different decision is a change: stored, with its event.
    await decide(t, drafter.token, id, 'noted');
    const after = await t.database.db.selectFrom('events').select('type').where('document_id', '=', documentId).where('type', '=', 'disposition.set').execute();
    expect(after).toHaveLength(2);
  });

  it('closes a round requested five times at once exactly once', async () => {
    const { documentId, roundId } = await documentInRound();
    const answers = await five(() => t.request({ method: 'POST', url: `/api/v1/rounds/${roundId}/close`, token: secretary.token }));
    expect(answers.map((a) => a.statusCode).sort()).toEqual([200, 409, 409, 409, 409]);
    const events = await t.database.db.selectFrom('events').select('type').where('document_id', '=', documentId).where('type', '=', 'round.closed').execute();
    expect(events).toHaveLength(1);
  });
});
