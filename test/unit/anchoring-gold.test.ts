import { describe, expect, it } from 'vitest';
import { GOLD } from '../fixtures/anchoring-gold.js';
import { describeGoldSummary, runCase, runGoldSet } from '../fixtures/anchoring-gold-runner.js';

describe('the re-anchoring gold set', () => {
  it('has 50 hand-judged cases with distinct ids', () => {
    expect(GOLD).toHaveLength(50);
    expect(new Set(GOLD.map((c) => c.id)).size).toBe(50);
  });

  it('never lands an annotation on other text, and lands every one whose text remains', () => {
    const summary = runGoldSet();
    console.log(describeGoldSummary(summary).join('\n'));
    expect(summary.results.filter((r) => r.verdict === 'wrong').map((r) => r.id)).toEqual([]);
    expect(summary.results.filter((r) => r.verdict === 'missed').map((r) => r.id)).toEqual([]);
    expect(summary.results.filter((r) => r.statusMismatch).map((r) => r.id)).toEqual([]);
  });

  it.each(GOLD.map((c) => [c.id, c] as const))('%s', (_id, c) => {
    const result = runCase(c);
    expect(result.verdict, `${c.note}: got ${result.got.status} ${JSON.stringify(result.got.quote)}`).toMatch(/^(exact|orphaned-right)$/);
  });
});
