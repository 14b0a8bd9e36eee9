/**
 * A higher unit's merged feedback as Markdown: a heading per section, a table of items with
 * counts and "raised by N of M units". User text goes through `escapeMarkdownInline`.
 */
import { labelsFor, type ExportLocale } from './labels.js';
import { groupFeedbackBySection, unitNames } from './feedback-sections.js';
import type { FeedbackExport } from './summary-types.js';
import { escapeMarkdownInline as esc } from './text-escape.js';

/** Markdown text (LF line ends, ending with a newline). Pure. */
export function feedbackToMarkdown(feedback: FeedbackExport, locale: ExportLocale = 'vi'): string {
  const l = labelsFor(locale);
  const names = unitNames(feedback);
  const out: string[] = [`# ${l.feedback}: ${esc(feedback.title)}`, ''];
  for (const section of groupFeedbackBySection(feedback, l)) {
    out.push(`## ${esc(section.heading)}`, '');
    out.push(`| ${l.kind} | ${l.count} | ${l.text} | ${l.proposed} | ${l.units} |`, '| --- | ---: | --- | --- | --- |');
    for (const item of section.items) {
      const proposed = item.representative.replacement === null ? '' : esc(item.representative.replacement);
      const units = item.units ? item.units.map((u) => (u.note ? `${u.name} (${u.note})` : u.name)) : item.unitIds.map(names);
      const who = `${l.raisedBy(item.unitCount, feedback.units.length)}: ${esc(units.join(', '))}`;
      const quote = item.quote ? `“${esc(item.quote)}” — ` : '';
      out.push(`| ${l.kinds[item.kind]} | ${item.count} | ${quote}${esc(item.representative.body)} | ${proposed} | ${who} |`);
    }
    out.push('');
  }
  return out.join('\n');
}
