/**
 * Finding a quote selector (exact + prefix + suffix, W3C Web Annotation) again in a text that has
 * changed, for re-anchoring annotations (anchoring.ts). Candidates come from exact occurrences, or
 * when there are none from approx-string-match (Myers' bit-parallel matcher: unlike
 * diff-match-patch's `match_main`, it has no 32-character limit on the pattern). Each candidate is
 * scored the way Hypothesis' match-quote does — similarity of the quote, of the text before it to
 * the prefix and after it to the suffix, nearness to the expected position as a tie-breaker — but
 * weighted per character (quote characters count QUOTE_WEIGHT times), so a short quote needs its
 * context to be believed and a long one does not. A candidate must also agree with the quote's
 * context inside its paragraph (MIN_CONTEXT_AGREEMENT): a look-alike sentence elsewhere, or the
 * same figure in another sentence, is other text. Callers that know more (anchoring.ts knows
 * which characters existed in the base version) pass `accept` to refuse candidates. Caveat: a
 * passage that occurs verbatim, with its context, several times is found at the occurrence
 * nearest the expected position, even when the one annotated was deleted.
 *
 * Cost is capped per quote: a window around the expected position is searched first and the whole
 * text only when the window holds no confident match.
 */
import search from 'approx-string-match';

export interface QuoteSelector {
  exact: string;
  prefix: string;
  suffix: string;
}

export interface QuoteMatch {
  start: number;
  end: number;
  /** In [0, 1]: the share of the expected characters (quote, counted QUOTE_WEIGHT times, prefix
   * and suffix) found there; 1 when the whole selector occurs verbatim. */
  quality: number;
}

/** A candidate's text may differ from the quote by at most 25% of the quote's length in edits. */
export const MIN_QUOTE_SIMILARITY = 0.75;
/**
 * Least match quality accepted (tuned on the unit tests). Unrelated context still scores ≈ 0.27
 * by chance (measured on the demo report), so a quote found verbatim needs about 27 characters to
 * stand alone, and about 50 when nothing of its context is there (at the edge of the text);
 * shorter quotes need their prefix or suffix to agree.
 */
export const MIN_MATCH_QUALITY = 0.6;
/** Each character of the quote counts this many times as one of context: the quote is what the
 * annotation is about, the context only tells equal quotes apart. */
export const QUOTE_WEIGHT = 2;
/** A match this good in the window around the expected position ends the search there. */
export const CONFIDENT_MATCH_QUALITY = 0.85;
/** Characters searched on each side of the expected position before searching the whole text. */
export const SEARCH_WINDOW = 2_000;
/** Candidates scored per search (the nearest to the expected position): bounds cost for short,
 * frequent quotes such as a single word. */
export const MAX_CANDIDATES = 64;
/**
 * Least agreement (in [0, 1], as for the quote) between a candidate's surroundings and the quote's
 * prefix and suffix, each cut at the paragraph break nearest the quote: what surrounds a passage
 * inside its own paragraph travels with it through moves and merges, and a look-alike elsewhere
 * ("Xã Minh Hòa đã hoàn thành…" for "Xã Minh Sơn đã hoàn thành…") does not have it. A side with
 * fewer than MIN_CONTEXT_EVIDENCE characters inside the paragraph is no evidence either way.
 */
export const MIN_CONTEXT_AGREEMENT = 0.5;
const MIN_CONTEXT_EVIDENCE = 3;

/** Options of `matchQuote`. */
export interface MatchOptions {
  /** Called for each candidate [start, end) in `text`; false refuses it. */
  accept?: (start: number, end: number) => boolean;
}

/** Weight of nearness to the expected position in ranking (not in acceptance): a tie-breaker
 * worth about one character of context over the whole text. */
const POSITION_WEIGHT = 0.02;

/**
 * The best match of `quote` in `text` near `hint` (an offset; 0 when unknown), or null when no
 * candidate reaches MIN_MATCH_QUALITY. An empty `exact` (a point) is matched by its context alone
 * and yields start = end. Matches never split a surrogate pair. Never throws.
 */
export function matchQuote(text: string, quote: QuoteSelector, hint = 0, options: MatchOptions = {}): QuoteMatch | null {
  if (quote.exact.length + quote.prefix.length + quote.suffix.length === 0) return null;
  const at = Math.min(Math.max(0, Math.round(hint)), text.length);
  const from = at - SEARCH_WINDOW - quote.prefix.length;
  const to = at + quote.exact.length + SEARCH_WINDOW + quote.suffix.length;
  let best: Scored | null = null;
  if (from > 0 || to < text.length) {
    best = bestIn(text, quote, Math.max(0, from), Math.min(text.length, to), at, options);
    if (best && best.quality >= CONFIDENT_MATCH_QUALITY) return strip(best);
  }
  const global = bestIn(text, quote, 0, text.length, at, options);
  if (global && (!best || global.rank > best.rank)) best = global;
  return best && best.quality >= MIN_MATCH_QUALITY ? strip(best) : null;
}

/**
 * Similarity of two strings in [0, 1]: 1 − Levenshtein distance / longer length (1 for two empty
 * strings). Quadratic (a two-row dynamic programme): for checks and tests, not the matcher. A
 * quote match has similarity ≥ MIN_QUOTE_SIMILARITY to its quote (before snapping off a
 * surrogate pair).
 */
export function similarity(a: string, b: string): number {
  const longer = Math.max(a.length, b.length);
  if (longer === 0) return 1;
  let previous = Array.from({ length: b.length + 1 }, (_, j) => j);
  let current = new Array<number>(b.length + 1);
  for (let i = 1; i <= a.length; i++) {
    current[0] = i;
    for (let j = 1; j <= b.length; j++) {
      const substitution = previous[j - 1]! + (a.charCodeAt(i - 1) === b.charCodeAt(j - 1) ? 0 : 1);
      current[j] = Math.min(substitution, previous[j]! + 1, current[j - 1]! + 1);
    }
    [previous, current] = [current, previous];
  }
  return 1 - previous[b.length]! / longer;
}

interface Scored extends QuoteMatch {
  rank: number;
}

interface Candidate {
  start: number;
  end: number;
  errors: number;
}

const strip = ({ start, end, quality }: Scored): QuoteMatch => ({ start, end, quality });

function bestIn(text: string, quote: QuoteSelector, from: number, to: number, hint: number, options: MatchOptions): Scored | null {
  const { exact, prefix, suffix } = quote;
  const accept = options.accept ?? (() => true);
  // The whole selector verbatim is as good as it gets: no scoring needed.
  const whole = prefix + exact + suffix;
  const full = nearestOccurrence(text, whole, from, to, hint - prefix.length);
  if (full !== -1 && accept(full + prefix.length, full + prefix.length + exact.length)) {
    const start = full + prefix.length;
    return scored(text, start, start + exact.length, 1, hint);
  }
  const filter = to - from > DIRECT_SCAN_LIMIT;
  if (exact.length === 0) {
    // A point: match prefix + suffix, then put the point where the prefix ends.
    let best: Scored | null = null;
    for (const c of nearest(approximate(text, whole, 0, whole, from, to, filter), hint - prefix.length)) {
      let point = c.start;
      if (prefix.length > 0) point += search(text.slice(c.start, c.end), prefix, prefix.length)[0]?.end ?? 0;
      point = snapStart(text, point);
      const candidate = scored(text, point, point, 1 - c.errors / whole.length, hint);
      if (!best || candidate.rank > best.rank) best = candidate;
    }
    return best;
  }

  let candidates = occurrences(text, exact, from, to);
  if (candidates.length === 0) candidates = approximate(text, exact, prefix.length, whole, from, to, filter);
  let best: Scored | null = null;
  for (const c of nearest(candidates, hint)) {
    const [start, end] = c.errors === 0 ? [c.start, c.end] : toWordEdges(text, snapStart(text, c.start), snapEnd(text, c.end), quote, c.errors);
    if (!contextAgrees(text, start, end, quote) || !accept(start, end)) continue;
    const q = 1 - c.errors / exact.length;
    const p = contextScore(text.slice(Math.max(0, start - prefix.length), start), prefix);
    const s = contextScore(text.slice(end, end + suffix.length), suffix);
    const weight = QUOTE_WEIGHT * exact.length;
    const quality = (weight * q + prefix.length * p + suffix.length * s) / (weight + prefix.length + suffix.length);
    const candidate = scored(text, start, end, quality, hint);
    if (!best || candidate.rank > best.rank) best = candidate;
  }
  return best;
}

/**
 * Approximate occurrences of `pattern` (found at `offset` in the selector `whole`) in
 * `text[from, to)`, with at most (1 − MIN_QUOTE_SIMILARITY) × length errors. A window is scanned
 * directly; the whole text is first filtered (Myers' scan costs tens of milliseconds over a
 * 100-page draft): SEEDS pieces of the selector are looked up verbatim and only the neighbourhoods
 * their hits imply are scanned. A match whose every piece was edited is missed there — the price
 * of a bounded cost; the window around the expected position has no such blind spot.
 */
function approximate(text: string, pattern: string, offset: number, whole: string, from: number, to: number, filter: boolean): Candidate[] {
  const maxErrors = Math.floor(pattern.length * (1 - MIN_QUOTE_SIMILARITY));
  if (maxErrors === 0) return [];
  if (!filter) return shift(search(text.slice(from, to), pattern, maxErrors), from);
  const margin = maxErrors + 8;
  const starts: number[] = [];
  for (const seed of seedsOf(whole)) {
    let hits = 0;
    for (let i = text.indexOf(seed.text, from); i !== -1 && i < to && hits < MAX_SEED_HITS; i = text.indexOf(seed.text, i + 1), hits++) {
      starts.push(i - seed.offset + offset);
    }
  }
  starts.sort((a, b) => a - b);
  const found: Candidate[] = [];
  let covered = -1;
  for (const start of starts) {
    if (start - margin < covered) continue; // this neighbourhood was scanned already
    const lo = Math.max(from, start - margin);
    const hi = Math.min(to, start + pattern.length + margin);
    covered = hi - pattern.length;
    found.push(...shift(search(text.slice(lo, hi), pattern, maxErrors), lo));
  }
  return found;
}

/** Longest stretch scanned directly by Myers' matcher (well under a millisecond). */
const DIRECT_SCAN_LIMIT = 10_000;
/** Pieces of the selector looked up verbatim when filtering the whole text. */
const SEEDS = 8;
const SEED_LENGTH = 12;
/** Hits kept per piece (a piece of blanks or a common phrase can occur thousands of times). */
const MAX_SEED_HITS = 256;

function seedsOf(whole: string): { text: string; offset: number }[] {
  if (whole.length <= SEED_LENGTH) return [{ text: whole, offset: 0 }];
  const count = Math.min(SEEDS, Math.floor(whole.length / SEED_LENGTH));
  const step = (whole.length - SEED_LENGTH) / Math.max(1, count - 1);
  const seeds = [];
  for (let k = 0; k < count; k++) {
    const offset = Math.round(k * step);
    seeds.push({ text: whole.slice(offset, offset + SEED_LENGTH), offset });
  }
  return seeds;
}

function shift(matches: Candidate[], by: number): Candidate[] {
  return matches.map((m) => ({ start: m.start + by, end: m.end + by, errors: m.errors }));
}

function scored(text: string, start: number, end: number, quality: number, hint: number): Scored {
  const nearness = 1 - Math.abs(start - hint) / Math.max(1, text.length);
  return { start, end, quality, rank: quality + POSITION_WEIGHT * nearness };
}

/**
 * Whether the text around [start, end) agrees with the quote's context within its paragraph (see
 * MIN_CONTEXT_AGREEMENT). Where the candidate's paragraph now begins or ends sooner than the
 * context did (Enter was pressed next to the passage), only the part still beside it is compared.
 */
export function contextAgrees(text: string, start: number, end: number, quote: QuoteSelector): boolean {
  const before = quote.prefix.slice(quote.prefix.lastIndexOf('\n') + 1);
  const cut = quote.suffix.indexOf('\n');
  const after = cut === -1 ? quote.suffix : quote.suffix.slice(0, cut);
  if (before.length >= MIN_CONTEXT_EVIDENCE) {
    let found = text.slice(Math.max(0, start - before.length), start);
    found = found.slice(found.lastIndexOf('\n') + 1);
    const expected = before.slice(before.length - found.length);
    if (found.length >= MIN_CONTEXT_EVIDENCE && contextScore(found, expected) < MIN_CONTEXT_AGREEMENT) return false;
  }
  if (after.length >= MIN_CONTEXT_EVIDENCE) {
    let found = text.slice(end, end + after.length);
    const stop = found.indexOf('\n');
    if (stop !== -1) found = found.slice(0, stop);
    const expected = after.slice(0, found.length);
    if (found.length >= MIN_CONTEXT_EVIDENCE && contextScore(found, expected) < MIN_CONTEXT_AGREEMENT) return false;
  }
  return true;
}

/** Similarity of the text found beside a candidate to the expected context (Hypothesis' way: the
 * best alignment of the context inside that text). Missing context is no evidence either way. */
function contextScore(found: string, expected: string): number {
  if (expected.length === 0) return 1;
  if (found.length === 0) return 0;
  if (found === expected) return 1;
  const errors = search(found, expected, expected.length)[0]?.errors ?? expected.length;
  return 1 - errors / expected.length;
}

function occurrences(text: string, needle: string, from: number, to: number): Candidate[] {
  // Search a slice: indexOf from `from` on the whole text would run on past `to` to the end.
  const region = to < text.length ? text.slice(from, to) : text;
  const base = region === text ? 0 : from;
  const found: Candidate[] = [];
  for (let i = region.indexOf(needle, from - base); i !== -1; i = region.indexOf(needle, i + 1)) {
    found.push({ start: base + i, end: base + i + needle.length, errors: 0 });
  }
  return found;
}

/** The occurrence of `needle` inside `text[from, to)` nearest to `target`, or −1. */
function nearestOccurrence(text: string, needle: string, from: number, to: number, target: number): number {
  const region = to < text.length ? text.slice(from, to) : text;
  const base = region === text ? 0 : from;
  let best = -1;
  for (let i = region.indexOf(needle, from - base); i !== -1; i = region.indexOf(needle, i + 1)) {
    if (best === -1 || Math.abs(base + i - target) < Math.abs(base + best - target)) best = i;
    else break; // occurrences only get farther from here on
  }
  return best === -1 ? -1 : base + best;
}

function nearest(candidates: Candidate[], target: number): Candidate[] {
  if (candidates.length <= MAX_CANDIDATES) return candidates;
  return [...candidates].sort((a, b) => Math.abs(a.start - target) - Math.abs(b.start - target)).slice(0, MAX_CANDIDATES);
}

const WORD_CHARACTER = /[\p{L}\p{M}\p{N}]/u;
const isWord = (ch: string | undefined) => ch !== undefined && WORD_CHARACTER.test(ch);

/**
 * An approximate match may start or end inside a word where the quote began or ended on a word
 * edge (it trades a few errors for neighbouring letters: "n. Độ che phủ…" for "Tỷ lệ che phủ…").
 * Its edges are moved inwards to the nearest word edge, by at most `errors` characters.
 */
function toWordEdges(text: string, start: number, end: number, quote: QuoteSelector, errors: number): [number, number] {
  const { exact, prefix, suffix } = quote;
  let from = start;
  let to = end;
  if (!(isWord(prefix.at(-1)) && isWord(exact[0])) && isWord(text[from - 1]) && isWord(text[from])) {
    let k = from;
    while (k < to && isWord(text[k])) k++;
    if (isWord(exact[0])) while (k < to && !isWord(text[k])) k++;
    if (k - from <= errors && k < to) from = k;
  }
  if (!(isWord(exact.at(-1)) && isWord(suffix[0])) && isWord(text[to - 1]) && isWord(text[to])) {
    let k = to;
    while (k > from && isWord(text[k - 1])) k--;
    if (isWord(exact.at(-1))) while (k > from && !isWord(text[k - 1])) k--;
    if (to - k <= errors && k > from) to = k;
  }
  return [snapStart(text, from), snapEnd(text, to)];
}

const isLowSurrogate = (code: number) => code >= 0xdc00 && code <= 0xdfff;

/** Moves an offset that falls inside a surrogate pair back to the pair's start. */
function snapStart(text: string, offset: number): number {
  return offset > 0 && offset < text.length && isLowSurrogate(text.charCodeAt(offset)) ? offset - 1 : offset;
}

/** Moves an offset that falls inside a surrogate pair forward to the pair's end. */
function snapEnd(text: string, offset: number): number {
  return offset > 0 && offset < text.length && isLowSurrogate(text.charCodeAt(offset)) ? offset + 1 : offset;
}
