/**
 * `npm run bench:diff`: diff two versions of a 100-page report (issue 4). The old version is the
 * Vietnamese and English fixture reports repeated to about 300,000 characters; the new one has 5%
 * of its words changed by a seeded generator (a third replaced, a third deleted, a third with a
 * word inserted after them). Prints the median of several timed runs of `diffVersions` (ops,
 * stats, sections and HTML), after warm-up runs, and checks that the ops rebuild both texts.
 * Goal: under 200 ms.
 */
import { readFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { computeSections, type HeadingSpan } from '../server/domain/sections.js';
import { diffVersions, rebuildsBoth } from '../server/domain/version-diff.js';
import { seededRandom as random } from './support/random.js';

const TARGET_CHARS = 300_000;
const CHANGED = 0.05;
const SEED = Number(process.env.BENCH_SEED ?? 20250704);
const RUNS = Number(process.env.BENCH_RUNS ?? 9);
const WARMUP = 3;

const fixtures = process.env.FIXTURES_DIR ?? path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../server/demo');

function buildReport(): string {
  const vi = readFileSync(path.join(fixtures, 'draft-political-report.vi.md'), 'utf8').normalize('NFC');
  const en = readFileSync(path.join(fixtures, 'draft-political-report.en.md'), 'utf8').normalize('NFC');
  const parts: string[] = [];
  let length = 0;
  for (let copy = 1; length < TARGET_CHARS; copy++) {
    // Number the copies so headings and paragraphs are not all identical across the report.
    const part = `# Phần ${copy}\n\n${vi}\n# Part ${copy}\n\n${en}\n`;
    parts.push(part);
    length += part.length;
  }
  return parts.join('');
}

const WORD = /[\p{L}\p{M}\p{N}]+/gu;

/** Changes `rate` of the words of `text`: replace, delete (with the space after) or insert after. */
function mutate(text: string, rate: number, rand: () => number): { text: string; changed: number } {
  const words = [...text.matchAll(WORD)];
  const vocabulary = words.map((m) => m[0]);
  const out: string[] = [];
  let last = 0;
  let changed = 0;
  for (const match of words) {
    if (rand() >= rate) continue;
    const start = match.index;
    const end = start + match[0].length;
    out.push(text.slice(last, start));
    const other = vocabulary[Math.floor(rand() * vocabulary.length)]!;
    const kind = rand();
    last = end;
    if (kind < 1 / 3) out.push(other);
    else if (kind >= 2 / 3) out.push(match[0], ' ', other);
    else if (text[end] === ' ') last = end + 1; // a deleted word takes its space with it
    changed++;
  }
  out.push(text.slice(last));
  return { text: out.join(''), changed };
}

/** Markdown `#` lines as headings, so the per-section attribution runs over a real outline. */
function sectionsOf(text: string) {
  const headings: HeadingSpan[] = [];
  let offset = 0;
  for (const line of text.split('\n')) {
    const m = /^(#{1,3}) /.exec(line);
    if (m) headings.push({ start: offset, length: line.length, level: m[1]!.length });
    offset += line.length + 1;
  }
  return computeSections(text, headings);
}

const oldText = buildReport();
const { text: newText, changed } = mutate(oldText, CHANGED, random(SEED));
const newSections = sectionsOf(newText);
const words = oldText.match(WORD)?.length ?? 0;

let result = diffVersions(oldText, newText, newSections);
if (!rebuildsBoth(result.ops, oldText, newText)) throw new Error('ops do not rebuild both texts');
for (let i = 1; i < WARMUP; i++) diffVersions(oldText, newText, newSections);
const times: number[] = [];
for (let i = 0; i < RUNS; i++) {
  const started = performance.now();
  result = diffVersions(oldText, newText, newSections);
  times.push(performance.now() - started);
}
times.sort((a, b) => a - b);
const median = times[Math.floor(times.length / 2)]!;

console.log(`bench:diff — command: npm run bench:diff (tsx bench/diff.bench.ts), seed ${SEED}`);
console.log(`machine: ${os.cpus().length} CPUs (${os.cpus()[0]?.model ?? 'unknown'}), node ${process.version}`);
console.log(`old ${oldText.length} chars, new ${newText.length} chars, ${words} words, ${changed} changed (${((100 * changed) / words).toFixed(1)}%)`);
console.log(`ops ${result.ops.length}, inserted ${result.stats.inserted}, deleted ${result.stats.deleted}, sections changed ${result.sections.length}/${newSections.length}, html ${result.html.length} chars`);
console.log(`diffVersions: median ${median.toFixed(1)} ms of ${RUNS} runs (min ${times[0]!.toFixed(1)}, max ${times[times.length - 1]!.toFixed(1)}); goal < 200 ms`);
