import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Unit } from '../../server/db/units.repository.js';
import { inHours, makeDocumentInRound, makeMember, makeMembers, makeUnit, putAnnotation, type SignedInMember } from '../helpers/factories.js';
import { expectProblem, startTestApp, type TestApp } from '../helpers/test-app.js';
import { eventually } from '../helpers/ws-client.js';
import { insertEvent } from '../../server/db/events.repository.js';
import { DocumentEvents } from '../../server/services/document-events.js';

/** A minimal Server-Sent Events reader over fetch: enough to check ids, types and data. */
function subscribe(url: string, headers: Record<string, string> = {}) {
  const events: Array<{ id: number; type: string; data: Record<string, unknown> }> = [];
  const controller = new AbortController();
  const done = (async () => {
    const response = await fetch(url, { headers, signal: controller.signal });
    if (!response.ok || !response.body) throw new Error(`SSE ${response.status}`);
    const decoder = new TextDecoder();
    let buffer = '';
    for await (const chunk of response.body as unknown as AsyncIterable<Uint8Array>) {
      buffer += decoder.decode(chunk, { stream: true });
      let cut: number;
      while ((cut = buffer.indexOf('\n\n')) >= 0) {
        const block = buffer.slice(0, cut);
        buffer = buffer.slice(cut + 2);
        const fields = Object.fromEntries(block.split('\n').filter((l) => !l.startsWith(':') && l.includes(': ')).map((l) => [l.slice(0, l.indexOf(': ')), l.slice(l.indexOf(': ') + 2)]));
        if (fields.event) events.push({ id: Number(fields.id), type: fields.event, data: JSON.parse(fields.data ?? '{}') as Record<string, unknown> });
      }
    }
  })().catch((error) => {
    if (!controller.signal.aborted) throw error;
  });
  return { events, close: () => controller.abort(), done };
}

let t: TestApp;
let baseUrl: string;
let commune: Unit;
let drafter: SignedInMember, alice: SignedInMember, bob: SignedInMember;

beforeAll(async () => {
  t = await startTestApp();
  commune = await makeUnit(t.database.db);
  ({ drafter, alice, bob } = await makeMembers(t, { drafter: [[commune, 'drafter']], alice: [[commune, 'member']], bob: [[commune, 'member']] }));
  baseUrl = await t.listen();
});
afterAll(async () => t.close());

const documentInRound = () => makeDocumentInRound(t, drafter.token, { unitId: commune.id, title: 'D', text: 'Một đoạn văn bản để góp ý.', closesAt: inHours(1) });

const comment = (roundId: string, member: SignedInMember, body: string) => putAnnotation(t, member.token, roundId, { kind: 'comment', body, anchor: { start: 0, end: 3 } });

describe('live events', () => {
  it('streams changes as they happen, filtered per viewer', async () => {
    const { documentId, roundId } = await documentInRound();
    const asDrafter = subscribe(`${baseUrl}/api/v1/documents/${documentId}/events`, { authorization: `Bearer ${drafter.token}` });
    const asBob = subscribe(`${baseUrl}/api/v1/documents/${documentId}/events?token=${bob.token}`);
    await new Promise((resolve) => setTimeout(resolve, 100));
    await comment(roundId, alice, 'ý kiến của Alice');
    await comment(roundId, bob, 'ý kiến của Bob');
    await t.request({ method: 'POST', url: `/api/v1/rounds/${roundId}/close`, token: drafter.token });
    await eventually(() => asDrafter.events.some((e) => e.type === 'round.closed'), 'the drafter sees the close');
    await eventually(() => asBob.events.some((e) => e.type === 'round.closed'), 'bob sees the close');
    expect(asDrafter.events.map((e) => e.type)).toEqual(['annotation.upserted', 'annotation.upserted', 'round.closed']);
    // In a private round Bob receives his own annotation's event, not Alice's.
    expect(asBob.events.map((e) => [e.type, e.data.body])).toEqual([
      ['annotation.upserted', 'ý kiến của Bob'],
      ['round.closed', undefined],
    ]);
    const ids = asDrafter.events.map((e) => e.id);
    expect([...ids].sort((a, b) => a - b)).toEqual(ids);
    asDrafter.close();
    asBob.close();
  });

  it('delivers an event whose transaction commits after a later one started, never skipping it', async () => {
    const { documentId, roundId } = await documentInRound();
    const stream = subscribe(`${baseUrl}/api/v1/documents/${documentId}/events`, { authorization: `Bearer ${drafter.token}` });
    await new Promise((resolve) => setTimeout(resolve, 100));
    // A transaction writes an event of the document and stays open while a member comments.
    let release!: () => void;
    const held = new Promise<void>((resolve) => (release = resolve));
    let heldWritten!: () => void;
    const written = new Promise<void>((resolve) => (heldWritten = resolve));
    const slow = t.database.db.transaction().execute(async (tx) => {
      await insertEvent(tx, { documentId, type: 'version.created', payload: { number: 99, label: 'giữ lâu' } });
      heldWritten();
      await held;
    });
    await written;
    const quick = comment(roundId, alice, 'ý kiến viết sau');
    await new Promise((resolve) => setTimeout(resolve, 300));
    release();
    await slow;
    expect((await quick).statusCode).toBe(201);
    await eventually(() => stream.events.length === 2, `both events arrive (got ${JSON.stringify(stream.events.map((e) => [e.id, e.type]))})`);
    expect(stream.events.map((e) => e.type)).toEqual(['version.created', 'annotation.upserted']);
    await new Promise((resolve) => setTimeout(resolve, 200));
    expect(stream.events).toHaveLength(2);
    stream.close();
  });

  it('resumes with Last-Event-ID across a server restart, missing nothing', async () => {
    const { documentId, roundId } = await documentInRound();
    const first = subscribe(`${baseUrl}/api/v1/documents/${documentId}/events`, { authorization: `Bearer ${drafter.token}` });
    await new Promise((resolve) => setTimeout(resolve, 100));
    await comment(roundId, alice, 'trước khi khởi động lại');
    await eventually(() => first.events.length === 1, 'first event');
    first.close();
    const lastSeen = first.events[0]!.id;

    await t.restart();
    const url = await t.listen();
    await comment(roundId, alice, 'trong lúc mất kết nối 1');
    await comment(roundId, bob, 'trong lúc mất kết nối 2');
    const resumed = subscribe(`${url}/api/v1/documents/${documentId}/events`, { authorization: `Bearer ${drafter.token}`, 'last-event-id': String(lastSeen) });
    await eventually(() => resumed.events.length === 2, 'missed events replayed');
    expect(resumed.events.map((e) => e.data.body)).toEqual(['trong lúc mất kết nối 1', 'trong lúc mất kết nối 2']);
    await comment(roundId, bob, 'sau khi nối lại');
    await eventually(() => resumed.events.length === 3, 'live again');
    resumed.close();
  });

  it('refuses without a token and for an invisible document', async () => {
    const { documentId } = await documentInRound();
    expectProblem(await t.request({ method: 'GET', url: `/api/v1/documents/${documentId}/events` }), 401, 'unauthenticated');
    const stranger = await makeMember(t.database.db, { roles: [[await makeUnit(t.database.db), 'member']] });
    expectProblem(await t.request({ method: 'GET', url: `/api/v1/documents/${documentId}/events`, token: await t.tokenFor(stranger) }), 404, 'not_found');
  });
});

describe('DocumentEvents.transaction: write the events, tell the streams after commit', () => {
  it('tells once after commit, never after a rollback, and not when no event was written', async () => {
    const { documentId } = await documentInRound();
    const events = new DocumentEvents();
    const told: string[] = [];
    events.on('committed', (id) => told.push(id));
    const count = async () => Number((await t.database.db.selectFrom('events').select((eb) => eb.fn.countAll().as('n')).where('document_id', '=', documentId).executeTakeFirstOrThrow()).n);
    const before = await count();

    const seen: string[][] = [];
    await events.transaction(t.database.db, async (_tx, writeEvent) => {
      await writeEvent({ documentId, type: 'version.created', payload: { number: 98, label: 'một' } });
      await writeEvent([
        { documentId, type: 'version.created', payload: { number: 99, label: 'hai' } },
        { documentId, type: 'version.created', payload: { number: 100, label: 'ba' } },
      ]);
      seen.push([...told]); // inside the transaction: nobody told yet
    });
    expect(seen).toEqual([[]]);
    expect(told).toEqual([documentId]);
    expect(await count()).toBe(before + 3);

    await expect(
      events.transaction(t.database.db, async (_tx, writeEvent) => {
        await writeEvent({ documentId, type: 'version.created', payload: { number: 101, label: 'bỏ' } });
        throw new Error('rolled back');
      }),
    ).rejects.toThrow('rolled back');
    await events.transaction(t.database.db, async () => 'nothing written');
    expect(told).toEqual([documentId]);
    expect(await count()).toBe(before + 3);
  });
});
