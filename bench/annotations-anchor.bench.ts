/**
 * Re-anchoring benchmark (issue 5): a 100-page draft (the Vietnamese demo report repeated to about
 * 300,000 characters, each copy under its own numbered heading), 5,000 annotations at random
 * places, then 1,000 random edits (text typed and deleted inside paragraphs, new paragraphs) to a
 * copy that shares the draft's Yjs history, then `reanchorAll` into the edited text. Prints the
 * median time of several runs and the count per status. Goal: under 500 ms for the 5,000.
 *
 * Run directly: `npx tsx bench/annotations-anchor.bench.ts` (BENCH_SEED, BENCH_RUNS override), or
 * import `runAnchorBench` (the future `npm run bench:annotations` does).
 */
import { readFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import * as Y from 'yjs';
import { importContent } from '../server/domain/content-import.js';
import { decodeRelativePositionBase64, offsetOfRelativePosition, projectFragment } from '../server/domain/projection.js';
import { anchorInBase, reanchorAll, type Anchor, type AnchorStatus } from '../server/domain/anchoring.js';
import { seededRandom as random } from './support/random.js';

export interface AnchorBenchOptions {
  seed?: number;
  targetChars?: number;
  annotations?: number;
  edits?: number;
  /** Timed runs of reanchorAll after the first (cold) one. */
  runs?: number;
  log?: (line: string) => void;
}

export interface AnchorBenchResult {
  chars: number;
  annotations: number;
  edits: number;
  anchorMs: number;
  projectMs: number;
  /** Median of the timed runs of reanchorAll. */
  reanchorMs: number;
  /** The first (cold) run of reanchorAll. */
  coldMs: number;
  counts: Record<AnchorStatus, number>;
  /** One run of reanchorAll without the doc: every annotation by quote (cold). */
  quoteOnlyMs: number;
  quoteOnly: Record<AnchorStatus, number>;
}

const here = path.dirname(fileURLToPath(import.meta.url));
const COMMAND = 'npx tsx bench/annotations-anchor.bench.ts';

function buildDraft(targetChars: number): string {
  const report = readFileSync(path.join(here, '../server/demo/draft-political-report.vi.md'), 'utf8');
  const parts: string[] = [];
  for (let copy = 1, length = 0; length < targetChars; copy++) {
    const part = `# Phần ${copy}\n\n${report}\n`;
    parts.push(part);
    length += part.length;
  }
  return parts.join('');
}

/** Random edits straight on the Y types (no re-projection between edits), as editors make them. */
function editRandomly(doc: Y.Doc, count: number, rand: () => number): void {
  const fragment = doc.getXmlFragment('default');
  const texts = projectFragment(fragment).textblocks.flatMap((b) => b.runs.map((r) => r.text));
  const words = ['kinh tế', 'xã hội', 'nâng cao', 'chất lượng', 'Nghị quyết', 'đảng viên', 'hiệu quả', '2030', 'và'];
  const pick = <T>(list: readonly T[]): T => list[Math.floor(rand() * list.length)]!;
  for (let i = 0; i < count; i++) {
    const kind = rand();
    if (kind < 0.1) {
      const paragraph = new Y.XmlElement('paragraph');
      const text = new Y.XmlText();
      paragraph.insert(0, [text]);
      fragment.insert(Math.floor(rand() * (fragment.length + 1)), [paragraph]);
      text.insert(0, `Đoạn mới ${i}: ${pick(words)} ${pick(words)}.`);
      texts.push(text);
      continue;
    }
    const text = pick(texts);
    const at = Math.floor(rand() * (text.length + 1));
    if (kind < 0.55 || text.length === 0) text.insert(at, `${pick(words)} `);
    else text.delete(Math.min(at, text.length - 1), Math.min(text.length - at, 1 + Math.floor(rand() * 40)));
  }
}

export function runAnchorBench(options: AnchorBenchOptions = {}): AnchorBenchResult {
  const { seed = 20250705, targetChars = 300_000, annotations = 5_000, edits = 1_000, runs = 5, log = console.log } = options;
  const rand = random(seed);
  const doc = new Y.Doc();
  importContent(doc, { format: 'markdown', value: buildDraft(targetChars) });
  const base = { doc, projection: projectFragment(doc.getXmlFragment('default')) };
  const { text } = base.projection;

  let started = performance.now();
  const anchors: Anchor[] = [];
  for (let i = 0; i < annotations; i++) {
    const start = Math.floor(rand() * text.length);
    // Mostly a phrase or a sentence, sometimes a point or a whole paragraph.
    const r = rand();
    const length = r < 0.03 ? 0 : r < 0.9 ? 5 + Math.floor(rand() * 80) : 100 + Math.floor(rand() * 600);
    anchors.push(anchorInBase(base, { start, end: Math.min(text.length, start + length) }));
  }
  const anchorMs = performance.now() - started;

  const draft = new Y.Doc();
  Y.applyUpdate(draft, Y.encodeStateAsUpdate(doc));
  editRandomly(draft, edits, rand);
  started = performance.now();
  const target = { doc: draft, projection: projectFragment(draft.getXmlFragment('default')) };
  const projectMs = performance.now() - started;

  // The first run is cold (JIT, Yjs's search markers); a server re-anchors warm most of the time.
  started = performance.now();
  let results = reanchorAll(anchors, target);
  const coldMs = performance.now() - started;
  const times: number[] = [];
  for (let i = 0; i < runs; i++) {
    started = performance.now();
    results = reanchorAll(anchors, target);
    times.push(performance.now() - started);
  }
  times.sort((a, b) => a - b);
  const reanchorMs = times[Math.floor(times.length / 2)]!;
  const counts: Record<AnchorStatus, number> = { exact: 0, moved: 0, fuzzy: 0, orphaned: 0 };
  for (const r of results) counts[r.status]++;
  if (results.length !== anchors.length) throw new Error('annotations were lost');

  // How many ranges lost all their text (collapsed): those are the ones that paid for quote matching.
  const fragment = draft.getXmlFragment('default');
  const resolve = (b64: string) => offsetOfRelativePosition(draft, fragment, decodeRelativePositionBase64(b64), target.projection);
  const collapsed = anchors.filter((a) => a.start < a.end && (resolve(a.relEnd) ?? -1) <= (resolve(a.relStart) ?? -1)).length;

  // Worst case: no shared history (a re-imported draft), every annotation found by its quote alone.
  started = performance.now();
  const byQuote = reanchorAll(anchors, { projection: target.projection });
  const quoteOnlyMs = performance.now() - started;
  const quoteOnly: Record<AnchorStatus, number> = { exact: 0, moved: 0, fuzzy: 0, orphaned: 0 };
  for (const r of byQuote) quoteOnly[r.status]++;

  log(`bench:annotations (anchoring) — command: ${COMMAND}, seed ${seed}`);
  log(`machine: ${os.cpus().length} CPUs (${os.cpus()[0]?.model ?? 'unknown'}), node ${process.version}`);
  log(`draft ${text.length} chars → ${target.projection.text.length} after ${edits} edits; ${annotations} annotations`);
  log(`anchorInBase ×${annotations}: ${anchorMs.toFixed(1)} ms; projecting the edited draft: ${projectMs.toFixed(1)} ms`);
  log(`reanchorAll ×${annotations}: median ${reanchorMs.toFixed(1)} ms of ${runs} runs (cold ${coldMs.toFixed(1)} ms); goal < 500 ms`);
  log(`statuses: ${format(counts)} (${collapsed} ranges collapsed and went to quote matching)`);
  log(`without the doc (quote matching only, as for a re-imported draft): ${quoteOnlyMs.toFixed(1)} ms, ${format(quoteOnly)}`);
  return { chars: text.length, annotations, edits, anchorMs, projectMs, reanchorMs, coldMs, counts, quoteOnlyMs, quoteOnly };
}

function format(counts: Record<AnchorStatus, number>): string {
  return Object.entries(counts)
    .map(([status, n]) => `${status} ${n}`)
    .join(', ');
}

if (process.argv[1] && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  runAnchorBench({
    ...(process.env.BENCH_SEED ? { seed: Number(process.env.BENCH_SEED) } : {}),
    ...(process.env.BENCH_RUNS ? { runs: Number(process.env.BENCH_RUNS) } : {}),
  });
}
