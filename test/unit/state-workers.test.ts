import { afterAll, describe, expect, it } from 'vitest';
import * as Y from 'yjs';
import { copyInPieces, StateWorkers } from '../../server/collab/state-workers.js';
import { anchorInBase } from '../../server/domain/anchoring.js';
import { importContent } from '../../server/domain/content-import.js';
import { projectFragment } from '../../server/domain/projection.js';
import { mergeStoredState, packedState, StoredStateLoader, type PackedRows } from '../../server/domain/stored-state.js';
import { editDoc, type LiveEdit } from '../../server/services/live-edits.js';

// inPlaceBytes 0: every call crosses to a worker thread.
const workers = new StateWorkers({ inPlaceBytes: 0 });
afterAll(() => workers.close());

function typed(): { updates: Uint8Array[]; doc: Y.Doc } {
  const doc = new Y.Doc();
  const updates: Uint8Array[] = [];
  doc.on('update', (u: Uint8Array) => updates.push(u));
  const text = doc.getText('t');
  for (let i = 0; i < 2000; i++) text.insert(i, 'abcdefghij'[i % 10]!);
  text.delete(100, 500);
  return { updates, doc };
}

function packRows(rows: readonly Uint8Array[]): PackedRows {
  const ends = new Uint32Array(rows.length);
  let end = 0;
  rows.forEach((row, i) => (ends[i] = end += row.byteLength));
  return { bytes: Buffer.concat(rows), ends };
}

describe('state workers', () => {
  it('merge on a worker equals the merge in place, deleted text collected, bad rows reported by index', async () => {
    const { updates, doc } = typed();
    const rows = [...updates.slice(0, 10), new Uint8Array([1, 2, 3]), ...updates.slice(10)];
    const state = { snapshot: undefined, updates: rows, throughSeq: 0, lastSeq: rows.length };
    const merged = await workers.merge(state);
    expect(merged.update).toEqual(mergeStoredState(state).update);
    expect(merged.badRows.map((r) => r.index)).toEqual([10]);
    const loaded = new Y.Doc();
    Y.applyUpdate(loaded, merged.update);
    expect(loaded.getText('t').toString()).toBe(doc.getText('t').toString());
  });

  it('summarises a snapshot alone on a worker, sending back only the summary', async () => {
    const snapshot = Y.encodeStateAsUpdate(typed().doc);
    const state = { snapshot, updates: [], throughSeq: 3, lastSeq: 3 };
    const merged = await workers.merge(state, { summary: true });
    // The snapshot itself is the merge (the very bytes: what was sent ahead to clients).
    expect(merged.update).toBe(snapshot);
    expect(merged.summary).toEqual(mergeStoredState(state, { summary: true }).summary);
    const stateVector = Y.encodeStateVectorFromUpdate(snapshot);
    expect(merged.summary).toEqual({ stateVector, deleteSet: Y.diffUpdate(snapshot, stateVector) });
  });

  it('diffs a whole state against a state vector on a worker', async () => {
    const { doc } = typed();
    const half = new Y.Doc();
    half.clientID = 7;
    half.getText('t').insert(0, 'x');
    Y.applyUpdate(half, Y.encodeStateAsUpdate(doc));
    const lacking = await workers.diff(Y.encodeStateAsUpdate(half), Y.encodeStateVector(doc));
    const caught = new Y.Doc();
    Y.applyUpdate(caught, Y.encodeStateAsUpdate(doc));
    Y.applyUpdate(caught, lacking);
    expect(caught.getText('t').toString()).toBe(half.getText('t').toString());
  });

  it('loads in steps on a worker: what the rows added to the snapshot, the summary, then the same merged state as a full merge', async () => {
    for (let seed = 0; seed < 5; seed++) {
      const { updates } = typed();
      const cut = 300 + seed * 150;
      const snapshot = mergeStoredState({ snapshot: undefined, updates: updates.slice(0, cut), throughSeq: 0, lastSeq: cut }).update;
      const rows = [...updates.slice(cut, cut + 20), new Uint8Array([1, 2, 3]), ...updates.slice(cut + 20)];
      const full = mergeStoredState({ snapshot, updates: rows, throughSeq: cut, lastSeq: cut + rows.length }, { summary: true });
      const load = workers.load(snapshot);
      // Rows as a list, or packed as the database adapter reads them (never unpacked on this thread),
      // and then some of them first given in pieces, as they are read (the bad row in the first piece).
      const stored = seed % 2 === 0 ? { updates: rows } : packedState({ snapshot, throughSeq: cut, lastSeq: cut + rows.length }, packRows(rows));
      if (seed >= 3) {
        load.piece(packRows(rows.slice(0, 25)));
        if (seed === 4) load.piece(packRows(rows.slice(25, 60)));
        // seed 3: the rest comes with all the rows; seed 4: every row came in pieces.
        if (seed === 4) load.piece(packRows(rows.slice(60)));
      }
      const steps = load.rows(stored, { merged: true });
      const loaded = await steps.loaded;
      expect(loaded.badRows.map((r) => r.index)).toEqual([20]);
      expect(loaded.summary).toEqual(full.summary);
      expect(await steps.merged).toEqual(full.update);
      expectClientHolds(full.update, snapshot, loaded.sinceSnapshot);
      // In place (a small state) the same.
      const inPlace = new StoredStateLoader(snapshot);
      inPlace.addRows(rows);
      // (When it applied them aside, which is the moment each thread noted.)
      expect({ ...inPlace.loaded(), appliedAt: undefined }).toEqual({ ...loaded, appliedAt: undefined });
      expect(loaded.appliedAt.rows).toBeGreaterThanOrEqual(loaded.appliedAt.snapshot);
      inPlace.destroy();
    }
  });

  it('folds clean rows on the worker as they come in pieces: what they add, the summary and the merged state equal a full merge', async () => {
    const { updates } = typed();
    const cut = 400;
    const snapshot = mergeStoredState({ snapshot: undefined, updates: updates.slice(0, cut), throughSeq: 0, lastSeq: cut }).update;
    const rows = updates.slice(cut);
    const full = mergeStoredState({ snapshot, updates: rows, throughSeq: cut, lastSeq: cut + rows.length }, { summary: true });
    const load = workers.load(snapshot);
    load.piece(packRows(rows.slice(0, 700)));
    load.piece(packRows(rows.slice(700)));
    const steps = load.rows(packedState({ snapshot, throughSeq: cut, lastSeq: cut + rows.length }, packRows(rows)), { merged: true });
    const loaded = await steps.loaded;
    expect(loaded.badRows).toEqual([]);
    expect(loaded.summary).toEqual(full.summary);
    expect(await steps.merged).toEqual(full.update);
    expectClientHolds(full.update, snapshot, loaded.sinceSnapshot);
    // Folded, not applied: text typed key by key is one struct, where the rows were one each.
    expect(Y.decodeUpdate(loaded.sinceSnapshot).structs.length).toBeLessThan(10);
  });

  it('ends a load whose rows never come without an answer', async () => {
    const load = workers.load(mergeStoredState({ snapshot: undefined, updates: typed().updates, throughSeq: 0, lastSeq: 1 }).update);
    load.cancel();
    // Nothing to wait for: a canceled load neither hangs the pool nor leaks an unhandled rejection.
    const after = await workers.diff(Y.encodeStateAsUpdate(typed().doc), Y.encodeStateVector(new Y.Doc()));
    expect(after.byteLength).toBeGreaterThan(0);
  });
});

describe('server edits on the edit worker', () => {
  const markdown = 'Diện tích lúa đạt **420 ha** năm nay.\n\nThu nhập đạt 52 triệu đồng.\n\nSản lượng tăng 5%.';
  const textOf = (doc: Y.Doc) => projectFragment(doc.getXmlFragment('default')).text;
  function anchorOn(doc: Y.Doc, quote: string) {
    const projection = projectFragment(doc.getXmlFragment('default'));
    const start = projection.text.indexOf(quote);
    return anchorInBase({ doc, projection }, { start: projection.nfc.toNfc(start), end: projection.nfc.toNfc(start + quote.length) });
  }

  it('keeps the draft it built: later edits get the updates committed since, not the whole state, and make what an edit in place makes', async () => {
    const doc = new Y.Doc();
    importContent(doc, { format: 'markdown', value: markdown });
    const base = Y.encodeStateAsUpdate(doc);
    const stateVector = Y.encodeStateVector(doc);
    const edit = (annotationId: string, quote: string, replacement: string): LiveEdit => ({ kind: 'applySuggestion', annotationId, anchor: anchorOn(doc, quote), replacement, base: stateVector, at: '2026-11-30T05:00:00.000Z' });
    const [rice, income, yieldUp] = [edit('a1', '420 ha', '450 ha'), edit('a2', '52 triệu', '55 triệu'), edit('a3', 'tăng 5%', 'tăng 6%')];
    // The room's committed updates since `base`, in order, and the worker's answers.
    const tail: Uint8Array[] = [];
    const draft = (held: number | undefined, key = 'd#1', first = 0) => ({ documentId: 'd', key, base, tail: [...tail], first, held });

    const first = await workers.edit(draft(undefined), rice);
    expect(first.rebuilt).toBe(true);
    expect(first.through).toBe(0);
    const firstUpdate = 'update' in first.answer ? first.answer.update! : undefined;
    expect(firstUpdate).toBeDefined();
    tail.push(firstUpdate!);
    // An editor's change, committed after the edit: the next edit sends only the tail from `held`.
    const editor = new Y.Doc();
    Y.applyUpdate(editor, base);
    Y.applyUpdate(editor, firstUpdate!);
    const editorChange = captureUpdate(editor, () => ((editor.getXmlFragment('default').get(1) as Y.XmlElement).get(0) as Y.XmlText).insert(0, 'Năm 2025, '));
    tail.push(editorChange);

    const second = await workers.edit(draft(first.through), income);
    expect(second.rebuilt).toBe(false);
    expect(second.through).toBe(2);
    // The same update an edit in place on the committed state makes.
    const inPlace = new Y.Doc();
    Y.applyUpdate(inPlace, base);
    for (const u of tail) Y.applyUpdate(inPlace, u);
    const reference = new Y.Doc();
    Y.applyUpdate(reference, Y.encodeStateAsUpdate(inPlace));
    editDoc(reference, income);
    const secondUpdate = 'update' in second.answer ? second.answer.update! : undefined;
    Y.applyUpdate(inPlace, secondUpdate!);
    expect(textOf(inPlace)).toBe(textOf(reference));
    expect(textOf(inPlace)).toBe('Diện tích lúa đạt 450 ha năm nay.\nNăm 2025, Thu nhập đạt 55 triệu đồng.\nSản lượng tăng 5%.\n');
    tail.push(secondUpdate!);

    // A refusal leaves the kept draft as it was: the next edit still uses it.
    const refused = await workers.edit(draft(second.through), edit('a4', '420 ha', '460 ha'));
    expect(refused.answer).toMatchObject({ refused: { code: 'conflict' } });
    expect(refused.rebuilt).toBe(false);
    const third = await workers.edit(draft(refused.through), yieldUp);
    expect(third.rebuilt).toBe(false);
    Y.applyUpdate(inPlace, 'update' in third.answer ? third.answer.update! : new Uint8Array());
    expect(textOf(inPlace)).toBe('Diện tích lúa đạt 450 ha năm nay.\nNăm 2025, Thu nhập đạt 55 triệu đồng.\nSản lượng tăng 6%.\n');

    // Another key (a room that gave its draft up, or a new room), or updates the worker never got (compacted away): the whole state again.
    expect((await workers.edit(draft(undefined, 'd#2'), edit('a5', '450 ha', '470 ha'))).rebuilt).toBe(true);
    expect((await workers.edit(draft(0, 'd#1'), edit('a6', '450 ha', '470 ha'))).rebuilt).toBe(true);
    const compacted = await workers.edit({ ...draft(1, 'd#1', 2), tail: tail.slice(2) }, edit('a7', '450 ha', '470 ha'));
    expect(compacted.rebuilt).toBe(true);
  });
});

function captureUpdate(doc: Y.Doc, change: () => void): Uint8Array {
  let captured: Uint8Array | undefined;
  const listen = (u: Uint8Array) => (captured = u);
  doc.on('update', listen);
  change();
  doc.off('update', listen);
  return captured!;
}

describe('copyInPieces', () => {
  it('copies every byte into a buffer of its own, whatever the size and offset of the view', async () => {
    const source = new Uint8Array(3 * 1024 * 1024 + 17).map((_, i) => (i * 31) & 0xff);
    for (const view of [source, source.subarray(5, source.length - 3), source.subarray(0, 0)]) {
      const copy = await copyInPieces(view);
      expect(Buffer.compare(copy, view)).toBe(0);
      expect(copy.buffer).not.toBe(source.buffer);
      expect(copy.byteOffset).toBe(0);
      expect(copy.buffer.byteLength).toBe(view.byteLength);
    }
  });
});

/** A client that applied the snapshot sent ahead, then what the rows added, holds the full merge. */
function expectClientHolds(full: Uint8Array, snapshot: Uint8Array, sinceSnapshot: Uint8Array): void {
  const client = new Y.Doc();
  Y.applyUpdate(client, snapshot);
  Y.applyUpdate(client, sinceSnapshot);
  expect(Y.encodeStateAsUpdate(client)).toEqual(full);
  client.destroy();
}
