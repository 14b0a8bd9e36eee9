/**
 * The re-anchoring rules behind `reanchor` / `reanchorAll` (anchoring.ts), shared across a batch.
 * The goal is never to be confidently wrong: an annotation lands on the text it was about — as
 * it reads now — or is orphaned, never on other text.
 *
 * Evidence, strongest first:
 * 1. the relative positions (Yjs): they follow the text through edits; an edge whose character
 *    was deleted is stretched over what was typed in its place (a retyped or rewritten last word);
 * 2. the quote found verbatim (NFC) near there, when it is not text that stood elsewhere in the
 *    base version — editors write a retype, a moved paragraph or a merge as delete + re-insert,
 *    so such text comes back as `moved`;
 * 3. with both edge characters alive, the range itself (its inside was edited) → `fuzzy`;
 * 4. an approximate match (fuzzy-quote.ts) that agrees with the quote's context in its paragraph
 *    and is not base-version text from outside the range (Enter pressed inside the range, a
 *    retyped sentence with a corrected figure) → `fuzzy`;
 * 5. the stretched range, if it still resembles the quote (MIN_REPAIRED_SIMILARITY) → `fuzzy`.
 */
import type * as Y from 'yjs';
import { CharacterAges, isPositionDeleted, toStateVector } from './anchor-items.js';
import type { Anchor, AnchorStatus, Reanchored, ReanchorTarget } from './anchoring.js';
import { matchQuote, similarity, type QuoteSelector } from './fuzzy-quote.js';
import { decodeRelativePositionBase64, offsetOfRelativePosition, sectionAt } from './projection.js';
import type { NfcView } from './text-normal.js';

/** When an edge of the range was deleted, the range the positions still delimit is kept only if
 * its text is at least this similar to the quote (half the quote survives or was replaced in place). */
export const MIN_REPAIRED_SIMILARITY = 0.5;

/**
 * Most of a candidate that may be base-version text from outside the annotated range. Not zero:
 * y-prosemirror writes a dragged paragraph by rewriting the paragraphs in between in place,
 * keeping the characters each old and new text share at their start and end (often a final
 * period), so a moved passage can carry a few such characters at its edges. A look-alike that
 * stood elsewhere in the base is almost all such text.
 */
const MAX_FOREIGN_SHARE = 0.25;

const ORPHANED: Reanchored = Object.freeze({ status: 'orphaned', start: null, end: null, section: null, quote: null });

/** Longest texts compared by edit distance (quadratic) for rule 5; longer ones rely on rules 1–4. */
const MAX_COMPARED_LENGTH = 2_000;

interface Found {
  start: number;
  end: number;
  verbatim: boolean;
}

export class Reanchorer {
  private readonly offsets = new Map<string, number | null>();
  private readonly deletions = new Map<string, boolean | null>();
  private readonly searches = new Map<string, Found | null>();
  private readonly ages: CharacterAges | null;
  constructor(private readonly target: ReanchorTarget) {
    this.ages = target.base && target.doc ? new CharacterAges(target.projection, toStateVector(target.base)) : null;
  }

  reanchor(anchor: Anchor): Reanchored {
    const quote = normalQuote(anchor);
    if (this.target.doc && this.sharesHistory(anchor)) {
      const start = this.resolve(anchor.relStart);
      const end = quote.exact.length === 0 ? start : this.resolve(anchor.relEnd);
      if (quote.exact.length === 0 && start !== null) return this.at(this.isStored(anchor, start, start) ? 'exact' : 'moved', start, start);
      if (start !== null && end !== null) {
        return this.fromPositions(anchor, quote, start, Math.max(start, end), this.isDeleted(anchor.relStart), this.isDeleted(anchor.relEnd));
      }
      // One edge's paragraph is gone (joined into another, or deleted): what is left of the range
      // runs from the surviving edge to its paragraph's end (or from its paragraph's start).
      if (start !== null) return this.fromPositions(anchor, quote, start, this.blockEnd(start), this.isDeleted(anchor.relStart), true);
      if (end !== null) return this.fromPositions(anchor, quote, this.blockStart(end), end, true, this.isDeleted(anchor.relEnd));
    }
    // The stored offsets are NFC (anchorInBase): the hint is one in the NFC text.
    const hint = Number.isInteger(anchor.start) ? Math.min(Math.max(0, anchor.start), this.view().text.length) : 0;
    return this.found(anchor, this.search(quote, hint, null, null), this.sharesHistory(anchor));
  }

  private fromPositions(anchor: Anchor, quote: QuoteSelector, start: number, end: number, startGone: boolean, endGone: boolean): Reanchored {
    const [from, to] = this.stretch(start, end, endGone);
    const now = this.normalised(from, to);
    if (to > from && now === quote.exact) return this.at(this.isStored(anchor, from, to) ? 'exact' : 'moved', from, to);
    const found = this.search(quote, this.view().toNfc(from), start, end);
    if (found?.verbatim) return this.found(anchor, found);
    if (!startGone && !endGone && to > from) return this.at('fuzzy', from, to);
    // An edge is gone: the range, if it still resembles the quote, unless the quote matched
    // better elsewhere nearby (Enter inside the range moved its tail to the next paragraph).
    const kept = to > from ? closeness(now, quote.exact) : -1;
    const other = found ? closeness(this.normalised(found.start, found.end), quote.exact) : -1;
    if (kept >= MIN_REPAIRED_SIMILARITY && kept >= other) return this.at('fuzzy', from, to);
    return this.found(anchor, found);
  }

  /** A search result: `moved` (or `exact`) only when verbatim and the target shares the base's
   * history; without it a quote match is never more than `fuzzy` (a re-imported document). */
  private found(anchor: Anchor, found: Found | null, sharedHistory = true): Reanchored {
    if (!found) return { ...ORPHANED };
    if (!found.verbatim || !sharedHistory) return this.at('fuzzy', found.start, found.end);
    return this.at(this.isStored(anchor, found.start, found.end) ? 'exact' : 'moved', found.start, found.end);
  }

  /** Whether projection offsets [from, to) are the stored anchor's (NFC) offsets. */
  private isStored(anchor: Anchor, from: number, to: number): boolean {
    const view = this.view();
    return view.toNfc(from) === anchor.start && view.toNfc(to) === anchor.end;
  }

  /**
   * The quote near `hint` (an offset of the NFC text). Base-version text is accepted only inside
   * projection offsets [from, to) — the part of the draft that was the annotated range — or
   * nowhere when null. The result is in projection offsets.
   */
  private search(quote: QuoteSelector, hint: number, from: number | null, to: number | null): Found | null {
    const key = `${hint}\u0000${from}\u0000${to}\u0000${quote.exact}\u0000${quote.prefix}\u0000${quote.suffix}`;
    if (this.searches.has(key)) return this.searches.get(key)!;
    const view = this.view();
    const ages = this.ages;
    const accept = ages
      ? (s: number, e: number) => {
          const [a, b] = [view.toSource(s), view.toSource(e)];
          return ages.countOldOutside(a, b, from, to) <= MAX_FOREIGN_SHARE * (b - a);
        }
      : undefined;
    const match = matchQuote(view.text, quote, hint, { accept });
    const found = match
      ? { start: view.toSource(match.start), end: view.toSource(match.end), verbatim: view.text.slice(match.start, match.end) === quote.exact }
      : null;
    this.searches.set(key, found);
    return found;
  }

  /**
   * Moves a deleted end over the characters typed in its place since the base (same paragraph):
   * Yjs puts text typed where deleted text was after the deleted items, so a deleted last
   * character resolves before its replacement. A deleted first character resolves before its
   * replacement already, so the start stays.
   */
  private stretch(start: number, end: number, endGone: boolean): [number, number] {
    const ages = this.ages;
    if (!ages || !endGone) return [start, end];
    const text = this.target.projection.text;
    let to = end;
    while (to < text.length && text[to] !== '\n' && ages.isNew(to)) to++;
    return [start, to];
  }

  private normalised(from: number, to: number): string {
    return this.target.projection.text.slice(from, to).normalize('NFC');
  }

  /** The target's NFC text with its offset maps (computed once per projection). */
  private view(): NfcView {
    return this.target.projection.nfc;
  }

  private blockEnd(offset: number): number {
    const stop = this.target.projection.text.indexOf('\n', offset);
    return stop === -1 ? this.target.projection.text.length : stop;
  }

  private blockStart(offset: number): number {
    return this.target.projection.text.lastIndexOf('\n', offset - 1) + 1;
  }

  /** Whether the target's doc knows the anchor's characters (deleted or not): it shares the base's
   * history, as the live draft and later versions do and a re-imported document does not. */
  private sharesHistory(anchor: Anchor): boolean {
    return !!this.target.doc && (this.deletedState(anchor.relStart) !== null || this.deletedState(anchor.relEnd) !== null);
  }

  /** Whether the edge character is gone (or unknown to the target: also not to be trusted). */
  private isDeleted(encoded: unknown): boolean {
    return this.deletedState(encoded) !== false;
  }

  private deletedState(encoded: unknown): boolean | null {
    if (typeof encoded !== 'string') return null;
    let state = this.deletions.get(encoded);
    if (state === undefined) {
      state = isPositionDeleted(this.target.doc as Y.Doc, encoded);
      this.deletions.set(encoded, state);
    }
    return state;
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

  /** The result for projection offsets [start, end), in the space the target asks for. */
  private at(status: AnchorStatus, start: number, end: number): Reanchored {
    if (this.target.offsets === 'nfc') {
      const nfc = this.target.projection.nfc;
      const [a, b] = [nfc.toNfc(start), nfc.toNfc(end)];
      return { status, start: a, end: b, section: sectionAt(nfc.sections, a)?.path ?? '', quote: nfc.text.slice(a, b) };
    }
    const { text, sections } = this.target.projection;
    return { status, start, end, section: sectionAt(sections, start)?.path ?? '', quote: text.slice(start, end) };
  }
}

/** The stored quote selector, NFC (a quote typed decomposed compares equal to its retyping). */
function normalQuote(anchor: Anchor): QuoteSelector {
  const q = (anchor.quote ?? {}) as Partial<QuoteSelector>;
  const str = (v: unknown) => (typeof v === 'string' ? v.normalize('NFC') : '');
  return { exact: str(q.exact), prefix: str(q.prefix), suffix: str(q.suffix) };
}

/** Similarity (fuzzy-quote.ts) of two texts, or −1 when they differ too much in length to be
 * alike or are too long to compare (the edit distance is quadratic). */
function closeness(now: string, quote: string): number {
  const longer = Math.max(now.length, quote.length);
  if (Math.min(now.length, quote.length) < longer * MIN_REPAIRED_SIMILARITY || longer > MAX_COMPARED_LENGTH) return -1;
  return similarity(now, quote);
}
