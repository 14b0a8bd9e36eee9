/**
 * Writes on a big document (issue 10, "Big documents"): an annotation written on a big round,
 * reads of a big version (`?version=n`, annotations carried into the next round) and a
 * suggestion applied to a big draft are computed on worker threads — the event loop builds no
 * Y.Doc of the version or of the live draft — and give exactly what the in-thread path (the one
 * small documents take) gives on the same document.
 */
import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import * as Y from 'yjs';
import { docFromStoredState, readStoredState } from '../../server/db/document-log.repository.js';
import { findVersionState } from '../../server/db/versions.repository.js';
import type { Anchor } from '../../server/domain/anchoring.js';
import { APPLIED_SUGGESTIONS, markApplied, replaceAnchoredText } from '../../server/domain/apply-suggestion.js';
import { startLiveWorkspace, type LiveWorkspace } from '../helpers/live-workspace.js';
import { appendParagraph, eventually, paragraphsOf, pasteText, type TestClient } from '../helpers/ws-client.js';


const markdown = [
  '# I. Kinh tế',
  'Xã Minh Sơn đã hoàn thành kế hoạch năm.',
  'Thu nhập bình quân đầu người năm 2025 ước đạt **52 triệu đồng**, tăng 1,6 lần.',
  'Thu ngân sách xã năm 2025 ước đạt **48 tỷ đồng**, tăng 1,2 lần.',
  '## 1.1 Nông nghiệp',
  'Sản lượng lúa tăng 5% so với năm trước.',
  '# II. Xã hội',
  // Decomposed (NFD): offsets of the projection and of its NFC form differ.
  'Tie\u0302\u0301ng Vie\u0323\u0302t được dạy ở mọi trường.',
  'Người dân hài lòng với dịch vụ công.',
].join('\n\n');

type Json = Record<string, unknown>;

let s: LiveWorkspace;
let id: string;
let writer: TestClient;
let round1: string;
let baseText: string;
/** Round 2 (opened by the second test) and its base, version 2. */
let round2: string;
let base2Text: string;

async function call(method: 'GET' | 'PUT' | 'POST', url: string, token: string, payload?: object): Promise<{ status: number; body: string; json: Json }> {
  const response = await s.t.request({ method, url: `/api/v1${url}`, token, ...(payload ? { payload } : {}) });
  return { status: response.statusCode, body: response.body, json: response.json() as Json };
}

const storedDoc = async () => docFromStoredState(await readStoredState(s.t.database.db, id));
const room = () => s.t.app.collab.room(id)!;
const versions = () => s.t.app.services.versions;

/** Runs `body` with big versions read in this thread (the small-document path). */
async function inThread<T>(body: () => Promise<T>): Promise<T> {
  versions().onWorkerFrom = Number.POSITIVE_INFINITY;
  try {
    return await body();
  } finally {
    versions().onWorkerFrom = 1024 * 1024;
  }
}

beforeAll(async () => {
  s = await startLiveWorkspace({ collab: { idleUnloadMs: 100 } });
  const drafter = await s.token(s.drafter);
  const created = await call('POST', '/documents', drafter, { unitId: s.unit.id, title: 'Báo cáo lớn', content: { format: 'markdown', value: markdown } });
  expect(created.status, created.body).toBe(201);
  id = created.json.id as string;
  const paster = await s.client(s.drafter, id);
  await paster.synced;
  for (let i = 0; i < 6; i++) appendParagraph(paster.doc, pasteText(200 * 1024, 700 + i));
  await eventually(async () => paragraphsOf(await storedDoc()).length === 15, 'the pastes stored', 20_000);
  // Loaded again as big: the room holds no Y.Doc, so one built for an edit would show.
  paster.destroy();
  await eventually(() => s.t.app.collab.room(id) === undefined, 'unloaded', 20_000);
  writer = await s.client(s.drafter, id);
  await writer.synced;
  expect(room().hasDoc).toBe(false);
  expect(room().encodedBytes).toBeGreaterThan(1024 * 1024);
  const round = await call('POST', `/documents/${id}/rounds`, drafter, { closesAt: new Date(Date.now() + 86_400_000).toISOString() });
  expect(round.status, round.body).toBe(201);
  round1 = round.json.id as string;
  baseText = (await call('GET', `/documents/${id}/content?version=1`, drafter)).json.text as string;
  expect((await findVersionState(s.t.database.db, id, 1))!.byteLength).toBeGreaterThan(1024 * 1024);
}, 90_000);

afterAll(async () => {
  s.destroyClients();
  await s.close();
});

describe('a big round', () => {
  it('stores the same anchors and refuses the same inputs on the worker as in this thread, building no version here', async () => {
    const member = await s.token(s.reader);
    const sections = (await call('GET', `/documents/${id}/content?version=1`, member)).json.sections as Array<{ path: string; title: string }>;
    const agriculture = sections.find((section) => section.title === '1.1 Nông nghiệp')!.path;
    const at = (quote: string) => ({ start: baseText.indexOf(quote), end: baseText.indexOf(quote) + quote.length });
    const positions = await call('PUT', `/rounds/${round1}/annotations/${randomUUID()}`, member, { kind: 'comment', body: 'Vị trí', anchor: at('hài lòng') });
    expect(positions.status, positions.body).toBe(201);
    const { relStart, relEnd } = positions.json.anchor as Anchor;
    const inputs: Json[] = [
      { kind: 'comment', body: 'Về Minh Sơn', anchor: at('Minh Sơn') },
      { kind: 'question', body: 'Tiếng Việt?', anchor: at('Tiếng Việt') },
      { kind: 'suggestion', body: '', replacement: '60 triệu đồng', anchor: at('52 triệu đồng') },
      { kind: 'comment', body: 'Một điểm', anchor: { start: at('lúa').start, end: at('lúa').start } },
      { kind: 'comment', body: 'Theo vị trí Yjs', anchor: { relStart, relEnd } },
      { kind: 'comment', body: 'Cả mục', anchor: { scope: 'section', section: agriculture } },
      { kind: 'comment', body: 'Cả văn bản', anchor: { scope: 'document' } },
      // Refused: past the end, an unknown section, positions that are not Yjs positions, an empty body.
      { kind: 'comment', body: 'Ngoài', anchor: { start: 0, end: baseText.length + 1 } },
      { kind: 'comment', body: 'Mục lạ', anchor: { scope: 'section', section: 'IX. Không có' } },
      { kind: 'comment', body: 'Hỏng', anchor: { relStart: 'không phải', relEnd: 'base64!' } },
      { kind: 'comment', body: '  ', anchor: at('Minh Sơn') },
    ];
    const writeAll = () => Promise.all(inputs.map((input) => call('PUT', `/rounds/${round1}/annotations/${randomUUID()}`, member, input)));
    const onWorker = await writeAll();
    expect(versions().builtHere).toBe(0);
    const here = await inThread(writeAll);
    expect(versions().builtHere).toBe(1);
    expect(onWorker.map((r) => r.status)).toEqual([201, 201, 201, 201, 201, 201, 201, 422, 422, 400, 400]);
    onWorker.forEach((w, i) => {
      expect(here[i]!.status).toBe(w.status);
      if (w.status === 201) expect(here[i]!.json.anchor).toEqual(w.json.anchor);
      else expect(here[i]!.json).toEqual(w.json);
    });
    expect((onWorker[0]!.json.anchor as Anchor).quote.exact).toBe('Minh Sơn');
    expect((onWorker[1]!.json.anchor as Anchor).quote.exact).toBe('Tiếng Việt');
    expect((onWorker[4]!.json.anchor as Anchor)).toMatchObject({ quote: { exact: 'hài lòng' }, relStart, relEnd });
    expect(room().hasDoc).toBe(false);
  }, 60_000);

  it('places annotations into a big version and carries them into the next round as in this thread', async () => {
    const drafter = await s.token(s.drafter);
    // Edits after the freeze: a paragraph before everything, an annotated passage deleted.
    writer.doc.transact(() => {
      const first = new Y.XmlElement('paragraph');
      first.insert(0, [new Y.XmlText('Lời nói đầu.')]);
      writer.doc.getXmlFragment('default').insert(0, [first]);
      const run = writer.doc.getXmlFragment('default').toArray().map((p) => (p as Y.XmlElement).get(0)).find((r) => r instanceof Y.XmlText && r.toString().startsWith('Người dân')) as Y.XmlText;
      run.delete(run.toString().indexOf('hài lòng'), 'hài lòng '.length);
    });
    await eventually(async () => paragraphsOf(await storedDoc())[0] === 'Lời nói đầu.', 'the edits stored');
    expect((await call('POST', `/rounds/${round1}/close`, drafter)).status).toBe(200);
    const opened = await call('POST', `/documents/${id}/rounds`, drafter, { closesAt: new Date(Date.now() + 86_400_000).toISOString() });
    expect(opened.status, opened.body).toBe(201);
    [round2, base2Text] = [opened.json.id as string, (await call('GET', `/documents/${id}/content?version=2`, drafter)).json.text as string];

    const reads = () =>
      Promise.all([
        call('GET', `/documents/${id}/annotations?version=1`, drafter),
        call('GET', `/documents/${id}/annotations?version=2`, drafter),
        call('GET', `/rounds/${round2}/annotations`, drafter),
      ]);
    const built = versions().builtHere;
    const onWorker = await reads();
    expect(versions().builtHere).toBe(built);
    const here = await inThread(reads);
    onWorker.forEach((w, i) => {
      expect(w.status, w.body).toBe(200);
      expect(here[i]!.body).toBe(w.body);
    });
    const inVersion2 = JSON.parse(onWorker[1]!.body) as Array<{ anchor: { quote: { exact: string } | null }; anchorStatus: string }>;
    const status = (quote: string) => inVersion2.find((a) => a.anchor.quote?.exact === quote)?.anchorStatus;
    expect([status('Minh Sơn'), status('Tiếng Việt'), status('hài lòng')]).toEqual(['moved', 'moved', 'orphaned']);
    const carried = JSON.parse(onWorker[2]!.body) as Array<{ carriedForward?: { anchorStatus: string } }>;
    expect(carried.filter((a) => a.carriedForward).length).toBeGreaterThan(5);
    expect(room().hasDoc).toBe(false);
  }, 60_000);
});

describe('applying suggestions to a big draft', () => {
  const suggest = async (quote: string, replacement: string) => {
    const member = await s.token(s.reader);
    const drafter = await s.token(s.drafter);
    const start = base2Text.indexOf(quote);
    const written = await call('PUT', `/rounds/${round2}/annotations/${randomUUID()}`, member, { kind: 'suggestion', body: '', replacement, anchor: { start, end: start + quote.length } });
    expect(written.status, written.body).toBe(201);
    const decided = await call('PUT', `/annotations/${written.json.id as string}/disposition`, drafter, { decision: 'accepted' });
    expect(decided.status, decided.body).toBe(200);
    return written.json as { id: string; anchor: Anchor; replacement: string };
  };

  /** The draft `suggestions` make when applied in this thread, in order, on the stored draft now (apply-suggestion.ts). */
  const expectedAfter = async (suggestions: ReadonlyArray<{ id: string; anchor: Anchor; replacement: string }>) => {
    const doc = await storedDoc();
    const base = new Y.Doc();
    Y.applyUpdate(base, (await findVersionState(s.t.database.db, id, 2))!);
    for (const suggestion of suggestions) {
      replaceAnchoredText(doc, suggestion.anchor, suggestion.replacement, Y.encodeStateVector(base));
      markApplied(doc, suggestion.id, new Date());
    }
    return doc.getXmlFragment('default').toString();
  };

  it('makes on a worker exactly the edit the in-place path makes, once, without building the draft here, and keeps the draft there for the next edits', async () => {
    const income = await suggest('ước đạt 52 triệu đồng', 'đạt khoảng 52 triệu đồng');
    const rice = await suggest('tăng 5%', 'tăng 6%');
    const budget = await suggest('ước đạt 48 tỷ đồng', 'đạt khoảng 48 tỷ đồng');
    const stale = await suggest('Minh Sơn đã hoàn thành', 'Minh Sơn hoàn thành');
    const staleTwin = await suggest('Minh Sơn đã hoàn thành', 'Minh Sơn đã vượt');
    const last = await suggest('so với năm trước', 'so với năm 2024');
    const drafter = await s.token(s.drafter);
    const apply = (suggestionId: string) => call('POST', `/annotations/${suggestionId}/apply`, drafter);

    // On the worker: two suggestions at once (edits of one room are made one after another) and one five times at once.
    const expected = await expectedAfter([income, rice, stale]);
    const [a, b, ...fives] = await Promise.all([apply(income.id), apply(rice.id), ...Array.from({ length: 5 }, () => apply(stale.id))]);
    expect([a!.status, b!.status]).toEqual([200, 200]);
    expect(fives.map((r) => r.status).sort()).toEqual([200, 409, 409, 409, 409]);
    expect(room().hasDoc).toBe(false);
    await eventually(async () => paragraphsOf(await storedDoc()).some((p) => p.startsWith('Xã Minh Sơn hoàn thành')), 'the applies stored');
    const afterWorker = await storedDoc();
    // Disjoint passages: the same draft whatever order the three were made in.
    expect(afterWorker.getXmlFragment('default').toString()).toBe(expected);
    expect([...afterWorker.getMap(APPLIED_SUGGESTIONS).keys()].sort()).toEqual([income.id, rice.id, stale.id].sort());
    await eventually(() => paragraphsOf(writer.doc).some((p) => p.includes('lúa tăng 6%')), 'the connected editor received it');
    // Bold kept on the figure, not spread to the words around it.
    expect(afterWorker.getXmlFragment('default').toString()).toContain('đạt khoảng <bold>52 triệu đồng</bold>, tăng 1,6 lần.');
    // Built once on the worker, for the first of the three edits; the others used it.
    expect(room().workerDraftsBuilt).toBe(1);
    // An editor's change meanwhile reaches the kept draft as the update it is, not as a new whole state.
    appendParagraph(writer.doc, 'Đoạn thêm giữa hai lần áp dụng.');
    await eventually(async () => paragraphsOf(await storedDoc()).includes('Đoạn thêm giữa hai lần áp dụng.'), 'the editor’s paragraph stored');
    // The passage changed: 409 with the text there now, on the worker…
    const refusedOnWorker = await apply(staleTwin.id);
    expect(room().workerDraftsBuilt).toBe(1);

    // …and in place (the small-document path), on the same room.
    const expectedInPlace = await expectedAfter([budget]);
    room().readOnWorkerFrom = Number.POSITIVE_INFINITY;
    try {
      const refusedInPlace = await apply(staleTwin.id);
      expect(refusedInPlace.status).toBe(409);
      expect(refusedInPlace.json).toEqual(refusedOnWorker.json);
      expect(refusedOnWorker.json).toMatchObject({ code: 'conflict', currentText: 'Minh Sơn hoàn thành' });
      expect((await apply(budget.id)).status).toBe(200);
      expect(room().hasDoc).toBe(true);
    } finally {
      room().readOnWorkerFrom = 1024 * 1024;
    }
    expect((await storedDoc()).getXmlFragment('default').toString()).toBe(expectedInPlace);
    // Back on the worker: the kept draft takes what was committed meanwhile (the in-place apply) and makes the same edit as in place.
    const expectedLast = await expectedAfter([last]);
    expect((await apply(last.id)).status).toBe(200);
    expect((await storedDoc()).getXmlFragment('default').toString()).toBe(expectedLast);
    expect(room().workerDraftsBuilt).toBe(1);
    await eventually(() => paragraphsOf(writer.doc).some((p) => p.endsWith('so với năm 2024.')), 'the connected editor received it');
    expect(writer.closes).toEqual([]);
  }, 90_000);
});
