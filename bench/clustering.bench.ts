/**
 * `npm run bench:clustering` (issue 6): the two pure steps behind the round summary and the
 * province roll-up, called directly on bench:aggregate's data without a database or HTTP.
 *
 * Data: the ≈300,000-character draft with 50 sections (support/draft-text.ts) imported into a
 * Y.Doc and projected; 100,000 annotations planned by support/comment-pool.ts with the same seed as
 * bench:aggregate (300 distinct points per section in variants + 15 % one-off remarks), authors
 * drawn from the grassroots members of the generated province (bench/province.ts). Ids are
 * deterministic UUID-shaped strings, so two runs (or two versions of the code) see the same input.
 *
 * Measured (warm, median of `--runs`): `clusterAnnotations` of the whole round (what the summary
 * does the first time), the same after one new annotation with the sections computed before kept
 * (`clusterBySection`; and `reclusterSections` given the changed section, what the summary does
 * on the next read), and `matchAcrossUnits` over the 13 district packages (what the roll-up does; each package
 * built as AggregationService.packageItems builds it: the district's clusters matched once).
 *
 * Options: `--annotations 100000`, `--points 300`, `--runs 5`, `--out file.json` (writes the
 * summary's clusters and the roll-up's items, to compare two versions of the code), `--profile`
 * (CPU profile of one more call of each, hottest functions printed).
 */
import { createHash } from 'node:crypto';
import { writeFileSync } from 'node:fs';
import os from 'node:os';
import * as Y from 'yjs';
import { clusterAnnotations, CrossUnitMatching, matchAcrossUnits, type AnnotationForClustering, type ClusterLike } from '../server/domain/clustering.js';
import { importContent } from '../server/domain/content-import.js';
import { projectFragment } from '../server/domain/projection.js';
import { sectionAt } from '../server/domain/sections.js';
import { clusterBySection, reclusterSections } from '../server/services/section-clusters.js';
import { generateProvince, seededRandom } from './province.js';
import { planAnnotations } from './support/comment-pool.js';
import { profileInProcess } from './support/cpu-profile.js';
import { sectionedReport } from './support/draft-text.js';
import { int, numberArg } from './support/env.js';

const totalAnnotations = numberArg('annotations', 100_000);
const pointsPerSection = numberArg('points', 300);
const runs = numberArg('runs', 5);
const outIndex = process.argv.indexOf('--out');
const outFile = outIndex >= 0 ? process.argv[outIndex + 1] : undefined;
const profile = process.argv.includes('--profile');

const median = (values: number[]) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)]!;
const fmt = (values: number[]) => `median ${Math.round(median(values))} ms (runs: ${values.map((v) => Math.round(v)).join(', ')} ms)`;

function timedRuns<T>(f: () => T): { value: T; times: number[] } {
  let value!: T;
  const times: number[] = [];
  for (let i = 0; i < runs; i++) {
    const started = performance.now();
    value = f();
    times.push(performance.now() - started);
  }
  return { value, times };
}

console.log(`bench:clustering — clusterAnnotations (round summary) and matchAcrossUnits (roll-up), issue 6`);
const args = process.argv.slice(2).join(' ');
console.log(`command: npm run bench:clustering${args ? ` -- ${args}` : ''}`);
console.log(`machine: ${os.cpus().length} cores, node ${process.version}`);

// ---- data (not timed) ----
const t = performance.now();
const doc = new Y.Doc();
importContent(doc, { format: 'markdown', value: sectionedReport(50, 300_000) });
const projection = projectFragment(doc.getXmlFragment('default'));
const headingStarts = new Set(projection.headings.map((h) => h.start));
const paragraphs = projection.textblocks.filter((b) => !headingStarts.has(b.start)).map((b) => ({ start: b.start, end: b.start + b.length }));

const random = seededRandom(20250706);
const { planned } = planAnnotations(projection.sections, paragraphs, { total: totalAnnotations, pointsPerSection, random });
const province = generateProvince(1);
const districtOf = new Map(province.units.filter((u) => u.level === 'grassroots').map((u) => [u.key, u.parentKey!]));
const authors = province.members.filter((m) => districtOf.has(m.unitKey));
const hex = (n: number) => Math.floor(random() * 16 ** n).toString(16).padStart(n, '0');
const decisions = [null, null, null, 'accepted', 'partially_accepted', 'rejected', 'noted'] as const;
const annotations: AnnotationForClustering[] = planned.map((p) => {
  const author = authors[Math.floor(random() * authors.length)]!;
  return {
    id: `${hex(8)}-${hex(4)}-4${hex(3)}-8${hex(3)}-${hex(12)}`,
    kind: p.kind,
    body: p.body,
    replacement: p.replacement,
    section: sectionAt(projection.sections, p.start)?.path ?? '',
    start: p.start,
    end: p.end,
    authorId: author.login,
    unitId: author.unitKey,
    decision: decisions[Math.floor(random() * decisions.length)]!,
  };
});
const distinctTexts = new Set(annotations.map((a) => (a.kind === 'suggestion' && a.replacement !== null ? a.replacement : a.body))).size;

// The 13 district packages, built as AggregationService.packageItems does (no child packages).
const byDistrict = new Map<string, AnnotationForClustering[]>();
for (const a of annotations) {
  const d = districtOf.get(a.unitId)!;
  const list = byDistrict.get(d);
  if (list) list.push(a);
  else byDistrict.set(d, [a]);
}
const packages = [...byDistrict].sort(([a], [b]) => (a < b ? -1 : 1)).map(([district, anns], p) => {
  const own = clusterAnnotations(anns, projection.sections, { text: projection.text });
  const items: ClusterLike[] = own.flatMap((s) => s.clusters.map((c) => ({ id: `own/${c.id}`, section: s.path, kind: c.kind, count: c.count, representative: c.representative })));
  const matched = matchAcrossUnits([{ unitId: district, items }], { sections: projection.sections.map((s) => s.path) });
  const packageId = `pkg-${String(p + 1).padStart(2, '0')}`;
  return {
    unitId: district,
    // Kept apart as the service keeps a package's items (they were grouped by the unit that sent them).
    items: matched.map((m): ClusterLike => ({
      apart: packageId,
      id: `${packageId}/${createHash('sha256').update(m.sourceItemIds.join('\n')).digest('hex').slice(0, 16)}`,
      section: m.section,
      kind: m.kind,
      count: m.count,
      representative: m.representative,
    })),
  };
});
const packageItems = packages.reduce((n, p) => n + p.items.length, 0);
console.log(
  `data: ${int(annotations.length)} annotations in ${projection.sections.length} sections (${int(distinctTexts)} distinct texts), ` +
    `${packages.length} district packages with ${int(packageItems)} items; built in ${((performance.now() - t) / 1000).toFixed(1)} s (not timed)`,
);

// ---- measured ----
const summary = timedRuns(() => clusterAnnotations(annotations, projection.sections, { text: projection.text }));
const clusters = summary.value.flatMap((s) => s.clusters);
const largest = clusters.reduce((a, b) => (b.count > a.count ? b : a));
console.log(`clusterAnnotations (province round): ${fmt(summary.times)}`);
console.log(`  ${int(clusters.length)} clusters; largest: ${largest.count} (${largest.kind}) "${largest.representative.body}"`);
// What the service does on the first read after one new annotation (section-clusters.ts): the
// sections computed before are kept, and only the new annotation's section is clustered again.
const computedBefore = clusterBySection(annotations, projection.sections, { text: projection.text, edits: [] }, undefined).computed;
const newcomer: AnnotationForClustering = { ...annotations[annotations.length - 1]!, id: 'ffffffff-ffff-4fff-8fff-ffffffffffff', body: 'Đề nghị làm rõ thêm nội dung này.' };
const incremental = timedRuns(() => clusterBySection([...annotations, newcomer], projection.sections, { text: projection.text, edits: [] }, computedBefore));
console.log(`after one new annotation, only its section clustered again (clusterBySection, every section fingerprinted): ${fmt(incremental.times)}`);
// What the service does now: the outbox names the changed section, and only its annotations are read and clustered.
const dirty = new Set([newcomer.section]);
const ofDirty = [...annotations.filter((a) => a.section === newcomer.section), newcomer];
const delta = timedRuns(() => reclusterSections(computedBefore, dirty, ofDirty, projection.sections, { text: projection.text, edits: [] }));
const full = clusterAnnotations([...annotations, newcomer], projection.sections, { text: projection.text });
if (JSON.stringify(delta.value.sections) !== JSON.stringify(full)) throw new Error('reclusterSections differs from clustering everything');
console.log(`after one new annotation, its section's ${int(ofDirty.length)} annotations clustered again (reclusterSections; equals a full recompute): ${fmt(delta.times)}`);
const rollUp = timedRuns(() => matchAcrossUnits(packages, {}));
const top = rollUp.value.reduce((a, b) => (b.unitCount > a.unitCount || (b.unitCount === a.unitCount && b.count > a.count) ? b : a));
console.log(`matchAcrossUnits (13 packages, ${int(packageItems)} items): ${fmt(rollUp.times)}`);
console.log(`  ${int(rollUp.value.length)} items; top: ${top.unitCount} units, count ${top.count}, "${top.representative.body}"`);
// What the roll-up does when the 13th package arrives: the matching of the first 12 kept, the 13th added.
const kept = packages.slice(0, -1);
const increments: number[] = [];
let added: ReturnType<typeof matchAcrossUnits> = [];
for (let i = 0; i < runs; i++) {
  const matching = new CrossUnitMatching();
  matching.add(kept);
  matching.result({});
  const started = performance.now();
  matching.add(packages.slice(-1));
  added = matching.result({});
  increments.push(performance.now() - started);
}
if (JSON.stringify(added) !== JSON.stringify(rollUp.value)) throw new Error('the 13th package added to the kept matching differs from matching all 13');
console.log(`the 13th package added to the matching of the first 12 (CrossUnitMatching; equals matching all 13): ${fmt(increments)}`);

if (outFile) {
  const text = JSON.stringify({ summary: summary.value, rollUp: rollUp.value });
  writeFileSync(outFile, text);
  console.log(`wrote ${outFile} (sha256 ${createHash('sha256').update(text).digest('hex').slice(0, 16)})`);
}

if (profile) {
  for (const [name, f] of [
    ['clusterAnnotations', () => clusterAnnotations(annotations, projection.sections, { text: projection.text })],
    ['matchAcrossUnits', () => matchAcrossUnits(packages, {})],
  ] as const) {
    console.log(`\nCPU profile of one ${name} call:`);
    const { lines } = await profileInProcess(async () => f(), 25);
    for (const line of lines) console.log(`  ${line}`);
  }
}
