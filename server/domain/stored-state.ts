/**
 * A document's stored state (a compacted snapshot plus the log rows after it) and how it becomes
 * a Y.Doc or one merged update. Pure Yjs: the database adapter, the services, the collab runtime
 * and its worker threads all use these, so a stored document means the same thing everywhere.
 */
import * as encoding from 'lib0/encoding';
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
   * When the snapshot and then the rows had been applied, in ms since the epoch
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

/** A struct of a decoded update that folding keeps (a Skip makes the rows unfoldable). */
type FoldedStruct = Y.Item | Y.GC;

/**
 * What `StoredStateLoader.loaded()` gives — what the rows added to the snapshot, and the merged
 * state's summary — computed from the rows' bytes alone, without a Y.Doc of the snapshot (applying
 * a 16 MiB snapshot takes a worker 1–2 s; this, ≈ 0.2–0.4 s for 200,000 keystroke rows).
 *
 * The rows are decoded (`add`, as they are read), their structs sorted per client by clock, those
 * the snapshot already holds dropped, deleted content replaced by its length (`ContentDeleted`,
 * as Yjs's garbage collection does: deleted text is not sent on; a deleted type keeps its content,
 * its node name, as children may name it as their parent), neighbouring strings typed one after
 * the other joined into one struct (as Yjs merges them), then written as one update with the rows'
 * delete set. A client holding the snapshot that applies `sinceSnapshot` holds, byte for byte, what
 * applying every row gives (tested).
 *
 * `finish` answers undefined — the caller then applies the rows to a Y.Doc (StoredStateLoader),
 * which skips and reports what does not apply — when the rows are not a plain continuation of the
 * snapshot: a row that does not decode, a Skip, a gap in a client's clocks or a struct partly held.
 */
export class RowFolder {
  private readonly perClient = new Map<number, FoldedStruct[]>();
  private readonly deleteSets: Array<ReturnType<typeof Y.decodeUpdate>['ds']> = [];
  private foldable = true;

  /** Decodes the next rows (in seq order). */
  add(rows: readonly Uint8Array[]): void {
    if (!this.foldable) return;
    try {
      for (const row of rows) {
        const { structs, ds } = Y.decodeUpdate(row);
        for (const struct of structs) {
          if (struct instanceof Y.Skip) {
            this.foldable = false;
            return;
          }
          const client = struct.id.client;
          let list = this.perClient.get(client);
          if (!list) this.perClient.set(client, (list = []));
          list.push(struct as FoldedStruct);
        }
        this.deleteSets.push(ds);
      }
    } catch {
      this.foldable = false;
    }
  }

  /** What the rows added to a snapshot of `snapshotSummary` (summarizeSnapshot), or undefined (see the class). */
  finish(snapshotSummary: { stateVector: Uint8Array; deleteSet: Uint8Array }): Pick<LoadedRows, 'sinceSnapshot' | 'summary'> | undefined {
    if (!this.foldable) return undefined;
    const rowsDeleted = Y.mergeDeleteSets(this.deleteSets);
    const stateVector = Y.decodeStateVector(snapshotSummary.stateVector);
    const encoder = new Y.UpdateEncoderV1();
    const clients = [...this.perClient.keys()].sort((a, b) => b - a);
    const written: Array<[number, FoldedStruct[]]> = [];
    for (const client of clients) {
      // Stable: structs at one clock (a row sent twice) keep their order.
      const structs = this.perClient.get(client)!.sort((a, b) => a.id.clock - b.id.clock);
      const deleted = rowsDeleted.clients.get(client) ?? [];
      const kept: FoldedStruct[] = [];
      let end = stateVector.get(client) ?? 0;
      for (const struct of structs) {
        const clock = struct.id.clock;
        if (clock + struct.length <= end) continue;
        if (clock !== end) return undefined;
        end = clock + struct.length;
        for (const piece of withoutDeletedContent(struct, deleted)) {
          const last = kept[kept.length - 1];
          if (last && joinable(last, piece)) {
            if (last instanceof Y.Item) last.content.mergeWith((piece as Y.Item).content);
            last.length += piece.length;
          } else kept.push(piece);
        }
      }
      stateVector.set(client, end);
      if (kept.length > 0) written.push([client, kept]);
    }
    encoding.writeVarUint(encoder.restEncoder, written.length);
    for (const [client, structs] of written) {
      encoding.writeVarUint(encoder.restEncoder, structs.length);
      encoder.writeClient(client);
      encoding.writeVarUint(encoder.restEncoder, structs[0]!.id.clock);
      for (const struct of structs) struct.write(encoder, 0);
    }
    writeDeleteSet(encoder.restEncoder, rowsDeleted);
    const sinceSnapshot = encoder.toUint8Array();
    // The whole state's delete set: the snapshot's and the rows'.
    const allDeleted = Y.mergeDeleteSets([Y.decodeUpdate(snapshotSummary.deleteSet).ds, rowsDeleted]);
    const deleteSet = encoding.createEncoder();
    encoding.writeVarUint(deleteSet, 0);
    writeDeleteSet(deleteSet, allDeleted);
    return { sinceSnapshot, summary: { stateVector: Y.encodeStateVector(stateVector), deleteSet: encoding.toUint8Array(deleteSet) } };
  }
}

/**
 * `struct` with its deleted content replaced by its length (Yjs's garbage collection): whole, or
 * for text partly deleted, split where deletions begin and end (each piece after the first
 * typed right after the one before it, as Yjs splits an item).
 */
function withoutDeletedContent(struct: FoldedStruct, deleted: ReadonlyArray<{ clock: number; len: number }>): FoldedStruct[] {
  if (!(struct instanceof Y.Item) || struct.content instanceof Y.ContentType || struct.content instanceof Y.ContentDeleted) return [struct];
  const { client, clock } = struct.id;
  const end = clock + struct.length;
  if (isDeletedRange(deleted, clock, struct.length)) {
    struct.content = new Y.ContentDeleted(struct.length);
    return [struct];
  }
  if (!(struct.content instanceof Y.ContentString)) return [struct];
  // Where deletions inside the struct begin and end.
  const cuts = new Set<number>();
  for (let i = firstRangeEndingAfter(deleted, clock); i < deleted.length; i++) {
    const range = deleted[i]!;
    if (range.clock >= end) break;
    if (range.clock > clock) cuts.add(range.clock);
    if (range.clock + range.len < end) cuts.add(range.clock + range.len);
  }
  if (cuts.size === 0) return [struct];
  const pieces: Y.Item[] = [struct];
  for (const cut of [...cuts].sort((a, b) => b - a)) {
    // Cut from the end: `struct` keeps the part before `cut`.
    const rest = struct.content.splice(cut - clock);
    const piece = new Y.Item(Y.createID(client, cut), null, Y.createID(client, cut - 1), null, struct.rightOrigin, struct.parent, struct.parentSub, rest);
    struct.length = cut - clock;
    pieces.splice(1, 0, piece);
  }
  for (const piece of pieces) if (isDeletedRange(deleted, piece.id.clock, piece.length)) piece.content = new Y.ContentDeleted(piece.length);
  return pieces;
}

/** The index of the first of `ranges` (sorted, merged) that ends after `clock`. */
function firstRangeEndingAfter(ranges: ReadonlyArray<{ clock: number; len: number }>, clock: number): number {
  let low = 0;
  let high = ranges.length;
  while (low < high) {
    const mid = (low + high) >> 1;
    if (ranges[mid]!.clock + ranges[mid]!.len <= clock) low = mid + 1;
    else high = mid;
  }
  return low;
}

/** Whether `[clock, clock + len)` lies within one of `ranges` (sorted and merged, as Y.mergeDeleteSets leaves them). */
function isDeletedRange(ranges: ReadonlyArray<{ clock: number; len: number }>, clock: number, len: number): boolean {
  let low = 0;
  let high = ranges.length - 1;
  while (low <= high) {
    const mid = (low + high) >> 1;
    const range = ranges[mid]!;
    if (range.clock > clock) high = mid - 1;
    else if (range.clock + range.len <= clock) low = mid + 1;
    else return clock + len <= range.clock + range.len;
  }
  return false;
}

/**
 * Whether `next` continues `last` as one struct, as Yjs merges them: garbage-collected ranges, or
 * text (or deleted content) typed right after `last` with the same right neighbour. Only these
 * kinds: list values and map entries look alike in an update (a map entry's key is not written
 * when it has a left neighbour), and map entries must stay apart.
 */
function joinable(last: FoldedStruct, next: FoldedStruct): boolean {
  if (last instanceof Y.GC) return next instanceof Y.GC;
  if (!(next instanceof Y.Item)) return false;
  const content = last.content.constructor;
  if ((content !== Y.ContentString && content !== Y.ContentDeleted) || next.content.constructor !== content) return false;
  const origin = next.origin;
  return origin !== null && origin.client === last.id.client && origin.clock === last.id.clock + last.length - 1 && Y.compareIDs(last.rightOrigin, next.rightOrigin);
}

/** A delete set in Yjs's v1 encoding (clients in descending order, as Yjs writes them). */
function writeDeleteSet(encoder: encoding.Encoder, ds: ReturnType<typeof Y.mergeDeleteSets>): void {
  const clients = [...ds.clients.entries()].filter(([, ranges]) => ranges.length > 0).sort((a, b) => b[0] - a[0]);
  encoding.writeVarUint(encoder, clients.length);
  for (const [client, ranges] of clients) {
    encoding.writeVarUint(encoder, client);
    encoding.writeVarUint(encoder, ranges.length);
    for (const range of ranges) {
      encoding.writeVarUint(encoder, range.clock);
      encoding.writeVarUint(encoder, range.len);
    }
  }
}
