/**
 * A round summary as a committee files it (DOCX or PDF): the frame, I. participation, II. the
 * points by section — one table per section with the quoted passage, the content, the count, the
 * units and the decisions with their reasons. Sections without points are left out; a summary
 * without any point says so once.
 */
import { renderDocx } from './docx-render.js';
import { formatDecisions, labelsFor } from './labels.js';
import type { Block, ExportPage } from './page-model.js';
import { renderPdf } from './pdf-render.js';
import { contentCell, lines, partHeading, pointQuoteCell, sectionHeadings, type FrameContext } from './report-parts.js';
import type { RoundSummaryExport } from './summary-types.js';

/** The summary's page (frame and blocks). Pure. */
export function summaryPage(summary: RoundSummaryExport, context: FrameContext): ExportPage {
  const l = labelsFor(context.locale);
  const p = summary.participation;
  const blocks: Block[] = [partHeading(1, l.participationPart), { type: 'paragraph', inlines: [{ text: l.participation(p) }] }];
  if (p.byUnit.length > 1) {
    blocks.push({
      type: 'table',
      columns: [{ header: l.unit, width: 60 }, { header: l.invited, width: 20, align: 'right' }, { header: l.commented, width: 20, align: 'right' }],
      rows: p.byUnit.map((u) => [lines(u.name ?? u.unitId), lines(String(u.invited)), lines(String(u.commented))]),
    });
  }
  blocks.push(partHeading(2, l.pointsPart));
  // General comments on the whole draft come first, as a part of their own.
  const whole = summary.document?.clusters ?? [];
  const sections = [...(whole.length > 0 ? [{ path: '', title: l.scopes.document, clusters: whole }] : []), ...summary.sections.filter((s) => s.clusters.length > 0)];
  if (sections.length === 0) blocks.push({ type: 'paragraph', inlines: [{ text: l.nothingYet }] });
  const withUnits = sections.some((s) => s.clusters.some((c) => (c.unitNames?.length ?? 0) > 0));
  const headings = sectionHeadings(sections, l);
  sections.forEach((section, i) => {
    blocks.push(headings[i]!);
    blocks.push({
      type: 'table',
      columns: [
        { header: l.quote, width: 30 },
        { header: l.text, width: withUnits ? 32 : 40 },
        { header: l.count, width: 8, align: 'center' },
        ...(withUnits ? [{ header: l.units, width: 12 }] : []),
        { header: l.decisionAndReason, width: withUnits ? 18 : 22 },
      ],
      rows: section.clusters.map((c) => [
        pointQuoteCell(c, l),
        contentCell(l.kinds[c.kind], c.representative, l, c),
        lines(String(c.count)),
        ...(withUnits ? [lines(...(c.unitNames ?? []))] : []),
        [...lines(formatDecisions(c.decisions, l)), ...(c.reasons ?? []).map((r) => [{ text: r, italic: true }])],
      ]),
    });
  });
  return {
    frame: {
      ...context,
      kind: l.report,
      title: summary.roundNumber === undefined ? `${l.summary}: ${summary.title}` : l.summarySubject(summary.roundNumber, summary.title),
      note: null,
      documentTitle: `${l.summary}: ${summary.title}`,
    },
    blocks,
  };
}

/** The summary as a .docx file's bytes. */
export function summaryToDocx(summary: RoundSummaryExport, context: FrameContext): Promise<Buffer> {
  return renderDocx(summaryPage(summary, context));
}

/** The summary as PDF bytes. */
export function summaryToPdf(summary: RoundSummaryExport, context: FrameContext): Promise<Buffer> {
  return renderPdf(summaryPage(summary, context));
}
