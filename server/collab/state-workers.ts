/**
 * A small pool of worker threads (piscina) for Yjs work on whole document states: merging a
 * stored state for a load or a compaction, diffing a big state against a client's state
 * vector, and the server's own reads of a big draft (live-reads.ts). Small states are done in place (a worker round trip costs more than they do).
 */
import { MessageChannel } from 'node:worker_threads';
import { Piscina } from 'piscina';
import * as Y from 'yjs';
import { mergeStoredState, rowCount, StoredStateLoader, type LoadedRows, type MergedState, type PackedRows, type StoredState } from '../domain/stored-state.js';
import { docFromStoredState } from '../domain/stored-state.js';
import { readDoc, type LiveRead, type LiveReadResult } from '../services/live-reads.js';
import type { LoadInput, LoadOutput, MergeResult, StateTask, SummaryResult } from './state-worker.js';
import type { EditAnswer, EditTask } from './edit-worker.js';
import type { Refusal } from '../errors.js';
import type { EditedUpdate, LiveEdit } from '../services/live-edits.js';

/**
 * A load in progress (StateWorkers.load): started with the snapshot, given the rows in pieces as
 * they are read, then all of them. `loaded` is what a room needs (the rows' effect and the summary);
 * `merged`, when asked, the whole state as one update (for the compaction that follows), built and
 * encoded after `loaded` is sent.
 */
export interface StateLoad {
  /** A piece of the rows as read, in seq order: a load on a worker folds it at once; else kept for `rows`. */
  piece(rows: PackedRows): void;
  /** All the rows (those given as pieces among them, first). */
  rows(rows: Rows, options: { merged: boolean }): { loaded: Promise<LoadedRows>; merged: Promise<Uint8Array | undefined> };
  /** The rows will not come (reading them failed): the worker stops. */
  cancel(): void;
}

/** A stored state's rows: `packed` when read so (then `updates` is not touched), else `updates`. */
export type Rows = Pick<StoredState, 'updates' | 'packed'>;

export interface StateWorkersOptions {
  /** Threads at most (default: 2; the pool starts none until needed). */
  maxThreads?: number;
  /** States of fewer bytes (snapshot + rows) are merged on this thread. */
  inPlaceBytes?: number;
}

// Source (tsx, vitest) or compiled JavaScript: the worker sits beside this module either way.
const here = import.meta.url;
const workerFile = new URL(here.endsWith('.ts') ? './state-worker.ts' : './state-worker.js', here);
const editWorkerFile = new URL(here.endsWith('.ts') ? './edit-worker.ts' : './edit-worker.js', here);

/**
 * A room's committed state as the edit worker is told it (StateWorkers.edit): `base`, then the
 * updates committed since, numbered from `first` in the order the room added them.
 */
export interface DraftState {
  documentId: string;
  /** Tells this draft apart from any other of the document (another room's, or one the room gave up: see Room.editAsServer). */
  key: string;
  base: Uint8Array;
  tail: readonly Uint8Array[];
  first: number;
  /** Through which update the edit worker holds this draft, as far as the room knows; undefined when it does not. */
  held: number | undefined;
}

/** Encoded bytes of drafts the edit worker keeps built (about two 16 MiB drafts). */
const EDIT_KEEP_BYTES = 40 * 1024 * 1024;
/** The edit worker (and the drafts it keeps) ends after this long without an edit. */
const EDIT_DRAFT_IDLE_MS = 2 * 60_000;

export class StateWorkers {
  private readonly pool: Piscina;
  private editPool: Piscina | undefined;
  private readonly inPlaceBytes: number;

  constructor(options: StateWorkersOptions = {}) {
    this.inPlaceBytes = options.inPlaceBytes ?? 256 * 1024;
    this.pool = new Piscina({
      filename: workerFile.href,
      minThreads: 0,
      maxThreads: options.maxThreads ?? 2,
      idleTimeout: 30_000,
      // TypeScript sources need the tsx loader in the worker too; compiled code needs nothing.
      // A server profiled with --cpu-prof profiles its workers too.
      execArgv: [...(here.endsWith('.ts') ? ['--import', 'tsx'] : []), ...profilingFlags()],
    });
  }

  /**
   * The stored state as one update (deleted content collected), with the rows that did not apply;
   * with `summary` (a load) also its state vector and delete set (MergedState.summary).
   */
  async merge(state: StoredState, options: { summary?: boolean } = {}): Promise<MergedState> {
    if (storedBytes(state) < this.inPlaceBytes) return mergeStoredState(state, options);
    if (options.summary && state.snapshot && rowCount(state) === 0) {
      // A snapshot alone is its own merge: only its summary is made on the worker, and only that
      // comes back (not the snapshot, cloned: 16 MiB copied on the event loop). Copied in pieces.
      const update = await copyInPieces(state.snapshot);
      const summary = (await this.pool.run({ kind: 'summary', update } satisfies StateTask, { transferList: [update.buffer as ArrayBuffer] })) as SummaryResult;
      return { update: state.snapshot, badRows: [], summary };
    }
    const { snapshot, rows, ends, transferList } = pack(state.snapshot, state);
    const task: StateTask = { kind: 'merge', snapshot, rows, ends, throughSeq: state.throughSeq, lastSeq: state.lastSeq, summary: options.summary ?? false };
    return (await this.pool.run(task, { transferList })) as MergeResult;
  }

  /**
   * Starts loading a stored state: a snapshot of `inPlaceBytes` or more goes to a worker at once
   * (copied in pieces), which summarises it and folds the rows as the caller reads them (`piece`;
   * state-worker.ts); a smaller one waits for the rows and is done in place when they are small
   * too (StoredStateLoader).
   */
  load(snapshot: Uint8Array | undefined): StateLoad {
    const started = (snapshot?.byteLength ?? 0) >= this.inPlaceBytes ? this.startLoad(snapshot) : undefined;
    let sent = 0;
    return {
      piece: (rows) => {
        if (!started) return;
        const { rows: bytes, ends, transferList } = pack(undefined, { updates: [], packed: rows });
        // Counted before they are sent: a transferred array is empty here after.
        sent += ends.length;
        started.port.postMessage({ rows: bytes, ends } satisfies LoadInput, transferList);
      },
      rows: (stored, { merged }) => {
        if (!started && (snapshot?.byteLength ?? 0) + rowBytes(stored) < this.inPlaceBytes) {
          const loader = new StoredStateLoader(snapshot);
          try {
            loader.addRows(stored.updates);
            return { loaded: Promise.resolve(loader.loaded()), merged: Promise.resolve(merged ? loader.merged() : undefined) };
          } finally {
            loader.destroy();
          }
        }
        const load = started ?? this.startLoad(snapshot);
        // What the pieces did not carry (all of it, when none were given).
        const rest = rowsAfter(stored, sent);
        if (rest) {
          const { rows, ends, transferList } = pack(undefined, rest);
          load.port.postMessage({ rows, ends } satisfies LoadInput, transferList);
        }
        load.port.postMessage({ done: true, merged } satisfies LoadInput);
        return { loaded: load.loaded, merged: load.merged };
      },
      cancel: () => started?.port.close(),
    };
  }

  /**
   * Starts a worker thread now if there is none (a thread takes a few hundred ms to start, more
   * with the tsx loader): a load calls it before reading a big snapshot, so the thread is there
   * when the snapshot is.
   */
  warm(): void {
    if (this.pool.threads.length > 0) return;
    void this.pool.run({ kind: 'warm' } satisfies StateTask).catch(() => {});
  }

  private startLoad(snapshot: Uint8Array | undefined) {
    const { port1: port, port2 } = new MessageChannel();
    // The task starts now, so the worker folds rows as they come; the snapshot follows on the port
    // once copied (in pieces: a 16 MiB copy in one go stalls the event loop, and the copy's turns
    // wait behind the reads of the rows).
    const task: StateTask = { kind: 'load', snapshotFollows: snapshot !== undefined, port: port2 };
    const merged = this.pool.run(task, { transferList: [port2] }) as Promise<Uint8Array | undefined>;
    if (snapshot) {
      void copyInPieces(snapshot).then((copy) => {
        try {
          port.postMessage({ snapshot: copy } satisfies LoadInput, [copy.buffer as ArrayBuffer]);
        } catch {
          // The port was closed meanwhile (the load was canceled or failed): nothing to send.
        }
      });
    }
    const loaded = new Promise<LoadOutput>((resolve, reject) => {
      port.once('message', resolve);
      // The worker closes its end when done; what it sent before arrives first.
      port.once('close', () => reject(new Error('the load ended without an answer')));
      merged.catch(reject);
    });
    // Whoever does not wait for `merged` must not see its rejection as unhandled (it rejects `loaded` too).
    merged.catch(() => {});
    void loaded.finally(() => port.close()).catch(() => {});
    return { port, loaded, merged };
  }

  /**
   * What `read` (live-reads.ts) computes on a Y.Doc of `snapshot` followed by `updates` (a room's
   * base and the updates committed since, or a stored state): on a worker thread, unless they
   * total fewer than `inPlaceBytes` (a Y.Doc of them is built here then). The event loop only
   * copies the bytes over and receives the answer.
   */
  async read<R extends LiveRead>(snapshot: Uint8Array | undefined, updates: readonly Uint8Array[], read: R): Promise<LiveReadResult<R>> {
    if (storedBytes({ snapshot, updates }) < this.inPlaceBytes) {
      const doc = docFromStoredState({ snapshot, updates: [...updates], throughSeq: 0, lastSeq: 0 });
      try {
        return readDoc(doc, read);
      } finally {
        doc.destroy();
      }
    }
    const packed = pack(undefined, { updates });
    const copy = snapshot && (await copyInPieces(snapshot));
    const task: StateTask = { kind: 'read', snapshot: copy, rows: packed.rows, ends: packed.ends, read };
    return (await this.pool.run(task, { transferList: [...packed.transferList, ...(copy ? [copy.buffer as ArrayBuffer] : [])] })) as LiveReadResult<R>;
  }

  /** What of `update` (a whole state) a holder of `stateVector` lacks. */
  async diff(update: Uint8Array, stateVector: Uint8Array): Promise<Uint8Array> {
    if (update.byteLength < this.inPlaceBytes) return Y.diffUpdate(update, stateVector);
    const task: StateTask = { kind: 'diff', update, stateVector };
    return (await this.pool.run(task)) as Uint8Array;
  }

  /**
   * The update `edit` (live-edits.ts) makes on `draft` (a room's committed state), made on the
   * edit worker thread (edit-worker.ts), which keeps the draft between edits: the whole state is
   * sent only when the thread does not hold this draft through `draft.held` (the first edit, or
   * after it let the draft go); else only the updates committed since. Answers the update made
   * (or the edit's refusal) and `through`: the thread now holds the draft through that update,
   * the edit's own update included (see edit-worker.ts).
   */
  async edit(draft: DraftState, edit: LiveEdit): Promise<{ answer: EditedUpdate | { refused: Refusal }; through: number; rebuilt: boolean }> {
    const pool = (this.editPool ??= new Piscina({
      filename: editWorkerFile.href,
      minThreads: 0,
      // One thread: it keeps the drafts it built, so every edit of a draft goes where the draft is.
      maxThreads: 1,
      // Its drafts are let go when no one has edited one for a while (a drafter applies suggestions in bursts).
      idleTimeout: EDIT_DRAFT_IDLE_MS,
      execArgv: here.endsWith('.ts') ? ['--import', 'tsx'] : [],
    }));
    const through = draft.first + draft.tail.length;
    const send = async (whole: boolean) => {
      const from = whole ? draft.first : draft.held!;
      const packed = pack(undefined, { updates: draft.tail.slice(from - draft.first) });
      const snapshot = whole ? await copyInPieces(draft.base) : undefined;
      const task: EditTask = { documentId: draft.documentId, key: draft.key, from, through, whole, snapshot, rows: packed.rows, ends: packed.ends, keepBytes: EDIT_KEEP_BYTES, edit };
      return (await pool.run(task, { transferList: [...packed.transferList, ...(snapshot ? [snapshot.buffer as ArrayBuffer] : [])] })) as EditAnswer;
    };
    let answer = draft.held !== undefined && draft.held >= draft.first && draft.held <= through ? await send(false) : ({ missing: true } as const);
    if ('missing' in answer) answer = await send(true);
    if ('missing' in answer) throw new Error(`the edit worker did not take the draft of ${draft.documentId}`);
    return { answer: 'refused' in answer ? answer : { update: answer.update, outcome: answer.outcome }, through, rebuilt: 'rebuilt' in answer && answer.rebuilt };
  }

  async close(): Promise<void> {
    await Promise.all([this.pool.destroy(), this.editPool?.destroy()]);
  }
}

/** This process's --cpu-prof flags (with their values), for its worker threads. */
function profilingFlags(): string[] {
  const flags: string[] = [];
  const argv = process.execArgv;
  for (let i = 0; i < argv.length; i++) {
    const flag = argv[i]!;
    if (!flag.startsWith('--cpu-prof')) continue;
    flags.push(flag);
    if ((flag === '--cpu-prof-dir' || flag === '--cpu-prof-name' || flag === '--cpu-prof-interval') && i + 1 < argv.length) flags.push(argv[++i]!);
  }
  return flags;
}

/** Bytes of a stored state: its snapshot and rows. */
export function storedBytes(state: { snapshot: Uint8Array | undefined; updates: readonly Uint8Array[]; packed?: PackedRows | undefined }): number {
  return (state.snapshot?.byteLength ?? 0) + rowBytes(state);
}

/** Bytes of a stored state's rows (packed ones are not unpacked for it). */
function rowBytes(rows: { updates: readonly Uint8Array[]; packed?: PackedRows | undefined }): number {
  if (rows.packed) return rows.packed.bytes.byteLength;
  let total = 0;
  for (const u of rows.updates) total += u.byteLength;
  return total;
}

/** The rows of `stored` after its first `count`, or undefined when there are none. */
function rowsAfter(stored: Rows, count: number): Rows | undefined {
  const total = rowCount(stored);
  if (count >= total) return undefined;
  if (count === 0) return stored;
  if (!stored.packed) return { updates: stored.updates.slice(count) };
  const { bytes, ends } = stored.packed;
  const start = ends[count - 1]!;
  return { updates: [], packed: { bytes: bytes.subarray(start), ends: ends.subarray(count).map((end) => end - start) } };
}

/** Bytes copied per turn of the event loop by copyInPieces. */
const COPY_PIECE_BYTES = 1024 * 1024;

/**
 * A copy of `bytes` in a buffer of its own (to be transferred to a worker), made 1 MiB per turn
 * of the event loop: 16 MiB in one go (fresh pages and the copy) held the loop 0.2 s on a loaded
 * machine.
 */
export async function copyInPieces(bytes: Uint8Array): Promise<Uint8Array> {
  const copy = new Uint8Array(bytes.byteLength);
  for (let offset = 0; offset < bytes.byteLength; offset += COPY_PIECE_BYTES) {
    if (offset > 0) await new Promise((resolve) => setImmediate(resolve));
    copy.set(bytes.subarray(offset, offset + COPY_PIECE_BYTES), offset);
  }
  return copy;
}

/**
 * Copies of a snapshot and its rows for a worker, the rows packed in one buffer (`ends[i]` = end
 * offset of row i): buffers of our own (never Node's shared pool, nor a room's state, which stays
 * in use) so they can be transferred, not cloned again.
 */
function pack(snapshot: Uint8Array | undefined, stored: { updates: readonly Uint8Array[]; packed?: PackedRows | undefined }) {
  const copy = snapshot ? snapshot.slice() : undefined;
  if (stored.packed) {
    // Read packed: one copy of each buffer, no pass over the rows.
    const rows = stored.packed.bytes.slice();
    const ends = stored.packed.ends.slice();
    return { snapshot: copy, rows, ends, transferList: [rows.buffer, ends.buffer, ...(copy ? [copy.buffer] : [])] as ArrayBuffer[] };
  }
  const updates = stored.updates;
  const rows = new Uint8Array(rowBytes({ updates }));
  const ends = new Uint32Array(updates.length);
  let offset = 0;
  // Rows read packed (document-log.repository.ts) are consecutive views of a few buffers: one copy per run.
  let run: Uint8Array | undefined;
  let runStart = 0;
  const flush = () => {
    if (run) rows.set(new Uint8Array(run.buffer, runStart, run.byteOffset + run.byteLength - runStart), offset - (run.byteOffset + run.byteLength - runStart));
  };
  updates.forEach((u, i) => {
    if (run && u.buffer === run.buffer && u.byteOffset === run.byteOffset + run.byteLength) run = u;
    else {
      flush();
      run = u;
      runStart = u.byteOffset;
    }
    ends[i] = offset += u.byteLength;
  });
  flush();
  const transferList = [rows.buffer, ends.buffer, ...(copy ? [copy.buffer] : [])] as ArrayBuffer[];
  return { snapshot: copy, rows, ends, transferList };
}
