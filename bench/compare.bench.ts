/**
 * `npm run bench:compare [-- --keystrokes 259778 --window 500 --runs 1]`: the real automerge-paper
 * editing trace (bench/data/automerge-paper.json.gz: 259,778 single-character edits of a LaTeX
 * paper) replayed through one y-websocket-protocol writer with 10 observers, one Yjs update per
 * edit, in the same run against three servers, each a child process:
 *
 * - draftroom as `npm start` runs it (compiled `node dist/server/main.js`, durable: every update
 *   committed to PostgreSQL before it is broadcast), with COLLAB_MESSAGES_PER_SECOND /
 *   COLLAB_MESSAGE_BURST raised (one writer replaying a trace exceeds the default 300/s);
 * - `@y/websocket-server` (the reference server, in memory);
 * - a bare `ws` relay (bench/support/bare-relay.ts: forwards frames, no Yjs).
 *
 * Progress is what of the writer's the observers have received, by Yjs ids, not by messages
 * (draftroom merges updates into one broadcast): an insert is done once every observer's clock for
 * the writer reached the clock after it, a delete once every observer received a delete set with
 * the item it deletes (a delete does not advance the clock, and the trace deletes up to 8,449
 * characters in a row: counting deletes by the next insert stalled the writer's window). Flow
 * control: at most `--window` edits sent and not yet done. Observers read only the writer's clock
 * and deleted ranges from each frame (bench/support/update-clock.ts, about 1 µs, checked against
 * `Y.decodeUpdate` on every update of the trace) and keep the payloads; after the timed phase each
 * observer's payloads are applied to a fresh Y.Doc whose text must equal the trace's end. (Applying
 * every frame to a Y.Doc as it arrives costs 50–100 µs per frame per observer on this document:
 * 10 observers then need more CPU than any of the servers, and the full trace took over 20 minutes.)
 *
 * With `--runs N` the three servers take turns N times; each run prints its own ratios (measured
 * minutes apart, under the same load) and the last line their medians.
 */
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import os from 'node:os';
import { fileURLToPath } from 'node:url';
import { gunzipSync } from 'node:zlib';
import * as Y from 'yjs';
import { openBenchDatabase } from './support/database.js';
import { int, numberArg, printHeader, sleep, waitFor } from './support/env.js';
import { runMain } from './support/run.js';
import { startChild, startCompiled, watchProcess, type RunningServer } from './support/server.js';
import { scanUpdate, scanWithYjs } from './support/update-clock.js';
import { createDocument, login, seedWorkspace, type Workspace } from './support/workspace.js';
import { updateFrame, YwsClient } from './support/yws-client.js';
import type { Db } from '../server/db/connect.js';

const observerCount = 10;
const window = numberArg('window', 500);
const runs = numberArg('runs', 1);
const tracePath = fileURLToPath(new URL('./data/automerge-paper.json.gz', import.meta.url));

interface Trace {
  endContent: string;
  txns: Array<{ patches: Array<[number, number, string]> }>;
}

interface Work {
  /** y-websocket update frames, one per edit (the first creates the paragraph), encoded before timing. */
  frames: Uint8Array[];
  /** The writer's clock after edit i; an insert is done once every observer reached it. */
  clockAfter: Float64Array;
  /** 1 where edit i advances the writer's clock (inserts). */
  advances: Uint8Array;
  /** The writer's item edit i deletes (length 0: none); done once every observer has it deleted. */
  deleteClock: Float64Array;
  deleteLength: Uint32Array;
  clientId: number;
  text: string;
}

/** The trace's updates on a fresh doc (paragraph creation first), and what each inserts and deletes. */
function generate(limit: number): Work {
  const trace = JSON.parse(gunzipSync(readFileSync(tracePath)).toString('utf8')) as Trace;
  const doc = new Y.Doc();
  const updates: Uint8Array[] = [];
  const clockAfter: number[] = [];
  doc.on('update', (update: Uint8Array) => {
    updates.push(update);
    clockAfter.push(Y.getState(doc.store, doc.clientID));
  });
  const text = new Y.XmlText();
  doc.transact(() => {
    const paragraph = new Y.XmlElement('paragraph');
    paragraph.insert(0, [text]);
    doc.getXmlFragment('default').insert(0, [paragraph]);
  });
  for (const txn of trace.txns.slice(0, limit)) {
    doc.transact(() => {
      for (const [position, deleted, inserted] of txn.patches) {
        if (deleted > 0) text.delete(position, deleted);
        if (inserted) text.insert(position, inserted);
      }
    });
  }
  if (limit >= trace.txns.length && text.toString() !== trace.endContent) throw new Error('the replayed trace does not give its endContent');
  // The observers' reader must agree with Yjs' own decoder on every update it will meet.
  const n = updates.length;
  const work = { clockAfter: new Float64Array(n), advances: new Uint8Array(n), deleteClock: new Float64Array(n), deleteLength: new Uint32Array(n) };
  for (let i = 0; i < n; i++) {
    const ours: Array<[number, number]> = [];
    const theirs: Array<[number, number]> = [];
    const reached = scanUpdate(updates[i]!, doc.clientID, (clock, length) => ours.push([clock, length]));
    const expected = scanWithYjs(updates[i]!, doc.clientID, (clock, length) => theirs.push([clock, length]));
    if (reached !== expected || JSON.stringify(ours) !== JSON.stringify(theirs)) throw new Error(`scanUpdate disagrees with Y.decodeUpdate on update ${i}`);
    if (ours.length > 1) throw new Error(`update ${i} deletes ${ours.length} ranges; this bench counts one`);
    work.clockAfter[i] = clockAfter[i]!;
    work.advances[i] = reached >= 0 ? 1 : 0;
    if (ours.length === 1) [work.deleteClock[i], work.deleteLength[i]] = ours[0]!;
    if (!work.advances[i] && !work.deleteLength[i]) throw new Error(`update ${i} neither inserts nor deletes: its delivery could not be seen`);
  }
  return { frames: updates.map(updateFrame), ...work, clientId: doc.clientID, text: text.toString() };
}

/** An append-only log of byte strings (length-prefixed), cheaper than keeping 260,000 Buffers per observer. */
class ByteLog {
  private bytes = new Uint8Array(1 << 20);
  private length = 0;
  count = 0;

  append(chunk: Uint8Array): void {
    const need = this.length + 5 + chunk.byteLength;
    if (need > this.bytes.length) {
      const bigger = new Uint8Array(Math.max(need, this.bytes.length * 2));
      bigger.set(this.bytes.subarray(0, this.length));
      this.bytes = bigger;
    }
    let n = chunk.byteLength;
    while (n >= 0x80) {
      this.bytes[this.length++] = (n & 0x7f) | 0x80;
      n = Math.floor(n / 128);
    }
    this.bytes[this.length++] = n;
    this.bytes.set(chunk, this.length);
    this.length += chunk.byteLength;
    this.count++;
  }

  *entries(): Generator<Uint8Array> {
    let pos = 0;
    while (pos < this.length) {
      let n = 0;
      let mult = 1;
      for (;;) {
        const b = this.bytes[pos++]!;
        n += (b & 0x7f) * mult;
        if (b < 0x80) break;
        mult *= 128;
      }
      yield this.bytes.subarray(pos, pos + n);
      pos += n;
    }
  }

  digest(): string {
    return createHash('sha256').update(this.bytes.subarray(0, this.length)).digest('hex');
  }
}

const textOf = (doc: Y.Doc): string | undefined => ((doc.getXmlFragment('default').get(0) as Y.XmlElement | undefined)?.get(0) as Y.XmlText | undefined)?.toString();

interface Target {
  name: string;
  server: RunningServer;
  handshake: boolean;
  /** Fresh room (or document) per run. */
  urls(run: number): Promise<{ writer: string; observers: string[] }>;
}

interface Result {
  updatesPerSecond: number;
  seconds: number;
  cpuSecondsPerDelivery: number;
  serverCores: number;
  benchCores: number;
  machineBusyCores: number;
  framesPerObserver: number;
  equal: number;
  distinctStreams: number;
}

async function runOnce(target: Target, work: Work, run: number): Promise<Result> {
  const { frames, clockAfter, advances, deleteClock, deleteLength, clientId } = work;
  const urls = await target.urls(run);
  const clocks = new Float64Array(observerCount);
  let minClock = 0;
  // Per observer, which of the writer's items it has seen deleted (one byte per clock).
  const deleted = Array.from({ length: observerCount }, () => new Uint8Array(clockAfter[clockAfter.length - 1]! + 1));
  const done = (i: number): boolean => {
    if (advances[i] && minClock < clockAfter[i]!) return false;
    for (let k = deleteClock[i]!; k < deleteClock[i]! + deleteLength[i]!; k++) for (const seen of deleted) if (!seen[k]) return false;
    return true;
  };
  let sent = 0;
  let acked = 0;
  let pump = () => {};
  const observers = urls.observers.map((url, o) => {
    const log = new ByteLog();
    const seen = deleted[o]!;
    const markDeleted = (clock: number, length: number) => seen.fill(1, clock, clock + length);
    const client = new YwsClient(url, {
      handshake: target.handshake,
      onUpdate(update) {
        log.append(update);
        const clock = scanUpdate(update, clientId, markDeleted);
        if (clock > clocks[o]!) {
          clocks[o] = clock;
          let min = Infinity;
          for (const c of clocks) if (c < min) min = c;
          minClock = min;
        }
        while (acked < sent && done(acked)) acked++;
        pump();
      },
    });
    return { client, log };
  });
  const writer = new YwsClient(urls.writer, { handshake: target.handshake });
  const all = [writer, ...observers.map((o) => o.client)];
  await Promise.all(all.map((c) => c.opened.then(() => c.synced)));
  await sleep(300);
  const watch = watchProcess(target.server.pid);
  const cpuStart = process.cpuUsage();
  const started = performance.now();
  pump = () => {
    while (sent < frames.length && sent - acked < window) writer.send(frames[sent++]!);
  };
  pump();
  await waitFor(() => acked === frames.length, `every observer to have every edit (${target.name})`, 3_600_000, 2);
  const seconds = (performance.now() - started) / 1000;
  const usage = watch.finish();
  const cpu = process.cpuUsage(cpuStart);
  const framesPerObserver = observers.reduce((sum, o) => sum + o.log.count, 0) / observerCount;
  for (const c of all) c.close();

  // Every observer's payloads, applied to a fresh Y.Doc, must give the trace's text. Observers
  // whose streams are byte-identical (sha256) get the same document: each distinct stream is
  // applied once.
  const verdicts = new Map<string, boolean>();
  let equal = 0;
  for (const { log } of observers) {
    const digest = log.digest();
    let ok = verdicts.get(digest);
    if (ok === undefined) {
      const doc = new Y.Doc();
      doc.transact(() => {
        for (const update of log.entries()) Y.applyUpdate(doc, update);
      });
      ok = textOf(doc) === work.text;
      verdicts.set(digest, ok);
    }
    if (ok) equal++;
  }
  return {
    updatesPerSecond: frames.length / seconds,
    seconds,
    cpuSecondsPerDelivery: (usage.cpuCores * seconds) / (frames.length * observerCount),
    serverCores: usage.cpuCores,
    benchCores: (cpu.user + cpu.system) / 1e6 / seconds,
    machineBusyCores: usage.machineBusyCores,
    framesPerObserver,
    equal,
    distinctStreams: verdicts.size,
  };
}

const median = (values: number[]): number => {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = sorted.length >> 1;
  return sorted.length % 2 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2;
};

async function draftroomTarget(db: Db, workspace: Workspace, server: RunningServer): Promise<Target> {
  const ws = server.baseUrl.replace(/^http/, 'ws');
  const writerToken = await login(server.baseUrl, workspace.writers[0]!);
  const observerTokens = await Promise.all(workspace.readers.map((l) => login(server.baseUrl, l)));
  return {
    name: 'draftroom (npm start, durable)',
    server,
    handshake: true,
    async urls() {
      const documentId = await createDocument(db, workspace);
      const collab = (token: string) => `${ws}/collab/${documentId}?token=${encodeURIComponent(token)}`;
      return { writer: collab(writerToken), observers: observerTokens.map(collab) };
    },
  };
}

function roomTarget(name: string, server: RunningServer, handshake: boolean): Target {
  const ws = server.baseUrl.replace(/^http/, 'ws');
  return {
    name,
    server,
    handshake,
    async urls(run) {
      const room = `${ws}/paper-${run}`;
      return { writer: room, observers: Array.from({ length: observerCount }, () => room) };
    },
  };
}

async function main(): Promise<void> {
  const limit = numberArg('keystrokes', 259_778);
  printHeader(
    'bench:compare',
    `automerge-paper trace (${int(limit)} edits), 1 writer + ${observerCount} observers, window ${window}, ${runs} run(s): draftroom (npm start, durable) vs @y/websocket-server (memory) vs bare ws relay`,
  );
  const generating = performance.now();
  const work = generate(limit);
  console.log(
    `trace: ${int(work.frames.length)} updates (incl. the paragraph), ${int(work.text.length)} characters at the end; generated and checked in ${((performance.now() - generating) / 1000).toFixed(1)} s (not timed)`,
  );
  const database = await openBenchDatabase('compare');
  const servers: RunningServer[] = [];
  try {
    const workspace = await seedWorkspace(database.db, { writers: 1, readers: observerCount });
    const draftroom = await startCompiled({
      DATABASE_URL: database.url,
      ADMIN_PASSWORD: 'bench-admin-password',
      COLLAB_MESSAGES_PER_SECOND: '100000',
      COLLAB_MESSAGE_BURST: '1000000',
    });
    servers.push(draftroom);
    const reference = await startChild('node_modules/@y/websocket-server/src/server.js', {}, '/', { tsx: false });
    servers.push(reference);
    const relay = await startChild('bench/support/bare-relay.ts', {}, '/');
    servers.push(relay);
    console.log(`servers: ${draftroom.description} with COLLAB_MESSAGES_PER_SECOND=100000 COLLAB_MESSAGE_BURST=1000000; ${reference.description}; ${relay.description}`);
    const targets = [
      await draftroomTarget(database.db, workspace, draftroom),
      roomTarget('@y/websocket-server (memory)', reference, true),
      roomTarget('bare ws relay', relay, false),
    ];
    const ratios: Array<[number, number, number]> = [];
    for (let run = 1; run <= runs; run++) {
      const results: Result[] = [];
      for (const target of targets) {
        const load = os.loadavg()[0]!.toFixed(2);
        const result = await runOnce(target, work, run);
        results.push(result);
        console.log(
          `  run ${run}  ${target.name.padEnd(31)} ${int(result.updatesPerSecond).padStart(7)} updates/s  (${result.seconds.toFixed(1)} s)  ` +
            `server CPU ${(result.cpuSecondsPerDelivery * 1e6).toFixed(2)} µs per delivery (${result.serverCores.toFixed(2)} cores); ` +
            `${int(result.framesPerObserver)} frames per observer; bench process ${result.benchCores.toFixed(2)} cores, machine busy ${result.machineBusyCores.toFixed(2)} cores, load ${load}; ` +
            `observers equal: ${result.equal} of ${observerCount} (${result.distinctStreams} distinct stream${result.distinctStreams === 1 ? '' : 's'} applied)`,
        );
        if (result.equal !== observerCount) process.exitCode = 1;
      }
      const [ours, ref, bare] = results as [Result, Result, Result];
      const r: [number, number, number] = [
        ours.updatesPerSecond / ref.updatesPerSecond,
        ours.cpuSecondsPerDelivery / bare.cpuSecondsPerDelivery,
        ref.cpuSecondsPerDelivery / bare.cpuSecondsPerDelivery,
      ];
      ratios.push(r);
      console.log(
        `  run ${run}  ratios: draftroom / @y/websocket-server updates/s ${r[0].toFixed(2)} (goal ≥ 1); draftroom / relay CPU per delivery ${r[1].toFixed(2)} (goal ≤ 1.2); ` +
          `@y/websocket-server / relay CPU per delivery ${r[2].toFixed(2)}`,
      );
    }
    if (runs > 1) {
      console.log(
        `median of ${runs} runs: draftroom / @y/websocket-server updates/s ${median(ratios.map((r) => r[0])).toFixed(2)}; ` +
          `draftroom / relay CPU per delivery ${median(ratios.map((r) => r[1])).toFixed(2)}; @y/websocket-server / relay ${median(ratios.map((r) => r[2])).toFixed(2)}`,
      );
    }
    console.log(`load average at end: ${os.loadavg().map((l) => l.toFixed(2)).join(' ')} (1/5/15 min), ${os.cpus().length} cores`);
  } finally {
    for (const s of servers) await s.stop().catch(() => {});
    await database.close();
  }
}

runMain(main);
