/**
 * What the sectioned views (the round summary, the merged feedback) share: live events gathered
 * for a moment and then acted on once (a burst of twenty annotations reads a section once), and
 * the set of sections a reader opened.
 */
import { useState } from 'preact/hooks';
import type { DocumentEvent, OnDocumentEvent } from '../api/events';

/** How long events are gathered before what they name is read again (ms). */
export const GATHER_MS = 300;

/**
 * Subscribes through `onEvent`: what `staleBy` says an event makes stale (null: nothing) is merged
 * into what is pending, and `GATHER_MS` after the last such event `refresh` gets it all at once.
 * `onResume` runs when the stream comes back after a gap (events may have been missed). Answers
 * the unsubscribe, which also drops what is pending.
 */
export function gatherEvents<T>(
  onEvent: OnDocumentEvent,
  staleBy: (event: DocumentEvent) => T | null,
  merge: (pending: T | null, next: T) => T,
  refresh: (due: T) => void,
  onResume: () => void,
): () => void {
  let pending: T | null = null;
  let timer: ReturnType<typeof setTimeout> | undefined;
  const stop = onEvent((event) => {
    const stale = staleBy(event);
    if (stale === null) return;
    pending = merge(pending, stale);
    clearTimeout(timer);
    timer = setTimeout(() => {
      const due = pending!;
      pending = null;
      refresh(due);
    }, GATHER_MS);
  }, onResume);
  return () => {
    stop();
    clearTimeout(timer);
  };
}

/** The paths a reader opened, the setter, and `toggle(path, opened)`. */
export function useOpenSections() {
  const [open, setOpen] = useState<ReadonlySet<string>>(new Set());
  const toggle = (path: string, opened: boolean) =>
    setOpen((now) => {
      const next = new Set(now);
      if (opened) next.add(path);
      else next.delete(path);
      return next;
    });
  return { open, setOpen, toggle };
}

