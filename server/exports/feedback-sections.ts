/** Shared by the feedback exports: items grouped under their section headings, unit names. */
import { sectionHeading, type ExportLabels } from './labels.js';
import type { FeedbackExport } from './summary-types.js';

/** Consecutive runs of items with the same section (items arrive in document order). */
export function groupFeedbackBySection(feedback: FeedbackExport, labels: ExportLabels): { path: string; title: string; heading: string; items: FeedbackExport['items'][number][] }[] {
  const out: { path: string; title: string; heading: string; items: FeedbackExport['items'][number][] }[] = [];
  for (const item of feedback.items) {
    const last = out[out.length - 1];
    if (last && last.path === item.section) last.items.push(item);
    else {
      const title = feedback.sectionTitles?.[item.section] ?? '';
      out.push({ path: item.section, title, heading: sectionHeading({ path: item.section, title }, labels), items: [item] });
    }
  }
  return out;
}

/** A unit's display name (its id when it is not among `feedback.units`). */
export function unitNames(feedback: FeedbackExport): (unitId: string) => string {
  const names = new Map(feedback.units.map((u) => [u.unitId, u.name]));
  return (unitId) => names.get(unitId) ?? unitId;
}
