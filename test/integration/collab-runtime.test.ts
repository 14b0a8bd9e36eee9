import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import * as Y from 'yjs';
import { startLiveWorkspace, type LiveWorkspace } from '../helpers/live-workspace.js';
import { appendParagraph, eventually, paragraphsOf, rawSocket } from '../helpers/ws-client.js';
import { compactDocument, docFromStoredState, readStoredState } from '../../server/db/document-log.repository.js';

type Setup = LiveWorkspace;
const opened: LiveWorkspace[] = [];
afterAll(() => opened.forEach((w) => w.destroyClients()));

async function setup(options: Parameters<typeof startLiveWorkspace>[0] = {}): Promise<Setup> {
  const workspace = await startLiveWorkspace(options);
  opened.push(workspace);
  return workspace;
}

describe('presence', () => {
  let s: Setup;
  beforeAll(async () => (s = await setup()));
  afterAll(async () => s.close());

  it('relays awareness under the connection’s real identity, whatever the client claims', async () => {
    const id = await s.newDocument();
    const liar = await s.client(s.reader, id);
    const watcher = await s.client(s.drafter, id);
    await Promise.all([liar.synced, watcher.synced]);
    liar.provider.awareness.setLocalStateField('user', { id: s.drafter.id, name: 'Bí thư (giả mạo)', color: '#ff0000' });
    liar.provider.awareness.setLocalStateField('cursor', { anchor: 1, head: 3 });
    const liarId = liar.doc.clientID;
    await eventually(() => watcher.provider.awareness.getStates().get(liarId)?.cursor !== undefined, 'the watcher sees the cursor');
    expect(watcher.provider.awareness.getStates().get(liarId)).toEqual({
      user: { id: s.reader.id, name: s.reader.displayName, color: '#ff0000' },
      cursor: { anchor: 1, head: 3 },
    });
  });

  it('removes a closed connection’s presence for everyone', async () => {
    const id = await s.newDocument();
    const leaving = await s.client(s.reader, id);
    const watcher = await s.client(s.drafter, id);
    await Promise.all([leaving.synced, watcher.synced]);
    leaving.provider.awareness.setLocalStateField('user', { name: 'x' });
    await eventually(() => watcher.provider.awareness.getStates().has(leaving.doc.clientID), 'presence arrives');
    // Drop the socket without the provider's own goodbye, as a lost connection would.
    (leaving.provider.ws as unknown as { terminate(): void }).terminate();
    leaving.provider.shouldConnect = false;
    await eventually(() => !watcher.provider.awareness.getStates().has(leaving.doc.clientID), 'presence removed');
  });

  it('refuses to relay presence for a client id another connection owns', async () => {
    const id = await s.newDocument();
    const owner = await s.client(s.drafter, id);
    const watcher = await s.client(s.drafter, id);
    await Promise.all([owner.synced, watcher.synced]);
    owner.provider.awareness.setLocalStateField('user', { name: 'owner' });
    await eventually(() => watcher.provider.awareness.getStates().has(owner.doc.clientID), 'owner presence arrives');
    const forger = new Y.Doc();
    forger.clientID = owner.doc.clientID;
    const forged = await s.client(s.reader, id, forger);
    await forged.synced;
    forged.provider.awareness.setLocalStateField('cursor', { anchor: 99, head: 99 });
    await new Promise((resolve) => setTimeout(resolve, 200));
    expect(watcher.provider.awareness.getStates().get(owner.doc.clientID)?.user).toMatchObject({ id: s.drafter.id });
    expect(watcher.provider.awareness.getStates().get(owner.doc.clientID)?.cursor).toBeUndefined();
  });
});

describe('storage', () => {
  let s: Setup;
  beforeAll(async () => (s = await setup({ collab: { idleUnloadMs: 100, compactAfterRows: 10_000 } })));
  afterAll(async () => s.close());

  it('compaction keeps the content and drops deleted text', async () => {
    const id = await s.newDocument('Giữ lại');
    const writer = await s.client(s.drafter, id);
    await writer.synced;
    appendParagraph(writer.doc, 'BÍ MẬT cần xoá');
    for (let i = 0; i < 20; i++) appendParagraph(writer.doc, `đoạn ${i}`);
    await eventually(async () => (await readStoredState(s.t.database.db, id)).updates.length > 0, 'log rows written');
    await eventually(async () => paragraphsOf(docFromStoredState(await readStoredState(s.t.database.db, id))).length === 22, 'all stored');
    writer.doc.transact(() => writer.doc.getXmlFragment('default').delete(1, 1));
    await eventually(async () => !paragraphsOf(docFromStoredState(await readStoredState(s.t.database.db, id))).includes('BÍ MẬT cần xoá'), 'deletion stored');

    const result = await compactDocument(s.t.database.db, id);
    expect(result.mergedRows).toBeGreaterThan(0);
    const stored = await readStoredState(s.t.database.db, id);
    expect(stored.updates).toHaveLength(0);
    expect(Buffer.from(stored.snapshot!).includes(Buffer.from('BÍ MẬT'))).toBe(false);
    expect(paragraphsOf(docFromStoredState(stored))).toEqual(paragraphsOf(writer.doc));
  });

  it('unloads an idle document and loads it again from the database', async () => {
    const id = await s.newDocument('Trước khi dỡ');
    const writer = await s.client(s.drafter, id);
    await writer.synced;
    appendParagraph(writer.doc, 'sau');
    await eventually(async () => paragraphsOf(docFromStoredState(await readStoredState(s.t.database.db, id))).includes('sau'), 'stored');
    writer.destroy();
    await eventually(() => s.t.app.collab.loaded(id) === undefined, 'unloaded after idling');
    // Unloading compacts what it wrote.
    await eventually(async () => (await readStoredState(s.t.database.db, id)).updates.length === 0, 'compacted on unload');
    const again = await s.client(s.reader, id);
    await again.synced;
    expect(paragraphsOf(again.doc)).toEqual(['Trước khi dỡ', 'sau']);
  });
});

describe('limits', () => {
  it('closes a connection that sends too many messages with 4429', async () => {
    const s = await setup({ collab: { messagesPerSecond: 5, messageBurst: 10 } });
    try {
      const id = await s.newDocument();
      const raw = await rawSocket(s.baseUrl, id, await s.token(s.reader));
      const queryAwareness = new Uint8Array([3]);
      for (let i = 0; i < 50; i++) raw.socket.send(queryAwareness);
      expect(await raw.closed).toBe(4429);
    } finally {
      await s.close();
    }
  });

  it('closes a reader that stops reading with 1013 instead of buffering without bound', async () => {
    const s = await setup({ collab: { maxBufferedBytes: 256 * 1024 } });
    try {
      const id = await s.newDocument();
      const slow = await rawSocket(s.baseUrl, id, await s.token(s.reader));
      // Stop reading: the server's send buffer for this socket can only grow.
      (slow.socket as unknown as { _socket: { pause(): void } })._socket.pause();
      const writer = await s.client(s.drafter, id);
      await writer.synced;
      const big = 'x'.repeat(16 * 1024);
      let code: number | undefined;
      void slow.closed.then((c) => (code = c));
      for (let i = 0; i < 400 && code === undefined; i++) {
        appendParagraph(writer.doc, `${i} ${big}`);
        await new Promise((resolve) => setTimeout(resolve, 5));
      }
      (slow.socket as unknown as { _socket: { resume(): void } })._socket.resume();
      expect(await slow.closed).toBe(1013);
    } finally {
      await s.close();
    }
  });

  it('closes with 4401 when the token expires', async () => {
    let offsetMs = 0;
    const s = await setup({ clock: { now: () => new Date(Date.now() + offsetMs) } });
    try {
      const id = await s.newDocument();
      await s.token(s.reader);
      // The reader's 12 h session now expires in 300 ms by the server's clock.
      offsetMs = 12 * 3600 * 1000 - 300;
      const expiring = await s.client(s.reader, id);
      expect(await expiring.nextClose()).toBe(4401);
    } finally {
      await s.close();
    }
  });
});

describe('liveness', () => {
  it('drops a socket that stops answering pings', async () => {
    const s = await setup({ collab: { heartbeatMs: 150 } });
    try {
      const id = await s.newDocument();
      const silent = await rawSocket(s.baseUrl, id, await s.token(s.reader));
      const healthy = await s.client(s.reader, id);
      await healthy.synced;
      // A paused socket reads nothing, so it never sees a ping and never answers with a pong.
      (silent.socket as unknown as { _socket: { pause(): void } })._socket.pause();
      const started = Date.now();
      await eventually(async () => {
        const metrics = (await s.t.request({ method: 'GET', url: '/metrics' })).body;
        return /draftroom_ws_connections 1\b/.test(metrics);
      }, 'the dead socket is dropped', 3000);
      expect(Date.now() - started).toBeLessThan(1500);
      expect(healthy.closes).toEqual([]);
    } finally {
      await s.close();
    }
  });
});

describe('shutdown', () => {
  it('commits what is queued and closes sockets with 1001', async () => {
    const s = await setup();
    const id = await s.newDocument();
    const writer = await s.client(s.drafter, id);
    await writer.synced;
    const closed = writer.nextClose();
    for (let i = 0; i < 50; i++) appendParagraph(writer.doc, `cuối ${i}`);
    await new Promise((resolve) => setTimeout(resolve, 20));
    const db = s.t.database;
    await s.t.app.close();
    expect(await closed).toBe(1001);
    writer.provider.shouldConnect = false;
    const stored = paragraphsOf(docFromStoredState(await readStoredState(db.db, id)));
    expect(stored).toEqual(paragraphsOf(writer.doc));
    await db.drop();
  });
});
