/**
 * Runs on a worker thread (state-workers.ts): the CPU-heavy Yjs work on whole document states,
 * so a big document never stalls the event loop that serves the others. Log rows arrive packed
 * in one buffer (`ends[i]` = end offset of row i) so that crossing threads is one transfer, not
 * 200,000 clones.
 */
import type { MessagePort } from 'node:worker_threads';
import * as Y from 'yjs';
import { docFromStoredState, epochMs, mergeStoredState, StoredStateLoader, summarizeSnapshot, unpackRows, type LoadedRows, type MergedState } from '../domain/stored-state.js';
import { RowFolder } from '../protocol/update-fold.js';
import { readDoc, type LiveRead, type LiveReadResult } from '../services/live-reads.js';

export type StateTask =
  | { kind: 'merge'; snapshot: Uint8Array | undefined; rows: Uint8Array; ends: Uint32Array; throughSeq: number; lastSeq: number; summary: boolean }
  | { kind: 'diff'; update: Uint8Array; stateVector: Uint8Array }
  | { kind: 'summary'; update: Uint8Array }
  | { kind: 'read'; snapshot: Uint8Array | undefined; rows: Uint8Array; ends: Uint32Array; read: LiveRead }
  | { kind: 'load'; snapshotFollows: boolean; port: MessagePort }
  | { kind: 'warm' };

/**
 * What a load's port carries to the worker: the snapshot (when the task said one follows) and
 * pieces of rows as they are read (in seq order), in any order between them; then that all rows
 * were sent (and whether the merged state is wanted); or a cancel.
 */
export type LoadInput = { snapshot: Uint8Array } | { rows: Uint8Array; ends: Uint32Array } | { done: true; merged: boolean } | { cancel: true };
/** ... and back: what a room needs, as soon as the rows are folded (or applied). */
export type LoadOutput = LoadedRows;

export type MergeResult = MergedState;
export type SummaryResult = NonNullable<MergedState['summary']>;
export type ReadResult = LiveReadResult<LiveRead>;

/**
 * merge → MergeResult (the state as one update, with its summary when asked); summary → the
 * summary alone of a whole state (a snapshot); diff → the part of
 * `update` a holder of `stateVector` lacks; read → what `read` computes on a Y.Doc of the
 * snapshot and rows (live-reads.ts; rows that do not apply are skipped, as on a load).
 */
export default function run(task: StateTask): MergeResult | Uint8Array | ReadResult | SummaryResult | Promise<Uint8Array | undefined> | undefined {
  if (task.kind === 'warm') return undefined;
  if (task.kind === 'load') return load(task.snapshotFollows, task.port);
  if (task.kind === 'diff') return Y.diffUpdate(task.update, task.stateVector);
  if (task.kind === 'summary') return mergeStoredState({ snapshot: task.update, updates: [], throughSeq: 0, lastSeq: 0 }, { summary: true }).summary!;
  if (task.kind === 'read') return read(task);
  const updates = unpackRows(task.rows, task.ends);
  return mergeStoredState({ snapshot: task.snapshot, updates, throughSeq: task.throughSeq, lastSeq: task.lastSeq }, { summary: task.summary });
}

function read(task: Extract<StateTask, { kind: 'read' }>): ReadResult {
  const doc = docFromStoredState({ snapshot: task.snapshot, updates: unpackRows(task.rows, task.ends), throughSeq: 0, lastSeq: 0 });
  try {
    return readDoc(doc, task.read);
  } finally {
    doc.destroy();
  }
}

/**
 * load → the merged state when asked (else undefined). The task starts before the snapshot is
 * copied to the worker, so pieces of rows are folded as they come, whenever the snapshot does; the
 * snapshot is summarised when it comes. Once all rows came, what a room needs (LoadOutput) is
 * folded from their bytes (RowFolder: no Y.Doc of the snapshot) and goes back on `port`, and only
 * then is the whole state built and encoded (for the compaction that follows a load). Rows that
 * do not fold (one does not decode, a gap) are applied to a Y.Doc of the snapshot instead, which
 * skips and reports those that do not apply.
 */
async function load(snapshotFollows: boolean, port: MessagePort): Promise<Uint8Array | undefined> {
  const folder = new RowFolder();
  const pieces: Array<{ rows: Uint8Array; ends: Uint32Array }> = [];
  let snapshot: Uint8Array | undefined;
  let summary: { stateVector: Uint8Array; deleteSet: Uint8Array } | undefined = snapshotFollows ? undefined : { stateVector: Y.encodeStateVector(new Map()), deleteSet: EMPTY_UPDATE };
  let summarizedAt = epochMs();
  // Everything arrived (the snapshot, if one follows, and every row), or undefined: canceled.
  const input = new Promise<{ merged: boolean } | undefined>((resolve) => {
    let done: { merged: boolean } | undefined;
    port.on('message', (message: LoadInput) => {
      if ('cancel' in message) return resolve(undefined);
      if ('snapshot' in message) {
        snapshot = message.snapshot;
        summary = summarizeSnapshot(snapshot);
        summarizedAt = epochMs();
      } else if ('done' in message) done = { merged: message.merged };
      else {
        pieces.push(message);
        folder.add(message.rows, message.ends);
      }
      if (done && summary) resolve(done);
    });
    port.once('close', () => resolve(undefined));
  });
  try {
    const rows = await input;
    if (!rows || !summary) return undefined;
    const folded = folder.finish(summary);
    if (folded) {
      port.postMessage({ ...folded, badRows: [], appliedAt: { snapshot: summarizedAt, rows: epochMs() } } satisfies LoadOutput);
      if (!rows.merged) return undefined;
      return withLoader(snapshot, (loader) => {
        loader.addRows([folded.sinceSnapshot]);
        return loader.merged();
      });
    }
    return withLoader(snapshot, (loader) => {
      loader.addRows(pieces.flatMap((piece) => unpackRows(piece.rows, piece.ends)));
      port.postMessage(loader.loaded() satisfies LoadOutput);
      return rows.merged ? loader.merged() : undefined;
    });
  } finally {
    port.close();
  }
}

/** An empty Yjs update (no structs, no deletions). */
const EMPTY_UPDATE = Uint8Array.of(0, 0);

function withLoader<T>(snapshot: Uint8Array | undefined, use: (loader: StoredStateLoader) => T): T {
  const loader = new StoredStateLoader(snapshot);
  try {
    return use(loader);
  } finally {
    loader.destroy();
  }
}
