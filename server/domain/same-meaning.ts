/**
 * The decision of text-similarity.ts's module comment, on two profiles of one TextProfiler:
 * cannot-links first (numbers, stances, a swapped named thing), then overlap of content words.
 */
import { OVERLAP_MIN, SHARE_MIN, TextProfiler, sharedCount, stancesConflict, type TextProfile } from './text-similarity.js';

/** What the profiler that made two profiles knows of word ids. */
export interface Words {
  /** A stance, act, number or negation token: never one side of a named-thing swap. */
  readonly special: (id: number) => boolean;
  readonly isNegation: (id: number) => boolean;
}

/** The `Words` of a profiler. */
export const wordsOf = (profiler: TextProfiler): Words => ({ special: (id) => profiler.isSpecial(id), isNegation: (id) => profiler.nameOf(id) === '!' });

export interface Comparison {
  /** This side is a suggestion's change (the words it inserts): it must be contained in the other. */
  readonly aPartial?: boolean;
  readonly bPartial?: boolean;
}

/** True when one side has a number the other lacks and the other way round (52,4 vs 54). */
function numbersConflict(a: readonly string[], b: readonly string[]): boolean {
  if (a.length === 0 || b.length === 0) return false;
  return a.some((n) => !b.includes(n)) && b.some((n) => !a.includes(n));
}

function contains(sorted: Int32Array, id: number): boolean {
  let lo = 0;
  let hi = sorted.length - 1;
  while (lo <= hi) {
    const mid = (lo + hi) >> 1;
    const v = sorted[mid]!;
    if (v === id) return true;
    if (v < id) lo = mid + 1;
    else hi = mid - 1;
  }
  return false;
}

/** Shared content words, counting an unaccented "bo" of one side as the other side's "bỏ". */
function sharedWords(a: TextProfile, b: TextProfile): number {
  const x = a.featureIds;
  const y = b.featureIds;
  let shared = sharedCount(x, y);
  for (const [id, bits] of a.vague) if (!contains(y, id) && b.stances & bits & ~a.stances) shared++;
  for (const [id, bits] of b.vague) if (!contains(x, id) && a.stances & bits & ~b.stances) shared++;
  return shared;
}

/** Scratch table of the alignment, reused (comparisons run one at a time). */
let lcsBuffer = new Uint8Array(1024);

/**
 * True when, aligned word by word (longest common subsequence), the texts differ somewhere by one
 * content word swapped for another next to a shared word: "chi bộ" / "chi đoàn".
 */
export function swapsOneWord(a: TextProfile, b: TextProfile, words: Words): boolean {
  const x = a.sequence;
  const y = b.sequence;
  if (x.length > 64 || y.length > 64) return false;
  const w = y.length + 1;
  const size = (x.length + 1) * w;
  if (lcsBuffer.length < size) lcsBuffer = new Uint8Array(Math.max(size, 2 * lcsBuffer.length));
  const lcs = lcsBuffer;
  lcs.fill(0, 0, size);
  for (let i = x.length - 1; i >= 0; i--) {
    for (let j = y.length - 1; j >= 0; j--) {
      lcs[i * w + j] = x[i] === y[j] ? lcs[(i + 1) * w + j + 1]! + 1 : Math.max(lcs[(i + 1) * w + j]!, lcs[i * w + j + 1]!);
    }
  }
  let i = 0;
  let j = 0;
  let matchedBefore = false;
  let afterNegation = false;
  let gapX: number[] = [];
  let gapY: number[] = [];
  // A slot next to a shared word ("chi … sinh hoạt", "thôn … năm 2023", "chuyển đổi …"); after a
  // negation it is a reworded predicate ("chưa đạt" / "chưa tốt"), not another named thing.
  const swap = (matchedAfter: boolean) => {
    if (gapX.length !== 1 || gapY.length !== 1 || !(matchedBefore || matchedAfter)) return false;
    if (afterNegation) return false;
    const p = gapX[0]!;
    const q = gapY[0]!;
    if (words.special(p) || words.special(q)) return false;
    if (a.vague.has(p) || b.vague.has(q)) return false;
    return true;
  };
  while (i < x.length || j < y.length) {
    if (i < x.length && j < y.length && x[i] === y[j]) {
      if (swap(true)) return true;
      gapX = [];
      gapY = [];
      matchedBefore = true;
      afterNegation = words.isNegation(x[i]!);
      i++;
      j++;
    } else if (j >= y.length || (i < x.length && lcs[(i + 1) * w + j]! >= lcs[i * w + j + 1]!)) gapX.push(x[i++]!);
    else gapY.push(y[j++]!);
  }
  return swap(false);
}

/** The cannot-links that need no alignment: numbers or stances in conflict. */
export function cannotLink(a: TextProfile, b: TextProfile): boolean {
  return numbersConflict(a.numbers, b.numbers) || stancesConflict(a.stances, b.stances);
}

/** Every cannot-link: numbers, stances, or one named thing swapped. */
export function vetoed(a: TextProfile, b: TextProfile, words: Words): boolean {
  return a.key !== b.key && (cannotLink(a, b) || swapsOneWord(a, b, words));
}

/**
 * Whether two texts make the same point (text-similarity.ts, module comment), on profiles of the
 * profiler whose `Words` are given. Symmetric when both or neither side is partial.
 */
export function sameMeaning(a: TextProfile, b: TextProfile, words: Words, how: Comparison = {}): boolean {
  if (a.key === b.key) return true;
  return !vetoed(a, b, words) && overlapAgrees(a, b, how);
}

/** The overlap half of `sameMeaning` (no cannot-links): enough shared content words. */
export function overlapAgrees(a: TextProfile, b: TextProfile, how: Comparison = {}): boolean {
  if (a.key === b.key) return true;
  const na = a.featureIds.length;
  const nb = b.featureIds.length;
  if (na === 0 || nb === 0) return false;
  const shared = sharedWords(a, b);
  if (how.aPartial !== how.bPartial) return shared >= (how.aPartial ? na : nb);
  const small = Math.min(na, nb);
  const large = Math.max(na, nb);
  if (shared < 2 && !(shared === 1 && small === 1 && large <= 2)) return false;
  return shared >= OVERLAP_MIN * small - 1e-9 && shared >= SHARE_MIN * large - 1e-9;
}

/** `sameMeaning` of two texts (tests, explanations). */
export function nearDuplicate(a: string, b: string): boolean {
  const profiler = new TextProfiler();
  return sameMeaning(profiler.profile(a), profiler.profile(b), wordsOf(profiler));
}
