/**
 * Issue 10, "Documents and the live protocol", connection half: one room per document whatever
 * the id's letter case, updates that can never apply refused, one writer per Yjs clientID, lone
 * writers kept alive, refused changes that do not loop, limits before authentication, Origin, and
 * an outage that is not a withdrawal. Real app, real PostgreSQL, stock providers and raw sockets.
 */
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import * as Y from 'yjs';
import * as encoding from 'lib0/encoding';
import WebSocket from 'ws';
import { sql } from 'kysely';
import { inject } from 'vitest';
import { startLiveWorkspace, type LiveWorkspace } from '../helpers/live-workspace.js';
import type { TestApp } from '../helpers/test-app.js';
import { appendParagraph, eventually, paragraphsOf, rawSocket } from '../helpers/ws-client.js';
import { runAdmin } from '../helpers/global-setup.js';
import { readStoredState, docFromStoredState } from '../../server/db/document-log.repository.js';
import type { CollabOptions } from '../../server/collab/collab-server.js';

type Setup = LiveWorkspace;
const opened: LiveWorkspace[] = [];
afterAll(() => opened.forEach((w) => w.destroyClients()));

async function setup(options: { collab?: Partial<CollabOptions>; env?: Record<string, string> } = {}): Promise<Setup> {
  const workspace = await startLiveWorkspace(options);
  opened.push(workspace);
  return workspace;
}

/** A sync-update frame (message type 0, sync type 2) carrying `update`. */
function updateFrame(update: Uint8Array): Uint8Array {
  const encoder = encoding.createEncoder();
  encoding.writeVarUint(encoder, 0);
  encoding.writeVarUint(encoder, 2);
  encoding.writeVarUint8Array(encoder, update);
  return encoding.toUint8Array(encoder);
}

let s: Setup;
beforeAll(async () => {
  s = await setup({ collab: { maxConnectsPerWindow: 1000 } });
});
afterAll(() => s.close());

describe('one document, one room', () => {
  it('joins the same room from /collab/<UPPER-CASE id> and exchanges edits both ways', async () => {
    const id = await s.newDocument();
    const lower = await s.client(s.drafter, id);
    const upper = await s.client(s.drafter2, id.toUpperCase());
    await Promise.all([lower.synced, upper.synced]);
    appendParagraph(upper.doc, 'từ chữ hoa');
    await eventually(() => paragraphsOf(lower.doc).includes('từ chữ hoa'), 'the lower-case room receives the edit');
    appendParagraph(lower.doc, 'từ chữ thường');
    await eventually(() => paragraphsOf(upper.doc).includes('từ chữ thường'), 'the upper-case client receives the edit');
    expect(s.t.app.collab.liveRooms().filter((r) => r.documentId.toLowerCase() === id)).toHaveLength(1);
    await eventually(async () => paragraphsOf(docFromStoredState(await readStoredState(s.t.database.db, id))).includes('từ chữ thường'), 'stored');
    expect(lower.closes).toEqual([]);
    expect(upper.closes).toEqual([]);
  });

  it('answers an upper-case id over HTTP exactly like the lower-case one, live edits included', async () => {
    const id = await s.newDocument();
    const writer = await s.client(s.drafter, id);
    await writer.synced;
    appendParagraph(writer.doc, 'bản sống');
    await eventually(async () => (await s.rows(id)) > 0, 'stored');
    const token = await s.token(s.drafter);
    for (const path of ['', '/content', '/versions', '/rounds']) {
      const lower = await s.t.request({ method: 'GET', url: `/api/v1/documents/${id}${path}`, token });
      const upper = await s.t.request({ method: 'GET', url: `/api/v1/documents/${id.toUpperCase()}${path}`, token });
      expect(lower.statusCode, path).toBe(200);
      expect(upper.statusCode, path).toBe(200);
      expect(upper.json(), path).toEqual(lower.json());
    }
    const content = await s.t.request({ method: 'GET', url: `/api/v1/documents/${id.toUpperCase()}/content`, token });
    expect(content.json().text).toContain('bản sống');
    const listed = await s.t.request({ method: 'GET', url: `/api/v1/documents?unitId=${s.unit.id.toUpperCase()}`, token });
    expect(listed.statusCode).toBe(200);
    expect((listed.json() as { id: string }[] | { items: { id: string }[] }).toString()).not.toBe('');
    expect(JSON.stringify(listed.json())).toContain(id);
  });

  it('takes upper-case round and annotation ids in writes as the same ids (create, replay, withdraw)', async () => {
    const id = await s.newDocument('Một đoạn văn để góp ý');
    const token = await s.token(s.drafter);
    const round = await s.t.request({
      method: 'POST',
      url: `/api/v1/documents/${id.toUpperCase()}/rounds`,
      token,
      payload: { closesAt: new Date(Date.now() + 3600_000).toISOString() },
    });
    expect(round.statusCode).toBe(201);
    const roundId = round.json().id as string;
    expect(round.json().documentId).toBe(id);
    const annotationId = crypto.randomUUID();
    const put = (rid: string, aid: string) =>
      s.t.request({ method: 'PUT', url: `/api/v1/rounds/${rid}/annotations/${aid}`, token, payload: { kind: 'comment', body: 'Ý kiến', anchor: { start: 0, end: 3 } } });
    expect((await put(roundId.toUpperCase(), annotationId.toUpperCase())).statusCode).toBe(201);
    const replay = await put(roundId, annotationId);
    expect(replay.statusCode).toBe(200);
    expect(replay.json().id).toBe(annotationId);
    const withdrawn = await s.t.request({ method: 'DELETE', url: `/api/v1/rounds/${roundId.toUpperCase()}/annotations/${annotationId.toUpperCase()}`, token });
    expect(withdrawn.statusCode).toBeLessThan(300);
  });
});

describe('updates that can never apply', () => {
  it('refuses an update whose dependencies never arrived (pending structs) with 4422 and stores nothing', async () => {
    const id = await s.newDocument();
    const raw = await rawSocket(s.baseUrl, id, await s.token(s.drafter));
    const forged = new Y.Doc();
    const text = forged.getText('t');
    text.insert(0, 'first');
    const before = Y.encodeStateVector(forged);
    text.insert(5, ' second');
    // Only the second change: it continues a client clock the server has never seen.
    const orphan = Y.encodeStateAsUpdate(forged, before);
    const rows = await s.rows(id);
    raw.socket.send(updateFrame(orphan));
    expect(await raw.closed).toBe(4422);
    await new Promise((resolve) => setTimeout(resolve, 100));
    expect(await s.rows(id)).toBe(rows);
    const reader = await s.client(s.drafter2, id);
    await reader.synced;
    expect(reader.doc.getText('t').toString()).toBe('');
  });

  it('refuses a delete of content the server does not have (pending delete set) with 4422', async () => {
    const id = await s.newDocument();
    const raw = await rawSocket(s.baseUrl, id, await s.token(s.drafter));
    const forged = new Y.Doc();
    forged.getText('t').insert(0, 'abc');
    const before = Y.encodeStateVector(forged);
    forged.getText('t').delete(0, 2);
    const deleteOnly = Y.encodeStateAsUpdate(forged, before);
    const rows = await s.rows(id);
    raw.socket.send(updateFrame(deleteOnly));
    expect(await raw.closed).toBe(4422);
    expect(await s.rows(id)).toBe(rows);
  });

  it('holds an update whose dependency arrives from another connection a moment later, then stores both', async () => {
    const id = await s.newDocument();
    const x = new Y.Doc();
    x.getText('t').insert(0, 'nền ');
    const y = new Y.Doc();
    Y.applyUpdate(y, Y.encodeStateAsUpdate(x));
    const base = Y.encodeStateVector(y);
    y.getText('t').insert(4, 'tiếp');
    const dependent = await rawSocket(s.baseUrl, id, await s.token(s.drafter2));
    dependent.socket.send(updateFrame(Y.encodeStateAsUpdate(y, base)));
    await new Promise((resolve) => setTimeout(resolve, 200));
    expect(await s.rows(id)).toBe(0);
    const first = await rawSocket(s.baseUrl, id, await s.token(s.drafter));
    first.socket.send(updateFrame(Y.encodeStateAsUpdate(x)));
    await eventually(async () => docFromStoredState(await readStoredState(s.t.database.db, id)).getText('t').toString() === 'nền tiếp', 'both stored');
    expect(dependent.socket.readyState).toBe(WebSocket.OPEN);
    dependent.socket.close();
    first.socket.close();
  });

  it('refuses at once what would wait beyond the per-document cap (1 MiB)', async () => {
    const id = await s.newDocument();
    const forged = new Y.Doc();
    forged.getText('t').insert(0, 'a');
    const before = Y.encodeStateVector(forged);
    forged.getText('t').insert(1, 'b'.repeat(1100 * 1024));
    const raw = await rawSocket(s.baseUrl, id, await s.token(s.drafter));
    await eventually(() => raw.received.length > 0, 'ready (sync step 1 received)');
    const started = Date.now();
    raw.socket.send(updateFrame(Y.encodeStateAsUpdate(forged, before)));
    expect(await raw.closed).toBe(4422);
    expect(Date.now() - started).toBeLessThan(1500);
    expect(await s.rows(id)).toBe(0);
  });

  it('accepts an update that depends on one sent just before it, still being committed', async () => {
    const id = await s.newDocument();
    const raw = await rawSocket(s.baseUrl, id, await s.token(s.drafter));
    const doc = new Y.Doc();
    const updates: Uint8Array[] = [];
    doc.on('update', (u: Uint8Array) => updates.push(u));
    for (let i = 0; i < 20; i++) doc.getText('t').insert(i, String(i % 10));
    doc.getText('t').delete(0, 5);
    for (const u of updates) raw.socket.send(updateFrame(u));
    await eventually(async () => docFromStoredState(await readStoredState(s.t.database.db, id)).getText('t').toString() === doc.getText('t').toString(), 'all stored');
    raw.socket.close();
  });
});

describe('one Yjs clientID, one writer', () => {
  it('closes a second live writer with the same clientID with 4409, and keeps the first writer’s edits', async () => {
    const id = await s.newDocument('');
    const first = await s.client(s.drafter, id);
    await first.synced;
    appendParagraph(first.doc, 'của người thứ nhất');
    await eventually(async () => (await s.rows(id)) > 0, 'the first writer’s edit is stored');
    // Another member's editor that happens to use the same clientID and has not heard of the
    // first's edit: its own edit starts at the same clocks (Yjs would drop it as a duplicate).
    for (const text of ['của người thứ hai', 'x'.repeat(200)]) {
      const clone = new Y.Doc();
      clone.clientID = first.doc.clientID;
      appendParagraph(clone, text);
      const second = await rawSocket(s.baseUrl, id, await s.token(s.drafter2));
      second.socket.send(updateFrame(Y.encodeStateAsUpdate(clone)));
      expect(await second.closed).toBe(4409);
    }
    appendParagraph(first.doc, 'tiếp tục');
    await eventually(async () => paragraphsOf(docFromStoredState(await readStoredState(s.t.database.db, id))).includes('tiếp tục'), 'the first keeps writing');
    const stored = paragraphsOf(docFromStoredState(await readStoredState(s.t.database.db, id)));
    expect(stored.filter(Boolean)).toEqual(['của người thứ nhất', 'tiếp tục']);
    expect(stored).toEqual(paragraphsOf(first.doc));
    expect(first.closes).toEqual([]);
  });

  it('lets a writer reconnect with its clientID once its old socket is gone', async () => {
    const id = await s.newDocument('');
    const writer = await s.client(s.drafter, id);
    await writer.synced;
    appendParagraph(writer.doc, 'trước');
    writer.provider.disconnect();
    appendParagraph(writer.doc, 'khi mất mạng');
    writer.provider.connect();
    await eventually(async () => paragraphsOf(docFromStoredState(await readStoredState(s.t.database.db, id))).includes('khi mất mạng'), 'stored after reconnect');
    expect(writer.closes.filter((c) => c.code !== 0 && c.code !== 1005 && c.code !== 1000)).toEqual([]);
  });
});

describe('lone writers', () => {
  it('echoes a lone provider’s own presence, so its 30-s silence check never fires', async () => {
    const id = await s.newDocument();
    const lone = await s.client(s.drafter, id);
    await lone.synced;
    await new Promise((resolve) => setTimeout(resolve, 50));
    const heard = (lone.provider as unknown as { wsLastMessageReceived: number }).wsLastMessageReceived;
    // What the provider does every 15 s (awareness renewal), done now.
    lone.provider.awareness.setLocalStateField('cursor', { anchor: 1 });
    await eventually(() => (lone.provider as unknown as { wsLastMessageReceived: number }).wsLastMessageReceived > heard, 'the server answers the renewal');
    expect(lone.closes).toEqual([]);
  });

  it('stores no update row when a provider reconnects with nothing new, deletions included', async () => {
    const id = await s.newDocument('một hai ba');
    const writer = await s.client(s.drafter, id);
    await writer.synced;
    const paragraph = writer.doc.getXmlFragment('default').get(0) as Y.XmlElement;
    (paragraph.get(0) as Y.XmlText).delete(0, 4);
    await eventually(async () => (await s.rows(id)) === 1, 'the deletion is stored');
    for (let i = 0; i < 3; i++) {
      writer.provider.disconnect();
      writer.provider.connect();
      await eventually(() => writer.provider.synced, 'resynced');
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
    expect(await s.rows(id)).toBe(1);
  });
});

describe('refused changes do not loop', () => {
  it('stops a stock provider re-sending a too-large change after a few reconnects (4430), storing nothing', async () => {
    const small = await setup({ env: { MAX_MESSAGE_BYTES: '65536' }, collab: { maxConnectsPerWindow: 5 } });
    try {
      const id = await small.newDocument();
      const writer = await small.client(small.drafter, id);
      await writer.synced;
      let terminal: { code: number } | undefined;
      writer.provider.on('closed', (event: { code: number }) => (terminal = event));
      appendParagraph(writer.doc, 'x'.repeat(100_000));
      await eventually(() => terminal !== undefined, 'the provider stops', 10_000);
      expect(terminal!.code).toBe(4430);
      expect(writer.closes.filter((c) => c.code === 1009).length).toBeGreaterThanOrEqual(3);
      expect(writer.closes.length).toBeLessThanOrEqual(6);
      expect(await small.rows(id)).toBe(0);
    } finally {
      await small.close();
    }
  });
});

describe('before a socket is ready', () => {
  /** Holds the documents table so no access check can finish: sockets stay un-ready. */
  async function holdingDocuments<T>(t: TestApp, body: () => Promise<T>): Promise<T> {
    let release!: () => void;
    const released = new Promise<void>((resolve) => (release = resolve));
    let locked!: () => void;
    const isLocked = new Promise<void>((resolve) => (locked = resolve));
    const holder = t.database.db.transaction().execute(async (trx) => {
      await sql`lock table documents in access exclusive mode`.execute(trx);
      locked();
      await released;
    });
    await isLocked;
    try {
      return await body();
    } finally {
      release();
      await holder;
    }
  }

  it('closes a socket that queues more than a few bytes (4429), one that sends text (1007), and one never ready (1013)', async () => {
    const slow = await setup({ collab: { readyTimeoutMs: 400 } });
    try {
      const id = await slow.newDocument();
      const token = await slow.token(slow.drafter);
      await holdingDocuments(slow.t, async () => {
        const flooding = await rawSocket(slow.baseUrl, id, token);
        flooding.socket.send(new Uint8Array(256 * 1024));
        const texting = await rawSocket(slow.baseUrl, id, token);
        texting.socket.send('xin chào');
        const idle = await rawSocket(slow.baseUrl, id, token);
        const started = Date.now();
        expect(await flooding.closed).toBe(4429);
        expect(await texting.closed).toBe(1007);
        expect(await idle.closed).toBe(1013);
        expect(Date.now() - started).toBeLessThan(2000);
      });
      expect(await slow.rows(id)).toBe(0);
    } finally {
      await slow.close();
    }
  });

  it('refuses a frame larger than what may be queued before authentication in ws itself (1009), before reading it whole', async () => {
    const slow = await setup();
    try {
      const id = await slow.newDocument();
      // Holds the sessions table: a token not cached yet cannot be checked, the socket stays unauthenticated.
      let release!: () => void;
      const released = new Promise<void>((resolve) => (release = resolve));
      let locked!: () => void;
      const isLocked = new Promise<void>((resolve) => (locked = resolve));
      const holder = slow.t.database.db.transaction().execute(async (trx) => {
        await sql`lock table sessions in access exclusive mode`.execute(trx);
        locked();
        await released;
      });
      await isLocked;
      try {
        const forged = await rawSocket(slow.baseUrl, id, 'forged-token-never-issued');
        const started = Date.now();
        forged.socket.send(new Uint8Array(1024 * 1024));
        expect(await forged.closed).toBe(1009);
        expect(Date.now() - started).toBeLessThan(2000);
      } finally {
        release();
        await holder;
      }
      // Once authenticated, frames up to MAX_MESSAGE_BYTES are read again.
      const writer = await slow.client(slow.drafter, id);
      await writer.synced;
      appendParagraph(writer.doc, 'x'.repeat(200 * 1024));
      await eventually(async () => (await slow.rows(id)) > 0, 'a 200 KiB change stored');
      expect(writer.closes).toEqual([]);
    } finally {
      await slow.close();
    }
  });

  it('logs bad frames from many sockets as one line per kind per interval, with a count', async () => {
    const id = await s.newDocument();
    const token = await s.token(s.reader);
    const logged: unknown[][] = [];
    const spy = vi.spyOn(s.t.app.log, 'info').mockImplementation((...args: unknown[]) => void logged.push(args));
    try {
      for (let batch = 0; batch < 6; batch++) {
        const sockets = await Promise.all(Array.from({ length: 10 }, () => rawSocket(s.baseUrl, id, token)));
        for (const raw of sockets) raw.socket.send('không phải nhị phân');
        expect(new Set(await Promise.all(sockets.map((raw) => raw.closed)))).toEqual(new Set([1007]));
      }
    } finally {
      spy.mockRestore();
    }
    const lines = logged.filter((args) => String(args[1]).startsWith('bad input: malformed frame'));
    expect(lines).toHaveLength(1);
    expect(lines[0]![0]).toMatchObject({ kind: 'malformed frame' });
    expect(JSON.stringify(lines[0]![0])).not.toContain('stack');
  });

  it('refuses a text frame after the connection is ready too, storing nothing', async () => {
    const id = await s.newDocument();
    const raw = await rawSocket(s.baseUrl, id, await s.token(s.drafter));
    await eventually(() => raw.received.length > 0, 'ready (sync step 1 received)');
    const doc = new Y.Doc();
    doc.getText('t').insert(0, 'văn bản');
    raw.socket.send(Buffer.from(updateFrame(Y.encodeStateAsUpdate(doc))).toString('latin1'));
    expect(await raw.closed).toBe(1007);
    expect(await s.rows(id)).toBe(0);
  });

  it('allows 20 sockets per member on one document and closes the 21st with 4430', async () => {
    const id = await s.newDocument();
    const token = await s.token(s.drafter2);
    const open = [];
    for (let i = 0; i < 20; i++) {
      const raw = await rawSocket(s.baseUrl, id, token);
      await eventually(() => raw.received.length > 0, 'ready');
      open.push(raw);
    }
    const extra = await rawSocket(s.baseUrl, id, token);
    expect(await extra.closed).toBe(4430);
    const other = await s.client(s.drafter, id);
    await other.synced;
    for (const raw of open) raw.socket.close();
  });
});

describe('Origin', () => {
  function upgrade(url: string, origin?: string): Promise<number | 'open'> {
    return new Promise((resolve) => {
      const socket = new WebSocket(url, origin ? { headers: { origin } } : {});
      socket.once('open', () => {
        socket.close();
        resolve('open');
      });
      socket.once('unexpected-response', (_request, response) => resolve(response.statusCode ?? 0));
      socket.once('error', () => {});
    });
  }

  it('refuses /collab from another site’s page and lets the own origin and non-browser clients in', async () => {
    const id = await s.newDocument();
    const url = `${s.baseUrl.replace(/^http/, 'ws')}/collab/${id}?token=${await s.token(s.drafter)}`;
    expect(await upgrade(url, 'https://evil.example')).toBe(403);
    expect(await upgrade(url, 'null')).toBe(403);
    expect(await upgrade(url, s.baseUrl)).toBe('open');
    expect(await upgrade(url)).toBe('open');
  });

  it('honours ALLOWED_ORIGINS for /collab and the event stream', async () => {
    const other = await setup({ env: { ALLOWED_ORIGINS: 'https://draft.example.org' } });
    try {
      const id = await other.newDocument();
      const token = await other.token(other.drafter);
      const url = `${other.baseUrl.replace(/^http/, 'ws')}/collab/${id}?token=${token}`;
      expect(await upgrade(url, 'https://draft.example.org')).toBe('open');
      expect(await upgrade(url, 'https://evil.example')).toBe(403);
      const events = (origin: string) => {
        const abort = new AbortController();
        return fetch(`${other.baseUrl}/api/v1/documents/${id}/events?token=${token}`, { headers: { origin }, signal: abort.signal }).then((r) => {
          abort.abort();
          return r.status;
        });
      };
      expect(await events('https://evil.example')).toBe(403);
      expect(await events('https://draft.example.org')).toBe(200);
    } finally {
      await other.close();
    }
  });
});

describe('message budget from the environment', () => {
  it('closes with 4429 past COLLAB_MESSAGE_BURST messages at COLLAB_MESSAGES_PER_SECOND', async () => {
    const limited = await setup({ env: { COLLAB_MESSAGES_PER_SECOND: '5', COLLAB_MESSAGE_BURST: '10' } });
    try {
      const id = await limited.newDocument();
      const raw = await rawSocket(limited.baseUrl, id, await limited.token(limited.drafter));
      for (let i = 0; i < 30; i++) raw.socket.send(new Uint8Array([3]));
      expect(await raw.closed).toBe(4429);
    } finally {
      await limited.close();
    }
  });
});

describe('an outage is not a withdrawal', () => {
  it('closes with 4503 (retry), not 4403, when the access re-check cannot reach the database', async () => {
    const outage = await setup();
    const adminUrl = inject('adminUrl');
    const name = outage.t.database.name;
    try {
      const id = await outage.newDocument();
      const c = await outage.client(outage.drafter, id);
      await c.synced;
      const closed = c.nextClose();
      await runAdmin(adminUrl, [
        `alter database ${name} allow_connections false`,
        `select pg_terminate_backend(pid) from pg_stat_activity where datname = '${name}' and pid <> pg_backend_pid()`,
      ]);
      // What a role change announces; the re-check must read memberships from the database.
      outage.t.app.services.access.emit('membershipChanged', outage.drafter.id);
      expect(await closed).toBe(4503);
      c.destroy();
    } finally {
      await runAdmin(adminUrl, [`alter database ${name} allow_connections true`]);
      await outage.close();
    }
  });
});
