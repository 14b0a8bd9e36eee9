/**
 * Revoked means revoked on the live event stream: logout and removal from the unit end an open
 * stream at once (not at the next heartbeat), and a reader that does not read is paused, then
 * dropped, instead of having events buffered for it without bound.
 */
import net from 'node:net';
import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { FastifyInstance } from 'fastify';
import { buildApp } from '../../server/app.js';
import { loadConfig } from '../../server/config.js';
import type { Unit } from '../../server/db/units.repository.js';
import { makeMember, makeUnit, testPassword, type TestMember } from '../helpers/factories.js';
import { createTestDatabase, type TestDatabase } from '../helpers/test-database.js';
import { eventually } from '../helpers/ws-client.js';

let database: TestDatabase;
let app: FastifyInstance;
let baseUrl: string;
let unit: Unit;
let drafter: TestMember;
let drafterToken: string;
let admin: TestMember;
let adminToken: string;

beforeAll(async () => {
  database = await createTestDatabase();
  // A long heartbeat: whatever ends a stream here does so without waiting for it.
  app = await buildApp({
    config: loadConfig({ DATABASE_URL: database.url, DEMO: '0' }),
    db: database.db,
    eventHeartbeatMs: 60_000,
    eventSlowReaderMs: 500,
    loginLimits: { perLogin: 1000, perAddress: 100_000, windowSeconds: 60 },
  });
  await app.listen({ port: 0, host: '127.0.0.1' });
  baseUrl = `http://127.0.0.1:${(app.server.address() as net.AddressInfo).port}`;
  unit = await makeUnit(database.db);
  drafter = await makeMember(database.db, { roles: [[unit, 'drafter']] });
  admin = await makeMember(database.db, { isAdmin: true });
  drafterToken = await login(drafter);
  adminToken = await login(admin);
});
afterAll(async () => {
  await app.close();
  await database.drop();
});

async function login(member: TestMember): Promise<string> {
  const response = await app.inject({ method: 'POST', url: '/api/v1/auth/login', payload: { login: member.login, password: testPassword } });
  return response.json().token as string;
}

const call = (method: 'POST' | 'PUT' | 'DELETE', url: string, token: string, payload?: object) =>
  app.inject({ method, url, headers: { authorization: `Bearer ${token}` }, ...(payload ? { payload } : {}) });

async function documentInRound(): Promise<{ documentId: string; roundId: string }> {
  const documentId = (await call('POST', '/api/v1/documents', drafterToken, { unitId: unit.id, title: 'D', content: { format: 'text', value: 'Một đoạn văn bản để góp ý.' } })).json().id;
  const round = await call('POST', `/api/v1/documents/${documentId}/rounds`, drafterToken, { closesAt: new Date(Date.now() + 3600_000).toISOString() });
  return { documentId, roundId: round.json().id };
}

const comment = (roundId: string, token: string, body = 'ý kiến') =>
  call('PUT', `/api/v1/rounds/${roundId}/annotations/${randomUUID()}`, token, { kind: 'comment', body, anchor: { start: 0, end: 3 } });

/** An SSE reader: the events seen by type, and a promise that resolves when the server ends the stream. */
function stream(documentId: string, token: string) {
  const counts = new Map<string, number>();
  let connected = false;
  let buffer = '';
  const ended = (async () => {
    const response = await fetch(`${baseUrl}/api/v1/documents/${documentId}/events`, { headers: { authorization: `Bearer ${token}` } });
    const decoder = new TextDecoder();
    for await (const chunk of response.body as unknown as AsyncIterable<Uint8Array>) {
      buffer += decoder.decode(chunk, { stream: true });
      let cut: number;
      while ((cut = buffer.indexOf('\n\n')) >= 0) {
        const block = buffer.slice(0, cut);
        buffer = buffer.slice(cut + 2);
        if (block.includes(': connected')) connected = true;
        const type = /^event: (.+)$/m.exec(block)?.[1];
        if (type) counts.set(type, (counts.get(type) ?? 0) + 1);
      }
    }
    return Date.now();
  })();
  return {
    ended,
    count: (type: string) => counts.get(type) ?? 0,
    /** Everything received so far, as a fingerprint. */
    seen: () => JSON.stringify([...counts]),
    connected: () => eventually(() => connected, 'the stream is connected'),
  };
}

async function endsWithin(ended: Promise<number>, ms: number): Promise<boolean> {
  return Promise.race([ended.then(() => true), new Promise<boolean>((resolve) => setTimeout(() => resolve(false), ms))]);
}

describe('revoked means revoked', () => {
  it('logout ends an open event stream at once', async () => {
    const { documentId, roundId } = await documentInRound();
    const member = await makeMember(database.db, { roles: [[unit, 'member']] });
    const token = await login(member);
    const events = stream(documentId, token);
    await events.connected();
    expect((await comment(roundId, token)).statusCode).toBe(201);
    await eventually(() => events.count('annotation.upserted') > 0, 'the stream is live');
    expect((await call('POST', '/api/v1/auth/logout', token)).statusCode).toBe(204);
    expect(await endsWithin(events.ended, 1000)).toBe(true);
  });

  it('removal from the unit ends an open event stream at once, and sends nothing after it', async () => {
    const { documentId, roundId } = await documentInRound();
    const member = await makeMember(database.db, { roles: [[unit, 'member']] });
    const token = await login(member);
    const events = stream(documentId, token);
    await events.connected();
    expect((await comment(roundId, token)).statusCode).toBe(201);
    await eventually(() => events.count('annotation.upserted') > 0, 'the stream is live');
    expect((await call('DELETE', `/api/v1/units/${unit.id}/members/${member.id}`, adminToken)).statusCode).toBe(204);
    const before = events.seen();
    expect((await comment(roundId, drafterToken, 'sau khi bị loại')).statusCode).toBe(201);
    expect(await endsWithin(events.ended, 1000)).toBe(true);
    expect(events.seen()).toBe(before);
  });
});

describe('backpressure', () => {
  it('pauses, then drops, a reader that does not read; a reader that reads keeps receiving', async () => {
    const { documentId, roundId } = await documentInRound();
    const slow = net.connect(Number(new URL(baseUrl).port), '127.0.0.1');
    slow.on('error', () => {});
    slow.write(`GET /api/v1/documents/${documentId}/events HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer ${drafterToken}\r\n\r\n`);
    slow.pause();
    const metrics = async () => (await app.inject({ method: 'GET', url: '/metrics' })).body;
    const openStreams = async () => Number(/^draftroom_event_streams (\d+)$/m.exec(await metrics())?.[1]);
    const reader = stream(documentId, drafterToken);
    await reader.connected();
    await eventually(async () => (await openStreams()) === 2, 'both streams are open');

    const body = 'Ý kiến dài. '.repeat(400);
    let written = 0;
    while (!/draftroom_event_streams_ended_total\{reason="slow"\} 1/.test(await metrics())) {
      // One at a time: this test is about the slow reader, not about concurrent commits.
      for (let i = 0; i < 10; i++) expect((await comment(roundId, drafterToken, body)).statusCode).toBe(201);
      written += 10;
      if (written > 2000) throw new Error('the slow reader was never dropped');
    }
    expect(await openStreams()).toBe(1);
    await eventually(() => reader.count('annotation.upserted') === written, 'the reading stream got every event', 30_000);
    slow.destroy();
  }, 120_000);
});
