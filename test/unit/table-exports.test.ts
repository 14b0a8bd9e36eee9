/**
 * Tables of the draft in the exports (DOCX, PDF, Markdown) and in the views built on them (tracked
 * changes, Word comments): a Word draft's table comes out as a table, with its spans, and overlays
 * land inside the cells.
 */
import mammoth from 'mammoth';
import * as Y from 'yjs';
import { describe, expect, it } from 'vitest';
import { importContent } from '../../server/domain/content-import.js';
import { projectFragment } from '../../server/domain/projection.js';
import { diffVersions } from '../../server/domain/version-diff.js';
import { draftBlocks } from '../../server/exports/draft-blocks.js';
import { annotationsToDocx, diffToDocx, draftToDocx, draftToPdf } from '../../server/exports/draft-docx.js';
import { draftToMarkdown } from '../../server/exports/draft-markdown.js';
import { readDraft } from '../../server/exports/draft-reader.js';
import type { FrameContext } from '../../server/exports/report-parts.js';
import { mergedTableDocx, reportDocx } from '../helpers/docx-files.js';
import { docxPart, pdfContent } from '../helpers/export-files.js';

const context: FrameContext = {
  locale: 'vi',
  issuer: { name: 'Đảng ủy xã Minh Sơn', upperName: 'Huyện ủy Đông Sơn' },
  date: new Date('2026-02-05T03:00:00Z'),
  downloadedBy: 'Trần Thị Soạn',
  downloadedAt: new Date('2026-02-05T07:05:00Z'),
};

async function wordDraft(file: Promise<Buffer>): Promise<Y.Doc> {
  const doc = new Y.Doc();
  importContent(doc, { format: 'docx', value: (await file).toString('base64') });
  return doc;
}

/** The cells of the table of an HTML string that holds `text`, row by row. */
function htmlCells(html: string, text: string): string[][] {
  const table = [...html.matchAll(/<table>(.*?)<\/table>/gs)].find((m) => m[1]!.includes(text))![1]!;
  return [...table.matchAll(/<tr>(.*?)<\/tr>/gs)].map((row) => [...row[1]!.matchAll(/<t[dh][^>]*>(.*?)<\/t[dh]>/gs)].map((c) => c[1]!.replace(/<[^>]+>/g, '')));
}

describe('tables in the draft exports', () => {
  it('reads each cell\'s paragraphs with where the cell is', async () => {
    const doc = await wordDraft(reportDocx());
    const cells = readDraft(doc.getXmlFragment('default')).filter((p) => p.cell);
    expect(cells).toHaveLength(12);
    expect(cells[0]!.cell).toMatchObject({ table: 0, row: 0, column: 0, header: true, colspan: 1, rowspan: 1, colwidth: [60] });
    expect(cells[5]!.cell).toMatchObject({ table: 0, row: 1, column: 2, header: false });
    const blocks = draftBlocks(readDraft(doc.getXmlFragment('default')));
    const table = blocks.find((b) => b.type === 'draftTable')!;
    expect(table.type === 'draftTable' && table.widths).toEqual([60, 340, 200]);
  });

  it('writes a Word table with a repeated header row, read back by mammoth', async () => {
    const doc = await wordDraft(reportDocx());
    const paragraphs = readDraft(doc.getXmlFragment('default'));
    const file = await draftToDocx({ title: 'Báo cáo', paragraphs, note: null }, context);
    const { value: html } = await mammoth.convertToHtml({ buffer: file });
    expect(htmlCells(html, 'STT')).toEqual([
      ['STT', 'Chỉ tiêu', 'Kết quả 2025'],
      ['1', 'Tốc độ tăng trưởng kinh tế', '7,2%'],
      ['2', 'Thu nhập bình quân đầu người', '52 triệu đồng'],
      ['3', 'Tỷ lệ hộ nghèo', 'giảm còn 1,8%'],
    ]);
    const xml = (await docxPart(file, 'word/document.xml'))!;
    expect(xml).toContain('<w:tblHeader/>');
    // The table sits between the paragraphs around it, not at the end.
    expect(html.indexOf('Các chỉ tiêu chủ yếu đạt được')).toBeLessThan(html.indexOf('<table>', html.indexOf('Các chỉ tiêu')));
    expect(html.indexOf('</table>', html.indexOf('Tỷ lệ hộ nghèo'))).toBeLessThan(html.indexOf('1.1. Hạn chế'));
  });

  it('keeps colspan and rowspan in Word, PDF and Markdown', async () => {
    const doc = await wordDraft(mergedTableDocx());
    const paragraphs = readDraft(doc.getXmlFragment('default'));
    const file = await draftToDocx({ title: 'Bảng', paragraphs, note: null }, context);
    const { value: html } = await mammoth.convertToHtml({ buffer: file });
    expect(html).toContain('<td rowspan="2"><p>Nhóm</p></td><td colspan="2"><p>Ý kiến</p></td>');
    const pdf = await pdfContent(await draftToPdf({ title: 'Bảng', paragraphs, note: null }, context));
    expect(pdf.text).toContain('Nhóm Ý kiến Đồng ý Khác Tổ 1');
    const md = draftToMarkdown('Bảng', paragraphs);
    expect(md).toContain(['| Nhóm | Ý kiến |   |', '| --- | --- | --- |', '|   | Đồng ý | Khác |', '| Tổ 1 |   |   |'].join('\n'));
  });

  it('writes a GFM table in Markdown, between the paragraphs around it', async () => {
    const doc = await wordDraft(reportDocx());
    const md = draftToMarkdown('Báo cáo', readDraft(doc.getXmlFragment('default')));
    expect(md).toContain(
      [
        'Các chỉ tiêu chủ yếu đạt được:',
        '',
        '| **STT** | **Chỉ tiêu** | **Kết quả 2025** |',
        '| --- | --- | --- |',
        '| 1 | Tốc độ tăng trưởng kinh tế | 7,2% |',
        '| 2 | Thu nhập bình quân đầu người | 52 triệu đồng |',
        '| 3 | Tỷ lệ hộ nghèo | giảm còn 1,8% |',
        '',
        '### 1\\.1. Hạn chế',
      ].join('\n'),
    );
  });

  it('prints the table in the PDF', async () => {
    const doc = await wordDraft(reportDocx());
    const pdf = await pdfContent(await draftToPdf({ title: 'Báo cáo', paragraphs: readDraft(doc.getXmlFragment('default')), note: null }, context));
    expect(pdf.text).toContain('STT Chỉ tiêu Kết quả 2025 1 Tốc độ tăng trưởng kinh tế 7,2%');
  });

  it('lays tracked changes and Word comments inside a cell', async () => {
    const older = await wordDraft(reportDocx());
    const newer = await wordDraft(reportDocx());
    const table = newer.getXmlFragment('default').toArray().find((n) => n instanceof Y.XmlElement && n.nodeName === 'table') as Y.XmlElement;
    // Row "2 | Thu nhập … | 52 triệu đồng", its third cell, the cell's paragraph, its text.
    const row = table.get(2) as Y.XmlElement;
    const cellText = ((row.get(2) as Y.XmlElement).get(0) as Y.XmlElement).get(0) as Y.XmlText;
    cellText.delete(0, 2);
    cellText.insert(0, '55');
    const oldText = projectFragment(older.getXmlFragment('default')).text;
    const newText = projectFragment(newer.getXmlFragment('default')).text;
    const paragraphs = readDraft(newer.getXmlFragment('default'));
    const tracked = await diffToDocx({ title: 'Báo cáo', paragraphs, note: null }, diffVersions(oldText, newText, []).ops, context, { author: 'Tổ soạn thảo', date: context.date });
    const xml = (await docxPart(tracked, 'word/document.xml'))!;
    const cell = /<w:tc>(?:(?!<\/w:tc>).)*55(?:(?!<\/w:tc>).)*<\/w:tc>/s.exec(xml)![0];
    expect(cell).toMatch(/<w:del [^>]*>.*<w:delText[^>]*>52<\/w:delText>/s);
    expect(cell).toMatch(/<w:ins [^>]*>.*<w:t[^>]*>55<\/w:t>/s);

    const start = newText.indexOf('55 triệu đồng');
    const commented = await annotationsToDocx(
      { title: 'Báo cáo', paragraphs, note: null },
      [{ start, end: start + '55 triệu đồng'.length, author: 'Hoàng Văn An', createdAt: context.date, kind: 'question', body: 'Số liệu nguồn nào?', replacement: null, decision: null, replies: [] }],
      context,
    );
    const commentedXml = (await docxPart(commented, 'word/document.xml'))!;
    expect(/<w:tc>(?:(?!<\/w:tc>).)*<w:commentRangeStart w:id="1"\/>(?:(?!<\/w:tc>).)*55 triệu đồng(?:(?!<\/w:tc>).)*<w:commentRangeEnd w:id="1"\/>/s.test(commentedXml)).toBe(true);
  });
});
