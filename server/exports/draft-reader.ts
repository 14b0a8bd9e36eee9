/**
 * Reads a draft's Y.XmlFragment as paragraphs to print: headings, list items with their markers,
 * quotes, table cells, bold and italic, hard breaks, each piece of text with its offset in the plain-text
 * projection (projection.ts), so diffs and annotation anchors can be laid over it. Pure: it only
 * reads the fragment. Invariant: joining every paragraph's texts, each followed by "\n", gives
 * `projectText(fragment)`.
 */
import * as Y from 'yjs';
import { TABLE, TABLE_CELL, TABLE_HEADER, TABLE_ROW, TEXTBLOCK_NAMES } from '../domain/document-schema.js';
import { EMBED_PLACEHOLDER, headingLevelOf, type YType } from '../domain/projection.js';

export type DraftSpan =
  | { readonly text: string; readonly start: number; readonly bold: boolean; readonly italic: boolean }
  | { readonly lineBreak: true; readonly start: number };

export interface DraftParagraph {
  /** 0 for a paragraph, 1–3 for a heading. */
  readonly level: number;
  /** Projection offset of the first character; the paragraph's "\n" is at `start + length`. */
  readonly start: number;
  readonly length: number;
  /** The list marker ("1.", "a)", "–") for the first paragraph of a list item; "" for its later paragraphs. */
  readonly marker: string | null;
  /** How deep in lists and quotes (0 at the top level). */
  readonly depth: number;
  readonly quoted: boolean;
  readonly spans: readonly DraftSpan[];
  /** Set for a paragraph inside a table cell: where the cell is. */
  readonly cell?: CellPlace;
}

/** A table cell holding a paragraph. Cells are read row by row, left to right (projection.ts). */
export interface CellPlace {
  /** Which table of the draft (0, 1, … in document order). */
  readonly table: number;
  /** Row of the table, and cell of the row, counted from 0 (cells spanned by a neighbour are not counted). */
  readonly row: number;
  readonly column: number;
  readonly header: boolean;
  readonly colspan: number;
  readonly rowspan: number;
  /** Tiptap's `colwidth`: pixel widths of the grid columns the cell covers, or null. */
  readonly colwidth: readonly number[] | null;
}

/** The fragment's paragraphs in document order. */
export function readDraft(fragment: Y.XmlFragment): DraftParagraph[] {
  const out: DraftParagraph[] = [];
  let offset = 0;
  let tables = 0;
  type Context = { depth: number; quoted: boolean; marker: string | null; cell?: CellPlace };
  const visit = (container: YType, context: Context) => {
    let itemIndex = 0;
    for (let item = container._start; item !== null; item = item.right) {
      if (item.deleted || !(item.content instanceof Y.ContentType)) continue;
      const child = item.content.type;
      if (!(child instanceof Y.XmlElement)) continue;
      if (TEXTBLOCK_NAMES.has(child.nodeName)) {
        const spans = readSpans(child, offset);
        const length = spans.reduce((n, s) => n + ('text' in s ? s.text.length : 0), 0);
        out.push({ level: child.nodeName === 'heading' ? headingLevelOf(child) : 0, start: offset, length, ...context, spans });
        offset += length + 1;
        // Later paragraphs of the same list item carry no marker of their own.
        if (context.marker) context = { ...context, marker: '' };
      } else if (child.nodeName === 'bulletList' || child.nodeName === 'orderedList') {
        visit(child, { ...context, depth: context.depth + (context.marker === null ? 0 : 1) });
      } else if (child.nodeName === 'listItem') {
        const list = container instanceof Y.XmlElement ? container : null;
        const ordered = list?.nodeName === 'orderedList';
        const first = Number(list?.getAttribute('start') ?? 1);
        visit(child, { ...context, marker: ordered ? orderedMarker((Number.isFinite(first) ? first : 1) + itemIndex, context.depth) : '–' });
        itemIndex++;
      } else if (child.nodeName === 'blockquote') {
        visit(child, { ...context, depth: context.depth + 1, quoted: true });
      } else if (child.nodeName === TABLE) {
        const table = tables++;
        // Rows and cells in order; anything else a foreign client put there keeps its paragraphs
        // (as the projection reads them), outside the grid.
        let r = 0;
        for (const row of child.toArray()) {
          if (!(row instanceof Y.XmlElement)) continue;
          if (row.nodeName !== TABLE_ROW) {
            visit(row, context);
            continue;
          }
          let c = 0;
          for (const cell of row.toArray()) {
            if (!(cell instanceof Y.XmlElement)) continue;
            if (cell.nodeName !== TABLE_CELL && cell.nodeName !== TABLE_HEADER) {
              visit(cell, context);
              continue;
            }
            const place: CellPlace = {
              table,
              row: r,
              column: c++,
              header: cell.nodeName === TABLE_HEADER,
              colspan: spanOf(cell.getAttribute('colspan')),
              rowspan: spanOf(cell.getAttribute('rowspan')),
              colwidth: widthsOf(cell.getAttribute('colwidth')),
            };
            visit(cell, { depth: 0, quoted: false, marker: null, cell: place });
          }
          r++;
        }
      } else {
        // Elements this reader does not know: their paragraphs, in reading order.
        visit(child, context);
      }
    }
  };
  visit(fragment, { depth: 0, quoted: false, marker: null });
  return out;
}

function spanOf(value: unknown): number {
  const n = Number(value);
  return Number.isInteger(n) && n >= 1 && n <= 64 ? n : 1;
}

function widthsOf(value: unknown): readonly number[] | null {
  return Array.isArray(value) && value.every((w) => typeof w === 'number' && w > 0) ? value : null;
}

/** "1." at the top level, "a)" one level down, as Vietnamese documents number them. */
function orderedMarker(n: number, depth: number): string {
  if (depth % 2 === 1 && n >= 1 && n <= 26) return `${String.fromCharCode(96 + n)})`;
  return `${n}.`;
}

function readSpans(block: Y.XmlElement, start: number): DraftSpan[] {
  const spans: DraftSpan[] = [];
  let offset = start;
  for (let item = block._start; item !== null; item = item.right) {
    if (item.deleted || !item.countable) continue;
    const child = item.content instanceof Y.ContentType ? item.content.type : null;
    if (child instanceof Y.XmlText) {
      for (const op of child.toDelta() as { insert: unknown; attributes?: Record<string, unknown> }[]) {
        const text = typeof op.insert === 'string' ? op.insert : EMBED_PLACEHOLDER;
        const keys = Object.keys(op.attributes ?? {});
        // y-prosemirror names a mark by its type, with a suffix when it allows overlaps.
        const has = (mark: string) => keys.some((k) => k === mark || k.startsWith(`${mark}--`));
        spans.push({ text, start: offset, bold: has('bold'), italic: has('italic') });
        offset += text.length;
      }
    } else if (child instanceof Y.XmlElement && child.nodeName === 'hardBreak') {
      spans.push({ lineBreak: true, start: offset });
    }
  }
  return spans;
}

/**
 * The paragraphs as the NFC text reads them (DESIGN.md "Normalisation"): span texts composed,
 * offsets mapped with `toNfc` (projection.ts `Projection.nfc`), so overlays in the NFC text's
 * offsets — annotation anchors of a version, diffs — lay over them. The same array when the
 * projection is NFC already. Joining the result as `readDraft` says gives the NFC text.
 */
export function nfcParagraphs(paragraphs: DraftParagraph[], nfc: { readonly identity: boolean; toNfc(offset: number): number }): DraftParagraph[] {
  if (nfc.identity) return paragraphs;
  return paragraphs.map((p) => {
    const start = nfc.toNfc(p.start);
    return {
      ...p,
      start,
      length: nfc.toNfc(p.start + p.length) - start,
      spans: p.spans.map((s) => ('text' in s ? { ...s, text: s.text.normalize('NFC'), start: nfc.toNfc(s.start) } : { ...s, start: nfc.toNfc(s.start) })),
    };
  });
}
