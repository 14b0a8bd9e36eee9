/**
 * A higher unit's merged feedback as DOCX: a heading per section and a table of items with
 * counts and "raised by N of M units". User text is only ever a TextRun's text.
 */
import { Document, Packer, type Paragraph, type Table } from 'docx';
import { heading, table } from './docx-parts.js';
import { groupFeedbackBySection, unitNames } from './feedback-sections.js';
import { labelsFor, type ExportLocale } from './labels.js';
import type { FeedbackExport } from './summary-types.js';
import { stripInvalidXmlChars } from './text-escape.js';

/** The feedback as a .docx file's bytes. */
export async function feedbackToDocx(feedback: FeedbackExport, locale: ExportLocale = 'vi'): Promise<Buffer> {
  const l = labelsFor(locale);
  const names = unitNames(feedback);
  const children: (Paragraph | Table)[] = [heading(`${l.feedback}: ${feedback.title}`, 1)];
  for (const section of groupFeedbackBySection(feedback, l)) {
    children.push(heading(section.heading, 2));
    children.push(
      table(
        [l.kind, l.count, l.text, l.proposed, l.units],
        section.items.map((item) => [
          l.kinds[item.kind],
          String(item.count),
          item.representative.body,
          item.representative.replacement ?? '',
          `${l.raisedBy(item.unitCount, feedback.units.length)}: ${item.unitIds.map(names).join(', ')}`,
        ]),
      ),
    );
  }
  return Packer.toBuffer(new Document({ title: stripInvalidXmlChars(feedback.title), sections: [{ children }] }));
}
