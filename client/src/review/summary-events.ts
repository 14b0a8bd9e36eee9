/**
 * What a live event makes stale in a round's summary read by section (summary-sections.ts): pure,
 * so it is unit-tested (test/unit/summary-events.test.ts).
 */
import type { RoundSummary } from '@schemas/aggregation';
import type { Annotation } from '@schemas/annotations';
import type { DocumentEvent } from '@schemas/events';

export type SummarySection = RoundSummary['sections'][number];

/** What is known of one section: its points and passages, and its annotations by id. */
export interface SectionState {
  section?: SummarySection;
  annotations: Map<string, Annotation>;
  loading: boolean;
  error?: unknown;
}

/** What to read again: sections by path, the index, the list of edits. */
export interface Stale {
  sections?: Iterable<string>;
  index?: boolean;
  edits?: boolean;
}

/** The section (of those read) holding an annotation. */
export function sectionOf(sections: ReadonlyMap<string, SectionState>, annotationId: string): string | undefined {
  for (const [path, state] of sections) {
    if (state.annotations.has(annotationId) || state.section?.clusters.some((c) => c.annotationIds.includes(annotationId))) return path;
  }
  return undefined;
}

/**
 * What an event makes stale in the summary of `roundId`, or null when nothing. An annotation the
 * sections read so far do not hold changes only the index (its section is read when opened).
 */
export function staleBy(event: DocumentEvent, roundId: string, sections: ReadonlyMap<string, SectionState>): Stale | null {
  const data = event.data;
  const ids = (value: unknown): string[] => (Array.isArray(value) ? value.filter((v): v is string => typeof v === 'string') : []);
  const known = (list: string[]) => list.map((id) => sectionOf(sections, id)).filter((path): path is string => path !== undefined);
  switch (event.type) {
    case 'annotation.upserted': {
      if (data.roundId !== roundId) return null;
      const anchor = data.anchor as { section?: unknown } | undefined;
      const now = typeof anchor?.section === 'string' ? [anchor.section] : [];
      // An edited annotation may have moved: its section before is stale too.
      return { index: true, sections: [...now, ...known(ids([data.id]))] };
    }
    case 'annotation.withdrawn':
      return data.roundId === roundId ? { index: true, sections: known(ids([data.id])) } : null;
    case 'disposition.set':
      // The event does not name its round: the index's decision counts are read again either way.
      return { index: true, sections: known(ids([data.annotationId])) };
    case 'suggestion.applied': {
      const where = known(ids([data.annotationId]));
      return where.length > 0 ? { sections: where } : null;
    }
    case 'reply.created': {
      const where = known(ids([data.annotationId]));
      return where.length > 0 ? { sections: where } : null;
    }
    case 'clusters.edited': {
      if (data.roundId !== roundId) return null;
      const edit = data.edit as { annotationIds?: unknown } | undefined;
      return { index: true, edits: true, sections: known(ids(edit?.annotationIds ?? data.annotationIds)) };
    }
    default:
      return null;
  }
}
