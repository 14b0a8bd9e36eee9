/**
 * What a unit received, read section by section (a province's whole roll-up is 26.7 MB): the index
 * first (`GET /documents/:id/feedback/sections`: units, pending units, each section's counts and
 * revision), then, for each section a reviewer opens, its merged items (`?section=`). A package sent
 * to the unit or a round opened reads the index again; a read section whose `revision` changed is
 * read again if open, forgotten if closed. A decision of the unit's staff (`feedback.decided`)
 * reads its section again if open (forgets it if closed) and the index (feedback-events.ts); one
 * made here replaces its item at once. Events arriving together are handled once, a moment later.
 * After the stream was down (offline, a sleeping tab), the index is read again.
 */
import { useEffect, useRef, useState } from 'preact/hooks';
import type { FeedbackIndex, FeedbackItem } from '@schemas/aggregation';
import type { OnDocumentEvent } from '../api/events';
import { api } from '../ui/session';
import { feedbackStaleBy, staleSections, type FeedbackStale } from './feedback-events';
import { gatherEvents, useOpenSections } from './gathered-events';
import { sectionsOpenAtFirst } from './open-at-first';

/** What is known of one section: its items, and the index's revision of it when its read began. */
export interface FeedbackSectionState {
  items?: FeedbackItem[];
  revision: string | undefined;
  loading: boolean;
  error?: unknown;
}

/** Up to this many merged items in all, every section with items opens at once (as one page used to). */
export const OPEN_ALL_UP_TO = 40;

export function useSectionedFeedback(documentId: string, unitId: string, onEvent: OnDocumentEvent) {
  const [index, setIndex] = useState<FeedbackIndex | null>(null);
  const [error, setError] = useState<unknown>(null);
  const { open, setOpen, toggle } = useOpenSections();
  const [sections, setSections] = useState<ReadonlyMap<string, FeedbackSectionState>>(new Map());
  // The latest values for callbacks that outlive a render (event listeners, answers).
  const key = `${documentId}:${unitId}`;
  const current = useRef({ key, open, sections, index });
  current.current = { key, open, sections, index };
  // A read answered after a newer one was asked for is dropped.
  const generation = useRef(new Map<string, number>());
  const indexGeneration = useRef(0);

  const readSection = (path: string) => {
    const asked = current.current.key;
    const mine = (generation.current.get(path) ?? 0) + 1;
    generation.current.set(path, mine);
    const revision = current.current.index?.sections.find((s) => s.section === path)?.revision;
    setSections((all) => new Map(all).set(path, { ...all.get(path), revision, loading: true }));
    api.feedbackSection(documentId, path, unitId).then(
      (answer) => {
        if (generation.current.get(path) !== mine || current.current.key !== asked) return;
        setSections((all) => new Map(all).set(path, { items: answer.items, revision, loading: false }));
      },
      (failure: unknown) => {
        if (generation.current.get(path) !== mine || current.current.key !== asked) return;
        setSections((all) => new Map(all).set(path, { ...all.get(path), revision: undefined, loading: false, error: failure }));
      },
    );
  };

  const readIndex = () => {
    const asked = current.current.key;
    const mine = ++indexGeneration.current;
    api.feedbackIndex(documentId, unitId).then(
      (fresh) => {
        if (indexGeneration.current !== mine || current.current.key !== asked) return;
        current.current.index = fresh;
        setIndex(fresh);
        setError(null);
        // Sections whose items may have changed: open ones read again, closed ones forgotten.
        const { reread, forget } = staleSections(fresh, current.current.sections, current.current.open);
        if (forget.length > 0) setSections((all) => new Map([...all].filter(([path]) => !forget.includes(path))));
        for (const path of reread) readSection(path);
      },
      (failure: unknown) => indexGeneration.current === mine && current.current.key === asked && setError(failure),
    );
  };

  // Another document or unit: everything from the start.
  useEffect(() => {
    setIndex(null);
    setError(null);
    setSections(new Map());
    setOpen(new Set());
    generation.current = new Map();
    current.current = { ...current.current, index: null, sections: new Map(), open: new Set() };
    readIndex();
  }, [key]);

  // The first index decides what opens by itself: everything in a small roll-up, nothing in a large one.
  const firstIndex = index !== null && `${index.documentId}:${index.unitId}` === key;
  useEffect(() => {
    const first = index && sectionsOpenAtFirst(index.sections, (s) => s.items, (s) => s.section, OPEN_ALL_UP_TO);
    if (first) setOpen(first);
  }, [firstIndex]);

  // An open section never read (or forgotten while closed) is read now.
  useEffect(() => {
    if (!index) return;
    for (const path of open) if (!sections.has(path)) readSection(path);
  }, [open, sections, index]);

  /** Reads again what an event named: open sections at once (closed ones are forgotten), then the index. */
  const refresh = (stale: FeedbackStale) => {
    const forget: string[] = [];
    for (const path of new Set(stale.sections)) {
      if (current.current.open.has(path)) readSection(path);
      else if (current.current.sections.has(path)) forget.push(path);
    }
    if (forget.length > 0) setSections((all) => new Map([...all].filter(([path]) => !forget.includes(path))));
    if (stale.index) readIndex();
  };

  // Live events: gather what they name for a moment, then read it once.
  useEffect(
    () =>
      gatherEvents(
        onEvent,
        (event) => feedbackStaleBy(event, unitId),
        (pending: FeedbackStale | null, stale) => ({ index: (pending?.index ?? false) || stale.index, sections: [...(pending?.sections ?? []), ...stale.sections] }),
        refresh,
        // The stream was down: the index again, and through its revisions the sections that changed.
        () => readIndex(),
      ),
    [onEvent, key],
  );

  /** The unit's decision on an item was recorded: the item as the server answered it, and the index's counts. */
  const decided = (item: FeedbackItem) => {
    setSections((all) => {
      const state = all.get(item.section);
      if (!state?.items) return all;
      return new Map(all).set(item.section, { ...state, items: state.items.map((i) => (i.id === item.id ? item : i)) });
    });
    readIndex();
  };

  return { index, error, open, sections, toggle, decided, readIndex };
}
