/**
 * The ProseMirror schema of a draft: the subset of Tiptap's StarterKit that draftroom documents
 * use, with StarterKit's node and mark names, so a Tiptap editor with the Collaboration extension
 * and this schema read the same `Y.XmlFragment('default')`.
 *
 * Shared by the server (content import validation) and the web client: it imports nothing but
 * prosemirror-model and carries no DOM rendering rules (Tiptap brings its own).
 *
 * Tables are Tiptap's (`@tiptap/extension-table`): `table` > `tableRow` > `tableCell` |
 * `tableHeader`, with Tiptap's cell attributes (`colspan`, `rowspan`, `colwidth`, `align`). A draft's cells
 * hold paragraphs only (`paragraph+`; the client's editor is configured the same way): a cell is
 * a place for a few lines of text, and headings or lists inside cells would open sections and
 * numbering the outline cannot show.
 */
import { Schema, type NodeSpec, type MarkSpec } from 'prosemirror-model';

/** Heading levels a draft knows; Markdown `####` and deeper import as the last one. */
export const HEADING_LEVELS = [1, 2, 3] as const;
export const MAX_HEADING_LEVEL = 3;

/** The inline node of a line break inside a textblock (Shift+Enter); it projects as `\n`. */
export const HARD_BREAK = 'hardBreak';

/** The nodes that hold text and so contribute to the plain-text projection. */
export const TEXTBLOCK_NAMES: ReadonlySet<string> = new Set(['paragraph', 'heading']);

function validateLevel(value: unknown): void {
  if (typeof value !== 'number' || !Number.isInteger(value) || value < 1 || value > MAX_HEADING_LEVEL) {
    throw new RangeError(`heading level must be an integer from 1 to ${MAX_HEADING_LEVEL}, got ${JSON.stringify(value)}`);
  }
}

function validateStart(value: unknown): void {
  if (typeof value !== 'number' || !Number.isInteger(value) || value < 0) {
    throw new RangeError(`orderedList start must be a non-negative integer, got ${JSON.stringify(value)}`);
  }
}

function validateSpan(value: unknown): void {
  if (typeof value !== 'number' || !Number.isInteger(value) || value < 1) {
    throw new RangeError(`colspan and rowspan must be positive integers, got ${JSON.stringify(value)}`);
  }
}

function validateColwidth(value: unknown): void {
  if (value === null) return;
  if (!Array.isArray(value) || !value.every((w) => typeof w === 'number' && Number.isFinite(w) && w >= 0)) {
    throw new RangeError(`colwidth must be null or an array of widths in pixels, got ${JSON.stringify(value)}`);
  }
}

/** The table node names (Tiptap's), in nesting order. */
export const TABLE = 'table';
export const TABLE_ROW = 'tableRow';
export const TABLE_CELL = 'tableCell';
export const TABLE_HEADER = 'tableHeader';

function validateAlign(value: unknown): void {
  if (value !== null && !['left', 'center', 'right', 'justify'].includes(value as string)) {
    throw new RangeError(`cell align must be null, left, center, right or justify, got ${JSON.stringify(value)}`);
  }
}

// Tiptap's cell attributes (3.x), so a cell the editor writes validates here.
const cellAttrs = {
  colspan: { default: 1, validate: validateSpan },
  rowspan: { default: 1, validate: validateSpan },
  colwidth: { default: null, validate: validateColwidth },
  align: { default: null, validate: validateAlign },
};

const nodes: Record<string, NodeSpec> = {
  doc: { content: 'block+' },
  paragraph: { content: 'inline*', group: 'block' },
  heading: {
    content: 'inline*',
    group: 'block',
    defining: true,
    attrs: { level: { default: 1, validate: validateLevel } },
  },
  blockquote: { content: 'block+', group: 'block', defining: true },
  bulletList: { content: 'listItem+', group: 'block list' },
  orderedList: {
    content: 'listItem+',
    group: 'block list',
    attrs: { start: { default: 1, validate: validateStart } },
  },
  // As in Tiptap: an item starts with a paragraph and may continue with any blocks (nested lists).
  listItem: { content: 'paragraph block*', defining: true },
  // As in Tiptap (tableRole is what prosemirror-tables reads), cells narrowed to paragraphs.
  table: { content: 'tableRow+', group: 'block', isolating: true, tableRole: 'table' },
  tableRow: { content: '(tableCell | tableHeader)*', tableRole: 'row' },
  tableCell: { content: 'paragraph+', attrs: cellAttrs, isolating: true, tableRole: 'cell' },
  tableHeader: { content: 'paragraph+', attrs: cellAttrs, isolating: true, tableRole: 'header_cell' },
  text: { group: 'inline' },
  hardBreak: { inline: true, group: 'inline', selectable: false },
};

const marks: Record<string, MarkSpec> = {
  bold: {},
  italic: {},
};

/** The draft schema. Node names: doc, paragraph, heading{level 1..3}, blockquote, bulletList,
 * orderedList{start}, listItem, table, tableRow, tableCell and tableHeader {colspan, rowspan,
 * colwidth, align}, text, hardBreak; marks: bold, italic. */
export const documentSchema = new Schema({ nodes, marks });
