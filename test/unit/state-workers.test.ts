import { afterAll, describe, expect, it } from 'vitest';
import * as Y from 'yjs';
import { StateWorkers } from '../../server/collab/state-workers.js';
import { mergeStoredState, packedState, StoredStateLoader, type PackedRows } from '../../server/domain/stored-state.js';

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
      // Rows as a list, or packed as the database adapter reads them (never unpacked on this thread).
      const stored = seed % 2 === 0 ? { updates: rows } : packedState({ snapshot, throughSeq: cut, lastSeq: cut + rows.length }, packRows(rows));
      const steps = load.rows(stored, { merged: true });
      const loaded = await steps.loaded;
      expect(loaded.badRows.map((r) => r.index)).toEqual([20]);
      expect(loaded.summary).toEqual(full.summary);
      expect(await steps.merged).toEqual(full.update);
      // A client that applied the snapshot sent ahead, then what the rows added, holds the full merge.
      const client = new Y.Doc();
      Y.applyUpdate(client, snapshot);
      Y.applyUpdate(client, loaded.sinceSnapshot);
      expect(Y.encodeStateAsUpdate(client)).toEqual(full.update);
      // In place (a small state) the same.
      const inPlace = new StoredStateLoader(snapshot);
      inPlace.addRows(rows);
      // (When it applied them aside, which is the moment each thread noted.)
      expect({ ...inPlace.loaded(), appliedAt: undefined }).toEqual({ ...loaded, appliedAt: undefined });
      expect(loaded.appliedAt.rows).toBeGreaterThanOrEqual(loaded.appliedAt.snapshot);
      inPlace.destroy();
    }
  });

  it('ends a load whose rows never come without an answer', async () => {
    const load = workers.load(mergeStoredState({ snapshot: undefined, updates: typed().updates, throughSeq: 0, lastSeq: 1 }).update);
    load.cancel();
    // Nothing to wait for: a canceled load neither hangs the pool nor leaks an unhandled rejection.
    const after = await workers.diff(Y.encodeStateAsUpdate(typed().doc), Y.encodeStateVector(new Y.Doc()));
    expect(after.byteLength).toBeGreaterThan(0);
  });
});
