/**
 * Tables in the document model (DESIGN.md "The document model"): the projection reads cells'
 * paragraphs row by row, sections ignore tables, and anchoring, re-anchoring, version diffs and
 * applying a suggestion work inside a cell as in any paragraph.
 */
import { describe, expect, it } from 'vitest';
import * as Y from 'yjs';
import { anchorInBase, reanchor } from '../../server/domain/anchoring.js';
import { replaceAnchoredText } from '../../server/domain/apply-suggestion.js';
import { importContent } from '../../server/domain/content-import.js';
import type { ProseMirrorJSON } from '../../server/domain/markdown-to-prosemirror.js';
import { projectFragment } from '../../server/domain/projection.js';
import { diffVersions } from '../../server/domain/version-diff.js';

const p = (text: string, marks?: string[]): ProseMirrorJSON => ({ type: 'paragraph', content: text ? [{ type: 'text', text, ...(marks ? { marks: marks.map((type) => ({ type })) } : {}) }] : [] });
const cell = (type: 'tableCell' | 'tableHeader', ...paragraphs: ProseMirrorJSON[]): ProseMirrorJSON => ({ type, content: paragraphs });

/** A section with a table of targets: a header row, a row whose second cell has two paragraphs, a merged cell. */
const draftJSON: ProseMirrorJSON = {
  type: 'doc',
  content: [
    { type: 'heading', attrs: { level: 1 }, content: [{ type: 'text', text: 'I. Kinh tế' }] },
    p('Các chỉ tiêu:'),
    {
      type: 'table',
      content: [
        { type: 'tableRow', content: [cell('tableHeader', p('Chỉ tiêu')), cell('tableHeader', p('Kết quả'))] },
        { type: 'tableRow', content: [cell('tableCell', p('Thu nhập bình quân')), cell('tableCell', p('52 triệu đồng', ['bold']), p('vượt kế hoạch'))] },
        { type: 'tableRow', content: [{ type: 'tableCell', attrs: { colspan: 2 }, content: [p('Ghi chú: số liệu ước tính')] }] },
      ],
    },
    { type: 'heading', attrs: { level: 1 }, content: [{ type: 'text', text: 'II. Xã hội' }] },
    p('Giảm nghèo bền vững.'),
  ],
};

function draft(): Y.Doc {
  const doc = new Y.Doc();
  importContent(doc, { format: 'prosemirror', value: draftJSON });
  return doc;
}

const projectionOf = (doc: Y.Doc) => projectFragment(doc.getXmlFragment('default'));

function anchorOn(doc: Y.Doc, quote: string) {
  const projection = projectionOf(doc);
  const start = projection.text.indexOf(quote);
  return anchorInBase({ doc, projection }, { start, end: start + quote.length });
}

/** The Y.XmlText of the first paragraph of cell `c` of row `r` of the first table. */
function cellText(doc: Y.Doc, r: number, c: number, paragraph = 0): Y.XmlText {
  const table = doc.getXmlFragment('default').get(2) as Y.XmlElement;
  const row = table.get(r) as Y.XmlElement;
  return ((row.get(c) as Y.XmlElement).get(paragraph) as Y.XmlElement).get(0) as Y.XmlText;
}

describe('tables in the document model', () => {
  it('projects every cell paragraph as a line, row by row and left to right', () => {
    const projection = projectionOf(draft());
    expect(projection.text).toBe(
      'I. Kinh tế\nCác chỉ tiêu:\nChỉ tiêu\nKết quả\nThu nhập bình quân\n52 triệu đồng\nvượt kế hoạch\nGhi chú: số liệu ước tính\nII. Xã hội\nGiảm nghèo bền vững.\n',
    );
    // Each cell paragraph is a textblock whose span is its line.
    const blocks = projection.textblocks.map((b) => projection.text.slice(b.start, b.start + b.length));
    expect(blocks.slice(2, 8)).toEqual(['Chỉ tiêu', 'Kết quả', 'Thu nhập bình quân', '52 triệu đồng', 'vượt kế hoạch', 'Ghi chú: số liệu ước tính']);
  });

  it('never opens a section: a table belongs to the section of the heading above it', () => {
    const projection = projectionOf(draft());
    expect(projection.sections.map((s) => [s.path, projection.text.slice(s.start, s.end).split('\n').length - 1])).toEqual([
      ['I', 8],
      ['II', 2],
    ]);
    expect(anchorOn(draft(), '52 triệu đồng').section).toBe('I');
  });

  it('anchors a passage inside a cell and across two cells, and follows it through edits', () => {
    const doc = draft();
    const inCell = anchorOn(doc, '52 triệu');
    expect(inCell.quote).toMatchObject({ exact: '52 triệu', prefix: expect.stringContaining('Thu nhập bình quân\n'), suffix: expect.stringContaining(' đồng\nvượt') });
    const across = anchorOn(doc, 'bình quân\n52');
    // Text typed in the cell before the passage and in an earlier row moves it; it stays exact.
    cellText(doc, 1, 1).insert(0, 'khoảng ');
    cellText(doc, 0, 0).insert(0, 'Các ');
    const projection = projectionOf(doc);
    const placed = reanchor(inCell, { doc, projection });
    expect(placed.status).toBe('moved');
    expect(projection.text.slice(placed.start!, placed.end!)).toBe('52 triệu');
    const placedAcross = reanchor(across, { doc, projection });
    expect(projection.text.slice(placedAcross.start!, placedAcross.end!)).toBe('bình quân\nkhoảng 52');
  });

  it('diffs versions word by word inside a cell and counts the change in its section', () => {
    const older = projectionOf(draft());
    const doc = draft();
    cellText(doc, 1, 1).delete(0, 2);
    cellText(doc, 1, 1).insert(0, '55');
    const newer = projectionOf(doc);
    const diff = diffVersions(older.text, newer.text, newer.sections);
    expect(diff.ops.filter(([op]) => op !== 0)).toEqual([
      [-1, '52'],
      [1, '55'],
    ]);
    expect(diff.sections).toEqual([{ path: 'I', inserted: 2, deleted: 2 }]);
  });

  it('applies a suggestion inside a cell, keeping the cell\'s formatting and the table\'s shape', () => {
    const doc = draft();
    const anchor = anchorOn(doc, '52 triệu đồng');
    replaceAnchoredText(doc, anchor, '55 triệu đồng');
    expect(projectionOf(doc).text).toContain('Thu nhập bình quân\n55 triệu đồng\nvượt kế hoạch\n');
    expect(cellText(doc, 1, 1).toDelta()).toEqual([{ insert: '55 triệu đồng', attributes: { bold: {} } }]);
    const table = doc.getXmlFragment('default').get(2) as Y.XmlElement;
    expect(table.toArray().map((row) => (row as Y.XmlElement).length)).toEqual([2, 2, 1]);
  });

  it('refuses to apply a suggestion in a cell whose text changed since', () => {
    const doc = draft();
    const anchor = anchorOn(doc, 'Kết quả');
    cellText(doc, 0, 1).delete(0, 3);
    expect(() => replaceAnchoredText(doc, anchor, 'Số liệu')).toThrow(expect.objectContaining({ code: 'conflict' }));
  });

  it('applies a suggestion spanning two cells without moving text between cells or removing one', () => {
    const doc = draft();
    const anchor = anchorOn(doc, 'bình quân\n52 triệu');
    replaceAnchoredText(doc, anchor, 'bình quân năm 2025: 55 triệu');
    const table = doc.getXmlFragment('default').get(2) as Y.XmlElement;
    expect(table.toArray().map((row) => (row as Y.XmlElement).length)).toEqual([2, 2, 1]);
    expect(projectionOf(doc).text).toContain('Thu nhập bình quân năm 2025: \n55 triệu đồng\nvượt kế hoạch\n');
    // From the paragraph above the table into its first cell: the paragraph and the cell both stay.
    const other = draft();
    replaceAnchoredText(other, anchorOn(other, 'tiêu:\nChỉ'), 'tiêu Chỉ');
    expect(projectionOf(other).text).toContain('Các chỉ tiêu \nChỉ tiêu\nKết quả\n');
    expect(((other.getXmlFragment('default').get(2) as Y.XmlElement).get(0) as Y.XmlElement).length).toBe(2);
  });

  it('refuses a table whose cell holds a heading (cells hold paragraphs only)', () => {
    const bad = structuredClone(draftJSON);
    bad.content![2]!.content![0]!.content![0]!.content = [{ type: 'heading', attrs: { level: 2 }, content: [{ type: 'text', text: 'x' }] }];
    expect(() => importContent(new Y.Doc(), { format: 'prosemirror', value: bad })).toThrow(expect.objectContaining({ code: 'validation_failed' }));
  });
});
