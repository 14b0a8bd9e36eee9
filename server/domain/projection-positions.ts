/**
 * Projection offsets ↔ Y.RelativePositions, and the base64 form API.md carries them in
 * (`relStart`/`relEnd`). Re-exported by projection.ts, which defines the offsets.
 */
import * as Y from 'yjs';
import { fromBase64, toBase64 } from 'lib0/buffer';
import { AppError } from '../errors.js';
import { projectFragment, type Projection, type YType } from './projection.js';

/**
 * The relative position of projection offset `offset` (0 ≤ offset ≤ text.length, else
 * `AppError('anchor_mismatch')`). Offsets inside a textblock anchor to the character at that
 * offset in its Y.XmlText (with `assoc < 0`, to the character before it), so they follow the text
 * through concurrent edits; the offset of a textblock's `\n` anchors to the end of its text; an
 * empty textblock anchors to the block itself; `text.length` anchors to the end of the fragment.
 * A hard break's `\n` anchors to the end of the text before it (or, with no text there, to the
 * break itself as an index of the block); the offset after it to the start of the text after it.
 * Between two runs with nothing between them, `assoc ≥ 0` picks the start of the later run and
 * `assoc < 0` the end of the earlier. Given a projection, costs a binary search over textblocks.
 */
export function relativePositionAt(source: Projection | Y.XmlFragment, offset: number, assoc = 0): Y.RelativePosition {
  const projection = source instanceof Y.XmlFragment ? projectFragment(source) : source;
  const { textblocks, text, fragment } = projection;
  if (!Number.isInteger(offset) || offset < 0 || offset > text.length) {
    throw new AppError('anchor_mismatch', `offset ${offset} is outside the text (0..${text.length})`);
  }
  if (offset === text.length) return Y.createRelativePositionFromTypeIndex(fragment, fragment.length, assoc);

  let lo = 0;
  let hi = textblocks.length - 1;
  while (lo < hi) {
    const mid = (lo + hi + 1) >> 1;
    if (textblocks[mid]!.start <= offset) lo = mid;
    else hi = mid - 1;
  }
  const block = textblocks[lo]!;
  // Textblocks tile the text (each is its characters plus `\n`), so offset ≤ block end here.
  const local = offset - block.start;
  let chosen: (typeof block.runs)[number] | undefined;
  for (const run of block.runs) {
    if (run.offset > local) break;
    if (local <= run.offset + run.length) {
      chosen = run;
      if (assoc < 0) break; // the first candidate is the earlier run
    }
  }
  if (chosen) return Y.createRelativePositionFromTypeIndex(chosen.text, local - chosen.offset, assoc);
  // No text run touches the offset (an empty block, or beside hard breaks with no text between):
  // the index of the hard break that starts there, or the block's end.
  const next = block.breaks.find((b) => b.offset >= local);
  return Y.createRelativePositionFromTypeIndex(block.element, next ? next.childIndex : block.element.length, assoc);
}

/**
 * The projection offset a relative position resolves to in `fragment` now, or null when its anchor
 * type is gone (deleted, not part of `fragment`, or unknown to `doc`). A position whose character
 * was deleted resolves where that character was (Yjs semantics). Pass `projection` (of the
 * fragment's current state) to avoid re-walking the document for every position.
 * Resolution ignores undo/redo history (`followUndoneDeletions = false`) so every replica agrees.
 */
export function offsetOfRelativePosition(
  doc: Y.Doc,
  fragment: Y.XmlFragment,
  rpos: Y.RelativePosition,
  projection?: Projection,
): number | null {
  // doc.get() would create a root type of that name as a side effect: refuse unknown names first.
  if (rpos.tname !== null && (doc.share.get(rpos.tname) as unknown) !== fragment) return null;
  const absolute = Y.createAbsolutePositionFromRelativePosition(rpos, doc, false);
  if (absolute === null || !isLiveWithin(absolute.type, fragment)) return null;
  const p = projection ?? projectFragment(fragment);
  return offsetInProjection(p, absolute.type, absolute.index);
}

function isLiveWithin(type: YType, fragment: Y.XmlFragment): boolean {
  let t: YType = type;
  while (t !== fragment) {
    const item = t._item;
    if (item === null || item.deleted || !(item.parent instanceof Y.AbstractType)) return false;
    t = item.parent;
  }
  return true;
}

function offsetInProjection(projection: Projection, type: YType, index: number): number | null {
  const span = projection.spans.get(type);
  // Inside an inline element (a hard break): where that element is.
  if (span === undefined) return offsetOfNearestAncestor(projection, type);
  if (type instanceof Y.XmlText) return span.start + Math.min(index, span.end - span.start);
  if (span.block) {
    // An index among the textblock's children: after every run and hard break that precedes it.
    let local = 0;
    for (const run of span.block.runs) if (run.childIndex < index) local = Math.max(local, run.offset + run.length);
    for (const hardBreak of span.block.breaks) if (hardBreak.childIndex < index) local = Math.max(local, hardBreak.offset + 1);
    return span.start + local;
  }
  // An index among a container's children: where that child starts, or the container's end.
  let position = 0;
  for (let item = type._start; item !== null; item = item.right) {
    if (item.deleted || !item.countable) continue;
    if (position + item.length > index && item.content instanceof Y.ContentType) {
      const child = projection.spans.get(item.content.type);
      if (child) return child.start;
    }
    position += item.length;
  }
  return span.end;
}

function offsetOfNearestAncestor(projection: Projection, type: YType): number | null {
  for (let t: YType | null = type; t !== null; ) {
    const span = projection.spans.get(t);
    if (span) return span.start;
    const parent: unknown = t._item?.parent;
    t = parent instanceof Y.AbstractType ? parent : null;
  }
  return null;
}

const BASE64 = /^(?:[A-Za-z0-9+/]{4})*(?:[A-Za-z0-9+/]{2}==|[A-Za-z0-9+/]{3}=)?$/;
/** An encoded relative position is a few IDs; anything longer is not one. */
const MAX_ENCODED_LENGTH = 512;

/** `Y.encodeRelativePosition` as standard base64 (the form of `relStart`/`relEnd` in API.md). */
export function encodeRelativePositionBase64(rpos: Y.RelativePosition): string {
  return toBase64(Y.encodeRelativePosition(rpos));
}

/**
 * Decodes `encodeRelativePositionBase64` output. Throws `AppError('validation_failed')` naming
 * `field` for anything else: not standard base64, or bytes that are not exactly one canonical
 * encoded relative position (Yjs's decoder accepts trailing or truncated garbage silently).
 */
export function decodeRelativePositionBase64(value: unknown, field = 'relative position'): Y.RelativePosition {
  if (typeof value !== 'string' || value.length === 0 || value.length > MAX_ENCODED_LENGTH || !BASE64.test(value)) {
    throw new AppError('validation_failed', `${field} must be a base64-encoded Yjs relative position`);
  }
  const bytes = fromBase64(value);
  let rpos: Y.RelativePosition;
  try {
    rpos = Y.decodeRelativePosition(bytes);
    if (rpos.item === null && rpos.type === null && rpos.tname === null) throw new Error('no anchor');
    if (!sameBytes(Y.encodeRelativePosition(rpos), bytes)) throw new Error('not canonical');
  } catch {
    throw new AppError('validation_failed', `${field} is not a valid Yjs relative position`);
  }
  return rpos;
}

function sameBytes(a: Uint8Array, b: Uint8Array): boolean {
  return a.length === b.length && a.every((byte, i) => byte === b[i]);
}
