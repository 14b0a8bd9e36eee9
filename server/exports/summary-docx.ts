/**
 * A round summary as DOCX (what the committees open): title, participation, a Heading 2 per
 * section and a table of its clusters with a header row. User text is only ever a TextRun's text.
 */
import { Document, Packer, type Paragraph, type Table } from 'docx';
import { heading, paragraph, table } from './docx-parts.js';
import { stripInvalidXmlChars } from './text-escape.js';
import { formatDecisions, labelsFor, sectionHeading, type ExportLocale } from './labels.js';
import type { RoundSummaryExport } from './summary-types.js';

/** The summary as a .docx file's bytes. Pure apart from the library's zip encoding. */
export async function summaryToDocx(summary: RoundSummaryExport, locale: ExportLocale = 'vi'): Promise<Buffer> {
  const l = labelsFor(locale);
  const children: (Paragraph | Table)[] = [heading(`${l.summary}: ${summary.title}`, 1), paragraph(l.participation(summary.participation))];
  if (summary.participation.byUnit.length > 0) {
    children.push(table([l.unit, l.invited, l.commented], summary.participation.byUnit.map((u) => [u.name ?? u.unitId, String(u.invited), String(u.commented)])));
  }
  for (const section of summary.sections) {
    children.push(heading(sectionHeading(section, l), 2));
    if (section.clusters.length === 0) {
      children.push(paragraph(l.none));
      continue;
    }
    children.push(
      table(
        [l.kind, l.count, l.text, l.proposed, l.decisions],
        section.clusters.map((c) => [l.kinds[c.kind], String(c.count), c.representative.body, c.representative.replacement ?? '', formatDecisions(c.decisions, l)]),
      ),
    );
  }
  return Packer.toBuffer(new Document({ title: stripInvalidXmlChars(summary.title), sections: [{ children }] }));
}
