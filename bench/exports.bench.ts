/**
 * `npm run bench:exports`: render a 100-page draft (the Vietnamese fixture report repeated to
 * about 300,000 characters) as DOCX and as PDF in the Party-document frame, and the same draft as
 * a tracked-changes DOCX against a copy with every 20th paragraph edited. Prints the median of
 * several runs after a warm-up run (the PDF's first run also parses the embedded fonts). Goals:
 * DOCX < 1 s, PDF < 3 s for 100 pages, and the PDF laid out off the event loop (its delay printed).
 */
import { readFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { monitorEventLoopDelay } from 'node:perf_hooks';
import * as Y from 'yjs';
import { importContent } from '../server/domain/content-import.js';
import { projectText } from '../server/domain/projection.js';
import { diffVersions } from '../server/domain/version-diff.js';
import { diffToDocx, draftToDocx, draftToPdf, type DraftExport } from '../server/exports/draft-docx.js';
import { readDraft } from '../server/exports/draft-reader.js';
import type { FrameContext } from '../server/exports/report-parts.js';

const TARGET_CHARS = 300_000;
const RUNS = Number(process.env.BENCH_RUNS ?? 5);
const fixtures = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../server/demo');

const vi = readFileSync(path.join(fixtures, 'draft-political-report.vi.md'), 'utf8').normalize('NFC');
const parts: string[] = [];
for (let copy = 1, length = 0; length < TARGET_CHARS; copy++) {
  const part = `## Phần ${copy}\n\n${vi.replace(/^# .*$/m, '')}\n`;
  parts.push(part);
  length += part.length;
}
const markdown = `# BÁO CÁO CHÍNH TRỊ\n\n${parts.join('')}`;
const edited = markdown
  .split('\n\n')
  .map((p, i) => (i % 20 === 5 ? `${p} Bổ sung nội dung mới.` : p))
  .join('\n\n');

const fragmentOf = (value: string) => {
  const doc = new Y.Doc();
  importContent(doc, { format: 'markdown', value });
  return doc.getXmlFragment('default');
};
const newer = fragmentOf(edited);
const draft: DraftExport = { title: 'Báo cáo chính trị', paragraphs: readDraft(newer), note: null };
const ops = diffVersions(projectText(fragmentOf(markdown)), projectText(newer), []).ops;
const context: FrameContext = { locale: 'vi', issuer: { name: 'Đảng ủy xã Minh Sơn', upperName: 'Huyện ủy Đông Sơn' }, date: new Date(), downloadedBy: 'Bench', downloadedAt: new Date() };

async function time(name: string, render: () => Promise<Buffer>): Promise<void> {
  // The event loop's worst stall while rendering: what a live document would wait meanwhile.
  const delay = monitorEventLoopDelay({ resolution: 10 });
  delay.enable();
  const first = performance.now();
  const bytes = (await render()).length;
  const warm = performance.now() - first;
  const times: number[] = [];
  for (let i = 0; i < RUNS; i++) {
    const start = performance.now();
    await render();
    times.push(performance.now() - start);
  }
  delay.disable();
  times.sort((a, b) => a - b);
  console.log(
    `${name}: median ${times[Math.floor(times.length / 2)]!.toFixed(0)} ms of ${RUNS} (first ${warm.toFixed(0)} ms), ${(bytes / 1024).toFixed(0)} KiB; ` +
      `event-loop delay max ${(delay.max / 1e6).toFixed(0)} ms`,
  );
}

console.log(`bench:exports — command: npm run bench:exports (tsx bench/exports.bench.ts)`);
console.log(`machine: ${os.cpus().length} CPUs (${os.cpus()[0]?.model ?? 'unknown'}), node ${process.version}, load ${os.loadavg()[0]!.toFixed(1)}`);
console.log(`draft: ${projectText(newer).length} chars, ${draft.paragraphs.length} paragraphs; tracked changes: ${ops.filter((o) => o[0] !== 0).length} ops`);
await time('draft DOCX', () => draftToDocx(draft, context));
await time('draft PDF', () => draftToPdf(draft, context));
await time('tracked-changes DOCX', () => diffToDocx(draft, ops, context, { author: 'Bản 2', date: new Date() }));
