/**
 * `npm run bench:fanout [-- --seconds 20 --readers 100,500,1000 --rate 20 --reader-processes 2 --runs 1 --profile]`:
 * one document, N read-only clients, 5 writers × `--rate` updates/s (20). Per-update delivery
 * latency at every reader (send time kept per writer update; a reader credits each update at the
 * first frame carrying its clock, so group-commit merges are counted per original update),
 * delivered updates/s, lost updates, server CPU and RSS. The same load then runs against a bare
 * `ws` relay (no Yjs, no database).
 *
 * Both servers run as child processes (draftroom as `npm start` runs it: `node dist/server/main.js`,
 * stock limits; the relay: `node --import tsx bench/support/bare-relay.ts`). Readers are
 * lightweight raw-`ws` y-websocket clients (bench/support/yws-client.ts) spread over
 * `--reader-processes` child processes (bench/support/fanout-readers.ts): in one process, handling one
 * broadcast's 500 frames one after another was most of what the latency measured. The reader
 * processes' event-loop delay is printed beside each row. Server CPU per delivery = server CPU seconds /
 * updates delivered. With `--runs N` the two servers take turns N times per reader count (ratios
 * per run, then medians); `--profile` writes a V8 CPU profile of draftroom (whole life) and prints
 * its hottest functions; `--baseline <checkout>` also runs that copy of the repository's server
 * (e.g. an export of main, with node_modules) in the same run, for a before/after of a server change.
 */
import { randomUUID } from 'node:crypto';
import { mkdtemp, readdir } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import * as Y from 'yjs';
import { openBenchDatabase } from './support/database.js';
import { int, ms, numberArg, printHeader, Samples, sleep, stringArg, waitFor } from './support/env.js';
import { summariseProfile } from './support/cpu-profile.js';
import { startChild, startCompiled, watchProcess, type RunningServer } from './support/server.js';
import { createDocument, login, seedWorkspace } from './support/workspace.js';
import { YwsClient } from './support/yws-client.js';
import { ReaderProcesses } from './support/fanout-readers.js';
import { runMain } from './support/run.js';

const seconds = numberArg('seconds', 20);
const readerCounts = (stringArg('readers') ?? '100,500,1000').split(',').map(Number);
const writerCount = 5;
const ratePerWriter = numberArg('rate', 20);
const readerProcesses = numberArg('reader-processes', 2);
const runs = numberArg('runs', 1);
const profile = process.argv.includes('--profile');
const baselineCheckout = stringArg('baseline');

interface Target {
  name: string;
  server: RunningServer;
  handshake: boolean;
  url(role: 'writer' | 'reader', index: number): string;
}

interface Result {
  latency: ReturnType<Samples['summary']>;
  sent: number;
  expected: number;
  delivered: number;
  deliveredPerSecond: number;
  closedReaders: number;
  framesPerReader: number;
  cpuCores: number;
  peakRssMiB: number;
  machineBusyCores: number;
  generatorCpuCores: number;
  /** The reader processes' event-loop delay (ms, the worst one): when it is high, latencies measure the generator. */
  readersLoop: { p99: number; max: number };
  elapsed: number;
}

async function runFanout(target: Target, readerCount: number): Promise<Result> {
  const docs = Array.from({ length: writerCount }, () => new Y.Doc());
  const readers = await ReaderProcesses.start(
    Array.from({ length: readerCount }, (_, i) => target.url('reader', i)),
    { processes: readerProcesses, handshake: target.handshake, writerClients: docs.map((doc) => doc.clientID) },
  );
  const writers: Array<{ client: YwsClient; doc: Y.Doc; text: Y.XmlText }> = [];
  let recording = false;
  let sent = 0;
  for (const [w, doc] of docs.entries()) {
    const client = new YwsClient(target.url('writer', w), { doc, handshake: target.handshake });
    doc.on('update', (update: Uint8Array, origin: unknown) => {
      if (origin === client) return;
      // Posted before the frame goes out; the readers credit by arrival either way (fanout-readers.ts).
      if (recording) {
        readers.sent(w, Y.getState(doc.store, doc.clientID), absoluteNow());
        sent++;
      }
      client.sendUpdate(update);
    });
    await client.opened;
    await client.synced;
    const paragraph = new Y.XmlElement('paragraph');
    const text = new Y.XmlText();
    doc.transact(() => {
      paragraph.insert(0, [text]);
      doc.getXmlFragment('default').insert(0, [paragraph]);
    });
    writers.push({ client, doc, text });
  }
  await sleep(1000);

  // Timed phase: each writer types one character every 1/rate s, on a fixed schedule.
  const watch = watchProcess(target.server.pid);
  const cpuStart = process.cpuUsage();
  const started = performance.now();
  readers.record(true);
  recording = true;
  const interval = 1000 / ratePerWriter;
  await Promise.all(
    writers.map(async ({ doc, text }, w) => {
      const offset = (interval / writerCount) * w;
      for (let k = 0; ; k++) {
        const due = started + offset + k * interval;
        if (due - started >= seconds * 1000) break;
        const wait = due - performance.now();
        if (wait > 0) await sleep(wait);
        doc.transact(() => text.insert(text.length, String.fromCharCode(97 + (k % 26))));
      }
    }),
  );
  recording = false;
  const expected = sent * readerCount;
  await waitFor(() => readers.deliveredSoFar >= expected, 'every reader to have every update', 10_000).catch(() => {});
  const elapsed = (performance.now() - started) / 1000;
  const usage = watch.finish();
  const cpu = process.cpuUsage(cpuStart);
  const received = await readers.finish();

  for (const w of writers) w.client.close();
  await readers.close();
  await sleep(1500);
  return {
    latency: received.latency,
    sent,
    expected,
    delivered: received.delivered,
    deliveredPerSecond: received.delivered / elapsed,
    closedReaders: received.closed,
    framesPerReader: received.frames / readerCount / elapsed,
    ...usage,
    generatorCpuCores: ((cpu.user + cpu.system) / 1e6 + received.cpuSeconds) / elapsed,
    readersLoop: received.loop,
    elapsed,
  };
}

/** Now as an absolute time in ms, comparable across processes (fanout-readers.ts). */
const absoluteNow = (): number => performance.timeOrigin + performance.now();

function row(name: string, readers: number, r: Result): string {
  const lost = r.expected - r.delivered;
  return (
    `  ${name.padEnd(10)} ${String(readers).padStart(5)}  p50 ${ms(r.latency.p50).padStart(9)}  p99 ${ms(r.latency.p99).padStart(9)}  max ${ms(r.latency.max).padStart(9)}` +
    `  delivered ${int(r.deliveredPerSecond).padStart(7)}/s in ${int(r.framesPerReader)} frames/s per reader  lost ${int(lost)} of ${int(r.expected)}${r.closedReaders ? ` (${r.closedReaders} readers closed)` : ''}` +
    `  server CPU ${r.cpuCores.toFixed(2)} cores = ${(cpuPerDelivery(r) * 1e6).toFixed(2)} µs per delivery, peak RSS ${r.peakRssMiB.toFixed(0)} MiB  (generator ${r.generatorCpuCores.toFixed(2)} cores, readers' event-loop delay p99 ${ms(r.readersLoop.p99)} max ${ms(r.readersLoop.max)}; machine busy ${r.machineBusyCores.toFixed(2)} cores)`
  );
}

/** Server CPU seconds per update delivered to one reader. */
const cpuPerDelivery = (r: Result): number => (r.cpuCores * r.elapsed) / Math.max(1, r.delivered);

const median = (values: number[]): number => {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = sorted.length >> 1;
  return sorted.length % 2 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2;
};

async function main(): Promise<void> {
  printHeader('bench:fanout', `one document, ${readerCounts.join(' / ')} read-only clients, ${writerCount} writers × ${ratePerWriter} updates/s for ${seconds} s, ${runs} run(s)`);
  const database = await openBenchDatabase('fanout');
  const servers: RunningServer[] = [];
  const profileDir = profile ? await mkdtemp(path.join(os.tmpdir(), 'draftroom-fanout-prof-')) : undefined;
  try {
    // draftroom allows 20 sockets per member and document (4430 past that): readers share logins 20 at most.
    const workspace = await seedWorkspace(database.db, { writers: writerCount, readers: Math.ceil(Math.max(...readerCounts) / 20) });
    const draftroom = await startCompiled(
      { DATABASE_URL: database.url, ADMIN_PASSWORD: randomUUID() },
      profileDir ? { nodeArgs: ['--cpu-prof', `--cpu-prof-dir=${profileDir}`] } : {},
    );
    servers.push(draftroom);
    const before = baselineCheckout ? await startCompiled({ DATABASE_URL: database.url, ADMIN_PASSWORD: randomUUID() }, { checkout: baselineCheckout }) : undefined;
    if (before) servers.push(before);
    const relay = await startChild('bench/support/bare-relay.ts', {}, '/');
    servers.push(relay);
    console.log(`draftroom: ${draftroom.description}; baseline: ${relay.description}${before ? `; before: ${before.description}` : ''}; load generator: this process`);
    const writerTokens = await Promise.all(workspace.writers.map((l) => login(draftroom.baseUrl, l)));
    const readerTokens = await Promise.all(workspace.readers.map((l) => login(draftroom.baseUrl, l)));
    const wsBase = (s: RunningServer) => s.baseUrl.replace(/^http/, 'ws');

    const summary: string[] = [];
    for (const readerCount of readerCounts) {
      const p99: number[] = [];
      const cpu: number[] = [];
      for (let run = 1; run <= runs; run++) {
        const documentId = await createDocument(database.db, workspace);
        const load = os.loadavg()[0]!.toFixed(2);
        const ours = await runFanout(
          {
            name: 'draftroom',
            server: draftroom,
            handshake: true,
            url: (role, i) =>
              `${wsBase(draftroom)}/collab/${documentId}?token=${encodeURIComponent(role === 'writer' ? writerTokens[i]! : readerTokens[i % readerTokens.length]!)}`,
          },
          readerCount,
        );
        console.log(`${row('draftroom', readerCount, ours)}  load ${load}`);
        if (before) {
          const beforeDocument = await createDocument(database.db, workspace);
          const old = await runFanout(
            {
              name: 'before',
              server: before,
              handshake: true,
              url: (role, i) =>
                `${wsBase(before)}/collab/${beforeDocument}?token=${encodeURIComponent(role === 'writer' ? writerTokens[i]! : readerTokens[i % readerTokens.length]!)}`,
            },
            readerCount,
          );
          console.log(`${row('before', readerCount, old)}  load ${os.loadavg()[0]!.toFixed(2)}`);
          summary.push(
            `  ${String(readerCount).padStart(5)} readers, run ${run}: before → now p99 ${ms(old.latency.p99)} → ${ms(ours.latency.p99)}, server CPU per delivery ${(cpuPerDelivery(old) * 1e6).toFixed(2)} → ${(cpuPerDelivery(ours) * 1e6).toFixed(2)} µs`,
          );
        }
        const room = randomUUID();
        const base = await runFanout({ name: 'bare relay', server: relay, handshake: false, url: () => `${wsBase(relay)}/${room}` }, readerCount);
        console.log(`${row('bare relay', readerCount, base)}  load ${os.loadavg()[0]!.toFixed(2)}`);
        p99.push(ours.latency.p99 / base.latency.p99);
        cpu.push(cpuPerDelivery(ours) / cpuPerDelivery(base));
        summary.push(
          `  ${String(readerCount).padStart(5)} readers, run ${run}: draftroom/baseline p50 ${(ours.latency.p50 / base.latency.p50).toFixed(2)}×, p99 ${p99.at(-1)!.toFixed(2)}× (goal ≤ 1.1), ` +
            `max ${(ours.latency.max / base.latency.max).toFixed(2)}×, server CPU per delivery ${cpu.at(-1)!.toFixed(2)}× (goal ≤ 1.2)`,
        );
      }
      if (runs > 1) summary.push(`  ${String(readerCount).padStart(5)} readers, median of ${runs}: p99 ${median(p99).toFixed(2)}×, server CPU per delivery ${median(cpu).toFixed(2)}×`);
    }
    console.log('ratios (same run):');
    for (const line of summary) console.log(line);
    console.log(`load average at end: ${os.loadavg().map((l) => l.toFixed(2)).join(' ')} (1/5/15 min), ${os.cpus().length} cores`);
  } finally {
    for (const server of servers.reverse()) await server.stop().catch(() => {});
    await database.close();
  }
  if (profileDir) {
    const files = (await readdir(profileDir)).filter((f) => f.endsWith('.cpuprofile'));
    for (const file of files) console.log((await summariseProfile(path.join(profileDir, file), 30)).join('\n'));
    console.log(`(profile: ${profileDir})`);
  }
}

runMain(main);
