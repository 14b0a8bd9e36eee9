/**
 * Drafts of unsent annotations, kept in localStorage under
 * `draftroom.draft.<memberId>.<documentId>.<roundId>` (one open form per member, document and
 * round) so a reload, a crash or a closed tab loses nothing typed. Like the outbox, a draft is only
 * shown to the member who wrote it: on a shared device another member never sees it.
 * Written on every keystroke of the form; removed when the form is sent (the outbox then holds the
 * write) or when the person cancels it. Issue 15: "nothing typed is ever lost".
 */
import type { AnnotationKind } from '@domain/vocabulary';

export interface AnnotationDraft {
  /** The annotation's id (client-made UUID; the outbox and the API use the same). */
  id: string;
  roundId: string;
  kind: AnnotationKind;
  body: string;
  replacement: string;
  anchor: { relStart: string; relEnd: string };
  /** The selected text, as shown in the form. */
  quote: string;
  /** `new`: a new annotation; `editing`: one already sent; `refused`: one the server refused, being corrected. */
  mode: 'new' | 'editing' | 'refused';
  /** The server's refusal code (`mode: 'refused'`), e.g. `anchor_mismatch`. */
  refusal?: string;
}

const prefix = 'draftroom.draft.';
const keyOf = (memberId: string, documentId: string, roundId: string) => `${prefix}${memberId}.${documentId}.${roundId}`;

function storage(): Storage | null {
  try {
    return typeof localStorage === 'undefined' ? null : localStorage;
  } catch {
    return null; // storage disabled: the form still works, only without surviving a reload
  }
}

/** Whether a draft holds anything a person would regret losing. */
export function hasContent(draft: AnnotationDraft): boolean {
  return draft.mode !== 'new' || draft.body.trim() !== '' || draft.replacement.trim() !== '';
}

/** Keeps the draft (or forgets it when it holds nothing typed). */
export function saveDraft(memberId: string, documentId: string, draft: AnnotationDraft): void {
  const store = storage();
  if (!store) return;
  try {
    if (hasContent(draft)) store.setItem(keyOf(memberId, documentId, draft.roundId), JSON.stringify(draft));
    else store.removeItem(keyOf(memberId, documentId, draft.roundId));
  } catch {
    /* quota exceeded: the draft stays in the open form */
  }
}

export function forgetDraft(memberId: string, documentId: string, roundId: string): void {
  storage()?.removeItem(keyOf(memberId, documentId, roundId));
}

/** The member's kept draft on a document, the open round's first when there are several. */
export function loadDraft(memberId: string, documentId: string, preferRoundId?: string): AnnotationDraft | null {
  const store = storage();
  if (!store) return null;
  const found: AnnotationDraft[] = [];
  for (let i = 0; i < store.length; i++) {
    const key = store.key(i);
    if (!key?.startsWith(`${prefix}${memberId}.${documentId}.`)) continue;
    try {
      const value = JSON.parse(store.getItem(key) ?? 'null') as AnnotationDraft | null;
      if (value && typeof value.id === 'string' && typeof value.roundId === 'string') found.push(value);
    } catch {
      store.removeItem(key);
    }
  }
  return found.find((d) => d.roundId === preferRoundId) ?? found[0] ?? null;
}
