/**
 * Annotation anchors (DESIGN.md, "Rounds, versions, annotations"). An annotation is made on a
 * round's base version and its anchor is kept in three forms: Y.RelativePositions into the draft
 * (they follow the text through edits), a W3C quote selector (exact + prefix + suffix, found again
 * by fuzzy matching when the positions cannot help) and a position selector (offsets in the base
 * version's projection), plus the section path. Pure: no I/O, nothing of the app.
 */
import type * as Y from 'yjs';
import { AppError } from '../errors.js';
import { matchQuote, type QuoteSelector } from './fuzzy-quote.js';
import {
  decodeRelativePositionBase64,
  encodeRelativePositionBase64,
  offsetOfRelativePosition,
  relativePositionAt,
  sectionAt,
  type Projection,
} from './projection.js';

export { MIN_MATCH_QUALITY, MIN_QUOTE_SIMILARITY } from './fuzzy-quote.js';
export type { QuoteSelector } from './fuzzy-quote.js';

/** Longest quote (UTF-16 code units) an annotation may anchor: about two pages. */
export const MAX_QUOTE_LENGTH = 5_000;
/** Characters of context kept on each side of the quote (as Hypothesis does). */
export const CONTEXT_LENGTH = 32;

/**
 * An anchor in the base version. Invariants: 0 ≤ start ≤ end ≤ base text length;
 * `quote.exact === text.slice(start, end)`, `quote.prefix`/`quote.suffix` are the up to
 * CONTEXT_LENGTH characters before and after it; no offset splits a surrogate pair; relStart and
 * relEnd resolve to start and end in the base doc; `section` is the path of the section holding
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

/** What a client sends (API.md): offsets in the base version's projection, or base64 relative
 * positions (`Y.encodeRelativePosition`) into the base doc; when both are present, the positions. */
export type AnchorInput = { start: number; end: number } | { relStart: string; relEnd: string };

/** How a re-anchored annotation was placed (API.md `anchorStatus`); see Reanchored. */
export type AnchorStatus = 'exact' | 'moved' | 'fuzzy' | 'orphaned';

/**
 * Where an anchor is now. `exact` and `moved` guarantee `text.slice(start, end) === anchor.quote.exact`
 * (`exact`: at the same offsets too). `fuzzy`: anchored, but on text that differs from the quote or
 * was found by quote matching. `orphaned`: not found; every other field is null.
 */
export interface Reanchored {
  status: AnchorStatus;
  start: number | null;
  end: number | null;
  section: string | null;
  /** The text now at [start, end). */
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
 * the quote can be matched, so the best status is `fuzzy`.
 */
export interface ReanchorTarget {
  /** When given, `projection` must be the projection of its `default` fragment as it is now. */
  doc?: Y.Doc;
  projection: Projection;
}

/**
 * The full anchor of a selection in the base version, from offsets or from base64 relative
 * positions (then re-derived from the offsets they resolve to, so every stored anchor has the same
 * association rules). Throws `AppError('anchor_mismatch')` for offsets outside 0 ≤ start ≤ end ≤
 * length, offsets inside a surrogate pair, positions that do not resolve in the base doc or resolve
 * end before start, and quotes longer than MAX_QUOTE_LENGTH; `validation_failed` for relative
 * positions that are not base64-encoded Yjs relative positions. A zero-width anchor (a comment
 * "at this point") is allowed.
 */
export function anchorInBase(base: BaseVersion, input: AnchorInput): Anchor {
  const { projection } = base;
  const { text } = projection;
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
  const relEnd = encodeRelativePositionBase64(relativePositionAt(projection, end, -1));
  const relStart = start === end ? relEnd : encodeRelativePositionBase64(relativePositionAt(projection, start, 0));
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
    section: sectionAt(projection.sections, start)?.path ?? '',
  };
}

/**
 * Re-anchors one annotation into `target` (see ReanchorTarget). Order:
 * 1. with a doc, the relative positions: when both resolve to a range that did not collapse (or the
 *    anchor was a point to begin with) the annotation stays there — `exact` when the text there
 *    equals the quote at unchanged offsets, `moved` when the text is unchanged at other offsets,
 *    `fuzzy` when text inside was edited but the range survived (the comment is still about that
 *    place, so no search);
 * 2. a range collapsed to zero width means its text was deleted (or the positions do not resolve,
 *    e.g. a re-imported document): the quote is matched fuzzily (fuzzy-quote.ts) near the
 *    collapsed point, else near the old offset → `fuzzy` at the best match above MIN_MATCH_QUALITY;
 * 3. else `orphaned`, with nulls. Never throws for an unanchorable or malformed anchor.
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

const ORPHANED: Reanchored = Object.freeze({ status: 'orphaned', start: null, end: null, section: null, quote: null });

class Reanchorer {
  private readonly offsets = new Map<string, number | null>();
  private readonly matches = new Map<string, Reanchored>();

  constructor(private readonly target: ReanchorTarget) {}

  reanchor(anchor: Anchor): Reanchored {
    const quote = quoteOf(anchor);
    const point = quote.exact.length === 0;
    let hint = Number.isInteger(anchor.start) ? anchor.start : 0;
    if (this.target.doc) {
      const start = this.resolve(anchor.relStart);
      const end = point ? start : this.resolve(anchor.relEnd);
      if (start !== null && end !== null) {
        if (end > start || point) {
          const now = this.target.projection.text.slice(start, end);
          const same = now === quote.exact;
          const status = !same ? 'fuzzy' : start === anchor.start && end === anchor.end ? 'exact' : 'moved';
          return this.at(status, start, end);
        }
        hint = end; // collapsed (end ≤ start): the text was deleted here
      }
    }
    const key = `${hint}\u0000${quote.exact}\u0000${quote.prefix}\u0000${quote.suffix}`;
    let found = this.matches.get(key);
    if (!found) {
      const match = matchQuote(this.target.projection.text, quote, hint);
      found = match ? this.at('fuzzy', match.start, match.end) : ORPHANED;
      this.matches.set(key, found);
    }
    return { ...found };
  }

  /** The offset a base64 relative position resolves to in the target, or null (never throws). */
  private resolve(encoded: unknown): number | null {
    if (typeof encoded !== 'string') return null;
    const cached = this.offsets.get(encoded);
    if (cached !== undefined) return cached;
    let offset: number | null = null;
    try {
      const { doc, projection } = this.target;
      offset = offsetOfRelativePosition(doc!, projection.fragment, decodeRelativePositionBase64(encoded), projection);
    } catch {
      offset = null; // a stored anchor from elsewhere or corrupted: fall back to the quote
    }
    this.offsets.set(encoded, offset);
    return offset;
  }

  private at(status: AnchorStatus, start: number, end: number): Reanchored {
    const { text, sections } = this.target.projection;
    return { status, start, end, section: sectionAt(sections, start)?.path ?? '', quote: text.slice(start, end) };
  }
}

function resolveInBase(base: BaseVersion, input: { relStart: string; relEnd: string }): { start: number; end: number } {
  const relStart = decodeRelativePositionBase64(input.relStart, 'relStart');
  const relEnd = decodeRelativePositionBase64(input.relEnd, 'relEnd');
  const { doc, projection } = base;
  const start = offsetOfRelativePosition(doc, projection.fragment, relStart, projection);
  const end = offsetOfRelativePosition(doc, projection.fragment, relEnd, projection);
  if (start === null) throw new AppError('anchor_mismatch', 'relStart does not resolve in the base version');
  if (end === null) throw new AppError('anchor_mismatch', 'relEnd does not resolve in the base version');
  if (end < start) throw new AppError('anchor_mismatch', `relEnd resolves before relStart (${end} < ${start})`);
  return { start, end };
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

function quoteOf(anchor: Anchor): QuoteSelector {
  const q = (anchor.quote ?? {}) as Partial<QuoteSelector>;
  const str = (v: unknown) => (typeof v === 'string' ? v : '');
  return { exact: str(q.exact), prefix: str(q.prefix), suffix: str(q.suffix) };
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
