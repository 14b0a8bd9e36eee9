/**
 * `npm run bench:anchoring-quality`: the re-anchoring gold set (test/fixtures/anchoring-gold.ts,
 * 50 annotations on the Vietnamese draft under inserts, rewrites, retypes, moves, splits, merges
 * and deletions, judged by hand). Prints how many land exactly on their text, how many are rightly
 * orphaned, how many land on other text (wrong) or are orphaned though their text remains, and
 * lists every failure. A quality measure, not a timing: runs in a second on any machine.
 */
import { describeGoldSummary, runGoldSet } from '../test/fixtures/anchoring-gold-runner.js';
import { printHeader } from './support/env.js';

printHeader('bench:anchoring-quality', 'the re-anchoring gold set (50 hand-judged annotations)');

const summary = runGoldSet();
for (const line of describeGoldSummary(summary)) console.log(line);
