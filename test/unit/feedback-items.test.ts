import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { dispositionFor, dispositionLookup, maxQuoteLength, mergedItemId, quoteOf, sortedUnion, sourceKey } from '../../server/domain/feedback-items.js';

describe('feedback items', () => {
  it('quotes the passage between the offsets, and nothing for a general comment', () => {
    const text = 'Tốc độ tăng trưởng đạt 8,2% mỗi năm.';
    expect(quoteOf(text, { start: 23, end: 27 })).toBe('8,2%');
    expect(quoteOf(text, { start: 5, end: 5 })).toBe('');
    expect(quoteOf('x'.repeat(maxQuoteLength + 10), { start: 0, end: maxQuoteLength + 1 })).toBe('');
  });

  it('names a merged item by its smallest source, whatever the order of its sources', () => {
    const a = sourceKey('11111111-0000-4000-8000-000000000000', 'aaaa');
    const b = sourceKey('22222222-0000-4000-8000-000000000000', 'bbbb');
    expect(mergedItemId([b, a])).toBe(mergedItemId([a]));
    expect(mergedItemId([b])).not.toBe(mergedItemId([a]));
    expect(mergedItemId([a])).toMatch(/^[0-9a-f]{16}$/);
  });

  it('finds the newest decision that shares a source with the item', () => {
    const newest = { sources: ['u1/x', 'u2/y'], decision: 'accepted' };
    const older = { sources: ['u1/x'], decision: 'rejected' };
    expect(dispositionFor(['u2/y', 'u3/z'], [newest, older])).toBe(newest);
    expect(dispositionFor(['u1/x'], [older])).toBe(older);
    expect(dispositionFor(['u9/q'], [newest, older])).toBeUndefined();
  });

  it('looks decisions up by source exactly as dispositionFor finds them', () => {
    const key = fc.constantFrom('u1/a', 'u1/b', 'u2/a', 'u2/c', 'u3/d');
    fc.assert(
      fc.property(fc.array(fc.array(key, { maxLength: 4 }), { maxLength: 6 }), fc.array(fc.array(key, { maxLength: 4 }), { maxLength: 8 }), (decided, items) => {
        const decisions = decided.map((sources, i) => ({ sources, decision: `d${i}` }));
        const lookup = dispositionLookup(decisions);
        for (const keys of items) expect(lookup(keys)).toBe(dispositionFor(keys, decisions));
      }),
    );
  });

  it('merges sorted id lists into what a Set and a sort give, also for lists not sorted or with repeats', () => {
    expect(sortedUnion([])).toEqual([]);
    expect(sortedUnion([['b', 'd'], ['a', 'd', 'e'], [], ['c']])).toEqual(['a', 'b', 'c', 'd', 'e']);
    expect(sortedUnion([['d', 'a', 'a'], ['B', 'b']])).toEqual(['B', 'a', 'b', 'd']);
    const id = fc.constantFrom('0a', '0b', '1', 'A', 'a', 'ab', 'b', 'é', 'ế', '');
    fc.assert(
      fc.property(fc.array(fc.array(id, { maxLength: 8 }), { maxLength: 6 }), fc.boolean(), (lists, sorted) => {
        const given = sorted ? lists.map((l) => [...new Set(l)].sort()) : lists;
        expect(sortedUnion(given)).toEqual([...new Set(given.flat())].sort());
      }),
    );
  });
});
