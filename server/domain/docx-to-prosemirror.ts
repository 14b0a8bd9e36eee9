/**
 * A Word document (WordprocessingML, opened by docx-package.ts) → ProseMirror JSON in the draft
 * schema (document-schema.ts). Pure. Only what the draft has survives as structure; everything
 * else keeps its text or, for what has none that a reader sees in the flow (drawings, text boxes,
 * equations, footnotes, comments, headers and footers), is left out.
 *
 * Rules (API.md "Documents": "Title / Heading 1–3 styles become headings, numbered and bulleted
 * paragraphs list items, bold and italic kept, tables kept as tables"):
 * - a paragraph whose style (or a style it is based on) is named `Title` → heading 1,
 *   `heading 1`…`heading 3` → heading 1–3, `heading 4`…`heading 9` → heading 3 (as Markdown's
 *   `####`); Word stores these built-in names in English whatever the language of Word;
 * - a paragraph with numbering (`w:numPr` on it or on its style; `numId` 0 means none) → a list
 *   item: `numFmt` `bullet` → bulletList, any other format → orderedList; `ilvl` nests lists;
 *   consecutive items of the same numbering and kind at a level share a list; a list that goes on
 *   numbering from an earlier one (the same `numId` after other text) gets that `start`;
 * - bold and italic: the run's own `w:b` / `w:i`, else its character style's, else (outside
 *   headings) its paragraph style's, following `basedOn`;
 * - a table → `table` with `tableRow`s; a row marked "repeat as header row" (`w:tblHeader`) has
 *   `tableHeader` cells, others `tableCell`; `gridSpan` → `colspan`, vertical merges → `rowspan`,
 *   grid widths → `colwidth` (pixels, twips / 15); short rows are padded with empty cells so every
 *   row covers the table's grid (the editor would otherwise add them on opening). A cell holds
 *   paragraphs only: headings and list items in it become paragraphs, a nested table's cells'
 *   paragraphs follow in reading order, and a cell without text gets one empty paragraph;
 * - line breaks (`w:br` of type text wrapping, `w:cr`) → hardBreak; page and column breaks →
 *   nothing; tabs → `\t`; non-breaking hyphens → `-`; soft hyphens → nothing;
 * - text of tracked insertions is kept and of tracked deletions dropped (the document as it reads
 *   now); field results are kept and field codes dropped; hyperlinks keep their text;
 * - paragraphs without text outside tables (Word's spacing lines) are dropped; a document with no
 *   text at all becomes one empty paragraph, like empty text or Markdown content.
 * Text is not cleaned here: content-import.ts cleans and validates the result like any content.
 */
import type { Document as XmlDocument } from '@xmldom/xmldom';
import { MAX_HEADING_LEVEL } from './document-schema.js';
import { elements, type DocxPackage, type XmlElement } from './docx-package.js';
import type { ProseMirrorJSON } from './markdown-to-prosemirror.js';

type Marks = { bold: boolean; italic: boolean };

interface StyleInfo {
  name: string;
  basedOn: string | null;
  numPr: { numId: string | null; ilvl: number | null } | null;
  bold: boolean | null;
  italic: boolean | null;
}

interface ListLevel {
  ordered: boolean;
  start: number;
}

/** Elements whose content is never part of the text a reader sees in the flow. */
const SKIPPED = new Set([
  'del',
  'moveFrom',
  'delText',
  'delInstrText',
  'instrText',
  'drawing',
  'pict',
  'object',
  'AlternateContent',
  'footnoteReference',
  'endnoteReference',
  'commentReference',
  'rPr',
  'pPr',
  'tblPr',
  'trPr',
  'tcPr',
  'sectPr',
  'oMath',
  'oMathPara',
]);

/** Converts an opened Word package to a ProseMirror `doc` (see the module comment for the rules). */
export function docxToProseMirrorJSON(pkg: DocxPackage): ProseMirrorJSON {
  return new Converter(pkg).convert();
}

class Converter {
  private readonly styles: Map<string, StyleInfo>;
  private readonly defaultParagraphStyle: string | null;
  private readonly numbering: Map<string, Map<number, ListLevel>>;
  /** Items numbered so far per numId and level, for `start` of lists that go on numbering. */
  private readonly counters = new Map<string, number[]>();

  constructor(private readonly pkg: DocxPackage) {
    this.styles = readStyles(pkg.styles);
    this.defaultParagraphStyle = defaultStyleId(pkg.styles);
    this.numbering = readNumbering(pkg.numbering);
  }

  convert(): ProseMirrorJSON {
    const body = elements(this.pkg.document.documentElement, 'body')[0];
    const content: ProseMirrorJSON[] = [];
    // Open lists, outermost first: the list node, its level and which numbering it follows.
    let lists: { node: ProseMirrorJSON; level: number; numId: string; ordered: boolean }[] = [];
    for (const block of flowChildren(body)) {
      if (block.localName === 'tbl') {
        lists = [];
        const table = this.table(block);
        if (table) content.push(table);
        continue;
      }
      if (block.localName !== 'p') continue;
      const { heading, list, inline } = this.paragraph(block);
      if (!hasText(inline)) continue;
      if (heading > 0 || !list) {
        lists = [];
        content.push({ type: heading > 0 ? 'heading' : 'paragraph', ...(heading > 0 ? { attrs: { level: heading } } : {}), content: inline });
        continue;
      }
      while (lists.length > 0 && lists[lists.length - 1]!.level > list.level) lists.pop();
      const top = lists[lists.length - 1];
      if (top && top.level === list.level && (top.numId !== list.numId || top.ordered !== list.ordered)) lists.pop();
      const count = this.count(list.numId, list.level);
      let current = lists[lists.length - 1];
      if (!current || current.level < list.level) {
        const start = list.start + count;
        const node: ProseMirrorJSON = list.ordered ? { type: 'orderedList', ...(start !== 1 ? { attrs: { start } } : {}), content: [] } : { type: 'bulletList', content: [] };
        if (current) current.node.content!.at(-1)!.content!.push(node);
        else content.push(node);
        current = { node, level: list.level, numId: list.numId, ordered: list.ordered };
        lists.push(current);
      }
      current.node.content!.push({ type: 'listItem', content: [{ type: 'paragraph', content: inline }] });
    }
    if (content.length === 0) content.push({ type: 'paragraph' });
    return { type: 'doc', content };
  }

  /** Counts an item of numbering `numId` at `level` and returns how many came before it (deeper
   * levels restart, as Word numbers them by default). */
  private count(numId: string, level: number): number {
    const counts = this.counters.get(numId) ?? [];
    const before = counts[level] ?? 0;
    counts[level] = before + 1;
    counts.length = level + 1;
    this.counters.set(numId, counts);
    return before;
  }

  private paragraph(p: XmlElement): { heading: number; list: { numId: string; level: number; ordered: boolean; start: number } | null; inline: ProseMirrorJSON[] } {
    const pPr = elements(p, 'pPr')[0];
    const styleId = val(elements(pPr ?? null, 'pStyle')[0]) ?? this.defaultParagraphStyle;
    const chain = this.chain(styleId);
    const heading = headingLevelOf(chain, styleId);
    const numPr = this.numPr(elements(pPr ?? null, 'numPr')[0], chain);
    const level = numPr && this.numbering.get(numPr.numId)?.get(numPr.ilvl);
    const list = numPr && level ? { numId: numPr.numId, level: numPr.ilvl, ordered: level.ordered, start: level.start } : null;
    const base: Marks = heading > 0 ? { bold: false, italic: false } : { bold: pick(chain, 'bold') ?? false, italic: pick(chain, 'italic') ?? false };
    return { heading, list, inline: this.inline(p, base) };
  }

  /** The paragraph's numbering: its own `w:numPr`, else its style chain's; null when none or `numId` 0. */
  private numPr(own: XmlElement | undefined, chain: StyleInfo[]): { numId: string; ilvl: number } | null {
    let numId = own ? val(elements(own, 'numId')[0]) : null;
    let ilvl = own ? intVal(elements(own, 'ilvl')[0]) : null;
    for (const style of chain) {
      numId ??= style.numPr?.numId ?? null;
      ilvl ??= style.numPr?.ilvl ?? null;
    }
    if (numId === null || numId === '0') return null;
    return { numId, ilvl: Math.max(0, Math.min(8, ilvl ?? 0)) };
  }

  /** A style and the styles it is based on, nearest first (cycles cut). */
  private chain(styleId: string | null): StyleInfo[] {
    const out: StyleInfo[] = [];
    const seen = new Set<string>();
    for (let id = styleId; id !== null && !seen.has(id) && out.length < 16; ) {
      seen.add(id);
      const style = this.styles.get(id);
      if (!style) break;
      out.push(style);
      id = style.basedOn;
    }
    return out;
  }

  /** Text, hard breaks and marks of a paragraph's runs (wherever nested: hyperlinks, insertions, content controls, fields). */
  private inline(p: XmlElement, base: Marks): ProseMirrorJSON[] {
    const out: ProseMirrorJSON[] = [];
    const push = (text: string, marks: Marks) => {
      if (text === '') return;
      const last = out.at(-1);
      const markList = [...(marks.bold ? [{ type: 'bold' }] : []), ...(marks.italic ? [{ type: 'italic' }] : [])];
      if (last?.type === 'text' && sameMarks(last.marks, markList)) last.text += text;
      else out.push(markList.length > 0 ? { type: 'text', text, marks: markList } : { type: 'text', text });
    };
    const visit = (parent: XmlElement) => {
      for (const child of elements(parent)) {
        if (SKIPPED.has(child.localName!)) continue;
        if (child.localName === 'r') this.run(child, base, push, () => out.push({ type: 'hardBreak' }));
        else if (child.localName !== 'p' && child.localName !== 'tbl') visit(child);
      }
    };
    visit(p);
    return out;
  }

  private run(r: XmlElement, base: Marks, push: (text: string, marks: Marks) => void, lineBreak: () => void): void {
    const rPr = elements(r, 'rPr')[0];
    const runStyle = this.chain(val(elements(rPr ?? null, 'rStyle')[0]));
    const marks: Marks = {
      bold: toggle(elements(rPr ?? null, 'b')[0]) ?? pick(runStyle, 'bold') ?? base.bold,
      italic: toggle(elements(rPr ?? null, 'i')[0]) ?? pick(runStyle, 'italic') ?? base.italic,
    };
    for (const child of elements(r)) {
      switch (child.localName) {
        case 't':
          push(child.textContent ?? '', marks);
          break;
        case 'tab':
          push('\t', marks);
          break;
        case 'noBreakHyphen':
          push('-', marks);
          break;
        case 'cr':
          lineBreak();
          break;
        case 'br': {
          const type = attr(child, 'type');
          if (!type || type === 'textWrapping') lineBreak();
          break;
        }
        default:
          // softHyphen, symbols, drawings, field characters, footnote marks: nothing in the flow.
          break;
      }
    }
  }

  private table(tbl: XmlElement): ProseMirrorJSON | null {
    const gridWidths = elements(elements(tbl, 'tblGrid')[0] ?? null, 'gridCol').map((c) => intVal(c, 'w') ?? 0);
    type Cell = { node: ProseMirrorJSON; row: number; col: number; colspan: number; rowspan: number };
    const cells: Cell[] = [];
    const rows: { cells: Cell[] }[] = [];
    // The cell that a vertical merge continues, by the grid column it starts at.
    const openMerges = new Map<number, Cell>();
    for (const tr of flowChildren(tbl).filter((e) => e.localName === 'tr')) {
      const trPr = elements(tr, 'trPr')[0];
      const header = toggle(elements(trPr ?? null, 'tblHeader')[0]) ?? false;
      const row = { cells: [] as Cell[] };
      const rowIndex = rows.length;
      let col = intVal(elements(trPr ?? null, 'gridBefore')[0]) ?? 0;
      for (let c = 0; c < col; c++) row.cells.push(this.emptyCell(rowIndex, c, header, gridWidths, cells));
      for (const tc of flowChildren(tr).filter((e) => e.localName === 'tc')) {
        const tcPr = elements(tc, 'tcPr')[0];
        const colspan = Math.max(1, Math.min(64, intVal(elements(tcPr ?? null, 'gridSpan')[0]) ?? 1));
        const vMerge = elements(tcPr ?? null, 'vMerge')[0];
        const merge = vMerge ? (val(vMerge) ?? 'continue') : null;
        const above = openMerges.get(col);
        if (merge === 'continue' && above) {
          above.rowspan = rowIndex - above.row + 1;
          above.node.attrs!.rowspan = above.rowspan;
        } else {
          const cell: Cell = { node: this.cell(tc, header, colspan, widthsOf(gridWidths, col, colspan)), row: rowIndex, col, colspan, rowspan: 1 };
          row.cells.push(cell);
          cells.push(cell);
          for (let c = col; c < col + colspan; c++) openMerges.delete(c);
          if (merge === 'restart') openMerges.set(col, cell);
        }
        col += colspan;
      }
      rows.push(row);
    }
    if (rows.length === 0) return null;
    // Pad every row to the table's width (columns it covers itself or through a rowspan above).
    const covered = rows.map(() => 0);
    for (const cell of cells) for (let r = cell.row; r < cell.row + cell.rowspan; r++) covered[r]! += cell.colspan;
    const width = Math.max(...covered);
    rows.forEach((row, r) => {
      const header = row.cells[0]?.node.type === 'tableHeader';
      for (let c = covered[r]!; c < width; c++) row.cells.push(this.emptyCell(r, c, header, gridWidths, cells));
    });
    if (width === 0) return null;
    return { type: 'table', content: rows.map((row) => ({ type: 'tableRow', content: row.cells.map((c) => c.node) })) };
  }

  private emptyCell(row: number, col: number, header: boolean, gridWidths: number[], cells: { node: ProseMirrorJSON; row: number; col: number; colspan: number; rowspan: number }[]) {
    const cell = { node: cellNode(header, [{ type: 'paragraph' }], 1, widthsOf(gridWidths, col, 1)), row, col, colspan: 1, rowspan: 1 };
    cells.push(cell);
    return cell;
  }

  /** A cell's paragraphs (nested tables' cells in reading order); at least one. */
  private cell(tc: XmlElement, header: boolean, colspan: number, colwidth: number[] | null): ProseMirrorJSON {
    const paragraphs: ProseMirrorJSON[] = [];
    const collect = (container: XmlElement) => {
      for (const child of flowChildren(container)) {
        if (child.localName === 'p') {
          const { inline } = this.paragraph(child);
          if (hasText(inline)) paragraphs.push({ type: 'paragraph', content: inline });
        } else if (child.localName === 'tbl' || child.localName === 'tr' || child.localName === 'tc') collect(child);
      }
    };
    collect(tc);
    return cellNode(header, paragraphs.length > 0 ? paragraphs : [{ type: 'paragraph' }], colspan, colwidth);
  }
}

function cellNode(header: boolean, content: ProseMirrorJSON[], colspan: number, colwidth: number[] | null): ProseMirrorJSON {
  return { type: header ? 'tableHeader' : 'tableCell', attrs: { colspan, rowspan: 1, colwidth }, content };
}

/** Pixel widths (Tiptap's `colwidth`) of grid columns `col … col + span - 1`; null when the grid does not say. */
function widthsOf(gridWidths: number[], col: number, span: number): number[] | null {
  const widths = gridWidths.slice(col, col + span);
  if (widths.length !== span || widths.some((w) => !(w > 0))) return null;
  return widths.map((twips) => Math.max(1, Math.round(twips / 15)));
}

/** Block-level children, with content controls, custom XML and tracked insertions unwrapped. */
function flowChildren(parent: XmlElement | undefined): XmlElement[] {
  const out: XmlElement[] = [];
  for (const child of elements(parent ?? null)) {
    const name = child.localName;
    if (name === 'sdt') out.push(...flowChildren(elements(child, 'sdtContent')[0]));
    else if (name === 'customXml' || name === 'ins' || name === 'smartTag') out.push(...flowChildren(child));
    else if (!SKIPPED.has(name!)) out.push(child);
  }
  return out;
}

function hasText(inline: readonly ProseMirrorJSON[]): boolean {
  return inline.some((n) => n.type === 'hardBreak' || (n.text !== undefined && n.text.trim() !== ''));
}

function sameMarks(a: ProseMirrorJSON['marks'], b: { type: string }[]): boolean {
  return (a ?? []).length === b.length && (a ?? []).every((m, i) => m.type === b[i]!.type);
}

/** An attribute by local name (WordprocessingML attributes carry the `w:` prefix, or the strict namespace's). */
function attr(element: XmlElement | undefined, name: string): string | null {
  if (!element) return null;
  for (let i = 0; i < element.attributes.length; i++) {
    const a = element.attributes[i]!;
    if (a.localName === name) return a.value;
  }
  return null;
}

function val(element: XmlElement | undefined): string | null {
  return attr(element, 'val');
}

function intVal(element: XmlElement | undefined, name = 'val'): number | null {
  const raw = attr(element, name);
  const n = raw === null ? NaN : Number.parseInt(raw, 10);
  return Number.isFinite(n) ? n : null;
}

/** A toggle property (`w:b`, `w:i`, `w:tblHeader`): absent → null; present → on unless its val says off. */
function toggle(element: XmlElement | undefined): boolean | null {
  if (!element) return null;
  const v = val(element);
  return v === null || !['0', 'false', 'off', 'none'].includes(v.toLowerCase());
}

function pick(chain: StyleInfo[], key: 'bold' | 'italic'): boolean | null {
  for (const style of chain) if (style[key] !== null) return style[key];
  return null;
}

function headingLevelOf(chain: StyleInfo[], styleId: string | null): number {
  const names = chain.length > 0 ? chain.map((s) => s.name) : styleId ? [styleId] : [];
  for (const raw of names) {
    const name = raw.toLowerCase().replace(/\s+/g, '');
    if (name === 'title') return 1;
    const heading = /^heading([1-9])$/.exec(name);
    if (heading) return Math.min(MAX_HEADING_LEVEL, Number(heading[1]));
  }
  return 0;
}

function readStyles(styles: XmlDocument | null): Map<string, StyleInfo> {
  const out = new Map<string, StyleInfo>();
  for (const style of elements(styles?.documentElement ?? null, 'style')) {
    const id = attr(style, 'styleId');
    if (id === null) continue;
    const pPr = elements(style, 'pPr')[0];
    const rPr = elements(style, 'rPr')[0];
    const numPr = elements(pPr ?? null, 'numPr')[0];
    out.set(id, {
      name: val(elements(style, 'name')[0]) ?? id,
      basedOn: val(elements(style, 'basedOn')[0]),
      numPr: numPr ? { numId: val(elements(numPr, 'numId')[0]), ilvl: intVal(elements(numPr, 'ilvl')[0]) } : null,
      bold: toggle(elements(rPr ?? null, 'b')[0]),
      italic: toggle(elements(rPr ?? null, 'i')[0]),
    });
  }
  return out;
}

function defaultStyleId(styles: XmlDocument | null): string | null {
  const style = elements(styles?.documentElement ?? null, 'style').find((s) => attr(s, 'type') === 'paragraph' && ['1', 'true', 'on'].includes((attr(s, 'default') ?? '').toLowerCase()));
  return style ? attr(style, 'styleId') : null;
}

/** numId → level → kind and start (abstract numbering with the instance's start overrides). */
function readNumbering(numbering: XmlDocument | null): Map<string, Map<number, ListLevel>> {
  const root = numbering?.documentElement ?? null;
  const abstract = new Map<string, Map<number, ListLevel>>();
  for (const a of elements(root, 'abstractNum')) {
    const levels = new Map<number, ListLevel>();
    for (const lvl of elements(a, 'lvl')) {
      const format = val(elements(lvl, 'numFmt')[0]) ?? 'decimal';
      if (format === 'none') continue;
      levels.set(intVal(lvl, 'ilvl') ?? 0, { ordered: format !== 'bullet', start: intVal(elements(lvl, 'start')[0]) ?? 1 });
    }
    abstract.set(attr(a, 'abstractNumId') ?? '', levels);
  }
  const out = new Map<string, Map<number, ListLevel>>();
  for (const num of elements(root, 'num')) {
    const levels = new Map(abstract.get(val(elements(num, 'abstractNumId')[0]) ?? '') ?? []);
    for (const override of elements(num, 'lvlOverride')) {
      const ilvl = intVal(override, 'ilvl') ?? 0;
      const start = intVal(elements(override, 'startOverride')[0]);
      const level = levels.get(ilvl);
      if (level && start !== null) levels.set(ilvl, { ...level, start });
    }
    out.set(attr(num, 'numId') ?? '', levels);
  }
  return out;
}
