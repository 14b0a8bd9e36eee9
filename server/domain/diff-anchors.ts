/**
 * Anchors that cut one big diff into many small ones (version-diff.ts). diff-match-patch's search
 * costs about (edits)² per problem, so a 300,000-character report with 5% of its words changed
 * (~6,000 token edits) is one slow problem but a few hundred fast ones once it is cut at points
 * known to correspond in both texts.
 *
 * The anchors are paragraph openings, patience-diff style: the first `ANCHOR_TOKENS` tokens after a
 * line break (or at the start) that occur exactly once among the openings of the old text and
 * exactly once among those of the new text, kept only in a longest chain increasing in both texts
 * (so anchors never cross). Cutting anywhere keeps the result exact — each piece is diffed
 * completely and the pieces concatenate — an unlucky anchor can only make the diff less minimal.
 */

/** Tokens in an anchor key: about four words with their spaces, enough to make openings distinct. */
export const ANCHOR_TOKENS = 8;

/** A cut: token `old` of the old text corresponds to token `new` of the new text. */
export interface Anchor {
  old: number;
  new: number;
}

/**
 * Anchors between two encoded token strings (`chars*[i]` encodes `tokens*[i]`), strictly increasing
 * in both texts, never at 0 or at an end (those are not cuts).
 */
export function paragraphAnchors(
  chars1: string,
  tokens1: readonly string[],
  chars2: string,
  tokens2: readonly string[],
): Anchor[] {
  const seen = new Map<string, { old: number; new: number; count1: number; count2: number }>();
  forEachOpening(chars1, tokens1, (key, i) => {
    const entry = seen.get(key);
    if (entry) entry.count1++;
    else seen.set(key, { old: i, new: -1, count1: 1, count2: 0 });
  });
  forEachOpening(chars2, tokens2, (key, j) => {
    const entry = seen.get(key);
    if (entry && ++entry.count2 === 1) entry.new = j;
  });
  const candidates: Anchor[] = [];
  for (const entry of seen.values()) {
    if (entry.count1 === 1 && entry.count2 === 1 && entry.old > 0 && entry.new > 0) {
      candidates.push({ old: entry.old, new: entry.new });
    }
  }
  // Map iteration follows insertion order, which follows the old text: already sorted by `old`.
  return longestIncreasing(candidates);
}

function forEachOpening(chars: string, tokens: readonly string[], visit: (key: string, i: number) => void): void {
  for (let i = 0; i < tokens.length; i++) {
    if (i === 0 || tokens[i - 1]!.charCodeAt(0) === 10) visit(chars.slice(i, i + ANCHOR_TOKENS), i);
  }
}

/** The longest subsequence strictly increasing in `new` (patience sorting, O(n log n)). */
function longestIncreasing(anchors: readonly Anchor[]): Anchor[] {
  const tails: number[] = []; // tails[l]: index of the smallest last `new` of a chain of length l+1
  const previous = new Array<number>(anchors.length).fill(-1);
  anchors.forEach((anchor, index) => {
    let lo = 0;
    let hi = tails.length;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (anchors[tails[mid]!]!.new < anchor.new) lo = mid + 1;
      else hi = mid;
    }
    if (lo > 0) previous[index] = tails[lo - 1]!;
    tails[lo] = index;
  });
  const chain: Anchor[] = [];
  for (let index = tails[tails.length - 1] ?? -1; index >= 0; index = previous[index]!) chain.push(anchors[index]!);
  return chain.reverse();
}
