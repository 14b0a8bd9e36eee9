/**
 * What a suggestion changes, as words a remark would say (clustering.ts): a member who writes
 * "nên sửa thành 52,4 triệu đồng" and one who suggests replacing "52 triệu đồng" with "52,4 triệu
 * đồng" make one point, and what they share is the change, "52,4". The words of the replacement
 * that the quote does not have (a multiset difference, in the replacement's order) are the
 * change; a replacement that only drops words is "bỏ" (remove) and the words it drops.
 */
const WORD = /\d+(?:[.,]\d+)*%?|[\p{L}\p{M}\p{N}]+(?:['’][\p{L}\p{M}\p{N}]+)*/gu;

const wordsOf = (s: string) => s.normalize('NFC').toLowerCase().match(WORD) ?? [];

/** The change of a suggestion replacing `quote` with `replacement` (see the module comment). */
export function changedWords(quote: string, replacement: string): string {
  const left = new Map<string, number>();
  for (const w of wordsOf(quote)) left.set(w, (left.get(w) ?? 0) + 1);
  const inserted: string[] = [];
  for (const w of wordsOf(replacement)) {
    const n = left.get(w) ?? 0;
    if (n > 0) left.set(w, n - 1);
    else inserted.push(w);
  }
  if (inserted.length > 0) return inserted.join(' ');
  const dropped = [...left].flatMap(([w, n]) => Array<string>(n).fill(w));
  return `bỏ ${dropped.length > 0 ? dropped.join(' ') : 'câu này'}`;
}
