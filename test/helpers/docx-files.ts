/**
 * Word files for tests, written by the `docx` package the way Word writes them (styles.xml with
 * Title / Heading styles, numbering.xml, tables with a grid), plus broken ones made from them.
 */
import { randomBytes } from 'node:crypto';
import { zipSync, unzipSync, strToU8 } from 'fflate';
import {
  AlignmentType,
  Document,
  HeadingLevel,
  LevelFormat,
  Packer,
  Paragraph,
  Table,
  TableCell,
  TableRow,
  TextRun,
  WidthType,
  VerticalMergeType,
} from 'docx';

const NUMBERING = {
  config: [
    {
      reference: 'so-thu-tu',
      levels: [
        { level: 0, format: LevelFormat.DECIMAL, text: '%1.', alignment: AlignmentType.START },
        { level: 1, format: LevelFormat.LOWER_LETTER, text: '%2)', alignment: AlignmentType.START },
      ],
    },
  ],
};

function cell(text: string, options: { bold?: boolean; columnSpan?: number; verticalMerge?: 'restart' | 'continue' } = {}): TableCell {
  return new TableCell({
    children: text.split('\n').map((line) => new Paragraph({ children: [new TextRun({ text: line, bold: options.bold })] })),
    ...(options.columnSpan ? { columnSpan: options.columnSpan } : {}),
    ...(options.verticalMerge ? { verticalMerge: options.verticalMerge === 'restart' ? VerticalMergeType.RESTART : VerticalMergeType.CONTINUE } : {}),
  });
}

/** The table of the real-looking report: a header row and three rows of targets. */
export const REPORT_TABLE = {
  header: ['STT', 'Chỉ tiêu', 'Kết quả 2025'],
  rows: [
    ['1', 'Tốc độ tăng trưởng kinh tế', '7,2%'],
    ['2', 'Thu nhập bình quân đầu người', '52 triệu đồng'],
    ['3', 'Tỷ lệ hộ nghèo', 'giảm còn 1,8%'],
  ],
} as const;

/** A table of targets as Word writes it (header row repeated on each page, fixed grid). */
export function reportTable(rows: readonly (readonly string[])[] = REPORT_TABLE.rows): Table {
  return new Table({
    width: { size: 9000, type: WidthType.DXA },
    columnWidths: [900, 5100, 3000],
    rows: [
      new TableRow({ tableHeader: true, children: REPORT_TABLE.header.map((h) => cell(h, { bold: true })) }),
      ...rows.map((row) => new TableRow({ children: row.map((text) => cell(text)) })),
    ],
  });
}

/**
 * A commune's draft political report: Title, Heading 1 and 2, a numbered list with a nested
 * lettered item, a bulleted list, bold and italic runs, and a table of targets in Vietnamese.
 */
export function reportDocx(): Promise<Buffer> {
  const doc = new Document({
    numbering: NUMBERING,
    sections: [
      {
        children: [
          new Paragraph({ heading: HeadingLevel.TITLE, children: [new TextRun('BÁO CÁO CHÍNH TRỊ CỦA BAN CHẤP HÀNH ĐẢNG BỘ XÃ')] }),
          new Paragraph({ text: '' }),
          new Paragraph({ heading: HeadingLevel.HEADING_1, text: 'I. Kết quả thực hiện nhiệm vụ' }),
          new Paragraph({
            children: [new TextRun('Nhiệm kỳ qua, Đảng bộ đã lãnh đạo '), new TextRun({ text: 'hoàn thành vượt mức', bold: true }), new TextRun(' các chỉ tiêu '), new TextRun({ text: 'chủ yếu', italics: true }), new TextRun('.')],
          }),
          new Paragraph({ heading: HeadingLevel.HEADING_2, text: '1. Về kinh tế' }),
          new Paragraph({ text: 'Phát triển nông nghiệp hàng hóa', numbering: { reference: 'so-thu-tu', level: 0 } }),
          new Paragraph({ text: 'Trồng lúa chất lượng cao', numbering: { reference: 'so-thu-tu', level: 1 } }),
          new Paragraph({ text: 'Xây dựng nông thôn mới nâng cao', numbering: { reference: 'so-thu-tu', level: 0 } }),
          new Paragraph({ text: 'Các chỉ tiêu chủ yếu đạt được:' }),
          reportTable(),
          new Paragraph({ heading: HeadingLevel.HEADING_3, text: '1.1. Hạn chế' }),
          new Paragraph({ text: 'Chuyển dịch cơ cấu còn chậm', bullet: { level: 0 } }),
          new Paragraph({ text: 'Nguồn lực đầu tư còn hạn chế', bullet: { level: 0 } }),
          new Paragraph({ heading: HeadingLevel.HEADING_1, text: 'II. Phương hướng nhiệm kỳ tới' }),
          new Paragraph({ children: [new TextRun('Tiếp tục đổi mới phương thức lãnh đạo.'), new TextRun({ text: 'Dòng thứ hai.', break: 1 })] }),
        ],
      },
    ],
  });
  return Packer.toBuffer(doc);
}

/** A table with merged cells: a cell spanning two columns, one spanning two rows, and a short row. */
export function mergedTableDocx(): Promise<Buffer> {
  const doc = new Document({
    sections: [
      {
        children: [
          new Table({
            columnWidths: [1500, 3000, 3000],
            rows: [
              new TableRow({ children: [cell('Nhóm', { verticalMerge: 'restart' }), cell('Ý kiến', { columnSpan: 2 })] }),
              new TableRow({ children: [cell('', { verticalMerge: 'continue' }), cell('Đồng ý'), cell('Khác')] }),
              new TableRow({ children: [cell('Tổ 1')] }),
            ],
          }),
        ],
      },
    ],
  });
  return Packer.toBuffer(doc);
}

/** A Word file with no text at all (one empty paragraph, as Word saves a blank document). */
export function emptyDocx(): Promise<Buffer> {
  return Packer.toBuffer(new Document({ sections: [{ children: [new Paragraph({ text: '' })] }] }));
}

/** A real DOCX over `bytes` in size: a picture part of random (incompressible) bytes, stored. */
export async function oversizeDocx(bytes: number): Promise<Buffer> {
  return repackDocx(await emptyDocx(), { 'word/media/image1.png': randomBytes(bytes) }, 0);
}

/**
 * A report of about `pages` A4 pages (≈ 3,000 characters each, as the exports bench counts a
 * page): a heading per page and a part heading every ten, six paragraphs with bold words, a
 * numbered list, and a table of targets every third page.
 */
export function longReportDocx(pages: number): Promise<Buffer> {
  const children: (Paragraph | Table)[] = [new Paragraph({ heading: HeadingLevel.TITLE, text: 'BÁO CÁO CHÍNH TRỊ' })];
  const sentence = 'Đảng bộ tiếp tục lãnh đạo phát triển kinh tế, văn hóa, xã hội, bảo đảm quốc phòng, an ninh và nâng cao đời sống của nhân dân trên địa bàn. ';
  for (let page = 1; page <= pages; page++) {
    if (page % 10 === 1) children.push(new Paragraph({ heading: HeadingLevel.HEADING_1, text: `Phần ${Math.ceil(page / 10)}. Nội dung` }));
    children.push(new Paragraph({ heading: HeadingLevel.HEADING_2, text: `${page}. Mục ${page}` }));
    for (let i = 0; i < 6; i++) children.push(new Paragraph({ children: [new TextRun(sentence.repeat(2)), new TextRun({ text: 'kết quả nổi bật', bold: true }), new TextRun(sentence)] }));
    children.push(new Paragraph({ text: `Nhiệm vụ ${page}.1`, numbering: { reference: 'so-thu-tu', level: 0 } }));
    children.push(new Paragraph({ text: `Nhiệm vụ ${page}.2`, numbering: { reference: 'so-thu-tu', level: 0 } }));
    if (page % 3 === 0) children.push(reportTable([...REPORT_TABLE.rows, [String(page), 'Chỉ tiêu bổ sung', '100%']]));
  }
  return Packer.toBuffer(new Document({ numbering: NUMBERING, sections: [{ children }] }));
}

/** `docx` with its parts changed: `replace` maps a part name to new text (null removes it). */
export function repackDocx(docx: Uint8Array, replace: Record<string, string | Uint8Array | null>, level: 0 | 6 = 6): Buffer {
  const files = unzipSync(docx);
  for (const [name, content] of Object.entries(replace)) {
    if (content === null) delete files[name];
    else files[name] = typeof content === 'string' ? strToU8(content) : new Uint8Array(content);
  }
  return Buffer.from(zipSync(files, { level }));
}

/** A zip bomb: a valid Word package whose document.xml unpacks to `megabytes` MiB of one letter. */
export async function zipBombDocx(megabytes: number): Promise<Buffer> {
  const base = unzipSync(await emptyDocx());
  base['word/document.xml'] = new Uint8Array(megabytes * 1024 * 1024).fill(0x41);
  return Buffer.from(zipSync(base, { level: 9 }));
}

export { strToU8 };
