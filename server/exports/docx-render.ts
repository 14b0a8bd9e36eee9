/**
 * Renders an ExportPage as a Word file in the conventions of Vietnamese Party documents
 * (Hướng dẫn 36-HD/VPTW): A4, margins 20/20/30/15 mm, Times New Roman 14 pt, the issuing unit at
 * top left and "ĐẢNG CỘNG SẢN VIỆT NAM" at top right, the date line, the title, black headings (not
 * Word's blue defaults), and the downloader's name, time and page number in the footer. Tracked
 * changes become w:ins / w:del, comments Word comments. User text is only ever a run's text.
 */
import {
  AlignmentType,
  BorderStyle,
  CommentRangeEnd,
  CommentRangeStart,
  CommentReference,
  DeletedTextRun,
  Document,
  Footer,
  HeadingLevel,
  InsertedTextRun,
  Packer,
  PageNumber,
  Paragraph,
  ShadingType,
  Table,
  TableCell,
  TableLayoutType,
  TableRow,
  TextRun,
  UnderlineType,
  WidthType,
  type ParagraphChild,
} from 'docx';
import { dateLine, downloadLine, issuerLines } from './frame.js';
import { labelsFor } from './labels.js';
import { draftTableGrid, type Block, type DraftTableBlock, type ExportPage, type Frame, type Inline } from './page-model.js';
import { stripInvalidXmlChars } from './text-escape.js';

const FONT = 'Times New Roman';
const BODY = 28; // half-points: 14 pt
const TABLE = 26; // 13 pt
const SMALL = 20; // 10 pt
const MM = 56.693; // twips per millimetre
const PAGE = { width: 11906, height: 16838, top: Math.round(20 * MM), bottom: Math.round(20 * MM), left: Math.round(30 * MM), right: Math.round(15 * MM) };
const TEXT_WIDTH = PAGE.width - PAGE.left - PAGE.right;
const INDENT = Math.round(10 * MM);
const NO_BORDER = { style: BorderStyle.NONE, size: 0, color: 'FFFFFF' };
const LINE = { style: BorderStyle.SINGLE, size: 4, color: '000000' };

/** The page as .docx bytes. */
export async function renderDocx(page: ExportPage): Promise<Buffer> {
  const revisions = { next: 1, author: page.revision?.author ?? 'draftroom', date: page.revision?.date ?? page.frame.date };
  const children = [...frameHeader(page.frame), ...page.blocks.map((b) => renderBlock(b, revisions))];
  const black = (size: number, extra: object = {}) => ({ run: { font: FONT, size, bold: true, color: '000000', ...extra }, paragraph: { spacing: { before: 240, after: 120 } } });
  const document = new Document({
    title: stripInvalidXmlChars(page.frame.documentTitle),
    creator: 'draftroom',
    // A line ended by a hard break (Shift+Enter in the draft) keeps its words' spacing instead of
    // being stretched across the justified line, as the PDF and the editor show it.
    compatibility: { doNotExpandShiftReturn: true },
    styles: {
      default: {
        document: { run: { font: FONT, size: BODY }, paragraph: { spacing: { after: 120, line: 276 } } },
        title: black(BODY),
        heading1: black(BODY),
        heading2: black(BODY),
        heading3: black(BODY, { italics: false }),
        heading4: black(BODY, { italics: true }),
        heading5: black(BODY),
        heading6: black(BODY),
      },
    },
    comments: {
      children: (page.comments ?? []).map((c) => ({
        id: c.id,
        author: stripInvalidXmlChars(c.author),
        initials: initials(c.author),
        date: c.date,
        children: c.paragraphs.map((p) => new Paragraph({ children: runsOf(p, SMALL + 2) })),
      })),
    },
    sections: [
      {
        properties: { page: { size: { width: PAGE.width, height: PAGE.height }, margin: { top: PAGE.top, bottom: PAGE.bottom, left: PAGE.left, right: PAGE.right } } },
        footers: { default: footer(page.frame) },
        children,
      },
    ],
  });
  return Packer.toBuffer(document);
}

function frameHeader(frame: Frame): (Paragraph | Table)[] {
  const l = labelsFor(frame.locale);
  const issuer = issuerLines(frame);
  const centered = (text: string, run: { bold?: boolean; italics?: boolean; underline?: object } = {}) =>
    new Paragraph({ alignment: AlignmentType.CENTER, spacing: { after: 0 }, children: [new TextRun({ text: stripInvalidXmlChars(text), ...run })] });
  const cell = (children: Paragraph[], width: number) =>
    new TableCell({ width: { size: width, type: WidthType.DXA }, borders: { top: NO_BORDER, bottom: NO_BORDER, left: NO_BORDER, right: NO_BORDER }, children });
  const left = [...(issuer.upper ? [centered(issuer.upper)] : []), centered(issuer.unit, { bold: true }), centered('*')];
  const right = [centered(l.partyName, { bold: true, underline: { type: UnderlineType.SINGLE } }), centered(' '), centered(dateLine(frame), { italics: true })];
  const widths = [Math.round(TEXT_WIDTH * 0.45), TEXT_WIDTH - Math.round(TEXT_WIDTH * 0.45)];
  const header = new Table({
    width: { size: TEXT_WIDTH, type: WidthType.DXA },
    columnWidths: widths,
    layout: TableLayoutType.FIXED,
    borders: { top: NO_BORDER, bottom: NO_BORDER, left: NO_BORDER, right: NO_BORDER, insideHorizontal: NO_BORDER, insideVertical: NO_BORDER },
    rows: [new TableRow({ children: [cell(left, widths[0]!), cell(right, widths[1]!)] })],
  });
  const out: (Paragraph | Table)[] = [header];
  if (frame.kind) out.push(new Paragraph({ alignment: AlignmentType.CENTER, spacing: { before: 480, after: 0 }, children: [new TextRun({ text: frame.kind, bold: true, size: 32 })] }));
  if (frame.title) out.push(new Paragraph({ alignment: AlignmentType.CENTER, spacing: { before: frame.kind ? 0 : 480, after: 0 }, children: runsOf(frame.title, BODY, { bold: true }) }));
  if (frame.kind || frame.title) out.push(new Paragraph({ alignment: AlignmentType.CENTER, spacing: { after: 240 }, children: [new TextRun('-----')] }));
  if (frame.note) out.push(new Paragraph({ alignment: AlignmentType.CENTER, spacing: { before: frame.kind || frame.title ? 0 : 240, after: 240 }, children: runsOf(frame.note, 26, { italics: true }) }));
  return out;
}

function footer(frame: Frame): Footer {
  const l = labelsFor(frame.locale);
  const run = (children: (string | (typeof PageNumber)[keyof typeof PageNumber])[]) => new TextRun({ children, size: SMALL, italics: true });
  return new Footer({
    children: [
      new Paragraph({
        alignment: AlignmentType.CENTER,
        border: { top: { style: BorderStyle.SINGLE, size: 4, color: '808080', space: 4 } },
        children: [run([stripInvalidXmlChars(downloadLine(frame)), ` · ${l.page} `, PageNumber.CURRENT, l.of, PageNumber.TOTAL_PAGES])],
      }),
    ],
  });
}

interface Revisions {
  next: number;
  readonly author: string;
  readonly date: Date;
}

function renderBlock(block: Block, revisions: Revisions): Paragraph | Table {
  if (block.type === 'heading') {
    const heading = [HeadingLevel.HEADING_1, HeadingLevel.HEADING_2, HeadingLevel.HEADING_3][block.level - 1];
    return new Paragraph({
      heading,
      keepNext: true,
      alignment: block.align === 'center' ? AlignmentType.CENTER : AlignmentType.JUSTIFIED,
      indent: block.align === 'left' ? { firstLine: INDENT } : undefined,
      children: inlineRuns(block.inlines, BODY, revisions),
    });
  }
  if (block.type === 'paragraph') {
    const step = block.indent ?? 0;
    const children = inlineRuns(block.inlines, BODY, revisions, { italics: block.italic });
    if (block.marker !== undefined) {
      return new Paragraph({
        alignment: AlignmentType.JUSTIFIED,
        indent: { left: INDENT * (step + 2), hanging: INDENT },
        children: [new TextRun({ text: `${block.marker}\t`, italics: block.italic }), ...children],
      });
    }
    if (block.centered) return new Paragraph({ alignment: AlignmentType.CENTER, spacing: { after: 240 }, children });
    return new Paragraph({
      alignment: block.plain ? AlignmentType.LEFT : AlignmentType.JUSTIFIED,
      indent: block.plain ? (step > 0 ? { left: INDENT * step } : undefined) : { left: INDENT * step, firstLine: INDENT },
      children,
    });
  }
  if (block.type === 'draftTable') return renderDraftTable(block, revisions);
  const total = block.columns.reduce((s, c) => s + c.width, 0);
  const widths = block.columns.map((c) => Math.round((c.width / total) * TEXT_WIDTH));
  const align = (a: 'right' | 'center' | undefined) => (a === 'right' ? AlignmentType.RIGHT : a === 'center' ? AlignmentType.CENTER : AlignmentType.LEFT);
  const cell = (paragraphs: Paragraph[], width: number, header: boolean) =>
    new TableCell({
      width: { size: width, type: WidthType.DXA },
      margins: { top: 40, bottom: 40, left: 80, right: 80 },
      shading: header ? { type: ShadingType.CLEAR, fill: 'E7E6E6', color: 'auto' } : undefined,
      children: paragraphs,
    });
  const header = new TableRow({
    tableHeader: true,
    cantSplit: true,
    children: block.columns.map((c, i) =>
      cell([new Paragraph({ alignment: AlignmentType.CENTER, spacing: { after: 0 }, children: runsOf(c.header, TABLE, { bold: true }) })], widths[i]!, true),
    ),
  });
  const rows = block.rows.map(
    (row) =>
      new TableRow({
        children: row.map((paragraphs, i) =>
          cell(
            (paragraphs.length > 0 ? paragraphs : [[]]).map((inlines) => new Paragraph({ alignment: align(block.columns[i]?.align), spacing: { after: 60, line: 252 }, children: inlineRuns(inlines, TABLE, revisions) })),
            widths[i]!,
            false,
          ),
        ),
      }),
  );
  return new Table({
    width: { size: TEXT_WIDTH, type: WidthType.DXA },
    columnWidths: widths,
    layout: TableLayoutType.FIXED,
    borders: { top: LINE, bottom: LINE, left: LINE, right: LINE, insideHorizontal: LINE, insideVertical: LINE },
    rows: [header, ...rows],
  });
}

/** A table of the draft: its grid scaled to the text width, spans kept (the docx package writes
 * the `vMerge` continuation cells of a rowspan itself), header rows repeated on each page. */
function renderDraftTable(block: DraftTableBlock, revisions: Revisions): Table {
  const total = block.widths.reduce((s, w) => s + w, 0) || 1;
  const widths = block.widths.map((w) => Math.round((w / total) * TEXT_WIDTH));
  const { placed } = draftTableGrid(block.rows);
  const rows = placed.map(
    (cells) =>
      new TableRow({
        tableHeader: cells.length > 0 && cells.every(({ cell }) => cell.header) ? true : undefined,
        children: cells.map(({ column, cell }) => {
          const width = widths.slice(column, column + cell.colspan).reduce((s, w) => s + w, 0);
          return new TableCell({
            width: { size: width, type: WidthType.DXA },
            margins: { top: 40, bottom: 40, left: 80, right: 80 },
            columnSpan: cell.colspan > 1 ? cell.colspan : undefined,
            rowSpan: cell.rowspan > 1 ? cell.rowspan : undefined,
            shading: cell.header ? { type: ShadingType.CLEAR, fill: 'E7E6E6', color: 'auto' } : undefined,
            children: cell.paragraphs.map(
              (inlines) =>
                new Paragraph({
                  alignment: cell.header ? AlignmentType.CENTER : AlignmentType.LEFT,
                  spacing: { after: 60, line: 252 },
                  children: inlineRuns(inlines, TABLE, revisions, cell.header ? { bold: true } : {}),
                }),
            ),
          });
        }),
      }),
  );
  return new Table({
    width: { size: TEXT_WIDTH, type: WidthType.DXA },
    columnWidths: widths,
    layout: TableLayoutType.FIXED,
    borders: { top: LINE, bottom: LINE, left: LINE, right: LINE, insideHorizontal: LINE, insideVertical: LINE },
    rows,
  });
}

function inlineRuns(inlines: readonly Inline[], size: number, revisions: Revisions, base: { italics?: boolean | undefined; bold?: boolean } = {}): ParagraphChild[] {
  const out: ParagraphChild[] = [];
  for (const inline of inlines) {
    if ('commentStart' in inline) out.push(new CommentRangeStart(inline.commentStart));
    else if ('commentEnd' in inline) out.push(new CommentRangeEnd(inline.commentEnd), new TextRun({ children: [new CommentReference(inline.commentEnd)] }));
    else {
      const options = 'lineBreak' in inline ? { break: 1, size } : { text: stripInvalidXmlChars(inline.text), bold: inline.bold || base.bold, italics: inline.italic || base.italics, size };
      if (inline.change === undefined) out.push(new TextRun(options));
      else {
        const change = { id: revisions.next++, author: revisions.author, date: revisions.date.toISOString() };
        out.push(inline.change === 'ins' ? new InsertedTextRun({ ...options, ...change }) : new DeletedTextRun({ ...options, ...change }));
      }
    }
  }
  return out;
}

function runsOf(text: string, size: number, style: { bold?: boolean; italics?: boolean } = {}): TextRun[] {
  return stripInvalidXmlChars(text)
    .split(/\r\n|\r|\n/)
    .map((line, i) => new TextRun({ text: line, size, ...style, break: i > 0 ? 1 : undefined }));
}

function initials(name: string): string {
  return name
    .split(/\s+/)
    .filter((w) => /^\p{L}/u.test(w))
    .map((w) => w[0]!.toLocaleUpperCase('vi'))
    .join('')
    .slice(0, 4);
}
