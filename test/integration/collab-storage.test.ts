/**
 * The collaboration runtime's storage: a fault stays inside its document, big documents stay
 * openable, and deleted text leaves the log soon while people stay connected.
 */
import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sql } from 'kysely';
import { PgDocumentStorage } from '../../server/db/document-storage.js';
import { appendUpdates, appendUpdatesAtOnce, compactDocument, docFromStoredState, readStoredState } from '../../server/db/document-log.repository.js';
import { mergeStoredState } from '../../server/domain/stored-state.js';
import { startLiveWorkspace, type LiveWorkspace } from '../helpers/live-workspace.js';
import { appendParagraph, eventually, paragraphsOf, pasteText, rawSocket } from '../helpers/ws-client.js';
import * as decoding from 'lib0/decoding';
import * as encoding from 'lib0/encoding';
import * as Y from 'yjs';

type Setup = LiveWorkspace & { stored(id: string): Promise<string[]> };
const opened: LiveWorkspace[] = [];
afterAll(() => opened.forEach((w) => w.destroyClients()));

async function setup(options: Parameters<typeof startLiveWorkspace>[0] = {}): Promise<Setup> {
  const workspace = await startLiveWorkspace(options);
  opened.push(workspace);
  const stored = async (id: string) => paragraphsOf(docFromStoredState(await readStoredState(workspace.t.database.db, id)));
  return Object.assign(workspace, { stored });
}

/** Makes the database refuse every log row of one document (a row the DB refuses, as a bad id or a constraint would). */
async function refuseRowsOf(s: Setup, documentId: string): Promise<void> {
  await sql
    .raw(
      `create or replace function refuse_rows() returns trigger language plpgsql as $$
       begin if new.document_id = '${documentId}' then raise exception 'refused for the test'; end if; return new; end $$;
       drop trigger if exists refuse_rows on document_updates;
       create trigger refuse_rows before insert on document_updates for each row execute function refuse_rows();`,
    )
    .execute(s.t.database.db);
}

describe('a fault stays inside its document', () => {
  let s: Setup;
  beforeAll(async () => (s = await setup()));
  afterAll(async () => s.close());

  it('commits the other documents of a batch when one document’s rows are refused', async () => {
    const refused = await s.newDocument();
    const fine = await s.newDocument();
    await refuseRowsOf(s, refused);
    const update = (text: string) => {
      const doc = new Y.Doc();
      appendParagraph(doc, text);
      return Y.encodeStateAsUpdate(doc);
    };
    const storage = new PgDocumentStorage(s.t.database.db);
    const before = (await readStoredState(s.t.database.db, fine)).lastSeq;
    const outcomes = await storage.append([
      { documentId: fine, data: update('một') },
      { documentId: refused, data: update('hỏng') },
      { documentId: fine.toUpperCase(), data: update('hai') },
    ]);
    expect(outcomes[0]).toEqual({ seq: before + 1 });
    expect(String((outcomes[1] as { error: Error }).error.message)).toContain('refused for the test');
    // The same document spelt in upper case is the same counter, not a null seq.
    expect(outcomes[2]).toEqual({ seq: before + 2 });
    expect(await s.stored(fine)).toEqual(expect.arrayContaining(['một', 'hai']));
    expect((await readStoredState(s.t.database.db, refused)).updates).toHaveLength(0);
  });

  it('appends a batch of several documents in one statement: consecutive seqs per document in the order given; a document that does not exist is refused alone', async () => {
    const a = await s.newDocument();
    const b = await s.newDocument();
    const missing = randomUUID();
    const update = (text: string) => {
      const doc = new Y.Doc();
      appendParagraph(doc, text);
      return Y.encodeStateAsUpdate(doc);
    };
    const storage = new PgDocumentStorage(s.t.database.db);
    const [beforeA, beforeB] = [(await readStoredState(s.t.database.db, a)).lastSeq, (await readStoredState(s.t.database.db, b)).lastSeq];
    const outcomes = await storage.append([
      { documentId: a, data: update('a1') },
      { documentId: b, data: update('b1') },
      { documentId: missing, data: update('lạc') },
      { documentId: a.toUpperCase(), data: update('a2') },
      { documentId: a, data: update('a3') },
      { documentId: b, data: update('b2') },
    ]);
    expect(outcomes.map((o) => ('seq' in o ? o.seq : (o.error as Error).message))).toEqual([
      beforeA + 1,
      beforeB + 1,
      'append to a document that does not exist',
      beforeA + 2,
      beforeA + 3,
      beforeB + 2,
    ]);
    // Each row holds its own update, in seq order.
    const rowTexts = async (id: string) =>
      (await readStoredState(s.t.database.db, id)).updates.map((u) => {
        const doc = new Y.Doc();
        Y.applyUpdate(doc, u);
        return paragraphsOf(doc).join();
      });
    expect(await rowTexts(a)).toEqual(['a1', 'a2', 'a3']);
    expect(await rowTexts(b)).toEqual(['b1', 'b2']);
    // That was the one-statement path, not the per-document fallback: it answers the missing document alone.
    expect(await appendUpdatesAtOnce(s.t.database.db, [{ documentId: missing, data: update('lạc') }, { documentId: b, data: update('b3') }])).toEqual([undefined, beforeB + 3]);
    expect((await readStoredState(s.t.database.db, a)).lastSeq).toBe(beforeA + 3);
  });

  it('appends a live edit (one row) by a statement prepared once per connection, in a transaction or not', async () => {
    const id = await s.newDocument();
    const update = (text: string) => {
      const doc = new Y.Doc();
      appendParagraph(doc, text);
      return Y.encodeStateAsUpdate(doc);
    };
    const before = (await readStoredState(s.t.database.db, id)).lastSeq;
    // Executions of the named statement on this connection (pg_prepared_statements is per session).
    const executions = async (connection: typeof s.t.database.db) => {
      const { rows } = await sql<{ n: number }>`select coalesce(sum(generic_plans + custom_plans), 0)::int as n from pg_prepared_statements where name = 'draftroom_append_one'`.execute(connection);
      return rows[0]!.n;
    };
    const counted = await s.t.database.db.connection().execute(async (connection) => {
      const start = await executions(connection);
      await appendUpdatesAtOnce(connection, [{ documentId: id.toUpperCase(), data: update('một') }]);
      expect(await appendUpdatesAtOnce(connection, [{ documentId: id, data: update('hai') }])).toEqual([before + 2]);
      expect(await appendUpdatesAtOnce(connection, [{ documentId: randomUUID(), data: update('lạc') }])).toEqual([undefined]);
      await connection.transaction().execute((tx) => appendUpdates(tx, [{ documentId: id, data: update('ba') }]));
      return (await executions(connection)) - start;
    });
    expect(counted).toBe(4);
    expect(await s.stored(id)).toEqual(expect.arrayContaining(['một', 'hai', 'ba']));
    expect((await readStoredState(s.t.database.db, id)).lastSeq).toBe(before + 3);
  });

  it('keeps the writers and readers of other documents connected, and stores their edits', async () => {
    const refused = await s.newDocument();
    const fine = await s.newDocument();
    const badWriter = await s.client(s.drafter, refused);
    const writer = await s.client(s.drafter, fine);
    const reader = await s.client(s.drafter, fine);
    await Promise.all([badWriter.synced, writer.synced, reader.synced]);
    await refuseRowsOf(s, refused);
    const badClose = badWriter.nextClose();
    // Both documents are written in the same moments, so their appends share group commits.
    for (let i = 0; i < 20; i++) {
      appendParagraph(badWriter.doc, `hỏng ${i}`);
      appendParagraph(writer.doc, `tốt ${i}`);
      await new Promise((resolve) => setTimeout(resolve, 5));
    }
    expect(await badClose).toBe(1011);
    badWriter.destroy();
    await eventually(async () => (await s.stored(fine)).includes('tốt 19'), 'the other document’s edits stored');
    await eventually(() => paragraphsOf(reader.doc).includes('tốt 19'), 'the other document’s reader received them');
    expect(writer.closes).toEqual([]);
    expect(reader.closes).toEqual([]);
    expect((await s.stored(fine)).filter((p) => p.startsWith('tốt'))).toHaveLength(20);
  });
});


describe('big documents stay openable', () => {
  let s: Setup;
  beforeAll(async () => (s = await setup({ collab: { idleUnloadMs: 100 } })));
  afterAll(async () => s.close());

  it('opens a document grown past 4 MiB by pastes in a stock provider, live and after a reload, while another document keeps working', async () => {
    const big = await s.newDocument();
    const writer = await s.client(s.drafter, big);
    await writer.synced;
    const pastes = 20;
    for (let i = 0; i < pastes; i++) {
      appendParagraph(writer.doc, pasteText(256 * 1024, i));
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
    expect(Y.encodeStateAsUpdate(writer.doc).byteLength).toBeGreaterThan(5 * 1024 * 1024);
    await eventually(async () => (await s.stored(big)).length === pastes + 1, 'every paste stored', 20_000);

    // Live: the sync answer (> 4 MiB, the send-buffer limit) is not taken for a slow reader.
    const liveReader = await s.client(s.drafter, big);
    await liveReader.synced;
    await eventually(() => paragraphsOf(liveReader.doc).length === pastes + 1, 'the live reader has every paste', 20_000);
    expect(liveReader.closes).toEqual([]);

    // After an unload: loaded (on a worker) and answered again, while another document is edited.
    writer.destroy();
    liveReader.destroy();
    await eventually(() => s.t.app.collab.room(big) === undefined, 'the big document unloaded', 20_000);
    const other = await s.newDocument();
    const otherWriter = await s.client(s.drafter, other);
    const otherReader = await s.client(s.drafter, other);
    await Promise.all([otherWriter.synced, otherReader.synced]);
    const reader = await s.client(s.drafter, big);
    for (let i = 0; i < 10; i++) appendParagraph(otherWriter.doc, `khác ${i}`);
    await eventually(() => paragraphsOf(otherReader.doc).includes('khác 9'), 'the other document keeps working');
    await reader.synced;
    await eventually(() => paragraphsOf(reader.doc).length === pastes + 1, 'the reloaded document has every paste', 20_000);
    expect(paragraphsOf(reader.doc)).toEqual(await s.stored(big));
    expect(reader.closes).toEqual([]);
    expect(otherWriter.closes).toEqual([]);
  }, 60_000);

  it('takes edits to a big document after a load without building it as a Y.Doc, until a read needs one', async () => {
    const big = await s.newDocument();
    const first = await s.client(s.drafter, big);
    await first.synced;
    for (let i = 0; i < 6; i++) appendParagraph(first.doc, pasteText(256 * 1024, 100 + i));
    await eventually(async () => (await s.stored(big)).length === 7, 'the pastes stored', 20_000);
    first.destroy();
    await eventually(() => s.t.app.collab.room(big) === undefined, 'unloaded', 20_000);
    await eventually(async () => (await s.rows(big)) === 0, 'compacted on unload', 20_000);

    // Loaded again (> 1 MiB): the room works from the encoded state and its KnownState.
    const writer = await s.client(s.drafter, big);
    const reader = await s.client(s.reader, big);
    await Promise.all([writer.synced, reader.synced]);
    const room = s.t.app.collab.room(big)!;
    expect(room.hasDoc).toBe(false);
    appendParagraph(writer.doc, 'sau khi nạp lại');
    writer.doc.getXmlFragment('default').delete(1, 1);
    await eventually(() => paragraphsOf(reader.doc).includes('sau khi nạp lại') && paragraphsOf(reader.doc).length === 7, 'the reader has the edit and the deletion');
    await eventually(async () => (await s.stored(big)).includes('sau khi nạp lại'), 'stored');
    const rows = await s.rows(big);
    // A reconnect with nothing new (its sync step 2 carries every deletion again) stores nothing.
    for (let i = 0; i < 2; i++) {
      writer.provider.disconnect();
      writer.provider.connect();
      await eventually(() => writer.provider.synced, 'resynced');
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
    expect(await s.rows(big)).toBe(rows);
    expect(room.hasDoc).toBe(false);

    // A read of the live draft is made on a worker: still no Y.Doc here; edits keep flowing.
    const content = await s.t.request({ method: 'GET', url: `/api/v1/documents/${big}/content`, token: await s.token(s.drafter) });
    expect(content.statusCode).toBe(200);
    expect((content.json() as { text: string }).text).toContain('sau khi nạp lại');
    expect(room.hasDoc).toBe(false);
    appendParagraph(writer.doc, 'sau khi đọc');
    await eventually(() => paragraphsOf(reader.doc).includes('sau khi đọc'), 'the reader has the later edit');
    expect(paragraphsOf(reader.doc)).toEqual(paragraphsOf(writer.doc));
    await eventually(async () => JSON.stringify(await s.stored(big)) === JSON.stringify(paragraphsOf(writer.doc)), 'stored as the writer has it');
    expect(reader.closes).toEqual([]);
    // The writer's two closes are its own disconnects.
    expect(writer.closes).toHaveLength(2);
  }, 60_000);

  it('answers content, live annotations, exports and version freezes of a big document on a worker exactly as the small-document path does', async () => {
    const drafter = await s.token(s.drafter);
    const member = await s.token(s.reader);
    const get = async (url: string, token = member) => {
      const response = await s.t.request({ method: 'GET', url: `/api/v1${url}`, token });
      expect(response.statusCode, response.body).toBe(200);
      return response.body;
    };
    const post = async (url: string, payload: object, status = 201) => {
      const response = await s.t.request({ method: 'POST', url: `/api/v1${url}`, token: drafter, payload });
      expect(response.statusCode, response.body).toBe(status);
      return response.json() as { id: string; number: number };
    };
    // Headings, NFD text (offsets of the projection and of its NFC form differ), then > 1 MiB of pastes.
    const markdown = ['# I. Kinh tế', 'Xã Minh Sơn đã hoàn thành kế hoạch năm.', '## 1.1 Nông nghiệp', 'Sản lượng lúa tăng 5% so với năm trước.', '# II. Xã hội', 'Tie\u0302\u0301ng Vie\u0323\u0302t được dạy ở mọi trường.', 'Người dân hài lòng với dịch vụ công.'].join('\n\n');
    const { id } = await post('/documents', { unitId: s.unit.id, title: 'Báo cáo lớn', content: { format: 'markdown', value: markdown } });
    const paster = await s.client(s.drafter, id);
    await paster.synced;
    for (let i = 0; i < 6; i++) appendParagraph(paster.doc, pasteText(200 * 1024, 300 + i));
    await eventually(async () => (await s.stored(id)).length === 13, 'the pastes stored', 20_000);
    // Loaded again as big: the room holds no Y.Doc, so one built for a read would show.
    paster.destroy();
    await eventually(() => s.t.app.collab.room(id) === undefined, 'unloaded', 20_000);
    const writer = await s.client(s.drafter, id);
    await writer.synced;
    const room = s.t.app.collab.room(id)!;
    expect(room.hasDoc).toBe(false);
    expect(room.encodedBytes).toBeGreaterThan(1024 * 1024);

    // Round 1 freezes the draft (on a worker); a member annotates it.
    const round = await post(`/documents/${id}/rounds`, { closesAt: new Date(Date.now() + 86_400_000).toISOString() });
    const base = JSON.parse(await get(`/documents/${id}/content?version=1`)) as { text: string };
    expect(base.text).toContain('Tiếng Việt');
    for (const quote of ['Minh Sơn', 'lúa tăng 5%', 'Tiếng Việt', 'hài lòng']) {
      const start = base.text.indexOf(quote);
      const put = await s.t.request({ method: 'PUT', url: `/api/v1/rounds/${round.id}/annotations/${randomUUID()}`, token: member, payload: { kind: 'comment', body: `Về “${quote}”`, anchor: { start, end: start + quote.length } } });
      expect(put.statusCode, put.body).toBe(201);
    }
    // Edits after the freeze: a paragraph before everything, an annotated passage deleted.
    writer.doc.transact(() => {
      const fragment = writer.doc.getXmlFragment('default');
      const first = new Y.XmlElement('paragraph');
      first.insert(0, [new Y.XmlText('Lời nói đầu.')]);
      fragment.insert(0, [first]);
    });
    await eventually(async () => (await s.stored(id))[0] === 'Lời nói đầu.', 'the new first paragraph stored');

    const reads = async () => ({
      content: await get(`/documents/${id}/content`),
      annotations: await get(`/documents/${id}/annotations?version=live`, drafter),
      markdown: await get(`/documents/${id}/export?format=md`),
      diff: await get(`/documents/${id}/diff?from=1&to=live`),
    });
    const onWorker = await reads();
    expect(room.hasDoc).toBe(false);
    const placed = JSON.parse(onWorker.annotations) as Array<{ anchorStatus: string; position: { start: number | null } }>;
    expect(placed.map((a) => a.anchorStatus)).toEqual(['moved', 'moved', 'moved', 'moved']);
    // A change that only deletes leaves the state vector as it was: the remembered reads must go.
    const text = (JSON.parse(onWorker.content) as { text: string }).text;
    const at = text.indexOf('hài lòng');
    writer.doc.transact(() => {
      const runs = writer.doc.getXmlFragment('default').toArray().map((p) => (p as Y.XmlElement).get(0));
      const run = runs.find((r) => r instanceof Y.XmlText && r.toString().startsWith('Người dân')) as Y.XmlText;
      run.delete(run.toString().indexOf('hài lòng'), 'hài lòng '.length);
    });
    await eventually(async () => !(await s.stored(id)).some((p) => p.includes('hài lòng')), 'the deletion stored');
    const afterDeletion = await reads();
    expect((JSON.parse(afterDeletion.content) as { text: string }).text).toBe(text.slice(0, at) + text.slice(at + 'hài lòng '.length));
    expect((JSON.parse(afterDeletion.annotations) as Array<{ anchorStatus: string }>).map((a) => a.anchorStatus)).toEqual(['moved', 'moved', 'moved', 'orphaned']);
    const workerVersion = await post(`/documents/${id}/versions`, { label: 'trên worker' });
    expect(room.hasDoc).toBe(false);

    // The same room, the same state, read the small-document way (a Y.Doc on the event loop).
    room.readOnWorkerFrom = Number.POSITIVE_INFINITY;
    try {
      const inPlace = await reads();
      expect(inPlace).toEqual(afterDeletion);
      const inPlaceVersion = await post(`/documents/${id}/versions`, { label: 'tại chỗ' });
      expect(room.hasDoc).toBe(true);
      const [a, b] = [workerVersion.number, inPlaceVersion.number];
      expect(await get(`/documents/${id}/content?version=${a}`)).toBe(await get(`/documents/${id}/content?version=${b}`));
      expect(await get(`/documents/${id}/export?format=md&version=${a}`)).toBe(await get(`/documents/${id}/export?format=md&version=${b}`));
      expect(await get(`/documents/${id}/annotations?version=${a}`, drafter)).toBe(await get(`/documents/${id}/annotations?version=${b}`, drafter));
    } finally {
      room.readOnWorkerFrom = 1024 * 1024;
    }
    expect(writer.closes).toEqual([]);

    // Not in memory: read from the stored state (on a worker), the same answers.
    writer.destroy();
    await eventually(() => s.t.app.collab.room(id) === undefined, 'unloaded', 20_000);
    expect(await get(`/documents/${id}/content`)).toBe(afterDeletion.content);
    expect(await get(`/documents/${id}/annotations?version=live`, drafter)).toBe(afterDeletion.annotations);
    expect(s.t.app.collab.room(id)).toBeUndefined();
  }, 60_000);
});

/** A sync frame's kind (0 step 1, 1 step 2, 2 update) and payload; undefined for other messages. */
function syncFrame(frame: Uint8Array): { kind: number; payload: Uint8Array } | undefined {
  const decoder = decoding.createDecoder(frame);
  if (decoding.readVarUint(decoder) !== 0) return undefined;
  const kind = decoding.readVarUint(decoder);
  return { kind, payload: decoding.readVarUint8Array(decoder) };
}

describe('a big document with a long log opens in steps', () => {
  let s: Setup;
  beforeAll(async () => (s = await setup({ collab: { idleUnloadMs: 100, compactAfterRows: 500 } })));
  afterAll(async () => s.close());

  it('sends a fresh client the snapshot ahead, then what the rows added, and every client gets what a full merge gives; the load’s merge becomes the snapshot', async () => {
    const id = await s.newDocument();
    const db = s.t.database.db;
    // A stored snapshot over 1 MiB, then 700 keystroke rows after it: typing, backspacing, deleting a pasted paragraph.
    const source = new Y.Doc();
    for (let i = 0; i < 5; i++) appendParagraph(source, pasteText(256 * 1024, 500 + i));
    await db.transaction().execute((tx) => appendUpdates(tx, [{ documentId: id, data: Y.encodeStateAsUpdate(source) }]));
    await compactDocument(db, id);
    const rows: Uint8Array[] = [];
    source.on('update', (u: Uint8Array) => rows.push(u));
    const fragment = source.getXmlFragment('default');
    const text = () => (fragment.get(fragment.length - 1) as Y.XmlElement).get(0) as Y.XmlText;
    for (let i = 0; i < 700; i++) {
      if (i === 350) fragment.delete(2, 1);
      else if (i % 7 === 6) text().delete(text().length - 1, 1);
      else text().insert(text().length, 'abcdefghij'[i % 10]!);
    }
    await db.transaction().execute((tx) => appendUpdates(tx, rows.map((data) => ({ documentId: id, data }))));
    const stored = await readStoredState(db, id);
    expect(stored.updates).toHaveLength(700);
    const fullMerge = mergeStoredState(stored).update;

    // A raw client that has nothing: the snapshot arrives first as an update, the sync step 2 last.
    const raw = await rawSocket(s.baseUrl, id, await s.token(s.drafter));
    const step1 = encoding.createEncoder();
    encoding.writeVarUint(step1, 0);
    encoding.writeVarUint(step1, 0);
    encoding.writeVarUint8Array(step1, Y.encodeStateVector(new Y.Doc()));
    raw.socket.send(encoding.toUint8Array(step1));
    await eventually(() => raw.received.some((f) => syncFrame(f)?.kind === 1), 'the sync step 2', 20_000);
    const answer = raw.received.map(syncFrame).filter((f) => f !== undefined && f.kind !== 0);
    expect(answer[0]).toEqual({ kind: 2, payload: stored.snapshot });
    expect(answer.at(-1)!.kind).toBe(1);
    const rawDoc = new Y.Doc();
    for (const frame of answer) Y.applyUpdate(rawDoc, frame!.payload);
    expect(Y.encodeStateAsUpdate(rawDoc)).toEqual(fullMerge);
    raw.socket.close();

    // A stock provider on the loaded room, and the room itself, hold the same document.
    const room = s.t.app.collab.room(id)!;
    expect(room.hasDoc).toBe(false);
    const reader = await s.client(s.reader, id);
    await reader.synced;
    expect(Y.encodeStateAsUpdate(reader.doc)).toEqual(fullMerge);
    expect(Y.encodeStateAsUpdate(room.liveDoc())).toEqual(fullMerge);

    // The load's merge was stored as the compaction: no row left, the snapshot is the full merge.
    await eventually(async () => (await s.rows(id)) === 0, 'the log compacted after the load', 20_000);
    const compacted = await readStoredState(db, id);
    expect(compacted.snapshot).toEqual(fullMerge);
    expect(compacted.throughSeq).toBe(stored.lastSeq);

    // Edits go on, and a reload from the compacted snapshot gives a fresh provider the same document.
    const writer = await s.client(s.drafter, id);
    await writer.synced;
    appendParagraph(writer.doc, 'sau khi nạp');
    await eventually(() => paragraphsOf(reader.doc).includes('sau khi nạp'), 'the reader has the edit');
    reader.destroy();
    writer.destroy();
    await eventually(() => s.t.app.collab.room(id) === undefined, 'unloaded', 20_000);
    const again = await s.client(s.reader, id);
    await again.synced;
    expect(paragraphsOf(again.doc)).toEqual(paragraphsOf(writer.doc));
    expect(again.closes).toEqual([]);
  }, 240_000);
});

describe('a big document edited while it loads', () => {
  let s: Setup;
  beforeAll(async () => (s = await setup({ collab: { idleUnloadMs: 100, compactAfterRows: 500 } })));
  afterAll(async () => s.close());

  it('takes an edit sent before the room is ready: stored, broadcast, and every client ends with the stored state', async () => {
    const id = await s.newDocument();
    const db = s.t.database.db;
    // A stored snapshot over 1 MiB, then 2,000 keystroke rows (some deleting) after it.
    const source = new Y.Doc();
    for (let i = 0; i < 5; i++) appendParagraph(source, pasteText(256 * 1024, 900 + i));
    await db.transaction().execute((tx) => appendUpdates(tx, [{ documentId: id, data: Y.encodeStateAsUpdate(source) }]));
    await compactDocument(db, id);
    const rows: Uint8Array[] = [];
    source.on('update', (u: Uint8Array) => rows.push(u));
    const fragment = source.getXmlFragment('default');
    const last = () => (fragment.get(fragment.length - 1) as Y.XmlElement).get(0) as Y.XmlText;
    for (let i = 0; i < 2000; i++) {
      if (i % 9 === 8) last().delete(last().length - 1, 1);
      else last().insert(last().length, 'xyzuvw'[i % 6]!);
    }
    await db.transaction().execute((tx) => appendUpdates(tx, rows.map((data) => ({ documentId: id, data }))));

    // The log is held locked: the load reads the snapshot (and sends it ahead) but waits for the rows.
    let release!: () => void;
    let locked!: () => void;
    const isLocked = new Promise<void>((resolve) => (locked = resolve));
    const lock = db.transaction().execute(async (tx) => {
      await sql`lock table document_updates in access exclusive mode`.execute(tx);
      locked();
      await new Promise<void>((resolve) => (release = resolve));
    });
    await isLocked;
    const reader = await s.client(s.reader, id);
    const writerDoc = new Y.Doc();
    const writer = await s.client(s.drafter, id, writerDoc);
    await eventually(() => paragraphsOf(writerDoc).length >= 5, 'the snapshot sent ahead', 20_000);
    expect(writer.provider.synced).toBe(false);
    // Typed on the snapshot while the server has not read the rows yet.
    ((writerDoc.getXmlFragment('default').get(1) as Y.XmlElement).get(0) as Y.XmlText).insert(0, 'SỬA-KHI-ĐANG-NẠP ');
    await new Promise((resolve) => setTimeout(resolve, 200));
    expect(writer.provider.synced).toBe(false);
    expect(s.t.app.collab.room(id)).toBeUndefined();
    release();
    await lock;

    await writer.synced;
    await reader.synced;
    await eventually(() => paragraphsOf(reader.doc)[1]!.startsWith('SỬA-KHI-ĐANG-NẠP '), 'the reader has the edit', 20_000);
    // Stored: a reload from the database holds it, and equals what both clients hold.
    await eventually(async () => paragraphsOf(docFromStoredState(await readStoredState(db, id)))[1]!.startsWith('SỬA-KHI-ĐANG-NẠP '), 'the edit stored', 20_000);
    const stored = mergeStoredState(await readStoredState(db, id)).update;
    expect(Y.encodeStateAsUpdate(reader.doc)).toEqual(stored);
    expect(Y.encodeStateAsUpdate(writerDoc)).toEqual(stored);
    // The typed paragraph as the rows left it (where it sits beside the document's first paragraph depends on the client ids).
    expect(paragraphsOf(reader.doc)).toContain(paragraphsOf(source).at(-1));
    expect(writer.closes).toEqual([]);
    expect(reader.closes).toEqual([]);
  }, 240_000);
});

describe('the size limit', () => {
  let s: Setup;
  beforeAll(async () => (s = await setup({ env: { MAX_DOCUMENT_BYTES: String(64 * 1024) } })));
  afterAll(async () => s.close());

  it('refuses a change that grows a document past MAX_DOCUMENT_BYTES with 4413, stores none of it, and still takes deletions', async () => {
    const id = await s.newDocument();
    const writer = await s.client(s.drafter, id);
    await writer.synced;
    appendParagraph(writer.doc, pasteText(40 * 1024, 1));
    await eventually(async () => (await s.stored(id)).length === 2, 'the first paste stored');
    const closed = writer.nextClose();
    appendParagraph(writer.doc, pasteText(40 * 1024, 2));
    expect(await closed).toBe(4413);
    writer.destroy();
    expect(writer.closes[0]!.reason).toMatch(/^document_too_large: /);
    expect(await s.stored(id)).toHaveLength(2);

    const editor = await s.client(s.drafter, id);
    await editor.synced;
    editor.doc.getXmlFragment('default').delete(1, 1);
    await eventually(async () => (await s.stored(id)).length === 1, 'the deletion stored');
    expect(editor.closes).toEqual([]);
  });
});

/** Whether any stored byte string of the document (log rows or snapshot) contains `text`. */
async function storedBytesContain(s: Setup, documentId: string, text: string): Promise<boolean> {
  const needle = Buffer.from(text);
  const rows = await s.t.database.db.selectFrom('document_updates').select('data').where('document_id', '=', documentId).execute();
  const snapshot = await s.t.database.db.selectFrom('document_snapshots').select('state').where('document_id', '=', documentId).executeTakeFirst();
  return [...rows.map((r) => r.data), ...(snapshot ? [snapshot.state] : [])].some((bytes) => Buffer.from(bytes).includes(needle));
}

describe('deleted means gone, soon', () => {
  let s: Setup;
  beforeAll(async () => (s = await setup({ collab: { compactAfterRows: 10_000, idleUnloadMs: 60_000, compactAfterQuietMs: 300, compactWithinMs: 1500 } })));
  afterAll(async () => s.close());

  it('compacts a deleted secret out of the log after a quiet period while the writer stays connected', async () => {
    const id = await s.newDocument();
    const writer = await s.client(s.drafter, id);
    await writer.synced;
    appendParagraph(writer.doc, 'MẬT KHẨU kho lưu trữ 4711');
    await eventually(async () => storedBytesContain(s, id, 'MẬT KHẨU kho lưu trữ 4711'), 'the secret stored');
    writer.doc.getXmlFragment('default').delete(1, 1);
    await eventually(async () => !(await storedBytesContain(s, id, 'MẬT KHẨU kho lưu trữ 4711')), 'the secret gone from the database', 5000);
    expect(writer.closes).toEqual([]);
    expect(await s.stored(id)).toEqual(['Mở đầu']);
  });

  it('compacts within compactWithinMs even while commits never pause', async () => {
    const id = await s.newDocument();
    const writer = await s.client(s.drafter, id);
    await writer.synced;
    appendParagraph(writer.doc, 'BÍ MẬT 0815');
    await eventually(async () => storedBytesContain(s, id, 'BÍ MẬT 0815'), 'the secret stored');
    writer.doc.getXmlFragment('default').delete(1, 1);
    const started = Date.now();
    let i = 0;
    // A commit every 100 ms: never 300 ms of quiet.
    while (await storedBytesContain(s, id, 'BÍ MẬT 0815')) {
      if (Date.now() - started > 5000) throw new Error('the secret stayed in the log');
      appendParagraph(writer.doc, `gõ ${i++}`);
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
    expect(writer.closes).toEqual([]);
  });
});
