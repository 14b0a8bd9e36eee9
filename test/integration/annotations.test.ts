import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import * as Y from 'yjs';
import type { Unit } from '../../server/db/units.repository.js';
import { docxPart, xmlTexts } from '../helpers/export-files.js';
import { inHours, makeDocumentInRound, makeMember, makeUnit, putAnnotation, sampleReport as report, type TestMember, signIn } from '../helpers/factories.js';
import { expectProblem, startTestApp, type TestApp } from '../helpers/test-app.js';
import { appendParagraph, connectClient, eventually, paragraphsOf } from '../helpers/ws-client.js';

let t: TestApp;
let baseUrl: string;
let district: Unit, commune: Unit;
let drafter: TestMember, secretary: TestMember, alice: TestMember, bob: TestMember, districtSecretary: TestMember;
let tok: Record<string, string> = {};

beforeAll(async () => {
  t = await startTestApp();
  const db = t.database.db;
  district = await makeUnit(db, { level: 'district' });
  commune = await makeUnit(db, { parent: district });
  drafter = await makeMember(db, { roles: [[commune, 'drafter']] });
  secretary = await makeMember(db, { roles: [[commune, 'secretary']] });
  alice = await makeMember(db, { roles: [[commune, 'member']] });
  bob = await makeMember(db, { roles: [[commune, 'member']] });
  districtSecretary = await makeMember(db, { roles: [[district, 'secretary']] });
  tok = await signIn(t, [drafter, secretary, alice, bob, districtSecretary]);
  baseUrl = await t.listen();
});
afterAll(async () => t.close());

const documentInRound = (options: { visibility?: 'private' | 'open'; closesAt?: string } = {}) =>
  makeDocumentInRound(t, tok[drafter.id], { unitId: commune.id, visibility: options.visibility ?? 'private', ...(options.closesAt ? { closesAt: options.closesAt } : {}) });

const put = (roundId: string, id: string, member: TestMember, body: Record<string, unknown>) => putAnnotation(t, tok[member.id], roundId, body, id);

const onGrowth = (text = 'Nên nói rõ cơ sở của con số này') => {
  const start = report.replace(/^# /gm, '').indexOf('8,2%');
  return { kind: 'comment', body: text, anchor: { start, end: start + 4 } };
};

describe('writing annotations', () => {
  it('creates with offsets and answers with the anchor in three forms', async () => {
    const { roundId } = await documentInRound();
    const id = randomUUID();
    const response = await put(roundId, id, alice, onGrowth());
    expect(response.statusCode).toBe(201);
    const a = response.json();
    expect(a).toMatchObject({ id, roundId, authorId: alice.id, authorName: alice.displayName, kind: 'comment', body: 'Nên nói rõ cơ sở của con số này', status: 'active', disposition: null, replies: [] });
    expect(a.anchor).toMatchObject({ quote: { exact: '8,2%' }, section: 'I' });
    expect(a.anchor.quote.prefix.endsWith('tăng trưởng đạt ')).toBe(true);
    expect(a.anchor.relStart).toMatch(/^[A-Za-z0-9+/=]+$/);

    // The same anchor given as relative positions lands on the same text.
    const again = await put(roundId, randomUUID(), bob, { kind: 'question', body: 'Nguồn số liệu?', anchor: { relStart: a.anchor.relStart, relEnd: a.anchor.relEnd } });
    expect(again.statusCode).toBe(201);
    expect(again.json().anchor).toMatchObject({ start: a.anchor.start, end: a.anchor.end, quote: { exact: '8,2%' } });
  });

  it('is idempotent: a replay changes nothing, an edit by the author updates, another author is refused', async () => {
    const { roundId } = await documentInRound();
    const id = randomUUID();
    expect((await put(roundId, id, alice, onGrowth())).statusCode).toBe(201);
    const replay = await put(roundId, id, alice, onGrowth());
    expect(replay.statusCode).toBe(200);
    const edited = await put(roundId, id, alice, onGrowth('Bổ sung nguồn số liệu'));
    expect(edited.statusCode).toBe(200);
    expect(edited.json().body).toBe('Bổ sung nguồn số liệu');
    expectProblem(await put(roundId, id, bob, onGrowth('chiếm id')), 403, 'forbidden');
    const rows = await t.database.db.selectFrom('annotations').select('id').where('round_id', '=', roundId).execute();
    expect(rows).toHaveLength(1);
    const events = await t.database.db.selectFrom('events').select('type').where('round_id', '=', roundId).where('type', '=', 'annotation.upserted').execute();
    expect(events).toHaveLength(2);
  });

  it('refuses bad input with exact errors', async () => {
    const { roundId } = await documentInRound();
    expectProblem(await put(roundId, randomUUID(), alice, { ...onGrowth(), anchor: { start: 5, end: 100_000 } }), 422, 'anchor_mismatch');
    expectProblem(await put(roundId, randomUUID(), alice, { ...onGrowth(), anchor: { start: 9, end: 3 } }), 422, 'anchor_mismatch');
    expectProblem(await put(roundId, randomUUID(), alice, { ...onGrowth(), anchor: { relStart: '!!!', relEnd: 'AAAA' } }), 400, 'validation_failed');
    expectProblem(await put(roundId, randomUUID(), alice, { ...onGrowth(), kind: 'suggestion' }), 400, 'validation_failed');
    expectProblem(await put(roundId, randomUUID(), alice, { ...onGrowth(), kind: 'praise' }), 400, 'validation_failed');
    // A rewording that changes nothing (the form starts from the quoted words) is no suggestion.
    const unchanged = expectProblem(await put(roundId, randomUUID(), alice, { ...onGrowth(), kind: 'suggestion', body: '', replacement: '8,2%' }), 400, 'validation_failed');
    expect(unchanged.detail).toBe('the replacement is the quoted text unchanged: a suggestion changes it');
    expect((await put(roundId, randomUUID(), alice, { ...onGrowth(), kind: 'suggestion', body: '', replacement: '8,5%' })).statusCode).toBe(201);
    expectProblem(await put(roundId, randomUUID(), alice, { ...onGrowth(), body: '' }), 400, 'validation_failed');
    expectProblem(await put(roundId, randomUUID(), alice, { ...onGrowth(), body: 'x'.repeat(10_001) }), 413, 'too_large');
    expectProblem(await put(roundId, 'not-a-uuid', alice, onGrowth()), 400, 'validation_failed');
    expectProblem(await put(randomUUID(), randomUUID(), alice, onGrowth()), 404, 'not_found');
    expectProblem(await t.request({ method: 'PUT', url: `/api/v1/rounds/${roundId}/annotations/${randomUUID()}`, payload: onGrowth() }), 401, 'unauthenticated');
    // The higher level follows the draft but is not a participant of the commune's round.
    expectProblem(await put(roundId, randomUUID(), districtSecretary, onGrowth()), 403, 'forbidden');
    const stranger = await makeMember(t.database.db, { roles: [[await makeUnit(t.database.db), 'member']] });
    expectProblem(
      await t.request({ method: 'PUT', url: `/api/v1/rounds/${roundId}/annotations/${randomUUID()}`, token: await t.tokenFor(stranger), payload: onGrowth() }),
      404,
      'not_found',
    );
  });

  it('refuses writes and withdrawals after the round closed, keeping what was accepted', async () => {
    const { roundId } = await documentInRound();
    const kept = randomUUID();
    expect((await put(roundId, kept, alice, onGrowth())).statusCode).toBe(201);
    await t.request({ method: 'POST', url: `/api/v1/rounds/${roundId}/close`, token: tok[secretary.id] });
    expectProblem(await put(roundId, randomUUID(), alice, onGrowth()), 409, 'round_closed');
    expectProblem(await put(roundId, kept, alice, onGrowth('sửa muộn')), 409, 'round_closed');
    expectProblem(await t.request({ method: 'DELETE', url: `/api/v1/rounds/${roundId}/annotations/${kept}`, token: tok[alice.id] }), 409, 'round_closed');
    const list = (await t.request({ method: 'GET', url: `/api/v1/rounds/${roundId}/annotations`, token: tok[drafter.id] })).json();
    expect(list.map((a: { id: string; body: string }) => [a.id, a.body])).toEqual([[kept, 'Nên nói rõ cơ sở của con số này']]);
  });

  it('withdraws an own annotation only', async () => {
    const { roundId } = await documentInRound();
    const id = randomUUID();
    await put(roundId, id, alice, onGrowth());
    expectProblem(await t.request({ method: 'DELETE', url: `/api/v1/rounds/${roundId}/annotations/${id}`, token: tok[bob.id] }), 403, 'forbidden');
    expect((await t.request({ method: 'DELETE', url: `/api/v1/rounds/${roundId}/annotations/${id}`, token: tok[alice.id] })).statusCode).toBe(204);
    expect((await t.request({ method: 'GET', url: `/api/v1/rounds/${roundId}/annotations`, token: tok[drafter.id] })).json()).toEqual([]);
  });
});

describe('visibility', () => {
  it('private rounds: members see their own; drafters see all; the higher level sees none', async () => {
    const { roundId } = await documentInRound({ visibility: 'private' });
    await put(roundId, randomUUID(), alice, onGrowth('của Alice'));
    await put(roundId, randomUUID(), bob, onGrowth('của Bob'));
    const list = async (m: TestMember) =>
      (await t.request({ method: 'GET', url: `/api/v1/rounds/${roundId}/annotations`, token: tok[m.id] })).json().map((a: { body: string }) => a.body).sort();
    expect(await list(alice)).toEqual(['của Alice']);
    expect(await list(bob)).toEqual(['của Bob']);
    expect(await list(drafter)).toEqual(['của Alice', 'của Bob']);
    expect(await list(districtSecretary)).toEqual([]);
  });

  it('open rounds: participants see each other’s', async () => {
    const { roundId } = await documentInRound({ visibility: 'open' });
    await put(roundId, randomUUID(), alice, onGrowth('của Alice'));
    await put(roundId, randomUUID(), bob, onGrowth('của Bob'));
    const bobSees = (await t.request({ method: 'GET', url: `/api/v1/rounds/${roundId}/annotations`, token: tok[bob.id] })).json();
    expect(bobSees.map((a: { body: string }) => a.body).sort()).toEqual(['của Alice', 'của Bob']);
    const higher = (await t.request({ method: 'GET', url: `/api/v1/rounds/${roundId}/annotations`, token: tok[districtSecretary.id] })).json();
    expect(higher).toEqual([]);
  });
});

describe('threads and decisions', () => {
  it('records replies, dispositions with reasons, and refuses members deciding', async () => {
    const { roundId } = await documentInRound();
    const id = randomUUID();
    await put(roundId, id, alice, onGrowth());
    const reply = await t.request({ method: 'POST', url: `/api/v1/annotations/${id}/replies`, token: tok[drafter.id], payload: { body: 'Số liệu theo báo cáo thống kê 2024.' } });
    expect(reply.statusCode).toBe(201);
    expect((await t.request({ method: 'POST', url: `/api/v1/annotations/${id}/replies`, token: tok[alice.id], payload: { body: 'Cảm ơn.' } })).statusCode).toBe(201);
    expectProblem(await t.request({ method: 'POST', url: `/api/v1/annotations/${id}/replies`, token: tok[bob.id], payload: { body: 'xen vào' } }), 404, 'not_found');
    expectProblem(await t.request({ method: 'PUT', url: `/api/v1/annotations/${id}/disposition`, token: tok[alice.id], payload: { decision: 'accepted', note: '' } }), 403, 'forbidden');
    expectProblem(await t.request({ method: 'PUT', url: `/api/v1/annotations/${id}/disposition`, token: tok[drafter.id], payload: { decision: 'rejected' } }), 400, 'validation_failed');
    expectProblem(await t.request({ method: 'PUT', url: `/api/v1/annotations/${id}/disposition`, token: tok[drafter.id], payload: { decision: 'maybe', note: 'x' } }), 400, 'validation_failed');
    const decided = await t.request({ method: 'PUT', url: `/api/v1/annotations/${id}/disposition`, token: tok[secretary.id], payload: { decision: 'rejected', note: 'Số liệu đã được kiểm chứng.' } });
    expect(decided.statusCode).toBe(200);
    expect(decided.json().disposition).toMatchObject({ decision: 'rejected', note: 'Số liệu đã được kiểm chứng.', decidedBy: secretary.id, appliedAt: null });
    const mine = (await t.request({ method: 'GET', url: `/api/v1/rounds/${roundId}/annotations`, token: tok[alice.id] })).json()[0];
    expect(mine.replies.map((r: { body: string; authorName: string }) => [r.authorName, r.body])).toEqual([
      [drafter.displayName, 'Số liệu theo báo cáo thống kê 2024.'],
      [alice.displayName, 'Cảm ơn.'],
    ]);
    expect(mine.disposition.decision).toBe('rejected');
  });

  it('applies an accepted suggestion into the live draft, which connected editors receive', async () => {
    const { documentId, roundId } = await documentInRound();
    const editor = connectClient(baseUrl, documentId, tok[drafter.id]);
    await editor.synced;
    const id = randomUUID();
    const suggestion = { ...onGrowth('Cập nhật số liệu'), kind: 'suggestion', replacement: '8,5%' };
    expect((await put(roundId, id, alice, suggestion)).statusCode).toBe(201);
    expectProblem(await t.request({ method: 'POST', url: `/api/v1/annotations/${id}/apply`, token: tok[drafter.id] }), 409, 'conflict');
    await t.request({ method: 'PUT', url: `/api/v1/annotations/${id}/disposition`, token: tok[drafter.id], payload: { decision: 'accepted', note: 'Đồng ý' } });
    expectProblem(await t.request({ method: 'POST', url: `/api/v1/annotations/${id}/apply`, token: tok[alice.id] }), 403, 'forbidden');
    const applied = await t.request({ method: 'POST', url: `/api/v1/annotations/${id}/apply`, token: tok[drafter.id] });
    expect(applied.statusCode).toBe(200);
    expect(applied.json().disposition.appliedAt).not.toBeNull();
    await eventually(() => paragraphsOf(editor.doc).includes('Tốc độ tăng trưởng đạt 8,5% mỗi năm.'), 'the editor receives the applied suggestion');
    const live = (await t.request({ method: 'GET', url: `/api/v1/documents/${documentId}/content`, token: tok[alice.id] })).json();
    expect(live.text).toContain('đạt 8,5% mỗi năm');
    expectProblem(await t.request({ method: 'POST', url: `/api/v1/annotations/${id}/apply`, token: tok[drafter.id] }), 409, 'conflict');
    editor.destroy();
  });

  it('refuses to apply when the anchored text changed since', async () => {
    const { documentId, roundId } = await documentInRound();
    const a = randomUUID();
    const b = randomUUID();
    await put(roundId, a, alice, { ...onGrowth(), kind: 'suggestion', replacement: '8,5%' });
    await put(roundId, b, bob, { ...onGrowth(), kind: 'suggestion', replacement: '9%' });
    for (const id of [a, b]) await t.request({ method: 'PUT', url: `/api/v1/annotations/${id}/disposition`, token: tok[drafter.id], payload: { decision: 'accepted', note: '' } });
    expect((await t.request({ method: 'POST', url: `/api/v1/annotations/${a}/apply`, token: tok[drafter.id] })).statusCode).toBe(200);
    expectProblem(await t.request({ method: 'POST', url: `/api/v1/annotations/${b}/apply`, token: tok[drafter.id] }), 409, 'conflict');
    const live = (await t.request({ method: 'GET', url: `/api/v1/documents/${documentId}/content`, token: tok[drafter.id] })).json();
    expect(live.text).toContain('8,5%');
    expect(live.text).not.toContain('9%');
  });
});

describe('re-anchoring and carrying forward', () => {
  it('follows the text into the live draft and into the next round, marking what is gone', async () => {
    const { documentId, roundId } = await documentInRound();
    const growth = randomUUID();
    const poverty = randomUUID();
    await put(roundId, growth, alice, onGrowth());
    const povertyStart = report.replace(/^# /gm, '').indexOf('4,1%');
    await put(roundId, poverty, bob, { kind: 'objection', body: 'Chưa chính xác', anchor: { start: povertyStart, end: povertyStart + 4 } });

    const editor = connectClient(baseUrl, documentId, tok[drafter.id]);
    await editor.synced;
    editor.doc.transact(() => {
      const fragment = editor.doc.getXmlFragment('default');
      // Insert a paragraph at the top (moves everything) and remove the poverty paragraph.
      const intro = new Y.XmlElement('paragraph');
      fragment.delete(3, 1);
      fragment.insert(0, [intro]);
    });
    await eventually(async () => (await t.request({ method: 'GET', url: `/api/v1/documents/${documentId}/content`, token: tok[drafter.id] })).json().text.startsWith('\n'), 'edits stored');
    editor.destroy();

    const placed = (await t.request({ method: 'GET', url: `/api/v1/documents/${documentId}/annotations?version=live`, token: tok[drafter.id] })).json();
    const byId = new Map(placed.map((a: { id: string }) => [a.id, a]));
    expect(byId.get(growth)).toMatchObject({ anchorStatus: 'moved', position: { section: 'I' } });
    expect(byId.get(poverty)).toMatchObject({ anchorStatus: 'orphaned', position: { start: null, end: null } });

    // Round 2: the undecided annotations of round 1 come along for the reviewers.
    await t.request({ method: 'POST', url: `/api/v1/rounds/${roundId}/close`, token: tok[drafter.id] });
    await t.request({ method: 'PUT', url: `/api/v1/annotations/${poverty}/disposition`, token: tok[drafter.id], payload: { decision: 'noted', note: '' } });
    const round2 = (await t.request({ method: 'POST', url: `/api/v1/documents/${documentId}/rounds`, token: tok[drafter.id], payload: { closesAt: inHours(24) } })).json();
    const review = (await t.request({ method: 'GET', url: `/api/v1/rounds/${round2.id}/annotations`, token: tok[drafter.id] })).json();
    expect(review.map((a: { id: string }) => a.id)).toEqual([growth]);
    expect(review[0].carriedForward).toMatchObject({ fromRoundId: roundId, anchorStatus: 'moved', section: 'I' });
    const forMember = (await t.request({ method: 'GET', url: `/api/v1/rounds/${round2.id}/annotations`, token: tok[alice.id] })).json();
    expect(forMember).toEqual([]);
  });
});

describe('a draft typed decomposed (NFD): offsets in the space of the text each route serves', () => {
  it('annotates with version-text (NFC) offsets, places in NFC for a version and as typed for live, and survives a precomposed retyping', async () => {
    const sentence = 'Xã Minh Sơn đã hoàn thành tiêu chí nông thôn mới.';
    const quote = 'hoàn thành tiêu chí';
    const created = await t.request({ method: 'POST', url: '/api/v1/documents', token: tok[drafter.id], payload: { unitId: commune.id, title: 'Dự thảo NFD', content: { format: 'markdown', value: report } } });
    const documentId = created.json().id;
    const content = async (version: string) => (await t.request({ method: 'GET', url: `/api/v1/documents/${documentId}/content${version === 'live' ? '' : `?version=${version}`}`, token: tok[drafter.id] })).json().text as string;

    // The drafter types a paragraph decomposed (as macOS and some Vietnamese input methods do).
    const editor = connectClient(baseUrl, documentId, tok[drafter.id]);
    await editor.synced;
    appendParagraph(editor.doc, sentence.normalize('NFD'));
    await eventually(async () => (await content('live')).includes(sentence.normalize('NFD')), 'the NFD paragraph is stored as typed');

    const round = await t.request({ method: 'POST', url: `/api/v1/documents/${documentId}/rounds`, token: tok[drafter.id], payload: { closesAt: inHours(24) } });
    expect(round.statusCode).toBe(201);
    const { id: roundId, baseVersion } = round.json();
    const versionText = await content(String(baseVersion));
    expect(versionText).toContain(sentence); // frozen NFC
    const liveText = await content('live');
    expect(liveText.length).toBeGreaterThan(versionText.length); // the live draft is served as typed

    // A member selects in the version's text as served.
    const start = versionText.indexOf(quote);
    const id = randomUUID();
    const response = await put(roundId, id, alice, { kind: 'comment', body: 'Nêu rõ tiêu chí nào', anchor: { start, end: start + quote.length } });
    expect(response.statusCode).toBe(201);
    expect(response.json().anchor).toMatchObject({ start, end: start + quote.length, quote: { exact: versionText.slice(start, start + quote.length) }, section: 'II' });
    expect(response.json().anchor.quote.exact).toBe(quote);
    expect(response.json().anchor.quote.prefix).toBe(versionText.slice(Math.max(0, start - 32), start));

    const placed = async (version: string) => {
      const list = (await t.request({ method: 'GET', url: `/api/v1/documents/${documentId}/annotations?version=${version}`, token: tok[drafter.id] })).json();
      return list.find((a: { id: string }) => a.id === id) as { anchorStatus: string; position: { start: number | null; end: number | null; section: string | null } };
    };
    const inVersion = await placed(String(baseVersion));
    expect(inVersion).toMatchObject({ anchorStatus: 'exact', position: { start, end: start + quote.length, section: 'II' } });
    expect(versionText.slice(inVersion.position.start!, inVersion.position.end!)).toBe(quote);
    const inLive = await placed('live');
    expect(inLive).toMatchObject({ anchorStatus: 'exact', position: { section: 'II' } });
    expect(liveText.slice(inLive.position.start!, inLive.position.end!)).toBe(quote.normalize('NFD'));

    // The Word-comments export lays the anchor over the version's text: the comment spans the quote.
    const docx = await t.request({ method: 'GET', url: `/api/v1/rounds/${roundId}/annotations?format=docx`, token: tok[drafter.id] });
    expect(docx.statusCode).toBe(200);
    const xml = (await docxPart(docx.rawPayload, 'word/document.xml'))!;
    const from = xml.indexOf('<w:commentRangeStart w:id="1"/>');
    expect(from).toBeGreaterThan(-1);
    expect(xmlTexts(xml.slice(from, xml.indexOf('<w:commentRangeEnd w:id="1"/>')), 'w:t').join('')).toBe(quote);

    // The drafter retypes the sentence precomposed: the annotation is still found, never orphaned.
    editor.doc.transact(() => {
      const fragment = editor.doc.getXmlFragment('default');
      const text = (fragment.get(fragment.length - 1) as Y.XmlElement).get(0) as Y.XmlText;
      text.delete(0, text.length);
      text.insert(0, sentence);
    });
    await eventually(async () => (await content('live')).includes(sentence), 'the retyping is stored');
    editor.destroy();
    const retypedText = await content('live');
    const afterRetype = await placed('live');
    expect(['exact', 'moved']).toContain(afterRetype.anchorStatus);
    expect(retypedText.slice(afterRetype.position.start!, afterRetype.position.end!)).toBe(quote);
    expect(await placed(String(baseVersion))).toEqual(inVersion);
  });
});

describe('concurrency', () => {
  it('takes 100 concurrent writers, and a replayed outbox creates no duplicates', async () => {
    const { roundId } = await documentInRound({ visibility: 'open' });
    const members = await Promise.all(Array.from({ length: 100 }, () => makeMember(t.database.db, { roles: [[commune, 'member']] })));
    const tokens = await Promise.all(members.map((m) => t.tokenFor(m)));
    const outbox = members.map((m, i) => ({ id: randomUUID(), token: tokens[i]!, body: { ...onGrowth(`Ý kiến số ${i}`) } }));
    const send = (o: (typeof outbox)[number]) => t.request({ method: 'PUT', url: `/api/v1/rounds/${roundId}/annotations/${o.id}`, token: o.token, payload: o.body });
    const first = await Promise.all(outbox.map(send));
    expect(first.map((r) => r.statusCode)).toEqual(Array(100).fill(201));
    // A flaky client replays its whole outbox, in another order, twice.
    const replay = await Promise.all([...outbox].reverse().concat(outbox).map(send));
    expect(new Set(replay.map((r) => r.statusCode))).toEqual(new Set([200]));
    const count = await t.database.db.selectFrom('annotations').select((eb) => eb.fn.countAll().as('n')).where('round_id', '=', roundId).executeTakeFirstOrThrow();
    expect(Number(count.n)).toBe(100);
  });

  it('a write racing the close either lands or is refused, never both', async () => {
    const { roundId } = await documentInRound();
    // Writers keep firing while the close goes through, and for a moment after it answered.
    const writes: Array<{ id: string; status: Promise<number> }> = [];
    let closedAt: number | undefined;
    let closing: Promise<unknown> | undefined;
    for (let i = 0; closedAt === undefined || writes.length < closedAt + 10; i++) {
      const id = randomUUID();
      writes.push({ id, status: put(roundId, id, i % 2 ? alice : bob, onGrowth(`#${i}`)).then((r) => r.statusCode) });
      if (i === 10) {
        closing = t.request({ method: 'POST', url: `/api/v1/rounds/${roundId}/close`, token: tok[drafter.id] }).then(() => (closedAt = writes.length));
      }
      await new Promise((resolve) => setTimeout(resolve, 2));
    }
    await closing;
    const statuses = await Promise.all(writes.map((w) => w.status));
    const stored = new Set((await t.database.db.selectFrom('annotations').select('id').where('round_id', '=', roundId).execute()).map((r) => r.id));
    writes.forEach((w, i) => {
      expect([201, 409]).toContain(statuses[i]);
      expect(stored.has(w.id)).toBe(statuses[i] === 201);
    });
    expect(statuses).toContain(201);
    expect(statuses).toContain(409);
  });
});
