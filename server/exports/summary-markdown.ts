/**
 * A round summary as Markdown: the title, participation, then a heading per section with a table
 * of its clusters. Every user-supplied string goes through `escapeMarkdownInline`.
 */
import { formatDecisions, labelsFor, sectionHeading, type ExportLocale } from './labels.js';
import type { RoundSummaryExport } from './summary-types.js';
import { escapeMarkdownInline as esc } from './text-escape.js';

/** Markdown text (LF line ends, ending with a newline). Pure. */
export function summaryToMarkdown(summary: RoundSummaryExport, locale: ExportLocale = 'vi'): string {
  const l = labelsFor(locale);
  const out: string[] = [`# ${l.summary}: ${esc(summary.title)}`, '', esc(l.participation(summary.participation)), ''];
  if (summary.participation.byUnit.length > 0) {
    out.push(`| ${l.unit} | ${l.invited} | ${l.commented} |`, '| --- | ---: | ---: |');
    for (const u of summary.participation.byUnit) out.push(`| ${esc(u.name ?? u.unitId)} | ${u.invited} | ${u.commented} |`);
    out.push('');
  }
  const whole = summary.document?.clusters ?? [];
  const sections = [...(whole.length > 0 ? [{ path: '', title: l.scopes.document, clusters: whole }] : []), ...summary.sections];
  for (const section of sections) {
    out.push(`## ${esc(sectionHeading(section, l))}`, '');
    if (section.clusters.length === 0) {
      out.push(l.none, '');
      continue;
    }
    out.push(`| ${l.kind} | ${l.count} | ${l.text} | ${l.proposed} | ${l.decisions} |`, '| --- | ---: | --- | --- | --- |');
    for (const c of section.clusters) {
      const proposed = c.representative.replacement === null ? '' : esc(c.representative.replacement);
      const general = c.scope === 'section' || c.scope === 'document' ? `*${l.scopes[c.scope]}*: ` : '';
      const note = l.recordedNote(c.recorded ?? 0, c.groups ?? []);
      const text = `${general}${esc(c.representative.body)}${note ? ` *(${esc(note)})*` : ''}`;
      out.push(`| ${l.kinds[c.kind]} | ${c.count} | ${text} | ${proposed} | ${formatDecisions(c.decisions, l)} |`);
    }
    out.push('');
  }
  return out.join('\n');
}
