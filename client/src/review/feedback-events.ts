/**
 * What a live event, or a new index, makes stale in the merged feedback read by section
 * (feedback-sections.ts): pure, so it is unit-tested (test/unit/feedback-events.test.ts).
 */
import type { FeedbackIndex } from '@schemas/aggregation';
import type { DocumentEvent } from '@schemas/events';

/** What to read again: the index, and sections by path. */
export interface FeedbackStale {
  index: boolean;
  sections: string[];
}

/**
 * What an event makes stale in what `unitId` received, or null when nothing. A package sent to it
 * (a new one or a correction) or a round opened (the units the draft went to, hence who is
 * pending) changes the index; which sections it changed, the new index's revisions say
 * (`staleSections`). The unit's decision on an item (`feedback.decided`, by anyone of its staff)
 * changes that item's section and the index's counts. Annotation events never touch it: the
 * merged feedback is made of packages only.
 */
export function feedbackStaleBy(event: DocumentEvent, unitId: string): FeedbackStale | null {
  switch (event.type) {
    case 'package.submitted':
      return event.data.toUnitId === unitId ? { index: true, sections: [] } : null;
    case 'round.opened':
      return { index: true, sections: [] };
    case 'feedback.decided':
      return event.data.unitId === unitId && typeof event.data.section === 'string' ? { index: true, sections: [event.data.section] } : null;
    default:
      return null;
  }
}

/**
 * After a new index: the sections read so far whose items may have changed (their `revision`
 * differs from the one they were read at, or they left the index): the open ones to read again,
 * the closed ones to forget (read when opened).
 */
export function staleSections(
  index: FeedbackIndex,
  read: ReadonlyMap<string, { revision: string | undefined }>,
  open: ReadonlySet<string>,
): { reread: string[]; forget: string[] } {
  const now = new Map(index.sections.map((s) => [s.section, s.revision]));
  const reread: string[] = [];
  const forget: string[] = [];
  for (const [path, state] of read) {
    if (now.get(path) === state.revision && state.revision !== undefined) continue;
    (open.has(path) ? reread : forget).push(path);
  }
  return { reread, forget };
}
