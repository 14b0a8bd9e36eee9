/**
 * `npm run bench:load [-- --mib 16 --updates 200000 --skip-reads]`: a document of ≈16 MiB of encoded Yjs
 * state (the Vietnamese draft fixture pasted paragraph by paragraph into the snapshot) whose log
 * holds 200,000 keystroke updates (the drafting trace, appended with `appendUpdates` in batches of
 * 1,000 rows, as group commit would). Building it takes 40 s on a quiet machine, so the snapshot
 * and rows are kept in the temp dir (`draftroom-bench-load-<mib>-<updates>/`) and reused by the
 * next run with the same arguments (`--fresh` rebuilds). Against a server in a child process
 * (its own event loop):
 *
 * - load: a stock y-websocket `WebsocketProvider` opens the document (not in memory yet) — time
 *   until it is synced and holds the expected text (goal ≤ 2 s), and within it the time until
 *   the server's whole sync answer had arrived (the rest is the provider applying it);
 * - a round opened by a drafter (the live draft frozen as version 1), then 20 annotations written
 *   by a member on it (each phase timed, with the server's event-loop delay);
 * - reads while open: with the provider still connected, `GET /documents/:id/content` and
 *   `GET /documents/:id/annotations?version=live` twice each (the second answered from what the
 *   first computed, until the next edit) and the live draft's Markdown export — each read's time,
 *   the server's event-loop delay during the reads and the slowest `/healthz` meanwhile;
 * - the log compacted while open (a server may fold a long log right after loading it, with the
 *   state it merged for the load): time until it is empty, or that it is not within 30 s;
 * - compaction: the provider leaves, the room unloads and compacts the 200,000 rows — time until
 *   the log is empty;
 * - each open's CPU time, of the server (all its threads, /proc) and of this process (the provider),
 *   and the server's own load phases where it reports them (`draftroom_document_load_seconds`);
 * - the server's event-loop delay in each phase (perf_hooks monitorEventLoopDelay, through
 *   prom-client's `nodejs_eventloop_lag_*`, reset by each scrape) and the latency of `/healthz`
 *   polled every 20 ms from this process (goal: never > 100 ms).
 */
import { Worker } from 'node:worker_threads';
import { randomUUID } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import WebSocket from 'ws';
import { WebsocketProvider } from 'y-websocket';
import * as Y from 'yjs';
import { openBenchDatabase } from './support/database.js';
import { int, ms, numberArg, printHeader } from './support/env.js';
import { runMain } from './support/run.js';
import { processUsage, startChild } from './support/server.js';
import { DraftingTrace, fixtureMarkdown } from './support/trace.js';
import { benchPassword, createDocument, login, seedWorkspace } from './support/workspace.js';
import { ApiClient } from '../test/helpers/api-client.js';
import { appendUpdates } from '../server/db/document-log.repository.js';
import { projectFragment } from '../server/domain/projection.js';
import type { Db } from '../server/db/connect.js';

const targetBytes = numberArg('mib', 16) * 2 ** 20;
const updateCount = numberArg('updates', 200_000);
const fresh = process.argv.includes('--fresh');
/** `--skip-reads`: no round, annotations or reads while open (the load and compaction figures only). */
const skipReads = process.argv.includes('--skip-reads');
/** `--cpu-prof <dir>`: the server runs under `node --cpu-prof` (one profile per thread, workers included) written to <dir> when it stops. */
const cpuProfDir = process.argv.includes('--cpu-prof') ? path.resolve(process.argv[process.argv.indexOf('--cpu-prof') + 1] ?? 'cpu-profiles') : undefined;
/** Net growth of the encoded state per keystroke of the trace (measured: ≈2.6 bytes). */
const bytesPerKeystroke = 2.6;

interface BenchDocument {
  pasted: number;
  snapshot: Uint8Array;
  rows: Uint8Array[];
  /** The whole state after every row. */
  final: Uint8Array;
}

/** The snapshot (pasted paragraphs) and the trace's rows: built, or read from the previous run's cache. */
function benchDocument(): BenchDocument & { cached: boolean } {
  const dir = path.join(os.tmpdir(), `draftroom-bench-load-${targetBytes / 2 ** 20}-${updateCount}`);
  const file = (name: string) => path.join(dir, name);
  if (!fresh && existsSync(file('done'))) {
    const ends = new Uint32Array(new Uint8Array(readFileSync(file('ends.bin'))).buffer);
    const packed = new Uint8Array(readFileSync(file('rows.bin')));
    const rows: Uint8Array[] = [];
    let start = 0;
    for (const end of ends) rows.push(packed.subarray(start, (start = end)));
    const pasted = Number(readFileSync(file('done'), 'utf8'));
    return { pasted, snapshot: new Uint8Array(readFileSync(file('snapshot.bin'))), rows, final: new Uint8Array(readFileSync(file('final.bin'))), cached: true };
  }
  const source = new Y.Doc();
  const pasted = pasteUntil(source, targetBytes - updateCount * bytesPerKeystroke);
  const snapshot = Y.encodeStateAsUpdate(source);
  const rows: Uint8Array[] = [];
  source.on('update', (update: Uint8Array) => rows.push(update));
  const trace = new DraftingTrace(source, 7);
  for (let i = 0; i < updateCount; i++) trace.next();
  const final = Y.encodeStateAsUpdate(source);
  mkdirSync(dir, { recursive: true });
  const ends = new Uint32Array(rows.length);
  let offset = 0;
  rows.forEach((r, i) => (ends[i] = offset += r.byteLength));
  writeFileSync(file('snapshot.bin'), snapshot);
  writeFileSync(file('rows.bin'), Buffer.concat(rows));
  writeFileSync(file('ends.bin'), new Uint8Array(ends.buffer));
  writeFileSync(file('final.bin'), final);
  writeFileSync(file('done'), String(pasted));
  return { pasted, snapshot, rows, final, cached: false };
}

/** Pastes fixture paragraphs into `doc` until its encoded state reaches `bytes`. */
function pasteUntil(doc: Y.Doc, bytes: number): number {
  const paragraphs = fixtureMarkdown(0).split('\n').map((l) => l.replace(/^[#>*\-\d. ]+/, '').trim()).filter((l) => l.length > 40);
  const fragment = doc.getXmlFragment('default');
  let pasted = 0;
  // Text bytes plus ~20 bytes of structure per paragraph; checked against the real size now and then.
  let estimate = Y.encodeStateAsUpdate(doc).byteLength;
  while (estimate < bytes) {
    let added = 0;
    doc.transact(() => {
      while (added < Math.max(64 * 1024, (bytes - estimate) / 2)) {
        const paragraph = new Y.XmlElement('paragraph');
        const text = `${pasted}. ${paragraphs[pasted % paragraphs.length]!}`;
        paragraph.insert(0, [new Y.XmlText(text)]);
        fragment.insert(fragment.length, [paragraph]);
        added += Buffer.byteLength(text) + 20;
        pasted++;
      }
    });
    estimate = Y.encodeStateAsUpdate(doc).byteLength;
  }
  return pasted;
}

/**
 * Polls GET /healthz every 20 ms from a worker thread; `stop()` gives the slowest answer, the count
 * and how many failed. A thread of its own, so the provider applying 16 MiB in this process's
 * main thread does not stall the probe and count as the server's delay.
 */
function probeHealth(baseUrl: string): { stop(): Promise<{ max: number; count: number; failed: number }> } {
  const worker = new Worker(
    `const { parentPort, workerData } = require('node:worker_threads');
    let running = true, max = 0, count = 0, failed = 0;
    parentPort.once('message', () => (running = false));
    (async () => {
      while (running) {
        const started = performance.now();
        // A refused or reset connection is counted as an answer that took until it failed.
        await fetch(workerData + '/healthz').then((r) => r.arrayBuffer(), () => failed++);
        max = Math.max(max, performance.now() - started);
        count++;
        await new Promise((resolve) => setTimeout(resolve, 20));
      }
      parentPort.postMessage({ max, count, failed });
    })();`,
    { eval: true, workerData: baseUrl },
  );
  return {
    async stop() {
      const result = new Promise<{ max: number; count: number; failed: number }>((resolve) => worker.once('message', resolve));
      worker.postMessage('stop');
      const { max, count, failed } = await result;
      await worker.terminate();
      if (failed > 0) console.log(`    (${failed} of ${count} /healthz requests failed)`);
      return { max, count, failed };
    },
  };
}

/** The server's event-loop delay since the previous scrape (prom-client resets its histogram on each). */
async function eventLoopDelay(baseUrl: string): Promise<{ max: number; p99: number }> {
  return (await scrape(baseUrl)).lag;
}

/**
 * One scrape of the server's /metrics: its event-loop delay since the previous scrape, the
 * documents it holds in memory, and its document-load phases so far (draftroom_document_load_seconds
 * sums, ms; absent on servers without them).
 */
async function scrape(baseUrl: string): Promise<{ lag: { max: number; p99: number }; documents: number; phases: Record<string, number> }> {
  // Once more if a kept-alive socket was closed under us (the server closes idle connections).
  const text = await fetch(`${baseUrl}/metrics`)
    .catch(() => fetch(`${baseUrl}/metrics`))
    .then((r) => r.text());
  const value = (name: string) => Number(new RegExp(`^${name} ([0-9.e+-]+)`, 'm').exec(text)?.[1] ?? NaN);
  const phases: Record<string, number> = {};
  for (const match of text.matchAll(/^draftroom_document_load_seconds_sum\{phase="(\w+)"\} ([0-9.e+-]+)/gm)) phases[match[1]!] = Number(match[2]) * 1000;
  return {
    lag: { max: value('nodejs_eventloop_lag_max_seconds') * 1000, p99: value('nodejs_eventloop_lag_p99_seconds') * 1000 },
    documents: value('draftroom_documents_in_memory'),
    phases,
  };
}

/** A `ws` WebSocket that notes when its largest frame so far arrived (the sync answer). */
class TimedWebSocket extends WebSocket {
  static largestAt = 0;
  static largest = 0;
  constructor(...args: ConstructorParameters<typeof WebSocket>) {
    super(...args);
    this.on('message', (data: Buffer) => {
      if (data.byteLength <= TimedWebSocket.largest) return;
      TimedWebSocket.largest = data.byteLength;
      TimedWebSocket.largestAt = performance.now();
    });
  }
}

interface Opened {
  ms: number;
  answerMs: number;
  text: string;
  provider: WebsocketProvider;
  /** CPU seconds of this process (the provider decoding and applying) and of the server during the open. */
  clientCpu: number;
  serverCpu: number;
  /** The server's load phases (ms since the load started), when it reports them. */
  phases: Record<string, number>;
  /** The server's event-loop delay during the open. */
  lag: { max: number; p99: number };
}

/** Opens the document in a stock provider: timed, with the CPU both sides used and the server's load phases. */
async function open(baseUrl: string, documentId: string, token: string, serverPid: number): Promise<Opened> {
  const phasesBefore = (await scrape(baseUrl)).phases;
  const serverCpuBefore = processUsage(serverPid).cpuSeconds;
  const clientCpuBefore = process.cpuUsage();
  const opened = await openProvider(baseUrl, documentId, token);
  const clientCpu = process.cpuUsage(clientCpuBefore);
  const serverCpu = processUsage(serverPid).cpuSeconds - serverCpuBefore;
  const after = await scrape(baseUrl);
  const phases = Object.fromEntries(Object.entries(after.phases).map(([phase, sum]) => [phase, sum - (phasesBefore[phase] ?? 0)]));
  return { ...opened, clientCpu: (clientCpu.user + clientCpu.system) / 1e6, serverCpu, phases, lag: after.lag };
}

function describeOpen(opened: Opened): string {
  const p = opened.phases;
  const applied = p.snapshotApplied !== undefined && p.snapshotApplied > 0 ? `, snapshot summarised (or applied) on the worker ${ms(p.snapshotApplied)}, log folded (or applied) ${ms(p.rowsApplied!)}` : '';
  const phases = Object.keys(p).length > 0 ? `; server load phases (from the load's start): snapshot read ${ms(p.snapshot!)}, snapshot + log read ${ms(p.read!)}${applied}, room ready ${ms(p.ready!)}` : '';
  return `CPU: server ${opened.serverCpu.toFixed(2)} s (all threads), this process (provider) ${opened.clientCpu.toFixed(2)} s${phases}`;
}

async function openProvider(baseUrl: string, documentId: string, token: string): Promise<{ ms: number; answerMs: number; text: string; provider: WebsocketProvider }> {
  const doc = new Y.Doc();
  const started = performance.now();
  TimedWebSocket.largest = 0;
  const provider = new WebsocketProvider(`${baseUrl.replace(/^http/, 'ws')}/collab`, documentId, doc, {
    params: { token },
    WebSocketPolyfill: TimedWebSocket as unknown as typeof globalThis.WebSocket,
    disableBc: true,
  });
  await new Promise<void>((resolve, reject) => {
    provider.on('sync', (synced: boolean) => synced && resolve());
    provider.on('connection-close', (event) => reject(new Error(`closed ${event?.code} ${event?.reason}`)));
  });
  return { ms: performance.now() - started, answerMs: TimedWebSocket.largestAt - started, text: projectFragment(doc.getXmlFragment('default')).text, provider };
}

/** A bearer-authenticated GET of the API; its answer's time and bytes (throws unless 200). */
async function timedGet(baseUrl: string, token: string, path: string): Promise<{ ms: number; bytes: number; body: string }> {
  const started = performance.now();
  const { text, bytes } = await new ApiClient(baseUrl, token).send('GET', `/api/v1${path}`);
  return { ms: performance.now() - started, bytes, body: text };
}

/** Times `phase` with the server's event-loop delay and the slowest `/healthz` during it. */
async function watched<T>(baseUrl: string, name: string, phase: () => Promise<T>): Promise<T> {
  await eventLoopDelay(baseUrl);
  const health = probeHealth(baseUrl);
  const started = performance.now();
  const result = await phase();
  const took = performance.now() - started;
  const lag = await eventLoopDelay(baseUrl);
  const healthz = await health.stop();
  console.log(`  ${name}: ${ms(took)}; server event-loop delay max ${ms(lag.max)}, p99 ${ms(lag.p99)}; /healthz slowest of ${healthz.count}: ${ms(healthz.max)}`);
  return result;
}

/** A drafter opens round 1 (freezing the live draft), then a member writes `count` comments spread over it. */
async function roundWithAnnotations(baseUrl: string, drafter: string, member: string, documentId: string, textLength: number, count: number): Promise<void> {
  const writer = await ApiClient.logIn(baseUrl, drafter, benchPassword);
  const reader = await ApiClient.logIn(baseUrl, member, benchPassword);
  const round = await watched(baseUrl, 'open round 1 (freezes the live draft as version 1)', () =>
    writer.openRound(documentId, { closesAt: new Date(Date.now() + 7 * 86_400_000).toISOString() }),
  );
  await watched(baseUrl, `${count} annotations written on round 1`, async () => {
    for (let i = 0; i < count; i++) {
      const start = Math.floor(((i + 0.5) * textLength) / count);
      await reader.putAnnotation(round.id, randomUUID(), { kind: 'comment', body: `Ý kiến ${i + 1}`, anchor: { start, end: start + 12 } });
    }
  });
}

/** The live reads a reader makes while the document is open, timed, with the event loop watched. */
async function liveReads(baseUrl: string, token: string, documentId: string, expected: string): Promise<void> {
  await eventLoopDelay(baseUrl);
  const health = probeHealth(baseUrl);
  const reads: Array<[string, string]> = [
    ['GET /content', `/documents/${documentId}/content`],
    ['GET /content again', `/documents/${documentId}/content`],
    ['GET /annotations?version=live', `/documents/${documentId}/annotations?version=live`],
    ['GET /annotations?version=live again', `/documents/${documentId}/annotations?version=live`],
    ['GET /export?format=md (live draft)', `/documents/${documentId}/export?format=md`],
  ];
  const timings: string[] = [];
  let lag = { max: 0, p99: 0 };
  for (const [name, path] of reads) {
    const answer = await timedGet(baseUrl, token, path);
    const own = await eventLoopDelay(baseUrl);
    lag = { max: Math.max(lag.max, own.max), p99: Math.max(lag.p99, own.p99) };
    if (path.endsWith('/content') && (JSON.parse(answer.body) as { text: string }).text !== expected) throw new Error('GET /content differs from the stored text');
    timings.push(`${name} ${ms(answer.ms)} (${int(answer.bytes / 1024)} KiB; event-loop max ${ms(own.max)})`);
  }
  const healthz = await health.stop();
  console.log(`  reads while open (load average now ${os.loadavg()[0]!.toFixed(1)}): ${timings.join('; ')}`);
  console.log(`    server event-loop delay during the reads: max ${ms(lag.max)}, p99 ${ms(lag.p99)}; /healthz slowest of ${healthz.count}: ${ms(healthz.max)}  (goal ≤ 100 ms)`);
}

async function logRows(db: Db, documentId: string): Promise<number> {
  const row = await db.selectFrom('document_updates').select((eb) => eb.fn.countAll<string>().as('n')).where('document_id', '=', documentId).executeTakeFirstOrThrow();
  return Number(row.n);
}

async function main(): Promise<void> {
  printHeader('bench:load', `open a ${targetBytes / 2 ** 20} MiB document whose log holds ${int(updateCount)} updates; event-loop delay during load and compaction`);
  console.log(`cores: ${os.availableParallelism()} available to this process`);
  const database = await openBenchDatabase('load');
  try {
    const { db } = database;
    const workspace = await seedWorkspace(db, { writers: 1, readers: 1 });
    const generated = performance.now();
    const built = benchDocument();
    const snapshotDoc = new Y.Doc();
    Y.applyUpdate(snapshotDoc, built.snapshot);
    const documentId = await createDocument(db, workspace, snapshotDoc);
    snapshotDoc.destroy();
    // Sequential batches of 1,000 rows: concurrent transactions would take seqs out of edit order.
    for (let i = 0; i < built.rows.length; i += 1000) {
      const requests = built.rows.slice(i, i + 1000).map((data) => ({ documentId, data }));
      await db.transaction().execute((tx) => appendUpdates(tx, requests));
    }
    const logBytes = built.rows.reduce((sum, r) => sum + r.byteLength, 0);
    const finalDoc = new Y.Doc();
    Y.applyUpdate(finalDoc, built.final);
    const expected = projectFragment(finalDoc.getXmlFragment('default')).text;
    finalDoc.destroy();
    console.log(
      `document: ${int(built.pasted)} pasted paragraphs in the snapshot, then ${int(updateCount)} keystroke rows (${int(logBytes / 2 ** 10)} KiB) in the log; ` +
        `encoded state ${(built.final.byteLength / 2 ** 20).toFixed(1)} MiB, ${int(expected.length)} characters; ` +
        `${built.cached ? 'read from the previous run’s cache and stored' : 'built and stored'} in ${((performance.now() - generated) / 1000).toFixed(1)} s`,
    );

    const server = await startChild('bench/support/collab-process.ts', {
      DATABASE_URL: database.url,
      BENCH_COLLAB: JSON.stringify({ idleUnloadMs: 500, compactAfterQuietMs: 600_000, readyTimeoutMs: 120_000 }),
    }, '/healthz', { nodeArgs: cpuProfDir ? ['--cpu-prof', '--cpu-prof-dir', cpuProfDir] : [] });
    try {
      const token = await login(server.baseUrl, workspace.readers[0]!);
      let health = probeHealth(server.baseUrl);
      const loaded = await open(server.baseUrl, documentId, token, server.pid);
      let lag = loaded.lag;
      let healthz = await health.stop();
      if (loaded.text !== expected) throw new Error('the opened document differs from the stored one');
      console.log(`  load + open in a stock WebsocketProvider (not in memory): ${ms(loaded.ms)}  (goal ≤ 2 s); its largest frame (the state or the snapshot sent ahead) had arrived after ${ms(loaded.answerMs)}; load average now ${os.loadavg()[0]!.toFixed(1)}`);
      console.log(`    ${describeOpen(loaded)}`);
      console.log(`    server event-loop delay: max ${ms(lag.max)}, p99 ${ms(lag.p99)}; /healthz slowest of ${healthz.count}: ${ms(healthz.max)}  (goal ≤ 100 ms)`);

      // A server may compact a long log right after loading it (with the state it merged for the load).
      await eventLoopDelay(server.baseUrl);
      health = probeHealth(server.baseUrl);
      const waitStarted = performance.now();
      let rows = await logRows(db, documentId);
      while (rows > 0 && performance.now() - waitStarted < 30_000) {
        await new Promise((resolve) => setTimeout(resolve, 100));
        rows = await logRows(db, documentId);
      }
      lag = await eventLoopDelay(server.baseUrl);
      healthz = await health.stop();
      console.log(
        rows === 0
          ? `  log compacted while open: empty ${ms(performance.now() - waitStarted)} after the open; server event-loop delay max ${ms(lag.max)}, p99 ${ms(lag.p99)}; /healthz slowest of ${healthz.count}: ${ms(healthz.max)}`
          : `  log not compacted while open (${int(rows)} rows after 30 s)`,
      );

      if (!skipReads) {
        await roundWithAnnotations(server.baseUrl, workspace.writers[0]!, workspace.readers[0]!, documentId, expected.length, 20);
        await liveReads(server.baseUrl, token, documentId, expected);
      }

      loaded.provider.destroy();
      const compactStarted = performance.now();
      await eventLoopDelay(server.baseUrl);
      health = probeHealth(server.baseUrl);
      // Until the room is unloaded (after 500 ms idle) and the log is empty (compacted on unload, if not
      // before); each scrape resets the event-loop histogram, so the phase's delay is the worst of them.
      lag = { max: 0, p99: 0 };
      for (;;) {
        const metrics = await scrape(server.baseUrl);
        lag = { max: Math.max(lag.max, metrics.lag.max), p99: Math.max(lag.p99, metrics.lag.p99) };
        if (metrics.documents === 0 && (await logRows(db, documentId)) === 0) break;
        if (performance.now() - compactStarted > 120_000) throw new Error('the log was not compacted and the document unloaded within 120 s');
        await new Promise((resolve) => setTimeout(resolve, 100));
      }
      healthz = await health.stop();
      console.log(`  unload (after 500 ms idle) + compaction of what is left of the ${int(updateCount)} rows: unloaded, log empty after ${ms(performance.now() - compactStarted)}`);
      console.log(`    server event-loop delay: max ${ms(lag.max)}, p99 ${ms(lag.p99)}; /healthz slowest of ${healthz.count}: ${ms(healthz.max)}`);

      health = probeHealth(server.baseUrl);
      const compacted = await open(server.baseUrl, documentId, token, server.pid);
      lag = compacted.lag;
      healthz = await health.stop();
      compacted.provider.destroy();
      if (compacted.text !== expected) throw new Error('the compacted document differs from the stored one');
      console.log(`  load + open after compaction: ${ms(compacted.ms)} (largest frame after ${ms(compacted.answerMs)}); load average now ${os.loadavg()[0]!.toFixed(1)}`);
      console.log(`    ${describeOpen(compacted)}`);
      console.log(`    server event-loop delay max ${ms(lag.max)}, p99 ${ms(lag.p99)}; /healthz slowest of ${healthz.count}: ${ms(healthz.max)}`);
      console.log(`  server: ${server.description}`);
    } finally {
      await server.stop();
    }
  } finally {
    await database.close();
  }
}

runMain(main);
