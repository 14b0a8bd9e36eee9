/**
 * A higher unit's merged feedback as a committee files it (DOCX or PDF): the frame, I. which
 * units sent theirs and which have not, II. the points by section — the quoted passage, the
 * content, the count, "N/M units" with their names and notes and what they decided, and the unit's own
 * decision where it took one.
 */
import { renderDocx } from './docx-render.js';
import { groupFeedbackBySection, unitNames } from './feedback-sections.js';
import { shortDate } from './frame.js';
import { labelsFor, sendersDecisions, type ExportLabels } from './labels.js';
import type { Block, ExportPage, Inline } from './page-model.js';
import { renderPdf } from './pdf-render.js';
import { contentCell, lines, partHeading, pointQuoteCell, sectionHeadings, type FrameContext } from './report-parts.js';
import type { FeedbackExport } from './summary-types.js';

/** The feedback's page (frame and blocks). Pure. */
export function feedbackPage(feedback: FeedbackExport, context: FrameContext): ExportPage {
  const l = labelsFor(context.locale);
  const names = unitNames(feedback);
  const sent = feedback.units.filter((u) => u.submittedAt);
  const blocks: Block[] = [partHeading(1, l.unitsPart)];
  if (feedback.units.length > 0) {
    blocks.push({ type: 'paragraph', inlines: [{ text: l.unitsSent(sent.length, feedback.units.length) }] });
    // The unit's general note ("Ý kiến chung của đơn vị") beside it, when any unit wrote one.
    const noted = feedback.units.some((u) => u.note);
    blocks.push({
      type: 'table',
      columns: noted
        ? [{ header: l.unit, width: 30 }, { header: l.sentOn, width: 18, align: 'center' }, { header: l.packageNote, width: 52 }]
        : [{ header: l.unit, width: 65 }, { header: l.sentOn, width: 35, align: 'center' }],
      rows: feedback.units.map((u) => [
        lines(u.name),
        u.submittedAt ? lines(shortDate(u.submittedAt)) : [[{ text: l.pending, italic: true }]],
        ...(noted ? [lines(...(u.note ?? '').split(/\r?\n/))] : []),
      ]),
    });
  }
  blocks.push(partHeading(2, l.pointsPart));
  const sections = groupFeedbackBySection(feedback, l);
  if (sections.length === 0) blocks.push({ type: 'paragraph', inlines: [{ text: l.nothingYet }] });
  const decided = feedback.items.some((item) => item.disposition);
  const headings = sectionHeadings(sections, l);
  sections.forEach((section, i) => {
    blocks.push(headings[i]!);
    blocks.push({
      type: 'table',
      columns: [
        { header: l.quote, width: 28 },
        { header: l.text, width: decided ? 30 : 38 },
        { header: l.count, width: 8, align: 'center' },
        { header: l.units, width: decided ? 17 : 26 },
        ...(decided ? [{ header: l.decisionAndReason, width: 17 }] : []),
      ],
      rows: section.items.map((item) => [
        pointQuoteCell(item, l),
        contentCell(l.kinds[item.kind], item.representative, l),
        lines(String(item.count)),
        [[{ text: l.raisedBy(item.unitCount, feedback.units.length), bold: true }], ...unitLines(item, names), ...decidedBelow(item, l)],
        ...(decided ? [item.disposition ? [...lines(l.decisionName[item.disposition.decision]), ...lines(item.disposition.note)] : []] : []),
      ]),
    });
  });
  return {
    frame: { ...context, kind: l.report, title: l.feedbackSubject(feedback.title), note: null, documentTitle: `${l.feedback}: ${feedback.title}` },
    blocks,
  };
}

/** "Đơn vị gửi đã xử lý: 2 không tiếp thu": what the senders decided, when they decided anything. */
function decidedBelow(item: FeedbackExport['items'][number], l: ExportLabels): Inline[][] {
  const decided = sendersDecisions(item.decisions, l);
  return decided ? [[{ text: `${l.sendersDecided}: `, italic: true }, { text: decided }]] : [];
}

/** Each sending unit by name, with its note on the point in italics. */
function unitLines(item: FeedbackExport['items'][number], names: (unitId: string) => string): Inline[][] {
  if (!item.units) return lines(...item.unitIds.map(names));
  return item.units.map((u) => (u.note ? [{ text: `${u.name}: ` }, { text: u.note, italic: true }] : [{ text: u.name }]));
}


/** The feedback as a .docx file's bytes. */
export function feedbackToDocx(feedback: FeedbackExport, context: FrameContext): Promise<Buffer> {
  return renderDocx(feedbackPage(feedback, context));
}

/** The feedback as PDF bytes. */
export function feedbackToPdf(feedback: FeedbackExport, context: FrameContext): Promise<Buffer> {
  return renderPdf(feedbackPage(feedback, context));
}
