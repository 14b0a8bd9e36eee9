/**
 * A round's summary read section by section (a province round's whole summary is 21.5 MB): the
 * index first (`GET /rounds/:id/summary/sections`: titles and counts), then, for each section a
 * reviewer opens, that section (`?section=`) and its annotations (`/annotations?section=`). Live
 * events refresh only what they name: the sections of the annotations an `annotation.*`,
 * `disposition.set`, `reply.created` or `clusters.edited` event is about (found in the sections
 * read so far, or in the event itself), and the index's counts. Events arriving together are
 * handled once, a moment later.
 */
import { useEffect, useRef, useState } from 'preact/hooks';
import type { ClusterEdit, SummaryIndex } from '@schemas/aggregation';
import type { OnDocumentEvent } from '../api/events';
import { api } from '../ui/session';
import { gatherEvents, useOpenSections } from './gathered-events';
import { sectionsOpenAtFirst } from './open-at-first';
import { staleBy, type SectionState, type Stale, type SummarySection } from './summary-events';

export type { SectionState, SummarySection };

/** Up to this many annotations in the round, every section opens at once (as one page used to). */
export const OPEN_ALL_UP_TO = 200;


export function useSectionedSummary(roundId: string, onEvent: OnDocumentEvent) {
  const [index, setIndex] = useState<SummaryIndex | null>(null);
  const [error, setError] = useState<unknown>(null);
  const [edits, setEdits] = useState<ClusterEdit[]>([]);
  const { open, setOpen, toggle } = useOpenSections();
  const [sections, setSections] = useState<ReadonlyMap<string, SectionState>>(new Map());
  // The latest values for callbacks that outlive a render (event listeners, timers).
  const current = useRef({ roundId, open, sections, index });
  current.current = { roundId, open, sections, index };
  /** Sections to keep read: the open ones, and "" while the whole draft has comments (their cards need its annotations). */
  const wanted = (): Set<string> => {
    const all = new Set(current.current.open);
    if ((current.current.index?.document.clusters.length ?? 0) > 0) all.add('');
    return all;
  };
  // A read answered after a newer one was asked for is dropped.
  const generation = useRef(new Map<string, number>());

  const readSection = (path: string) => {
    const id = current.current.roundId;
    const mine = (generation.current.get(path) ?? 0) + 1;
    generation.current.set(path, mine);
    setSections((all) => new Map(all).set(path, { ...(all.get(path) ?? { annotations: new Map() }), loading: true }));
    // "" is a section of the summary only when the draft has text before its first heading.
    const inSummary = current.current.index?.sections.some((x) => x.path === path) ?? true;
    Promise.all([inSummary ? api.summarySection(id, path) : Promise.resolve(null), api.roundAnnotations(id, path)]).then(
      ([summary, list]) => {
        if (generation.current.get(path) !== mine || current.current.roundId !== id) return;
        const section = summary?.sections[0];
        setSections((all) => new Map(all).set(path, { ...(section ? { section } : {}), annotations: new Map(list.map((a) => [a.id, a])), loading: false }));
      },
      (failure: unknown) => {
        if (generation.current.get(path) !== mine || current.current.roundId !== id) return;
        setSections((all) => new Map(all).set(path, { ...(all.get(path) ?? { annotations: new Map() }), loading: false, error: failure }));
      },
    );
  };

  const readIndex = () => {
    const id = current.current.roundId;
    api.summaryIndex(id).then(
      (fresh) => {
        if (current.current.roundId !== id) return;
        setIndex(fresh);
        setError(null);
      },
      (failure: unknown) => current.current.roundId === id && setError(failure),
    );
  };

  const readEdits = () => {
    const id = current.current.roundId;
    api.clusterEdits(id).then(
      (fresh) => current.current.roundId === id && setEdits(fresh.edits),
      () => undefined, // the summary's own error says what is wrong
    );
  };

  /** Reads again what changed: open sections at once; a closed one is forgotten (read when opened). */
  const refresh = (stale: Stale) => {
    if (stale.index) readIndex();
    if (stale.edits) readEdits();
    const forget: string[] = [];
    const keep = wanted();
    for (const path of new Set(stale.sections ?? [])) {
      if (keep.has(path)) readSection(path);
      else if (current.current.sections.has(path)) forget.push(path);
    }
    if (forget.length > 0) setSections((all) => new Map([...all].filter(([path]) => !forget.includes(path))));
  };

  // A new round: everything from the start.
  useEffect(() => {
    setIndex(null);
    setError(null);
    setEdits([]);
    setSections(new Map());
    setOpen(new Set());
    generation.current = new Map();
    readIndex();
    readEdits();
  }, [roundId]);

  // The first index decides what opens by itself: everything in a small round, nothing in a large one.
  const firstIndex = index !== null && index.roundId === roundId;
  useEffect(() => {
    const first = index && sectionsOpenAtFirst(index.sections, (s) => s.annotations, (s) => s.path, OPEN_ALL_UP_TO);
    if (first) setOpen(first);
  }, [firstIndex]);

  // A wanted section never read (or forgotten while closed) is read now.
  useEffect(() => {
    if (!index) return;
    for (const path of wanted()) if (!sections.has(path)) readSection(path);
  }, [open, sections, index]);

  // Live events: gather what they name for a moment, then read it once.
  useEffect(
    () =>
      gatherEvents(
        onEvent,
        (event) => staleBy(event, current.current.roundId, current.current.sections),
        (pending: Stale | null, stale) => ({
          sections: [...new Set([...(pending?.sections ?? []), ...(stale.sections ?? [])])],
          index: Boolean(pending?.index) || Boolean(stale.index),
          edits: Boolean(pending?.edits) || Boolean(stale.edits),
        }),
        refresh,
        // The stream was down: what was read may be stale (the index says which sections changed).
        () => refresh({ sections: [...current.current.sections.keys()], index: true, edits: true }),
      ),
    [onEvent],
  );

  /** Reads a section that is not read yet without opening it (the search's passage filter needs its passages). */
  const ensure = (path: string) => {
    if (!current.current.sections.has(path)) readSection(path);
  };

  return { index, error, edits, open, sections, toggle, refresh, ensure };
}
