/**
 * Ranking annotations against a search query (API.md, `GET /documents/:id/annotations/search`):
 * accent- and case-insensitive (text-normal.ts `foldText`: "de nghi bo" finds "Đề nghị bỏ"),
 * tolerant of small typos, ranked. Pure: the service decides what the caller may see and filters;
 * this module only scores.
 *
 * The rule, per query word (a run of letters and digits after folding):
 * - it must match a word of the annotation (every query word must: a search narrows as it grows);
 * - an equal word scores 1, a word it begins (query word ≥ 3 characters) 0.8, a word one edit
 *   away (query word ≥ 4 characters; insert, delete, substitute or swap two neighbours) 0.6, two
 *   edits away (query word ≥ 8 characters) 0.4;
 * - the best match is weighted by where the word is: the comment's text 1, its proposed wording
 *   0.9, the quoted passage 0.7, the author's name 0.6.
 * A field holding the whole folded query as a phrase adds its weight once more. Ties keep the
 * input order (the service passes the newest first).
 */
import { foldText } from './text-normal.js';

/** The texts of one annotation that a query is matched against. */
export interface SearchableText {
  body: string;
  replacement: string | null;
  quote: string;
  authorName: string;
}

/** A field's weight in the score (see the module's rule). */
export const fieldWeights = { body: 1, replacement: 0.9, quote: 0.7, authorName: 0.6 } as const satisfies Record<keyof SearchableText, number>;

const LETTER_OR_DIGIT = /[\p{L}\p{N}]/u;

/** The folded words (runs of letters and digits) of a text, in order. */
export function searchWords(text: string): string[] {
  const folded = foldText(text);
  const words: string[] = [];
  let start = -1;
  // A loop instead of a Unicode-property regex over the whole text: folded text is almost all
  // ASCII, and this is the hot path of a search (every field of every visible comment).
  for (let i = 0; i <= folded.length; i++) {
    const code = i < folded.length ? folded.charCodeAt(i) : 32;
    const inWord = (code >= 97 && code <= 122) || (code >= 48 && code <= 57) || (code > 127 && LETTER_OR_DIGIT.test(folded[i]!));
    if (inWord && start < 0) start = i;
    else if (!inWord && start >= 0) {
      words.push(folded.slice(start, i));
      start = -1;
    }
  }
  return words;
}

/** A query prepared once for scoring many annotations. */
export interface SearchQuery {
  readonly words: readonly string[];
  /** The folded words joined by one space, for the phrase bonus. */
  readonly phrase: string;
}

export function parseQuery(q: string): SearchQuery {
  const words = searchWords(q);
  return { words, phrase: words.join(' ') };
}

/**
 * Edit distance with adjacent transpositions (optimal string alignment), stopping early once it
 * exceeds `limit` (then returns `limit + 1`). Strings are compared by UTF-16 code unit, which is
 * exact for folded Vietnamese (all BMP letters).
 */
export function editDistance(a: string, b: string, limit: number): number {
  if (Math.abs(a.length - b.length) > limit) return limit + 1;
  let previous2: number[] = [];
  let previous = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    const current = [i];
    let rowMin = i;
    for (let j = 1; j <= b.length; j++) {
      const cost = a[i - 1] === b[j - 1] ? 0 : 1;
      let value = Math.min(previous[j]! + 1, current[j - 1]! + 1, previous[j - 1]! + cost);
      if (i > 1 && j > 1 && a[i - 1] === b[j - 2] && a[i - 2] === b[j - 1]) value = Math.min(value, previous2[j - 2]! + 1);
      current.push(value);
      rowMin = Math.min(rowMin, value);
    }
    if (rowMin > limit) return limit + 1;
    previous2 = previous;
    previous = current;
  }
  return previous[b.length]!;
}

/** How well one query word matches one word of the text: 1, 0.8, 0.6, 0.4 or 0 (the module's rule). */
export function wordMatch(query: string, word: string): number {
  if (query === word) return 1;
  if (query.length >= 3 && word.startsWith(query)) return 0.8;
  if (query.length < 4) return 0;
  const limit = query.length >= 8 ? 2 : 1;
  const distance = editDistance(query, word, limit);
  if (distance > limit) return 0;
  return distance === 1 ? 0.6 : 0.4;
}

/**
 * The match quality of each query word against a text word, remembered per distinct text word:
 * a round's comments share most of their words, so each pair is compared once per search.
 */
export class WordMatcher {
  private readonly known = new Map<string, Float64Array>();
  constructor(readonly query: SearchQuery) {}

  /** `wordMatch(queryWord_i, word)` for every query word i. */
  qualities(word: string): Float64Array {
    let found = this.known.get(word);
    if (!found) {
      found = Float64Array.from(this.query.words, (q) => wordMatch(q, word));
      this.known.set(word, found);
    }
    return found;
  }
}

/**
 * The score of an annotation for a query: > 0 when every query word matches, else 0. An empty query
 * scores 1 for everything. Pass one `matcher` for all the annotations of a search.
 */
export function scoreAnnotation(query: SearchQuery, text: SearchableText, matcher = new WordMatcher(query)): number {
  if (query.words.length === 0) return 1;
  const best = new Float64Array(query.words.length);
  const phrase = ` ${query.phrase} `;
  let phraseBonus = 0;
  for (const name of Object.keys(fieldWeights) as (keyof SearchableText)[]) {
    const value = text[name];
    if (!value) continue;
    const weight = fieldWeights[name];
    const words = searchWords(value);
    for (const word of words) {
      const qualities = matcher.qualities(word);
      for (let i = 0; i < qualities.length; i++) best[i] = Math.max(best[i]!, qualities[i]! * weight);
    }
    if (` ${words.join(' ')} `.includes(phrase)) phraseBonus += weight;
  }
  let score = 0;
  for (const value of best) {
    if (value === 0) return 0;
    score += value;
  }
  return score + phraseBonus;
}

/**
 * The items that match `q`, best first; items of equal score keep their input order.
 * `textOf` gives an item's searchable texts.
 */
export function rankByQuery<T>(items: readonly T[], q: string, textOf: (item: T) => SearchableText): Array<{ item: T; score: number }> {
  const query = parseQuery(q);
  const matcher = new WordMatcher(query);
  return items
    .map((item, index) => ({ item, index, score: scoreAnnotation(query, textOf(item), matcher) }))
    .filter((r) => r.score > 0)
    .sort((a, b) => b.score - a.score || a.index - b.index)
    .map(({ item, score }) => ({ item, score }));
}
