/** Building blocks shared by the DOCX exports (the `docx` library writes and escapes the XML). */
import { HeadingLevel, Paragraph, Table, TableCell, TableRow, TextRun, WidthType } from 'docx';
import { stripInvalidXmlChars } from './text-escape.js';

/** Runs for user text: characters XML cannot carry are dropped, line breaks become breaks. */
export function textRuns(text: string, options: { bold?: boolean } = {}): TextRun[] {
  return stripInvalidXmlChars(text)
    .split(/\r\n|\r|\n/)
    .map((line, i) => new TextRun({ text: line, bold: options.bold, break: i > 0 ? 1 : undefined }));
}

export function heading(text: string, level: 1 | 2): Paragraph {
  return new Paragraph({ heading: level === 1 ? HeadingLevel.HEADING_1 : HeadingLevel.HEADING_2, children: textRuns(text) });
}

export function paragraph(text: string): Paragraph {
  return new Paragraph({ children: textRuns(text) });
}

/** A full-width table whose first row is a repeated header row. */
export function table(header: readonly string[], rows: readonly (readonly string[])[]): Table {
  const row = (cells: readonly string[], isHeader: boolean) =>
    new TableRow({
      tableHeader: isHeader,
      children: cells.map((c) => new TableCell({ children: [new Paragraph({ children: textRuns(c, { bold: isHeader }) })] })),
    });
  return new Table({ width: { size: 100, type: WidthType.PERCENTAGE }, rows: [row(header, true), ...rows.map((r) => row(r, false))] });
}
