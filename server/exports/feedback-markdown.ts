/**
 * A higher unit's merged feedback as Markdown: a heading per section, a table of items with
 * counts and "raised by N of M units". User text goes through `escapeMarkdownInline`.
 */
import { labelsFor, sendersDecisions, type ExportLocale } from './labels.js';
import { groupFeedbackBySection, unitNames } from './feedback-sections.js';
import { shortDate } from './frame.js';
import type { FeedbackExport } from './summary-types.js';
import { escapeMarkdownInline as esc } from './text-escape.js';

/** Markdown text (LF line ends, ending with a newline). Pure. */
export function feedbackToMarkdown(feedback: FeedbackExport, locale: ExportLocale = 'vi'): string {
  const l = labelsFor(locale);
  const names = unitNames(feedback);
  const out: string[] = [`# ${l.feedback}: ${esc(feedback.title)}`, ''];
  if (feedback.units.length > 0) {
    // Who sent and who has not, with each unit's general note, as in the DOCX's first part.
    const sent = feedback.units.filter((u) => u.submittedAt);
    out.push(`## ${esc(l.unitsPart)}`, '', l.unitsSent(sent.length, feedback.units.length), '');
    for (const u of feedback.units) {
      const when = u.submittedAt ? `${l.sentOn}: ${shortDate(u.submittedAt)}` : l.pending;
      out.push(`- ${esc(u.name)} — ${when}${u.note ? ` — ${l.packageNote}: ${esc(u.note)}` : ''}`);
    }
    out.push('');
  }
  // The receiving unit's decision and its reason, once it took one (as the DOCX).
  const decided = feedback.items.some((item) => item.disposition);
  for (const section of groupFeedbackBySection(feedback, l)) {
    out.push(`## ${esc(section.heading)}`, '');
    out.push(`| ${l.kind} | ${l.count} | ${l.text} | ${l.proposed} | ${l.units} |${decided ? ` ${l.decisionAndReason} |` : ''}`, `| --- | ---: | --- | --- | --- |${decided ? ' --- |' : ''}`);
    for (const item of section.items) {
      const proposed = item.representative.replacement === null ? '' : esc(item.representative.replacement);
      const units = item.units ? item.units.map((u) => (u.note ? `${u.name} (${u.note})` : u.name)) : item.unitIds.map(names);
      const below = sendersDecisions(item.decisions, l);
      const who = `${l.raisedBy(item.unitCount, feedback.units.length)}: ${esc(units.join(', '))}${below ? ` (${l.sendersDecided}: ${below})` : ''}`;
      const quote = item.quote ? `“${esc(item.quote)}” — ` : '';
      const decision = item.disposition ? `${l.decisionName[item.disposition.decision]}${item.disposition.note ? `: ${esc(item.disposition.note)}` : ''}` : '';
      out.push(`| ${l.kinds[item.kind]} | ${item.count} | ${quote}${esc(item.representative.body)} | ${proposed} | ${who} |${decided ? ` ${decision} |` : ''}`);
    }
    out.push('');
  }
  return out.join('\n');
}
