/**
 * Small pure rules of feedback packages and of the merged feedback a unit receives (API.md
 * "Aggregation and consolidated feedback"): the quoted passage of an item, the stable id of a
 * merged item, and which of the receiving unit's decisions belongs to a merged item.
 */
import { createHash } from 'node:crypto';

/** Longer than this, an item's span is a whole section or document (a general comment): no quote. */
export const maxQuoteLength = 1_000;

/**
 * The passage an item is about: the text between its anchor offsets in the draft the package is
 * about (the base version of the latest round), trimmed; `''` for a general comment (an empty
 * span, or one longer than `maxQuoteLength` characters, i.e. a section or the whole draft).
 */
export function quoteOf(text: string, anchor: { start: number; end: number }): string {
  if (anchor.end <= anchor.start || anchor.end - anchor.start > maxQuoteLength) return '';
  return text.slice(anchor.start, anchor.end).trim();
}

/** A package item as the receiving unit names it: `fromUnitId/itemId` (one latest package per unit). */
export const sourceKey = (fromUnitId: string, itemId: string): string => `${fromUnitId}/${itemId}`;

/**
 * The id of a merged item: 16 hex characters of SHA-256 over its smallest source key. It stays the
 * same when a unit sends a corrected package (keys name units, not packages) and when other units'
 * matching points join, unless one of them sorts first; decisions are found by sources anyway
 * (`dispositionFor`), so a changed id never loses one.
 */
export function mergedItemId(sourceKeys: readonly string[]): string {
  const first = [...sourceKeys].sort()[0] ?? '';
  return createHash('sha256').update(first).digest('hex').slice(0, 16);
}

/**
 * The receiving unit's decision on a merged item: the newest decision recorded on an item that
 * shared at least one source with it. `decisions` must be newest first.
 */
export function dispositionFor<D extends { sources: readonly string[] }>(sourceKeys: readonly string[], decisions: readonly D[]): D | undefined {
  const keys = new Set(sourceKeys);
  return decisions.find((d) => d.sources.some((s) => keys.has(s)));
}

/**
 * `dispositionFor` for many items against the same decisions: each source key's newest decision
 * found once (O(decisions' sources)), then an item costs its own keys, not a scan of every
 * decision. The lookup answers exactly what `dispositionFor(sourceKeys, decisions)` would.
 */
export function dispositionLookup<D extends { sources: readonly string[] }>(decisions: readonly D[]): (sourceKeys: readonly string[]) => D | undefined {
  const newest = new Map<string, number>();
  decisions.forEach((d, i) => {
    for (const s of d.sources) if (!newest.has(s)) newest.set(s, i);
  });
  return (sourceKeys) => {
    let best: number | undefined;
    for (const key of sourceKeys) {
      const i = newest.get(key);
      if (i !== undefined && (best === undefined || i < best)) best = i;
    }
    return best === undefined ? undefined : decisions[best];
  };
}

/**
 * The distinct strings of `lists`, sorted (code-unit order, as `sort()`). Package items carry their
 * annotation ids sorted and distinct, so they are merged pairwise (linear in all ids) rather than
 * gathered in a Set and sorted again; a list not strictly ascending is sorted first.
 */
export function sortedUnion(lists: readonly (readonly string[])[]): string[] {
  let merged = lists.map((list) => (isStrictlyAscending(list) ? list : [...new Set(list)].sort()));
  if (merged.length === 0) return [];
  while (merged.length > 1) {
    const next: (readonly string[])[] = [];
    for (let i = 0; i < merged.length; i += 2) next.push(i + 1 < merged.length ? mergeTwo(merged[i]!, merged[i + 1]!) : merged[i]!);
    merged = next;
  }
  return [...merged[0]!];
}

function isStrictlyAscending(list: readonly string[]): boolean {
  for (let i = 1; i < list.length; i++) if (!(list[i - 1]! < list[i]!)) return false;
  return true;
}

/** Two strictly ascending lists as one, each string once. */
function mergeTwo(a: readonly string[], b: readonly string[]): string[] {
  const out: string[] = [];
  let i = 0;
  let j = 0;
  while (i < a.length && j < b.length) {
    const x = a[i]!;
    const y = b[j]!;
    if (x < y) {
      out.push(x);
      i++;
    } else if (y < x) {
      out.push(y);
      j++;
    } else {
      out.push(x);
      i++;
      j++;
    }
  }
  while (i < a.length) out.push(a[i++]!);
  while (j < b.length) out.push(b[j++]!);
  return out;
}
