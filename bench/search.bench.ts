/**
 * `npm run bench:search` (issue 15): the ranking behind `GET /documents/:id/annotations/search`
 * (server/domain/annotation-search.ts), called directly without a database or HTTP, on a round of
 * `--annotations` comments planned by support/comment-pool.ts (the same generator and seed as
 * bench:clustering) on the ≈300,000-character draft of 50 sections, each with its quote.
 *
 * Measured (warm, median of `--runs`): one search for each query below, accented and not, with a
 * typo, and the empty query (filters only). The route adds reading and hydrating the visible
 * annotations from PostgreSQL, which this does not measure.
 */
import os from 'node:os';
import * as Y from 'yjs';
import { rankByQuery, type SearchableText } from '../server/domain/annotation-search.js';
import { importContent } from '../server/domain/content-import.js';
import { projectFragment } from '../server/domain/projection.js';
import { seededRandom } from './province.js';
import { planAnnotations } from './support/comment-pool.js';
import { sectionedReport } from './support/draft-text.js';
import { int, numberArg } from './support/env.js';

const total = numberArg('annotations', 10_000);
const runs = numberArg('runs', 5);
const median = (values: number[]) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)]!;

const doc = new Y.Doc();
importContent(doc, { format: 'markdown', value: sectionedReport(50, 300_000) });
const projection = projectFragment(doc.getXmlFragment('default'));
const headingStarts = new Set(projection.headings.map((h) => h.start));
const paragraphs = projection.textblocks.filter((b) => !headingStarts.has(b.start)).map((b) => ({ start: b.start, end: b.start + b.length }));
const { planned } = planAnnotations(projection.sections, paragraphs, { total, pointsPerSection: 300, random: seededRandom(20250706) });
const texts: SearchableText[] = planned.map((p, i) => ({
  body: p.body,
  replacement: p.replacement,
  quote: projection.text.slice(p.start, p.end),
  authorName: `Đảng viên ${i % 997}`,
}));

const queries = ['đề nghị bỏ', 'de nghi bo', 'nguon so lieu', 'nguồn số liêu thống kê', 'tang truong kinh te', 'chuyển đổi sô', ''];
console.log(`bench:search — ${int(texts.length)} annotations, ${os.availableParallelism()} cores, load ${os.loadavg()[0]!.toFixed(2)}`);
for (const q of queries) {
  rankByQuery(texts, q, (t) => t); // warm
  const times: number[] = [];
  let found = 0;
  for (let r = 0; r < runs; r++) {
    const started = performance.now();
    found = rankByQuery(texts, q, (t) => t).length;
    times.push(performance.now() - started);
  }
  console.log(`  ${JSON.stringify(q).padEnd(26)} ${median(times).toFixed(1).padStart(8)} ms median  ${int(found).padStart(7)} found`);
}
