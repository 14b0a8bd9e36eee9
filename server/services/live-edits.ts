/**
 * The edits the server itself makes to a live draft, as data (the pattern of live-reads.ts), so
 * the same edit is made on the event loop for a small document and on a worker thread for a big
 * one (collab/edit-worker.ts), giving the same Yjs update: `editDoc(doc, edit)` on a Y.Doc holding
 * the committed state, whichever thread holds it. The collab runtime commits the update and
 * broadcasts it as any other.
 *
 * - `applySuggestion`: an accepted suggestion's replacement (apply-suggestion.ts), recorded in the
 *   draft's APPLIED_SUGGESTIONS map in the same update; nothing when the draft already records it.
 */
import * as Y from 'yjs';
import type { Anchor } from '../domain/anchoring.js';
import { appliedIn, markApplied, replaceAnchoredText } from '../domain/apply-suggestion.js';

export type LiveEdit = {
  kind: 'applySuggestion';
  annotationId: string;
  anchor: Anchor;
  replacement: string;
  /** The state vector of the round's base version (re-anchoring tells look-alikes apart with it). */
  base: Uint8Array;
  /** ISO time recorded as when it was applied. */
  at: string;
};

/** `applied`: the edit was made; `appliedAlready`: the draft records it already, nothing was changed. */
export type LiveEditOutcome = 'applied' | 'appliedAlready';

/** Makes `edit` on `doc`. Throws what the domain functions throw (an AppError to refuse; then `doc` is unchanged). */
export function editDoc(doc: Y.Doc, edit: LiveEdit): LiveEditOutcome {
  if (appliedIn(doc, edit.annotationId)) return 'appliedAlready';
  replaceAnchoredText(doc, edit.anchor, edit.replacement, edit.base);
  markApplied(doc, edit.annotationId, new Date(edit.at));
  return 'applied';
}

/** What an edit made: the Yjs update (null when nothing changed) and the outcome. */
export interface EditedUpdate {
  update: Uint8Array | null;
  outcome: LiveEditOutcome;
}

/**
 * Makes `edit` on `doc` (a scratch copy of the committed state: it is changed) and returns the
 * update it made, to be committed and broadcast. Throws what `editDoc` throws.
 */
export function editUpdate(doc: Y.Doc, edit: LiveEdit): EditedUpdate {
  const updates: Uint8Array[] = [];
  const collect = (update: Uint8Array) => updates.push(update);
  doc.on('update', collect);
  try {
    const outcome = editDoc(doc, edit);
    return { update: updates.length === 0 ? null : updates.length === 1 ? updates[0]! : Y.mergeUpdates(updates), outcome };
  } finally {
    doc.off('update', collect);
  }
}
