/**
 * What a live event, or a new index, makes stale in the merged feedback read by section
 * (feedback-sections.ts): pure, so it is unit-tested (test/unit/feedback-events.test.ts).
 */
import type { FeedbackIndex } from '@schemas/aggregation';
import type { DocumentEvent } from '@schemas/events';

/**
 * Whether an event may change what `unitId` received: a package sent to it (a new one or a
 * correction), or a round opened (the units the draft went to, hence who is pending). Annotation
 * events never do: the merged feedback is made of packages only.
 */
export function touchesFeedback(event: DocumentEvent, unitId: string): boolean {
  if (event.type === 'package.submitted') return event.data.toUnitId === unitId;
  return event.type === 'round.opened';
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
