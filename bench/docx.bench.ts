/**
 * `npm run bench:docx`: import a 100-page Word draft with tables (`POST /documents` with
 * `content: {format: "docx"}` spends its time in `importContent`): the file is made by the `docx`
 * package (test/helpers/docx-files.ts, about 3,000 characters a page, a table every third page),
 * then opened, read and written into a Y.Doc as the server does. Prints the core count, the load
 * average, the file's size and shape, and the median of several runs after a warm-up run, split
 * into opening the package (unzip + XML), converting to the draft schema, and the whole import
 * (with cleaning, validation and the Yjs write); then the import as the server runs it, on the
 * worker thread, with the main thread's event-loop delay meanwhile. Goal (issue 13): ≤ 2 s for
 * the whole import.
 */
import os from 'node:os';
import { monitorEventLoopDelay } from 'node:perf_hooks';
import * as Y from 'yjs';
import { contentToProseMirrorNode, importContent } from '../server/domain/content-import.js';
import { openDocxPackage } from '../server/domain/docx-package.js';
import { docxToProseMirrorJSON } from '../server/domain/docx-to-prosemirror.js';
import { projectFragment } from '../server/domain/projection.js';
import { initialStateOf } from '../server/services/content-import-pool.js';
import { longReportDocx } from '../test/helpers/docx-files.js';

const PAGES = Number(process.env.BENCH_PAGES ?? 100);
const RUNS = Number(process.env.BENCH_RUNS ?? 9);

function median(run: () => void): { median: number; first: number } {
  const t0 = performance.now();
  run();
  const first = performance.now() - t0;
  const times: number[] = [];
  for (let i = 0; i < RUNS; i++) {
    const start = performance.now();
    run();
    times.push(performance.now() - start);
  }
  times.sort((a, b) => a - b);
  return { median: times[Math.floor(times.length / 2)]!, first };
}

const file = await longReportDocx(PAGES);
const value = file.toString('base64');
const doc = new Y.Doc();
importContent(doc, { format: 'docx', value });
const projection = projectFragment(doc.getXmlFragment('default'));
const tables = doc.getXmlFragment('default').toArray().filter((n) => n instanceof Y.XmlElement && n.nodeName === 'table').length;

console.log(`bench:docx — ${os.cpus().length} cores (${os.cpus()[0]?.model ?? '?'}), Node ${process.version}, load average ${os.loadavg().map((l) => l.toFixed(2)).join(' ')}`);
console.log(`file: ${PAGES} pages, ${(file.length / 1024).toFixed(0)} KiB DOCX, ${projection.text.length.toLocaleString('en')} characters, ${projection.textblocks.length.toLocaleString('en')} textblocks, ${tables} tables, ${projection.sections.length} sections`);
const open = median(() => openDocxPackage(file));
const convert = median(() => docxToProseMirrorJSON(openDocxPackage(file)));
const validate = median(() => contentToProseMirrorNode({ format: 'docx', value }));
const whole = median(() => importContent(new Y.Doc(), { format: 'docx', value }));
const line = (name: string, r: { median: number; first: number }) => console.log(`${name}: median ${r.median.toFixed(0)} ms of ${RUNS} (first ${r.first.toFixed(0)} ms)`);
line('open the package (unzip, parse XML)', open);
line('open + convert to the draft schema', convert);
line('open + convert + clean + validate', validate);
line('whole import into a Y.Doc', whole);
console.log(`goal ≤ 2,000 ms for the whole import: ${whole.median <= 2000 ? 'met' : 'missed'}`);

// As the server does it: on the worker thread, while this thread's event loop is watched.
await initialStateOf({ format: 'docx', value }); // the worker's start (tsx loads the sources)
const delay = monitorEventLoopDelay({ resolution: 10 });
delay.enable();
const start = performance.now();
await initialStateOf({ format: 'docx', value });
const onWorker = performance.now() - start;
delay.disable();
console.log(`on the worker thread (as POST /documents runs it): ${onWorker.toFixed(0)} ms; main event-loop delay max ${(delay.max / 1e6).toFixed(0)} ms`);
process.exit(0);
