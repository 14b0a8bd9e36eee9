/**
 * `npm run bench:clustering-quality` (issue 12): how well the round summary's points match what
 * people grouped by hand. Runs `clusterAnnotations` exactly as AggregationService does (per draft,
 * with the base version's text and sections) on the gold set(s) and prints pairwise precision /
 * recall / F1 and B-cubed F1, beside the baseline "group by paragraph and kind", then the worst
 * false merges and missed merges.
 *
 * Options: `--gold test/fixtures/clustering-gold.json` (repeatable by comma: several files, each
 * scored on its own), `--show 12` (mistakes listed per kind).
 */
import { clusterAnnotations } from '../server/domain/clustering.js';
import { loadGold, mistakes, score, type GoldAnnotation, type GoldSet, type Scores } from './clustering-gold.js';
import { numberArg, printHeader, stringArg } from './support/env.js';

const files = (stringArg('gold') ?? 'test/fixtures/clustering-gold.json').split(',');
const showCount = numberArg('show', 12);

printHeader('bench:clustering-quality', 'round summary points against hand-grouped gold sets');

/** The summary's clustering: one round per draft, as the service calls it. */
function clusterGold(gold: GoldSet): Map<string, string> {
  const out = new Map<string, string>();
  for (const [name, draft] of gold.drafts) {
    const annotations = gold.annotations.filter((a) => a.draft === name);
    const sections = clusterAnnotations(annotations, draft.sections, { text: draft.text });
    for (const s of sections) for (const c of s.clusters) for (const id of c.annotationIds) out.set(id, `${name}/${c.id}`);
  }
  return out;
}

/** Baseline: one cluster per (draft, paragraph of the anchor's start, kind). */
function baseline(gold: GoldSet): Map<string, string> {
  const out = new Map<string, string>();
  for (const a of gold.annotations) {
    const starts = gold.drafts.get(a.draft)!.paragraphStarts;
    let paragraph = 0;
    while (paragraph + 1 < starts.length && starts[paragraph + 1]! <= a.start) paragraph++;
    out.set(a.id, `${a.draft}/${paragraph}/${a.kind}`);
  }
  return out;
}

const pct = (x: number) => x.toFixed(3);
const line = (name: string, s: Scores) =>
  `${name.padEnd(28)} pairwise P ${pct(s.pairwise.precision)} R ${pct(s.pairwise.recall)} F1 ${pct(s.pairwise.f1)}` +
  ` (${s.pairwise.truePairs}/${s.pairwise.predictedPairs} predicted, ${s.pairwise.goldPairs} gold pairs) · B-cubed P ${pct(s.bcubed.precision)} R ${pct(s.bcubed.recall)} F1 ${pct(s.bcubed.f1)} · ${s.clusters} clusters`;

for (const file of files) {
  const gold = loadGold(file);
  const byDraft = [...gold.drafts.keys()].map((d) => `${d}: ${gold.annotations.filter((a: GoldAnnotation) => a.draft === d).length}`).join(', ');
  console.log(`\ngold: ${file} — ${gold.annotations.length} annotations (${byDraft}) by ${gold.members} members, ${gold.points} points`);
  const started = performance.now();
  const predicted = clusterGold(gold);
  const ms = performance.now() - started;
  console.log(line('clusterAnnotations', score(gold.annotations, predicted)) + ` · ${ms.toFixed(0)} ms`);
  console.log(line('baseline: paragraph + kind', score(gold.annotations, baseline(gold))));
  const { falseMerges, missedMerges } = mistakes(gold.annotations, predicted);
  console.log(`\nworst false merges (${falseMerges.length} clusters mix points):`);
  for (const m of falseMerges.slice(0, showCount)) console.log(`  ${m.pairs} pairs: ${m.line}`);
  console.log(`\nworst missed merges (${missedMerges.length} points split):`);
  for (const m of missedMerges.slice(0, showCount)) console.log(`  ${m.pairs} pairs: ${m.line}`);
}
