/**
 * `npm run bench:fanout [-- --seconds 20 --readers 100,500,1000 --runs 1 --profile]`: one document, N read-only
 * clients, 5 writers × 20 updates/s. Per-update delivery latency at every reader (send time kept
 * per writer update; a reader credits each update when a frame carrying its clock arrives, so
 * group-commit merges are counted per original update), delivered updates/s, lost updates,
 * server CPU and RSS. The same load then runs against a bare `ws` relay (no Yjs, no database).
 *
 * Both servers run as child processes (draftroom as `npm start` runs it: `node dist/server/main.js`,
 * stock limits; the relay: `node --import tsx bench/support/bare-relay.ts`), so the load generator
 * and the server each get a core; readers are lightweight raw-`ws` y-websocket clients
 * (bench/support/yws-client.ts). Server CPU per delivery = server CPU seconds / updates delivered.
 * With `--runs N` the two servers take turns N times per reader count (ratios per run, then
 * medians); `--profile` writes a V8 CPU profile of draftroom (whole life) and prints its hottest
 * functions; `--baseline <checkout>` also runs that copy of the repository's server (e.g. an
 * export of main, with node_modules) in the same run, for a before/after of a server change.
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
import { runMain } from './support/run.js';

const seconds = numberArg('seconds', 20);
const readerCounts = (stringArg('readers') ?? '100,500,1000').split(',').map(Number);
const writerCount = 5;
const ratePerWriter = 20;
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
  elapsed: number;
}

async function runFanout(target: Target, readerCount: number): Promise<Result> {
  // Per writer: the end clock of each timed update and when it was sent.
  const ends: number[][] = [];
  const sentAt: number[][] = [];
  const writerIndex = new Map<number, number>();
  let recording = false;

  const writers: Array<{ client: YwsClient; doc: Y.Doc; text: Y.XmlText }> = [];
  for (let w = 0; w < writerCount; w++) {
    const doc = new Y.Doc();
    const client = new YwsClient(target.url('writer', w), { doc, handshake: target.handshake });
    writerIndex.set(doc.clientID, w);
    ends.push([]);
    sentAt.push([]);
    doc.on('update', (update: Uint8Array, origin: unknown) => {
      if (origin === client) return;
      if (recording) {
        ends[w]!.push(Y.getState(doc.store, doc.clientID));
        sentAt[w]!.push(performance.now());
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

  // Readers: a frame's meta (client → clock reached) is parsed once and shared by all readers.
  const latency = new Samples();
  let delivered = 0;
  const metaCache = new Map<string, Array<[number, number]>>();
  const metaOf = (update: Uint8Array, frame: Buffer): Array<[number, number]> => {
    const key = frame.toString('latin1');
    let meta = metaCache.get(key);
    if (!meta) {
      if (metaCache.size > 50_000) metaCache.clear();
      meta = [];
      for (const [client, clock] of Y.parseUpdateMeta(update).to) {
        const w = writerIndex.get(client);
        if (w !== undefined) meta.push([w, clock]);
      }
      metaCache.set(key, meta);
    }
    return meta;
  };
  const readers: YwsClient[] = [];
  for (let r = 0; r < readerCount; r += 50) {
    const batch: YwsClient[] = [];
    for (let i = r; i < Math.min(readerCount, r + 50); i++) {
      const next = new Int32Array(writerCount);
      const client: YwsClient = new YwsClient(target.url('reader', i), {
        handshake: target.handshake,
        onUpdate(update, frame) {
          const now = performance.now();
          for (const [w, clock] of metaOf(update, frame)) {
            const writerEnds = ends[w]!;
            const writerSent = sentAt[w]!;
            let k = next[w]!;
            while (k < writerEnds.length && writerEnds[k]! <= clock) {
              latency.add(now - writerSent[k]!);
              delivered++;
              k++;
            }
            next[w] = k;
          }
        },
      });
      batch.push(client);
    }
    await Promise.all(batch.map((c) => c.opened.then(() => c.synced)));
    readers.push(...batch);
  }
  await sleep(1000);

  // Timed phase: each writer types one character every 1/rate s, on a fixed schedule.
  const framesBefore = readers.reduce((sum, c) => sum + c.framesReceived, 0);
  const watch = watchProcess(target.server.pid);
  const cpuStart = process.cpuUsage();
  const started = performance.now();
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
  const sent = ends.reduce((sum, e) => sum + e.length, 0);
  const expected = sent * readerCount;
  await waitFor(() => delivered >= expected, 'every reader to have every update', 10_000).catch(() => {});
  const elapsed = (performance.now() - started) / 1000;
  const usage = watch.finish();
  const cpu = process.cpuUsage(cpuStart);
  recording = false;

  const closedReaders = readers.filter((c) => c.closeCode !== undefined).length;
  const framesPerReader = (readers.reduce((sum, c) => sum + c.framesReceived, 0) - framesBefore) / readerCount / elapsed;
  for (const c of [...readers, ...writers.map((w) => w.client)]) c.close();
  await sleep(1500);
  return {
    latency: latency.summary(),
    sent,
    expected,
    delivered,
    deliveredPerSecond: delivered / elapsed,
    closedReaders,
    framesPerReader,
    ...usage,
    generatorCpuCores: (cpu.user + cpu.system) / 1e6 / elapsed,
    elapsed,
  };
}

function row(name: string, readers: number, r: Result): string {
  const lost = r.expected - r.delivered;
  return (
    `  ${name.padEnd(10)} ${String(readers).padStart(5)}  p50 ${ms(r.latency.p50).padStart(9)}  p99 ${ms(r.latency.p99).padStart(9)}  max ${ms(r.latency.max).padStart(9)}` +
    `  delivered ${int(r.deliveredPerSecond).padStart(7)}/s in ${int(r.framesPerReader)} frames/s per reader  lost ${int(lost)} of ${int(r.expected)}${r.closedReaders ? ` (${r.closedReaders} readers closed)` : ''}` +
    `  server CPU ${r.cpuCores.toFixed(2)} cores = ${(cpuPerDelivery(r) * 1e6).toFixed(2)} µs per delivery, peak RSS ${r.peakRssMiB.toFixed(0)} MiB  (generator ${r.generatorCpuCores.toFixed(2)} cores, machine busy ${r.machineBusyCores.toFixed(2)} cores)`
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
