/**
 * Applying an accepted suggestion to a draft: the edit is made on a Y.Doc (the live draft; the
 * collab runtime commits and broadcasts what it produces). Pure: no I/O.
 *
 * Where: wherever the annotation re-anchors (anchoring.ts) onto text that still reads as the
 * quote (NFC), whatever its status — after a retype, a move or a merge of paragraphs too, and
 * across paragraphs and formatting runs. Otherwise `conflict`, with the text there now.
 *
 * Formatting rule: the replacement is diffed word by word against the text it replaces, and only
 * the words that differ are edited. Unchanged words keep their own formatting; a changed word takes
 * the formatting of the first character of what it replaces (a bold figure replaced by a figure
 * stays bold, and the bold does not spread to the words around it); a word only inserted takes
 * the formatting both its neighbours share. A paragraph break that the replacement drops joins
 * the two paragraphs, except between table cells, which keep their paragraphs (see deleteRange);
 * a line break the replacement adds becomes a space (the replacement is a reworded passage, not
 * new structure).
 */
import DiffMatchPatch from 'diff-match-patch';
import * as Y from 'yjs';
import { reanchor, type Anchor } from './anchoring.js';
import { TABLE_CELL, TABLE_HEADER } from './document-schema.js';
import type { StateVector } from './anchor-items.js';
import { projectFragment, type Projection, type Textblock } from './projection.js';
import { nfcView } from './text-normal.js';
import { encodeTokens, tokenize } from './word-tokens.js';
import { AppError } from '../errors.js';

type Attributes = Record<string, unknown>;

/**
 * The live draft's own record of applied suggestions: a top-level Y.Map (annotation id → ISO
 * time) set in the same Yjs update as the edit, so the draft itself says whether an apply reached
 * it — the update is committed whole or not at all. The editor and the projection read only the
 * `default` fragment and never see it.
 */
export const APPLIED_SUGGESTIONS = 'appliedSuggestions';

/** Whether the suggestion `annotationId` was applied to this draft (its edit is in it). */
export function appliedIn(doc: Y.Doc, annotationId: string): boolean {
  return doc.getMap(APPLIED_SUGGESTIONS).has(annotationId);
}

/** Records in `doc` that `annotationId`'s edit is applied (call in the edit's own transaction). */
export function markApplied(doc: Y.Doc, annotationId: string, at: Date): void {
  doc.getMap(APPLIED_SUGGESTIONS).set(annotationId, at.toISOString());
}

/**
 * The edit behind "apply": replaces the anchored text in `doc` with `replacement` in one
 * transaction. `base` is the state vector of the version the annotation was made on (lets
 * re-anchoring tell a look-alike from the annotated text). Throws `AppError('conflict')` with
 * `extra.currentText` (the text at the annotation's place now, or null when it is gone) when that
 * text no longer reads as the quote; then the doc is unchanged.
 */
export function replaceAnchoredText(doc: Y.Doc, anchor: Anchor, replacement: string, base?: Uint8Array | StateVector): void {
  const fragment = doc.getXmlFragment('default');
  const projection = projectFragment(fragment);
  const placed = reanchor(anchor, { doc, projection, base });
  const quote = anchor.quote.exact.normalize('NFC');
  if (placed.start === null || placed.end === null || (placed.quote ?? '').normalize('NFC') !== quote) {
    throw new AppError('conflict', 'the passage this suggestion replaces has changed since; it cannot be applied automatically', {
      currentText: placed.quote,
    });
  }
  const edits = wordEdits(projection.text.slice(placed.start, placed.end), replacement.replace(/\n+/g, ' '));
  doc.transact(() => {
    // Last edit first: earlier offsets stay valid.
    for (const edit of edits.reverse()) applyEdit(fragment, placed.start! + edit.from, placed.start! + edit.to, edit.text);
  });
}

interface Edit {
  /** [from, to) in the replaced text (UTF-16 offsets of the projection slice). */
  from: number;
  to: number;
  text: string;
}

/** The word-level edits turning `current` (as in the projection) into `replacement`. */
export function wordEdits(current: string, replacement: string): Edit[] {
  // Compare in NFC; offsets are mapped back onto the text as typed.
  const view = nfcView(current);
  const encoded = encodeTokens(tokenize(view.text), tokenize(replacement.normalize('NFC')));
  const dmp = new DiffMatchPatch();
  // No semantic cleanup: it would merge a changed figure with the words around it into one
  // replaced stretch, and the figure's formatting would spread over them.
  const diffs = dmp.diff_main(encoded.chars1, encoded.chars2, false);
  const edits: Edit[] = [];
  let i = 0; // tokens of the current text consumed
  let j = 0; // tokens of the replacement consumed
  let offset = 0; // NFC offset in the current text
  let deleted: Array<{ from: number; to: number }> = [];
  let inserted: string[] = [];
  const push = (from: number, to: number, text: string) => {
    if (to > from || text.length > 0) edits.push({ from: view.toSource(from), to: view.toSource(to), text });
  };
  // A changed stretch is paired token by token from its end: "52" → "khoảng 55" replaces 52 by 55
  // (which takes 52's formatting) and inserts "khoảng " before it (formatting shared by its
  // neighbours), rather than giving the figure's bold to the whole stretch.
  const flush = () => {
    const start = deleted[0]?.from ?? offset;
    const pairs = Math.min(deleted.length, inserted.length);
    const leadDeleted = deleted.slice(0, deleted.length - pairs);
    const leadInserted = inserted.slice(0, inserted.length - pairs).join('');
    const leadEnd = leadDeleted.at(-1)?.to ?? start;
    push(start, leadEnd, leadInserted);
    for (let k = 0; k < pairs; k++) {
      const d = deleted[deleted.length - pairs + k]!;
      push(d.from, d.to, inserted[inserted.length - pairs + k]!);
    }
    deleted = [];
    inserted = [];
  };
  for (const [op, chars] of diffs) {
    if (op === 0) {
      flush();
      for (let k = 0; k < chars.length; k++) offset += encoded.tokens1[i++]!.length;
      j += chars.length;
    } else if (op === -1) {
      for (let k = 0; k < chars.length; k++) {
        const length = encoded.tokens1[i++]!.length;
        deleted.push({ from: offset, to: offset + length });
        offset += length;
      }
    } else {
      for (let k = 0; k < chars.length; k++) inserted.push(encoded.tokens2[j++]!);
    }
  }
  flush();
  return edits.filter((e) => !(e.to === e.from && e.text === ''));
}

/** Replaces projection range [from, to) with `text` (no `\n` in it), formatted by the rule above. */
function applyEdit(fragment: Y.XmlFragment, from: number, to: number, text: string): void {
  let projection = projectFragment(fragment);
  const attributes = to > from ? formattingAt(projection, firstCharacter(projection.text, from, to)) : sharedFormatting(projection, from);
  if (to > from) {
    deleteRange(projection, from, to);
    projection = projectFragment(fragment);
  }
  if (text.length > 0) insertAt(projection, from, text, attributes ?? {});
}

function firstCharacter(text: string, from: number, to: number): number {
  for (let k = from; k < to; k++) if (text[k] !== '\n') return k;
  return from;
}

function blockAt(projection: Projection, offset: number): Textblock | undefined {
  return projection.textblocks.find((b) => offset >= b.start && offset <= b.start + b.length);
}

/** The formatting of the character at `offset` (undefined: none, or not a character). */
function formattingAt(projection: Projection, offset: number): Attributes | undefined {
  const block = blockAt(projection, offset);
  const local = block ? offset - block.start : -1;
  const run = block?.runs.find((r) => local >= r.offset && local < r.offset + r.length);
  if (!block || !run) return undefined;
  let at = run.offset;
  for (const op of run.text.toDelta() as Array<{ insert: unknown; attributes?: Attributes }>) {
    const length = typeof op.insert === 'string' ? op.insert.length : 1;
    if (local < at + length) return op.attributes;
    at += length;
  }
  return undefined;
}

/** What the characters on both sides of `offset` (in its paragraph) share. */
function sharedFormatting(projection: Projection, offset: number): Attributes {
  const block = blockAt(projection, offset);
  if (!block) return {};
  const before = offset > block.start ? formattingAt(projection, offset - 1) ?? {} : null;
  const after = offset < block.start + block.length ? formattingAt(projection, offset) ?? {} : null;
  const sides = [before, after].filter((s): s is Attributes => s !== null);
  if (sides.length === 0) return {};
  const shared: Attributes = {};
  for (const [key, value] of Object.entries(sides[0]!)) if (sides.every((s) => JSON.stringify(s[key]) === JSON.stringify(value))) shared[key] = value;
  return shared;
}

/** Inserts `text` at `offset` (inside or at an edge of a textblock) with exactly `attributes`. */
function insertAt(projection: Projection, offset: number, text: string, attributes: Attributes): void {
  const block = blockAt(projection, offset)!;
  const local = offset - block.start;
  const run = block.runs.find((r) => local >= r.offset && local <= r.offset + r.length);
  if (run) {
    run.text.insert(local - run.offset, text, withNegations(run.text, local - run.offset, attributes));
    return;
  }
  const fresh = new Y.XmlText();
  block.element.insert(block.element.length, [fresh]);
  fresh.insert(0, text, attributes);
}

/** Yjs keeps formatting it is not told to remove: name every mark around the point not wanted. */
function withNegations(text: Y.XmlText, index: number, attributes: Attributes): Attributes {
  const result: Attributes = { ...attributes };
  let at = 0;
  for (const op of text.toDelta() as Array<{ insert: unknown; attributes?: Attributes }>) {
    const length = typeof op.insert === 'string' ? op.insert.length : 1;
    if (at <= index && index <= at + length) for (const key of Object.keys(op.attributes ?? {})) if (!(key in result)) result[key] = null;
    at += length;
  }
  return result;
}

/**
 * Deletes projection range [from, to). Inside one textblock: its characters. Across textblocks:
 * the tail of the first, the blocks in between and the head of the last, whose remaining content
 * then joins the first (as Backspace at a paragraph start does). Except across table cells (the
 * two ends in different cells, or one in a cell and one outside): a table keeps its shape, so
 * each paragraph in the range loses its characters in the range and stays where it is; nothing
 * moves from one cell into another.
 */
function deleteRange(projection: Projection, from: number, to: number): void {
  const first = blockAt(projection, from)!;
  const last = blockAt(projection, to)!;
  if (first === last) {
    deleteInBlock(first, from - first.start, to - first.start);
    return;
  }
  if (cellOf(first.element) !== cellOf(last.element)) {
    for (const block of projection.textblocks) {
      if (block.start + block.length < from || block.start > to) continue;
      deleteInBlock(block, Math.max(0, from - block.start), Math.min(block.length, to - block.start));
    }
    return;
  }
  deleteInBlock(last, 0, to - last.start);
  for (const block of projection.textblocks) if (block.start > first.start && block.start < last.start) removeElement(block.element);
  deleteInBlock(first, from - first.start, first.length);
  // Join: the rest of the last block moves to the end of the first.
  const moved: Array<{ insert: unknown; attributes?: Attributes }> = [];
  for (const run of last.runs) moved.push(...(run.text.toDelta() as Array<{ insert: unknown; attributes?: Attributes }>));
  let target = first.runs.at(-1)?.text;
  if (!target) {
    target = new Y.XmlText();
    first.element.insert(first.element.length, [target]);
  }
  for (const op of moved) if (typeof op.insert === 'string') target.insert(target.length, op.insert, withNegations(target, target.length, op.attributes ?? {}));
  removeElement(last.element);
}

/** The table cell (tableCell or tableHeader) holding `element`, or null outside tables. */
function cellOf(element: Y.XmlElement): Y.XmlElement | null {
  for (let node = element.parent; node instanceof Y.XmlElement; node = node.parent) {
    if (node.nodeName === TABLE_CELL || node.nodeName === TABLE_HEADER) return node;
  }
  return null;
}

function deleteInBlock(block: Textblock, from: number, to: number): void {
  for (const run of [...block.runs].reverse()) {
    const a = Math.max(from, run.offset);
    const b = Math.min(to, run.offset + run.length);
    if (b > a) run.text.delete(a - run.offset, b - a);
  }
}

/** Removes a textblock, and its list item or blockquote too when it was all they held. */
function removeElement(element: Y.XmlElement | Y.XmlFragment): void {
  const parent = element.parent as Y.XmlElement | Y.XmlFragment | null;
  if (!parent) return;
  if (parent instanceof Y.XmlElement && parent.length === 1) {
    removeElement(parent);
    return;
  }
  const index = parent.toArray().indexOf(element as Y.XmlElement);
  if (index !== -1) parent.delete(index, 1);
}
