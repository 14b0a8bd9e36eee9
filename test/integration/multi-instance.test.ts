/**
 * Several instances on one database, kept in step through Redis (runs only with REDIS_URL).
 * Instances A and B share a stream prefix and check the database only every minute, so what
 * arrives within seconds arrived through Redis or a catch-up it triggered. Instance C uses a prefix
 * nobody publishes to: it hears nothing and converges by its periodic check alone.
 */
import { randomBytes, randomUUID } from 'node:crypto';
import net, { type AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import * as Y from 'yjs';
import { Redis } from 'ioredis';
import type { FastifyInstance } from 'fastify';
import { buildApp } from '../../server/app.js';
import { loadConfig } from '../../server/config.js';
import { connectDatabase, type DatabaseHandle } from '../../server/db/connect.js';
import { appendUpdates, compactDocument, docFromStoredState, readStoredState } from '../../server/db/document-log.repository.js';
import type { FanoutOptions } from '../../server/collab/fanout/fanout.js';
import type { Unit } from '../../server/db/units.repository.js';
import { makeMember, makeUnit, testPassword, type TestMember } from '../helpers/factories.js';
import { createTestDatabase, type TestDatabase } from '../helpers/test-database.js';
import { appendParagraph, connectClient, editRandomly, eventually, paragraphsOf, type TestClient } from '../helpers/ws-client.js';

const redisUrl = process.env.REDIS_URL;

interface Instance {
  app: FastifyInstance;
  url: string;
  pool: DatabaseHandle;
}

describe.runIf(!!redisUrl)('several instances on one database', () => {
  const prefix = `draftroom-test:${randomBytes(6).toString('hex')}`;
  const lonelyPrefix = `${prefix}-lonely`;
  let database: TestDatabase;
  let redis: Redis;
  let a: Instance, b: Instance, c: Instance;
  let commune: Unit;
  let drafter: TestMember, drafter2: TestMember, reader: TestMember;
  const tokens: Record<string, string> = {};
  const clients: TestClient[] = [];

  async function startInstance(fanout: Partial<FanoutOptions>, redis = redisUrl!): Promise<Instance> {
    // Each instance gets its own pool, as separate processes would.
    const pool = connectDatabase(database.url, { max: 5 });
    const app = await buildApp({
      config: loadConfig({ DATABASE_URL: database.url, REDIS_URL: redis, DEMO: '0' }),
      db: pool.db,
      fanout,
      jobs: false,
      loginLimits: { perLogin: 1000, perAddress: 100_000, windowSeconds: 60 },
    });
    await app.listen({ port: 0, host: '127.0.0.1' });
    const address = app.server.address();
    if (!address || typeof address === 'string') throw new Error('no address');
    return { app, url: `http://127.0.0.1:${address.port}`, pool };
  }

  beforeAll(async () => {
    database = await createTestDatabase();
    redis = new Redis(redisUrl!, { protocol: 2 });
    a = await startInstance({ streamPrefix: prefix, checkIntervalMs: 60_000 });
    b = await startInstance({ streamPrefix: prefix, checkIntervalMs: 60_000 });
    c = await startInstance({ streamPrefix: lonelyPrefix, checkIntervalMs: 250 });
    const db = database.db;
    commune = await makeUnit(db);
    drafter = await makeMember(db, { roles: [[commune, 'drafter']] });
    drafter2 = await makeMember(db, { roles: [[commune, 'secretary']] });
    reader = await makeMember(db, { roles: [[commune, 'member']] });
    for (const m of [drafter, drafter2, reader]) tokens[m.id] = await login(a, m);
  });

  afterAll(async () => {
    for (const client of clients) client.destroy();
    for (const instance of [a, b, c]) {
      if (!instance) continue;
      await instance.app.close();
      await instance.pool.close();
    }
    if (redis) {
      await redis.del(`${prefix}:updates`, `${prefix}:notices`, `${lonelyPrefix}:updates`, `${lonelyPrefix}:notices`);
      redis.disconnect();
    }
    await database?.drop();
  });

  async function login(instance: Instance, member: TestMember): Promise<string> {
    const response = await instance.app.inject({ method: 'POST', url: '/api/v1/auth/login', payload: { login: member.login, password: testPassword } });
    if (response.statusCode !== 200) throw new Error(`login failed: ${response.body}`);
    return response.json().token;
  }

  function client(instance: Instance, member: TestMember, documentId: string, token = tokens[member.id]): TestClient {
    const connected = connectClient(instance.url, documentId, token);
    clients.push(connected);
    return connected;
  }

  async function newDocument(text = 'Dự thảo báo cáo\nPhần thứ nhất'): Promise<string> {
    const response = await a.app.inject({
      method: 'POST',
      url: '/api/v1/documents',
      headers: { authorization: `Bearer ${tokens[drafter.id]}` },
      payload: { unitId: commune.id, title: 'Báo cáo', content: { format: 'text', value: text } },
    });
    expect(response.statusCode).toBe(201);
    return response.json().id;
  }

  async function storedParagraphs(documentId: string): Promise<string[]> {
    return paragraphsOf(docFromStoredState(await readStoredState(database.db, documentId)));
  }

  /** Commits an edit straight to the log, as an instance whose Redis message got lost would. */
  async function commitWithoutMessage(documentId: string, text: string): Promise<void> {
    const doc = docFromStoredState(await readStoredState(database.db, documentId));
    const updates: Uint8Array[] = [];
    doc.on('update', (update: Uint8Array) => updates.push(update));
    appendParagraph(doc, text);
    await database.db.transaction().execute((tx) => appendUpdates(tx, [{ documentId, data: Y.mergeUpdates(updates) }]));
  }

  /** Waits until the room has committed what its clients sent on connecting (their sync step 2). */
  async function quiet(instance: Instance, documentId: string): Promise<void> {
    await new Promise((resolve) => setTimeout(resolve, 150));
    await instance.app.collab.room(documentId)!.drained();
  }

  /** Closes the Redis readers of the A/B pair; ioredis reconnects them at once. */
  async function killReaders(): Promise<void> {
    const list = (await redis.client('LIST')) as string;
    const ids = [...list.matchAll(/id=(\d+) .*?name=(\S*)/g)].filter((m) => m[2]!.startsWith(`${prefix}:reader:`)).map((m) => m[1]!);
    expect(ids).toHaveLength(2);
    for (const id of ids) await redis.client('KILL', 'ID', id);
  }

  async function metric(instance: Instance, line: string): Promise<number> {
    const text = (await instance.app.inject({ url: '/metrics' })).body;
    const found = text.split('\n').find((l) => l.startsWith(`${line} `));
    return found ? Number(found.slice(line.length + 1)) : 0;
  }

  it('converges writers on two instances editing concurrently, and the stored state equals the live one', async () => {
    const id = await newDocument('');
    const writers = [client(a, drafter, id), client(b, drafter2, id), client(a, drafter2, id), client(b, drafter, id)];
    const watcher = client(b, reader, id);
    await Promise.all([...writers, watcher].map((w) => w.synced));
    await editRandomly(writers, 200, 2024);
    const expected = () => JSON.stringify(paragraphsOf(writers[0]!.doc));
    const everyone = [...writers, watcher];
    await eventually(() => everyone.every((w) => JSON.stringify(paragraphsOf(w.doc)) === expected()), 'all clients on both instances converge');
    await eventually(async () => JSON.stringify(await storedParagraphs(id)) === expected(), 'stored state equals live state');
    expect(paragraphsOf(writers[0]!.doc).length).toBeGreaterThan(10);
    const live = (instance: Instance) => JSON.stringify(paragraphsOf(instance.app.collab.loaded(id)!));
    expect(live(a)).toBe(expected());
    expect(live(b)).toBe(expected());
  });

  it('gives a reader on B the edits made on A, each already committed when it arrives', async () => {
    const id = await newDocument();
    const writer = client(a, drafter, id);
    const watcher = client(b, reader, id);
    await Promise.all([writer.synced, watcher.synced]);
    const checks: Array<Promise<{ seen: string[]; stored: string[] }>> = [];
    watcher.doc.on('update', () => {
      const seen = paragraphsOf(watcher.doc);
      checks.push(storedParagraphs(id).then((stored) => ({ seen, stored })));
    });
    for (let i = 0; i < 5; i++) {
      appendParagraph(writer.doc, `từ A ${i}`);
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
    await eventually(() => paragraphsOf(watcher.doc).includes('từ A 4'), 'the reader on B sees A’s edits', 3000);
    expect(checks.length).toBeGreaterThan(0);
    for (const { seen, stored } of await Promise.all(checks)) {
      for (const paragraph of seen) expect(stored).toContain(paragraph);
    }
  });

  it('wakes an SSE stream on B through Redis, before its heartbeat, when an annotation is written through A, and notifies each instance once', async () => {
    const documentId = await newDocument('Một đoạn văn bản để góp ý.');
    const auth = { authorization: `Bearer ${tokens[drafter.id]}` };
    const round = await a.app.inject({ method: 'POST', url: `/api/v1/documents/${documentId}/rounds`, headers: auth, payload: { closesAt: new Date(Date.now() + 3600_000).toISOString() } });
    expect(round.statusCode).toBe(201);
    const stream = subscribe(`${b.url}/api/v1/documents/${documentId}/events?token=${tokens[drafter.id]}`);
    await eventually(() => stream.connected, 'the stream is open');
    // The round's own notice is on its way to B too; count from after it.
    await new Promise((resolve) => setTimeout(resolve, 100));
    const notices = { a: 0, b: 0 };
    const countA = (d: string) => d === documentId && notices.a++;
    const countB = (d: string) => d === documentId && notices.b++;
    a.app.services.events.on('committed', countA);
    b.app.services.events.on('committed', countB);
    try {
      const response = await a.app.inject({
        method: 'PUT',
        url: `/api/v1/rounds/${round.json().id}/annotations/${randomUUID()}`,
        headers: { authorization: `Bearer ${tokens[reader.id]}` },
        payload: { kind: 'comment', body: 'góp ý qua A', anchor: { start: 0, end: 3 } },
      });
      expect(response.statusCode).toBeLessThan(300);
      // Woken by A's notice through Redis, not by its own 15 s heartbeat: allow a loaded machine
      // its time, but far less than a heartbeat (speed is the benches' business, not a test's).
      await eventually(() => stream.events.some((e) => e.type === 'annotation.upserted'), 'B streams the annotation', 8000);
      await new Promise((resolve) => setTimeout(resolve, 200));
      expect(notices).toEqual({ a: 1, b: 1 });
    } finally {
      a.app.services.events.off('committed', countA);
      b.app.services.events.off('committed', countB);
      stream.close();
    }
  });

  it('closes a socket on B with 4401 when its session logs out on A, and B refuses the token at once', async () => {
    const id = await newDocument();
    const token = await login(a, drafter2);
    const onB = client(b, drafter2, id, token);
    await onB.synced;
    const readOnB = () => b.app.inject({ url: `/api/v1/documents/${id}`, headers: { authorization: `Bearer ${token}` } });
    expect((await readOnB()).statusCode).toBe(200);
    const closed = onB.nextClose();
    const logout = await a.app.inject({ method: 'POST', url: '/api/v1/auth/logout', headers: { authorization: `Bearer ${token}` } });
    expect(logout.statusCode).toBe(204);
    expect(await closed).toBe(4401);
    expect((await readOnB()).statusCode).toBe(401);
    onB.destroy();
  });

  it('catches up from the database when its own commit follows a row it never heard of', async () => {
    const id = await newDocument();
    const writer = client(b, drafter, id);
    const watcher = client(b, reader, id);
    await Promise.all([writer.synced, watcher.synced]);
    await quiet(b, id);
    await commitWithoutMessage(id, 'không có thông báo');
    await new Promise((resolve) => setTimeout(resolve, 100));
    expect(paragraphsOf(watcher.doc)).not.toContain('không có thông báo');
    appendParagraph(writer.doc, 'sửa trên B');
    await eventually(() => paragraphsOf(watcher.doc).includes('không có thông báo') && paragraphsOf(writer.doc).includes('không có thông báo'), 'B reads the missed row back', 2000);
    expect(JSON.stringify(paragraphsOf(writer.doc))).toBe(JSON.stringify(await storedParagraphs(id)));
  });

  it('catches up through a compacted snapshot after its Redis reader reconnects', async () => {
    const id = await newDocument();
    const watcher = client(b, reader, id);
    await watcher.synced;
    await quiet(b, id);
    const before = await metric(b, 'draftroom_fanout_catchups_total{from="snapshot"}');
    for (let i = 0; i < 3; i++) await commitWithoutMessage(id, `đã nén ${i}`);
    expect((await compactDocument(database.db, id)).mergedRows).toBe(3);
    await new Promise((resolve) => setTimeout(resolve, 100));
    expect(paragraphsOf(watcher.doc)).not.toContain('đã nén 0');
    await killReaders();
    await eventually(() => ['đã nén 0', 'đã nén 1', 'đã nén 2'].every((p) => paragraphsOf(watcher.doc).includes(p)), 'B applies the snapshot', 3000);
    expect(await metric(b, 'draftroom_fanout_catchups_total{from="snapshot"}')).toBe(before + 1);
    expect(JSON.stringify(paragraphsOf(watcher.doc))).toBe(JSON.stringify(await storedParagraphs(id)));
  });

  it('keeps relaying after the streams were deleted', async () => {
    const id = await newDocument();
    const writer = client(a, drafter, id);
    const watcher = client(b, reader, id);
    await Promise.all([writer.synced, watcher.synced]);
    await redis.del(`${prefix}:updates`, `${prefix}:notices`);
    appendParagraph(writer.doc, 'sau khi xoá luồng');
    await eventually(() => paragraphsOf(watcher.doc).includes('sau khi xoá luồng'), 'B still receives A’s edits', 3000);
  });

  it('converges an instance that hears no Redis message at all, by its periodic check', async () => {
    const id = await newDocument();
    const writer = client(a, drafter, id);
    const lonely = client(c, reader, id);
    await Promise.all([writer.synced, lonely.synced]);
    for (let i = 0; i < 3; i++) appendParagraph(writer.doc, `chỉ qua cơ sở dữ liệu ${i}`);
    await eventually(() => JSON.stringify(paragraphsOf(lonely.doc)) === JSON.stringify(paragraphsOf(writer.doc)), 'C converges from the database', 3000);
    expect(await metric(c, 'draftroom_fanout_received_total{kind="update"}')).toBe(0);
  });

  it('keeps serving locally through a Redis outage, reports it in /readyz, and converges once Redis is back', async () => {
    const proxy = tcpProxy(new URL(redisUrl!));
    await proxy.open();
    const d = await startInstance({ streamPrefix: prefix, checkIntervalMs: 60_000 }, proxy.url);
    try {
      const id = await newDocument();
      const onA = client(a, drafter, id);
      const onD = client(d, drafter2, id);
      const watcherOnD = client(d, reader, id);
      await Promise.all([onA.synced, onD.synced, watcherOnD.synced]);
      proxy.cut();
      await eventually(async () => (await d.app.inject({ url: '/readyz' })).statusCode === 503, '/readyz reports Redis down');
      appendParagraph(onA.doc, 'A khi mất Redis');
      appendParagraph(onD.doc, 'D khi mất Redis');
      await eventually(() => paragraphsOf(watcherOnD.doc).includes('D khi mất Redis'), 'D still relays its own edits');
      await proxy.open();
      await eventually(async () => (await d.app.inject({ url: '/readyz' })).statusCode === 200, '/readyz reports Redis back', 10_000);
      const all = [onA, onD, watcherOnD];
      await eventually(
        () => all.every((c) => paragraphsOf(c.doc).includes('A khi mất Redis') && paragraphsOf(c.doc).includes('D khi mất Redis')),
        'both sides catch up after the outage',
        5000,
      );
      expect(JSON.stringify(paragraphsOf(onA.doc))).toBe(JSON.stringify(await storedParagraphs(id)));
    } finally {
      // Shutting down while Redis is unreachable must not hang either.
      proxy.cut();
      const closing = Date.now();
      await d.app.close();
      await d.pool.close();
      expect(Date.now() - closing).toBeLessThan(3000);
    }
  });

  it('reports Redis in /readyz, and refuses to start when REDIS_URL points nowhere', async () => {
    expect((await b.app.inject({ url: '/readyz' })).statusCode).toBe(200);
    expect(await metric(b, 'draftroom_fanout_redis_up')).toBe(1);
    const start = buildApp({
      config: loadConfig({ DATABASE_URL: database.url, REDIS_URL: 'redis://127.0.0.1:1', DEMO: '0' }),
      db: database.db,
      jobs: false,
      fanout: { streamPrefix: prefix, connectTimeoutMs: 500 },
    });
    await expect(start).rejects.toThrow(/REDIS_URL is set but Redis at 127\.0\.0\.1:1 cannot be reached/);
  });
});

/** A TCP relay to Redis that can be cut (every connection dropped, new ones refused) and reopened on the same port. */
function tcpProxy(target: URL) {
  const sockets = new Set<net.Socket>();
  let server: net.Server | undefined;
  let port = 0;
  return {
    get url() {
      const url = new URL(target);
      url.hostname = '127.0.0.1';
      url.port = String(port);
      return url.toString();
    },
    open: () =>
      new Promise<void>((resolve) => {
        server = net.createServer((downstream) => {
          const upstream = net.connect(Number(target.port || 6379), target.hostname);
          const end = () => {
            for (const s of [downstream, upstream]) {
              s.destroy();
              sockets.delete(s);
            }
          };
          for (const s of [downstream, upstream]) {
            sockets.add(s);
            s.on('error', end).on('close', end);
          }
          downstream.pipe(upstream).pipe(downstream);
        });
        server.listen(port, '127.0.0.1', () => {
          port = (server!.address() as AddressInfo).port;
          resolve();
        });
      }),
    cut() {
      server?.close();
      for (const s of sockets) s.destroy();
      sockets.clear();
    },
  };
}

/** A minimal Server-Sent Events reader over fetch. */
function subscribe(url: string) {
  const events: Array<{ id: number; type: string }> = [];
  const controller = new AbortController();
  const state = { events, connected: false, close: () => controller.abort() };
  void (async () => {
    const response = await fetch(url, { signal: controller.signal });
    if (!response.ok || !response.body) throw new Error(`SSE ${response.status}`);
    const decoder = new TextDecoder();
    let buffer = '';
    for await (const chunk of response.body as unknown as AsyncIterable<Uint8Array>) {
      buffer += decoder.decode(chunk, { stream: true });
      if (buffer.includes(': connected')) state.connected = true;
      let cut: number;
      while ((cut = buffer.indexOf('\n\n')) >= 0) {
        const block = buffer.slice(0, cut);
        buffer = buffer.slice(cut + 2);
        const fields = Object.fromEntries(block.split('\n').filter((l) => l.includes(': ')).map((l) => [l.slice(0, l.indexOf(': ')), l.slice(l.indexOf(': ') + 2)]));
        if (fields.event) events.push({ id: Number(fields.id), type: fields.event });
      }
    }
  })().catch((error) => {
    if (!controller.signal.aborted) throw error;
  });
  return state;
}
