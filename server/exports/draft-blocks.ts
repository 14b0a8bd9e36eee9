/**
 * The draft as page blocks (for the draft, tracked-changes and Word-comments exports), with
 * optional overlays laid over it by projection offset: tracked insertions and deletions from a
 * diff, and comment ranges. Pure.
 */
import type { DiffOp } from '../domain/version-diff.js';
import type { DraftParagraph } from './draft-reader.js';
import { draftTableGrid, type Block, type DraftTableCell, type Inline } from './page-model.js';

/** What to lay over the draft; every offset is in the draft's projection. */
export interface Overlay {
  /** Ranges of the text that were inserted (`[start, end)`). */
  readonly inserted?: readonly { readonly start: number; readonly end: number }[];
  /** Text that was deleted, shown where it stood. */
  readonly deleted?: readonly { readonly at: number; readonly text: string }[];
  /** Word comments: `id` marks the passage `[start, end)`. */
  readonly comments?: readonly { readonly id: number; readonly start: number; readonly end: number }[];
}

/** The tracked changes of a diff, in the newer text's offsets (API.md "Versions and diffs"). */
export function overlayOfDiff(ops: readonly DiffOp[]): Overlay {
  const inserted: { start: number; end: number }[] = [];
  const deleted: { at: number; text: string }[] = [];
  let at = 0;
  for (const [op, text] of ops) {
    if (op === -1) deleted.push({ at, text });
    else {
      if (op === 1) inserted.push({ start: at, end: at + text.length });
      at += text.length;
    }
  }
  return { inserted, deleted };
}

type Event = { at: number; order: number; inlines: Inline[] };

/** Blocks of the draft; empty paragraphs are left out unless an overlay marks them. */
export function draftBlocks(paragraphs: readonly DraftParagraph[], overlay: Overlay = {}): Block[] {
  const buckets = bucketEvents(paragraphs, overlay);
  const inserted = [...(overlay.inserted ?? [])].sort((a, b) => a.start - b.start);
  const blocks: Block[] = [];
  // The table being filled: its index in the draft and its rows of cells (paragraphs appended).
  let table: { index: number; rows: { cells: (DraftTableCell & { paragraphs: Inline[][] })[] }[] } | null = null;
  const closeTable = () => {
    if (table) blocks.push(draftTableBlock(table.rows.map((r) => r.cells)));
    table = null;
  };
  paragraphs.forEach((p, i) => {
    const events = buckets[i] ?? [];
    if (p.cell) {
      const place = p.cell;
      if (table?.index !== place.table) {
        closeTable();
        table = { index: place.table, rows: [] };
      }
      const row = (table.rows[place.row] ??= { cells: [] });
      const cell = (row.cells[place.column] ??= { paragraphs: [], header: place.header, colspan: place.colspan, rowspan: place.rowspan, ...widthOf(place.colwidth) });
      const inlines = paragraphInlines(p, events, inserted);
      if (inlines.length > 0 || p.length > 0) cell.paragraphs.push(inlines);
      return;
    }
    closeTable();
    if (p.length === 0 && events.length === 0 && !p.spans.some((s) => 'lineBreak' in s)) return;
    const inlines = paragraphInlines(p, events, inserted);
    if (p.level > 0) blocks.push({ type: 'heading', level: p.level as 1 | 2 | 3, align: p.level < 3 ? 'center' : 'left', inlines });
    else if (p.marker !== null) blocks.push({ type: 'paragraph', inlines, marker: p.marker, indent: p.depth, italic: p.quoted });
    else blocks.push({ type: 'paragraph', inlines, indent: p.depth, italic: p.quoted });
  });
  closeTable();
  return blocks;
}

function widthOf(colwidth: readonly number[] | null): { colwidth?: readonly number[] } {
  return colwidth ? { colwidth } : {};
}

/** A table block from its cells; grid widths from the cells' `colwidth` when every column has one, else equal. */
function draftTableBlock(rows: (DraftTableCell & { colwidth?: readonly number[] })[][]): Block {
  const dense = Array.from(rows, (r) => Array.from(r ?? [], (c) => c ?? { paragraphs: [], header: false, colspan: 1, rowspan: 1 }));
  const { columns, placed } = draftTableGrid(dense);
  const widths: (number | undefined)[] = Array.from({ length: columns }, () => undefined);
  for (const row of placed) {
    for (const { column, cell } of row) {
      const colwidth = (cell as { colwidth?: readonly number[] }).colwidth;
      colwidth?.forEach((w, k) => (widths[column + k] ??= w));
    }
  }
  return {
    type: 'draftTable',
    widths: widths.every((w) => w !== undefined) ? (widths as number[]) : widths.map(() => 1),
    rows: dense.map((r) => r.map(({ paragraphs, header, colspan, rowspan }) => ({ paragraphs: paragraphs.length > 0 ? paragraphs : [[]], header, colspan, rowspan }))),
  };
}

/** Events per paragraph: a position belongs to the paragraph that starts at or before it. */
function bucketEvents(paragraphs: readonly DraftParagraph[], overlay: Overlay): Event[][] {
  const buckets: Event[][] = paragraphs.map(() => []);
  if (paragraphs.length === 0) return buckets;
  const place = (at: number, order: number, inlines: Inline[], bucketBy = at) => {
    let lo = 0;
    let hi = paragraphs.length - 1;
    while (lo < hi) {
      const mid = (lo + hi + 1) >> 1;
      if (paragraphs[mid]!.start <= bucketBy) lo = mid;
      else hi = mid - 1;
    }
    const p = paragraphs[lo]!;
    buckets[lo]!.push({ at: Math.min(Math.max(at, p.start), p.start + p.length), order, inlines });
  };
  for (const c of overlay.comments ?? []) {
    const empty = c.end <= c.start;
    place(c.start, 2, [{ commentStart: c.id }]);
    // The end goes with the passage's last character (a passage ending with its paragraph's "\n"
    // closes in that paragraph, not at the start of the next).
    if (empty) place(c.start, 3, [{ commentEnd: c.id }]);
    else place(c.end, 0, [{ commentEnd: c.id }], c.end - 1);
  }
  for (const d of overlay.deleted ?? []) place(d.at, 1, deletedInlines(d.text));
  for (const bucket of buckets) bucket.sort((a, b) => a.at - b.at || a.order - b.order);
  return buckets;
}

function deletedInlines(text: string): Inline[] {
  const out: Inline[] = [];
  text.split('\n').forEach((line, i) => {
    if (i > 0) out.push({ lineBreak: true, change: 'del' });
    if (line.length > 0) out.push({ text: line, change: 'del' });
  });
  return out;
}

function paragraphInlines(p: DraftParagraph, events: Event[], inserted: readonly { start: number; end: number }[]): Inline[] {
  const out: Inline[] = [];
  let next = 0;
  const flush = (upTo: number) => {
    while (next < events.length && events[next]!.at <= upTo) out.push(...events[next++]!.inlines);
  };
  const isInserted = (a: number) => inserted.some((r) => r.start <= a && a < r.end);
  const cuts = new Set<number>(events.map((e) => e.at));
  for (const r of inserted) {
    if (r.end < p.start || r.start > p.start + p.length) continue;
    cuts.add(r.start);
    cuts.add(r.end);
  }
  const sortedCuts = [...cuts].sort((a, b) => a - b);
  for (const span of p.spans) {
    if ('lineBreak' in span) {
      flush(span.start - 1);
      out.push({ lineBreak: true });
      continue;
    }
    const end = span.start + span.text.length;
    const inside = sortedCuts.filter((c) => c > span.start && c < end);
    let from = span.start;
    for (const to of [...inside, end]) {
      flush(from);
      const piece = span.text.slice(from - span.start, to - span.start);
      out.push({ text: piece, ...(span.bold ? { bold: true } : {}), ...(span.italic ? { italic: true } : {}), ...(isInserted(from) ? { change: 'ins' as const } : {}) });
      from = to;
    }
  }
  flush(Number.POSITIVE_INFINITY);
  return out;
}
