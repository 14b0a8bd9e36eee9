/**
 * Annotation anchors (DESIGN.md, "Rounds, versions, annotations"). An annotation is made on a
 * round's base version and its anchor is kept in three forms: Y.RelativePositions into the draft
 * (they follow the text through edits), a W3C quote selector (exact + prefix + suffix, found again
 * by fuzzy matching when the positions cannot help) and a position selector (offsets in the base
 * version's NFC text, as `/content?version=n` serves it), plus the section path. Pure: no I/O, nothing of the app.
 */
import type * as Y from 'yjs';
import { AppError } from '../errors.js';
import type { AnchorStatus } from './vocabulary.js';
import type { QuoteSelector } from './fuzzy-quote.js';
import type { StateVector } from './anchor-items.js';
import {
  decodeRelativePositionBase64,
  encodeRelativePositionBase64,
  offsetOfRelativePosition,
  relativePositionAt,
  sectionAt,
  type Projection,
} from './projection.js';
import { Reanchorer } from './reanchorer.js';

export { MIN_MATCH_QUALITY, MIN_QUOTE_SIMILARITY } from './fuzzy-quote.js';
export { MIN_REPAIRED_SIMILARITY } from './reanchorer.js';
export type { QuoteSelector } from './fuzzy-quote.js';

/** Longest quote (UTF-16 code units) an annotation may anchor: about two pages. */
export const MAX_QUOTE_LENGTH = 5_000;
/** Characters of context kept on each side of the quote (as Hypothesis does). */
export const CONTEXT_LENGTH = 32;

/**
 * An anchor in the base version. Offsets and quote are those of the base's NFC text
 * (`projection.nfc.text`, DESIGN.md "Normalisation"). Invariants: 0 ≤ start ≤ end ≤ its length;
 * `quote.exact === text.slice(start, end)`, `quote.prefix`/`quote.suffix` are the up to
 * CONTEXT_LENGTH characters before and after it; no offset splits a surrogate pair; relStart and
 * relEnd resolve to `toSource(start)` and `toSource(end)` in the base doc; `section` is the path of the section holding
 * `start` ("" for the preamble).
 */
export interface Anchor {
  start: number;
  end: number;
  relStart: string;
  relEnd: string;
  quote: QuoteSelector;
  section: string;
}

/** What a client sends (API.md): offsets in the base version's NFC text, or base64 relative
 * positions (`Y.encodeRelativePosition`) into the base doc; when both are present, the positions. */
export type AnchorInput = { start: number; end: number } | { relStart: string; relEnd: string };

/** How a re-anchored annotation was placed (API.md `anchorStatus`); see Reanchored. */
export type { AnchorStatus };

/**
 * Where an anchor is now. `exact` and `moved` guarantee that the text at [start, end) reads as the
 * quote (compared in NFC: DESIGN.md "Normalisation"), `exact` at the same offsets too — `moved` is
 * also what a passage found verbatim after a retype, a move or a merge of paragraphs gets.
 * `fuzzy`: anchored on the annotated place, whose text was edited. `orphaned`: the text is gone;
 * every other field is null. Never on other text (a look-alike elsewhere is not the annotated text).
 */
export interface Reanchored {
  status: AnchorStatus;
  start: number | null;
  end: number | null;
  section: string | null;
  /** The text now at [start, end) of the target's text in the chosen space (ReanchorTarget.offsets). */
  quote: string | null;
}

/** A frozen version: its Y.Doc and the projection of that doc's `default` fragment. */
export interface BaseVersion {
  doc: Y.Doc;
  projection: Projection;
}

/**
 * Where to re-anchor: a projection and, when the text shares the base's Yjs history (the live draft
 * or a later version of the same document), the doc it is the projection of. Without a doc only
 * the quote can be matched.
 */
export interface ReanchorTarget {
  /** When given, `projection` must be the projection of its `default` fragment as it is now. */
  doc?: Y.Doc;
  projection: Projection;
  /**
   * The state vector (`Y.encodeStateVector`) of the version the anchors were made on. With it,
   * quote matching refuses text that already existed in that version outside the annotated range
   * (a look-alike is other text), and a range whose edge characters were replaced is stretched
   * over their replacement. Without it only the quote's context guards against look-alikes.
   */
  base?: Uint8Array | StateVector;
  /**
   * The space of the offsets, section and quote returned: `projection` (default) for the text as
   * typed (the live draft: `/content?version=live`, what the editor and suggestions work on),
   * `nfc` for `projection.nfc.text` (a version: `/content?version=n`).
   */
  offsets?: 'projection' | 'nfc';
}


/**
 * The full anchor of a selection in the base version, from offsets of its NFC text
 * (`projection.nfc.text`) or from base64 relative positions (then re-derived from the offsets they
 * resolve to, so every stored anchor has the same association rules). For a draft typed
 * decomposed the positions are taken at `projection.nfc.toSource(offset)`. Throws `AppError('anchor_mismatch')` for offsets outside 0 ≤ start ≤ end ≤
 * length, offsets inside a surrogate pair, positions that do not resolve in the base doc or resolve
 * end before start, and quotes longer than MAX_QUOTE_LENGTH; `validation_failed` for relative
 * positions that are not base64-encoded Yjs relative positions. A zero-width anchor (a comment
 * "at this point") is allowed.
 */
export function anchorInBase(base: BaseVersion, input: AnchorInput): Anchor {
  const { projection } = base;
  // Offsets are those of the version's NFC text (what `/content?version=n` serves); Yjs positions
  // are taken at the projection offsets they map to (identity maps for a draft typed NFC).
  const nfc = projection.nfc;
  const { text } = nfc;
  const { start, end } = 'relStart' in input ? resolveInBase(base, input) : checkOffsets(input, text.length);
  if (splitsSurrogatePair(text, start) || splitsSurrogatePair(text, end)) {
    throw new AppError('anchor_mismatch', 'the selection starts or ends inside a character (a surrogate pair)');
  }
  if (end - start > MAX_QUOTE_LENGTH) {
    throw new AppError('anchor_mismatch', `the selection is ${end - start} characters long; at most ${MAX_QUOTE_LENGTH} may be quoted`);
  }
  // relStart sticks to the first quoted character (assoc 0) and relEnd to the last one (assoc −1),
  // so text typed just before or just after the range stays outside it, while text typed inside
  // stays in. A point uses one position for both ends: with the two rules, typing at the point
  // would leave the end before the start.
  const relEnd = encodeRelativePositionBase64(relativePositionAt(projection, nfc.toSource(end), -1));
  const relStart = start === end ? relEnd : encodeRelativePositionBase64(relativePositionAt(projection, nfc.toSource(start), 0));
  return {
    start,
    end,
    relStart,
    relEnd,
    quote: {
      exact: text.slice(start, end),
      prefix: trimToCharacters(text, Math.max(0, start - CONTEXT_LENGTH), start),
      suffix: trimToCharacters(text, end, Math.min(text.length, end + CONTEXT_LENGTH)),
    },
    section: sectionAt(nfc.sections, start)?.path ?? '',
  };
}

/**
 * Re-anchors one annotation into `target` (see ReanchorTarget; the rules are in reanchorer.ts):
 * 1. with a doc, the relative positions: the range they delimit, stretched over the replacement
 *    of an edge character that was deleted, is kept as `exact`/`moved` when it reads as the quote;
 * 2. else the quote is looked for near that range (or near the old offset when the positions no
 *    longer resolve): found verbatim → `moved` (a retype, a moved or merged paragraph);
 * 3. else, when both edge characters survive, the range itself → `fuzzy` (text inside edited);
 *    an approximate match that agrees with the quote's context and is not text that stood
 *    elsewhere in the base → `fuzzy`; the range, if it still resembles the quote → `fuzzy`;
 * 4. else `orphaned`, with nulls. Never throws for an unanchorable or malformed anchor.
 * All comparisons are on NFC text; offsets are those of `target.projection.text`, or of
 * `target.projection.nfc.text` with `target.offsets === 'nfc'`.
 */
export function reanchor(anchor: Anchor, target: ReanchorTarget): Reanchored {
  return new Reanchorer(target).reanchor(anchor);
}

/**
 * `reanchor` for every anchor, in order (same length out as in). Work is shared across the batch:
 * identical relative positions are decoded and resolved once and identical quotes near the same
 * point are matched once; only anchors whose range collapsed pay for quote matching, which
 * searches a window around the expected position before (only if needed) the whole text.
 */
export function reanchorAll(anchors: readonly Anchor[], target: ReanchorTarget): Reanchored[] {
  const reanchorer = new Reanchorer(target);
  return anchors.map((anchor) => reanchorer.reanchor(anchor));
}

/** The NFC offsets (of `projection.nfc.text`) the positions resolve to in the base doc. */
function resolveInBase(base: BaseVersion, input: { relStart: string; relEnd: string }): { start: number; end: number } {
  const relStart = decodeRelativePositionBase64(input.relStart, 'relStart');
  const relEnd = decodeRelativePositionBase64(input.relEnd, 'relEnd');
  const { doc, projection } = base;
  const start = offsetOfRelativePosition(doc, projection.fragment, relStart, projection);
  const end = offsetOfRelativePosition(doc, projection.fragment, relEnd, projection);
  if (start === null) throw new AppError('anchor_mismatch', 'relStart does not resolve in the base version');
  if (end === null) throw new AppError('anchor_mismatch', 'relEnd does not resolve in the base version');
  if (end < start) throw new AppError('anchor_mismatch', `relEnd resolves before relStart (${end} < ${start})`);
  return { start: projection.nfc.toNfc(start), end: projection.nfc.toNfc(end) };
}

function checkOffsets({ start, end }: { start: number; end: number }, length: number): { start: number; end: number } {
  if (!Number.isInteger(start) || !Number.isInteger(end)) {
    throw new AppError('anchor_mismatch', 'start and end must be integer offsets');
  }
  if (start < 0) throw new AppError('anchor_mismatch', `start ${start} is before the beginning of the text`);
  if (end > length) throw new AppError('anchor_mismatch', `end ${end} is past the end of the text (length ${length})`);
  if (end < start) throw new AppError('anchor_mismatch', `end ${end} is before start ${start}`);
  return { start, end };
}

const isHighSurrogate = (code: number) => code >= 0xd800 && code <= 0xdbff;
const isLowSurrogate = (code: number) => code >= 0xdc00 && code <= 0xdfff;

function splitsSurrogatePair(text: string, offset: number): boolean {
  return offset > 0 && offset < text.length && isHighSurrogate(text.charCodeAt(offset - 1)) && isLowSurrogate(text.charCodeAt(offset));
}

/** text.slice(from, to) without half a surrogate pair at either edge (context is cut blindly at
 * CONTEXT_LENGTH, and a lone surrogate does not survive UTF-8 or PostgreSQL jsonb). */
function trimToCharacters(text: string, from: number, to: number): string {
  let a = from;
  let b = to;
  if (a < b && splitsSurrogatePair(text, a)) a++;
  if (a < b && splitsSurrogatePair(text, b)) b--;
  return text.slice(a, b);
}
