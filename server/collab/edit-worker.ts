/**
 * Runs on a state worker thread (state-workers.ts `edit`): a server edit of a big live draft
 * (live-edits.ts), made on a Y.Doc of the room's encoded state there, so the event loop never
 * builds or copies a Y.Doc of it. The update the edit made goes back; the room commits and
 * broadcasts it as any other. A refusal comes back as data (an AppError does not cross threads).
 */
import { docFromStoredState } from '../domain/stored-state.js';
import { AppError, refusalOf, type Refusal } from '../errors.js';
import { editUpdate, type EditedUpdate, type LiveEdit } from '../services/live-edits.js';
import { unpack } from './state-worker.js';

export interface EditTask {
  snapshot: Uint8Array | undefined;
  /** The updates since the snapshot, packed (state-workers.ts `pack`). */
  rows: Uint8Array;
  ends: Uint32Array;
  edit: LiveEdit;
}

export type EditAnswer = EditedUpdate | { refused: Refusal };

export default function run(task: EditTask): EditAnswer {
  const doc = docFromStoredState({ snapshot: task.snapshot, updates: unpack(task.rows, task.ends), throughSeq: 0, lastSeq: 0 });
  try {
    return editUpdate(doc, task.edit);
  } catch (error) {
    if (error instanceof AppError) return { refused: refusalOf(error) };
    throw error;
  } finally {
    doc.destroy();
  }
}
