/**
 * A document's stored state (a compacted snapshot plus the log rows after it) and how it becomes
 * a Y.Doc or one merged update. Pure Yjs: the database adapter, the services, the collab runtime
 * and its worker threads all use these, so a stored document means the same thing everywhere.
 */
import * as Y from 'yjs';
import { MalformedUpdateError, summarizeUpdate } from '../protocol/update-summary.js';

/** A document as stored: the compacted snapshot (through `throughSeq`) and every later log row. */
export interface StoredState {
  snapshot: Uint8Array | undefined;
  throughSeq: number;
  updates: Uint8Array[];
  /** The seq of the last row in `updates` (or `throughSeq` when there is none). */
  lastSeq: number;
  /**
   * The same rows packed, when they were read so: what a worker is sent as is (state-workers.ts),
   * and what `rowCount` counts, without touching `updates`.
   */
  packed?: PackedRows;
}

/** Log rows packed: their bytes concatenated in seq order, and the end offset of each row in them. */
export interface PackedRows {
  bytes: Uint8Array;
  ends: Uint32Array;
}

/**
 * Told how a stored state's read goes, for a load that starts work before the whole state is
 * read (collab-server.ts `load`). Each is optional.
 */
export interface LoadListener {
  /** The snapshot's size (0 when there is none) and whether rows follow it, before it is read. */
  head?(snapshotBytes: number, rowsFollow: boolean): void;
  /** The snapshot (undefined when there is none) and the seq it covers, as soon as it is read. */
  snapshot?(snapshot: Uint8Array | undefined, throughSeq: number, rowsFollow: boolean): void;
  /**
   * Each piece of log rows as it is read, in seq order (`ends` relative to the piece): the
   * state's rows are these pieces one after another. The buffers are the state's own: copy what is kept.
   */
  rows?(rows: PackedRows): void;
}

/** How many log rows a stored state holds. */
export function rowCount(state: Pick<StoredState, 'updates' | 'packed'>): number {
  return state.packed ? state.packed.ends.length : state.updates.length;
}

/**
 * A stored state whose rows are `packed`; `updates` (one view per row) is made on first use only.
 * Making 200,000 views costs the event loop 0.1–0.3 s, and a load that sends the rows to a worker
 * never needs them.
 */
export function packedState(state: Omit<StoredState, 'updates' | 'packed'>, packed: PackedRows): StoredState {
  let updates: Uint8Array[] | undefined;
  return {
    ...state,
    packed,
    get updates() {
      updates ??= unpackRows(packed.bytes, packed.ends);
      return updates;
    },
    set updates(value: Uint8Array[]) {
      updates = value;
    },
  };
}

/** One view per row of packed rows (`ends[i]`: end offset of row i in `bytes`). */
export function unpackRows(bytes: Uint8Array, ends: Uint32Array): Uint8Array[] {
  const updates: Uint8Array[] = [];
  let start = 0;
  for (const end of ends) {
    updates.push(bytes.subarray(start, end));
    start = end;
  }
  return updates;
}

/**
 * A fresh Y.Doc holding the stored state (garbage collection on, so deleted text is dropped).
 * Each row is applied on its own: frames are validated before they are stored, but Yjs gives no
 * guarantee that every well-formed update applies, and one bad row must not make a whole
 * document unloadable. Skipped rows are reported to `onBadRow` (index into `updates`) and stay
 * in the log.
 */
export function docFromStoredState(state: StoredState, onBadRow?: (index: number, error: unknown) => void): Y.Doc {
  const doc = new Y.Doc();
  if (state.snapshot) Y.applyUpdate(doc, state.snapshot);
  applyRows(doc, state.updates, onBadRow);
  return doc;
}

/**
 * Rows applied per transaction. Yjs cleans up (merges neighbouring structs, collects deleted
 * content) at the end of each transaction, splicing its per-client struct arrays; in one
 * transaction 200,000 keystroke rows cost 570 M element moves, in transactions of a few hundred
 * rows 100 M, and the whole apply ≈ 1.5× less CPU — the same document, byte for byte.
 */
const ROWS_PER_TRANSACTION = 256;

function applyRows(doc: Y.Doc, updates: readonly Uint8Array[], onBadRow?: (index: number, error: unknown) => void): void {
  for (let start = 0; start < updates.length; start += ROWS_PER_TRANSACTION) {
    doc.transact(() => {
      for (let index = start; index < Math.min(updates.length, start + ROWS_PER_TRANSACTION); index++) {
        try {
          Y.applyUpdate(doc, updates[index]!);
        } catch (error) {
          onBadRow?.(index, error);
        }
      }
    });
  }
}

/** The summary of a stored snapshot (see mergeStoredState): from its bytes, by Yjs if they surprise summarizeUpdate. */
export function summarizeSnapshot(snapshot: Uint8Array): { stateVector: Uint8Array; deleteSet: Uint8Array } {
  try {
    return summarizeUpdate(snapshot);
  } catch (error) {
    if (!(error instanceof MalformedUpdateError)) throw error;
    // Against its own state vector an update keeps only its delete set.
    const stateVector = Y.encodeStateVectorFromUpdate(snapshot);
    return { stateVector, deleteSet: Y.diffUpdate(snapshot, stateVector) };
  }
}

export interface MergedState {
  /** The whole state as one Yjs update (v1), deleted content garbage-collected. */
  update: Uint8Array;
  /** Indexes (into `updates`) of rows that did not apply, with the reason. */
  badRows: Array<{ index: number; message: string }>;
  /**
   * With `summary`: the state's state vector (v1) and its delete set as a v1 update without
   * structs, what a room needs to check updates against the state without a Y.Doc of it
   * (protocol/known-state.ts).
   */
  summary?: { stateVector: Uint8Array; deleteSet: Uint8Array };
}

/**
 * The stored state folded into one update: what compaction stores and what a load serves; with
 * `summary`, also its state vector and delete set (a load).
 */
export function mergeStoredState(state: StoredState, options: { summary?: boolean } = {}): MergedState {
  if (options.summary && state.updates.length === 0 && state.snapshot) {
    // A compacted document is its snapshot: summarised from its bytes (summarizeUpdate: tens of
    // ms for 16 MiB, where Yjs's lazy decoding takes about a second); by Yjs if they surprise it.
    return { update: state.snapshot, badRows: [], summary: summarizeSnapshot(state.snapshot) };
  }
  const badRows: MergedState['badRows'] = [];
  const doc = docFromStoredState(state, (index, error) => badRows.push({ index, message: error instanceof Error ? error.message : String(error) }));
  try {
    const update = Y.encodeStateAsUpdate(doc);
    if (!options.summary) return { update, badRows };
    const stateVector = Y.encodeStateVector(doc);
    // Diffed against its own state vector, a state is its delete set alone.
    return { update, badRows, summary: { stateVector, deleteSet: Y.encodeStateAsUpdate(doc, stateVector) } };
  } finally {
    doc.destroy();
  }
}

/** What a load needs before anything else, computed without encoding the whole state (StoredStateLoader). */
export interface LoadedRows {
  /**
   * What the rows added to the snapshot, as one update: every struct after the snapshot's state
   * vector (deleted content collected) and the whole state's delete set. The snapshot followed by
   * it is the merged state.
   */
  sinceSnapshot: Uint8Array;
  /** Indexes (into the rows) of rows that did not apply, with the reason. */
  badRows: MergedState['badRows'];
  /** The merged state's state vector and delete set (MergedState.summary). */
  summary: { stateVector: Uint8Array; deleteSet: Uint8Array };
  /**
   * When the snapshot and then the rows had been taken in (applied to a Y.Doc; on a worker's load,
   * the snapshot summarised and the rows folded: state-worker.ts), in ms since the epoch
   * (performance.timeOrigin + performance.now(): comparable across threads), for the load's metrics.
   */
  appliedAt: { snapshot: number; rows: number };
}

/** Now, in ms since the epoch, with performance.now()'s resolution (comparable across threads). */
export function epochMs(): number {
  return performance.timeOrigin + performance.now();
}

/**
 * A stored state loaded in steps, so that what a room needs first is ready first: the snapshot
 * is applied as soon as it is read (while the rows are still being read), then the rows, then
 * `loaded()` (what the rows added, and the summary: small next to the state), and only then, if
 * wanted, `merged()` — the whole state as one update, what `mergeStoredState` gives, for the
 * compaction that follows a load. One Y.Doc throughout; `destroy()` frees it.
 */
export class StoredStateLoader {
  private readonly doc = new Y.Doc();
  private readonly snapshotStateVector: Uint8Array;
  private readonly badRows: MergedState['badRows'] = [];
  private readonly appliedAt = { snapshot: 0, rows: 0 };

  constructor(snapshot: Uint8Array | undefined) {
    if (snapshot) Y.applyUpdate(this.doc, snapshot);
    this.snapshotStateVector = Y.encodeStateVector(this.doc);
    this.appliedAt.snapshot = epochMs();
  }

  /** Applies the rows after the snapshot, each on its own (a row that does not apply is skipped, as in docFromStoredState). */
  addRows(updates: readonly Uint8Array[]): void {
    applyRows(this.doc, updates, (index, error) => this.badRows.push({ index, message: error instanceof Error ? error.message : String(error) }));
    this.appliedAt.rows = epochMs();
  }

  loaded(): LoadedRows {
    const stateVector = Y.encodeStateVector(this.doc);
    return {
      sinceSnapshot: Y.encodeStateAsUpdate(this.doc, this.snapshotStateVector),
      badRows: this.badRows,
      summary: { stateVector, deleteSet: Y.encodeStateAsUpdate(this.doc, stateVector) },
      appliedAt: { ...this.appliedAt },
    };
  }

  merged(): Uint8Array {
    return Y.encodeStateAsUpdate(this.doc);
  }

  destroy(): void {
    this.doc.destroy();
  }
}

