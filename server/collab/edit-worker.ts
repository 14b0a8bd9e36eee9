/**
 * Runs on the edit worker thread (state-workers.ts `edit`): a server edit of a big live draft
 * (live-edits.ts), made on a Y.Doc of the room's state there, so the event loop never builds or
 * copies a Y.Doc of it. The update the edit made goes back; the room commits and broadcasts it as
 * any other. A refusal comes back as data (an AppError does not cross threads).
 *
 * The thread keeps the drafts it built, one per document, least recently used out past
 * `keepBytes`: a second apply on the same draft sends only the updates committed since the first
 * (a few bytes) instead of the whole state, and costs milliseconds instead of a rebuild. A kept
 * draft holds the edits this thread made, committed or about to be; an update already in it
 * applies again as a no-op (Yjs updates are idempotent). A task for a draft this thread does not
 * hold as `key` through `from` answers `missing`; the caller sends it again with the whole state.
 */
import * as Y from 'yjs';
import { docFromStoredState, unpackRows } from '../domain/stored-state.js';
import { AppError, refusalOf, type Refusal } from '../errors.js';
import { editUpdate, type EditedUpdate, type LiveEdit } from '../services/live-edits.js';

export interface EditTask {
  documentId: string;
  /** Which draft of the document (a room's, until it drops what the thread holds): kept drafts of another key are not used. */
  key: string;
  /**
   * Committed updates are numbered in the order the room added them. `rows` are updates
   * `from`..`through - 1`; with `snapshot` (`whole`) they are all the updates since the snapshot.
   */
  from: number;
  through: number;
  whole: boolean;
  snapshot: Uint8Array | undefined;
  /** The updates, packed (state-workers.ts `pack`). */
  rows: Uint8Array;
  ends: Uint32Array;
  /** Encoded bytes of drafts kept at most (the one edited now is always kept). */
  keepBytes: number;
  edit: LiveEdit;
}

export type EditAnswer = { missing: true } | (EditedUpdate & { rebuilt: boolean }) | { refused: Refusal };

interface Kept {
  key: string;
  doc: Y.Doc;
  /** Updates 0..through - 1 are applied. */
  through: number;
  bytes: number;
}

const kept = new Map<string, Kept>();

export default function run(task: EditTask): EditAnswer {
  let entry = kept.get(task.documentId);
  const rows = unpackRows(task.rows, task.ends);
  let rebuilt = false;
  if (task.whole) {
    drop(task.documentId);
    entry = {
      key: task.key,
      doc: docFromStoredState({ snapshot: task.snapshot, updates: rows, throughSeq: 0, lastSeq: 0 }),
      through: task.through,
      bytes: (task.snapshot?.byteLength ?? 0) + task.rows.byteLength,
    };
    rebuilt = true;
  } else {
    // Behind `from` (or another draft): the updates in between are not here.
    if (!entry || entry.key !== task.key || entry.through < task.from) return { missing: true };
    const doc = entry.doc;
    const fresh = rows.slice(Math.max(0, entry.through - task.from));
    if (fresh.length > 0) doc.transact(() => fresh.forEach((update) => Y.applyUpdate(doc, update)));
    entry.through = Math.max(entry.through, task.through);
    for (const update of fresh) entry.bytes += update.byteLength;
    kept.delete(task.documentId);
  }
  // Most recently used last (a Map keeps insertion order).
  kept.set(task.documentId, entry);
  evict(task.documentId, task.keepBytes);
  try {
    return { ...editUpdate(entry.doc, task.edit), rebuilt };
  } catch (error) {
    // A refusal leaves the draft as it was; anything else may have left it half edited.
    if (error instanceof AppError) return { refused: refusalOf(error) };
    drop(task.documentId);
    throw error;
  }
}

function drop(documentId: string): void {
  kept.get(documentId)?.doc.destroy();
  kept.delete(documentId);
}

function evict(current: string, keepBytes: number): void {
  let total = 0;
  for (const e of kept.values()) total += e.bytes;
  for (const [documentId, e] of kept) {
    if (total <= keepBytes || documentId === current) break;
    drop(documentId);
    total -= e.bytes;
  }
}
