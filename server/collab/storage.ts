/**
 * The storage port of the collaboration runtime, as small as hocuspocus's extension-database and
 * y-redis's storage: load a document, append updates, compact, read what came after a seq. The
 * PostgreSQL adapter lives in db/document-storage.ts; app.ts plugs it in. Nothing in collab/
 * knows SQL.
 */
import type { LoadListener, StoredState } from '../domain/stored-state.js';

export type { StoredState };

export interface AppendRequest {
  documentId: string;
  /** One Yjs update (v1 encoding). */
  data: Uint8Array;
}

/** Per request: its seq once committed, or why its document's append was refused. */
export type AppendOutcome = { seq: number } | { error: unknown };

/** What a holder of every seq ≤ some `afterSeq` lacks. */
export interface LogTail {
  /** The snapshot, present only when it covers seqs after `afterSeq` (those rows are gone). */
  base: { throughSeq: number; state: Uint8Array } | undefined;
  /** Every row after `afterSeq` (and after the snapshot), in seq order. */
  rows: Array<{ seq: number; data: Uint8Array }>;
}

export interface CompactionResult {
  mergedRows: number;
  throughSeq: number;
  /** Bytes of the stored snapshot after compaction. */
  snapshotBytes: number;
}

/** Folds a stored state into one Yjs update (garbage-collecting deleted content); may run off-thread. */
export type MergeState = (state: StoredState) => Promise<Uint8Array>;

export interface DocumentStorage {
  /**
   * The snapshot and every later row, in one consistent view. A failure is an error, never an
   * empty document. `listener` is told the snapshot's size first, then the snapshot as soon as it
   * is read, then each piece of rows as read (LoadListener).
   */
  load(documentId: string, listener?: LoadListener): Promise<StoredState>;
  /**
   * Appends in one transaction; requests for one document get consecutive seqs in the order given.
   * One document's refused append never fails another's: each outcome is its own. Rejects only
   * when the whole transaction failed (connection lost, database down).
   */
  append(requests: readonly AppendRequest[]): Promise<AppendOutcome[]>;
  /** Merges the log into the snapshot with `merge` and deletes exactly the rows merged. */
  compact(documentId: string, merge: MergeState): Promise<CompactionResult>;
  /**
   * A compaction whose merge a load already did: `state()` is the snapshot through `fromSeq` with
   * every row up to `throughSeq` folded in. Changes nothing (mergedRows 0) if the stored snapshot
   * is no longer the one through `fromSeq`.
   */
  storeMerged(documentId: string, merged: { fromSeq: number; throughSeq: number; state: () => Promise<Uint8Array> }): Promise<CompactionResult>;
  /** What a holder of every seq ≤ `afterSeq` lacks, in one consistent view. */
  readAfter(documentId: string, afterSeq: number): Promise<LogTail>;
  /** The last committed seq of each given document. */
  lastSeqs(documentIds: readonly string[]): Promise<Map<string, number>>;
}
