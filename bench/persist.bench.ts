/**
 * `npm run bench:persist [-- --seconds 10 --writers 10 --window 100]`: committed (durable)
 * updates/s over the real path — writers' WebSockets → validation → group commit into
 * PostgreSQL → broadcast — on one document, then on 100 documents at once.
 *
 * Updates are keystroke-sized (one character typed at the end of the writer's paragraph, ≈25
 * bytes), produced on real Y.Docs before the timed phase so the generator only sends frames. An
 * update counts as durable when a read-only observer of its document receives it: the server
 * broadcasts only after the commit. Flow control: a writer keeps at most `--window` updates
 * sent but not yet seen by the observer, so nothing is faked by client-side buffering. The server
 * is a child process (bench/support/collab-process.ts) with the per-connection rate limit raised
 * from 300 to 1,000,000 messages/s, which these writers would otherwise hit by design.
 */
import * as Y from 'yjs';
import { openBenchDatabase } from './support/database.js';
import { int, numberArg, printHeader, sleep, waitFor } from './support/env.js';
import { delta, readMetrics } from './support/metrics.js';
import { startChild, watchProcess, type RunningServer } from './support/server.js';
import { createDocument, login, seedWorkspace, type Workspace } from './support/workspace.js';
import { YwsClient } from './support/yws-client.js';
import { docFromStoredState, readStoredState } from '../server/db/document-log.repository.js';
import type { BenchDatabase } from './support/database.js';
import { runMain } from './support/run.js';

const seconds = numberArg('seconds', 10);
const writersOnOne = numberArg('writers', 10);
const window = numberArg('window', 100);

interface Writer {
  documentId: string;
  clientId: number;
  updates: Uint8Array[];
  /** Clock after each update. */
  ends: number[];
  sent: number;
  acked: number;
  client?: YwsClient;
}

/** `count` keystrokes typed into a new paragraph of a fresh doc: one update each. */
function pregenerate(documentId: string, count: number): Writer {
  const doc = new Y.Doc();
  const updates: Uint8Array[] = [];
  const ends: number[] = [];
  doc.on('update', (update: Uint8Array) => {
    updates.push(update);
    ends.push(Y.getState(doc.store, doc.clientID));
  });
  const text = new Y.XmlText();
  doc.transact(() => {
    const paragraph = new Y.XmlElement('paragraph');
    paragraph.insert(0, [text]);
    doc.getXmlFragment('default').insert(0, [paragraph]);
  });
  for (let i = 1; i < count; i++) text.insert(text.length, 'abcdefghij'[i % 10]!);
  const clientId = doc.clientID;
  doc.destroy();
  return { documentId, clientId, updates, ends, sent: 0, acked: 0 };
}

interface Result {
  durablePerSecond: number;
  acked: number;
  committedByServer: number;
  transactions: number;
  meanCommitMs: number;
  stored: boolean;
  cpuCores: number;
  peakRssMiB: number;
  machineBusyCores: number;
  generatorCpuCores: number;
}

async function run(server: RunningServer, database: BenchDatabase, workspace: Workspace, docs: number, writersPerDoc: number, perWriter: number): Promise<Result> {
  const wsBase = server.baseUrl.replace(/^http/, 'ws');
  const writerTokens = await Promise.all(workspace.writers.map((l) => login(server.baseUrl, l)));
  const readerToken = await login(server.baseUrl, workspace.readers[0]!);
  const writers: Writer[] = [];
  const observers: YwsClient[] = [];
  for (let d = 0; d < docs; d++) {
    const documentId = await createDocument(database.db, workspace);
    const mine: Writer[] = [];
    for (let w = 0; w < writersPerDoc; w++) mine.push(pregenerate(documentId, perWriter));
    const byClient = new Map(mine.map((w) => [w.clientId, w]));
    const observer = new YwsClient(`${wsBase}/collab/${documentId}?token=${encodeURIComponent(readerToken)}`, {
      onUpdate(update) {
        for (const [client, clock] of Y.parseUpdateMeta(update).to) {
          const writer = byClient.get(client);
          if (!writer) continue;
          while (writer.acked < writer.sent && writer.ends[writer.acked]! <= clock) writer.acked++;
          pump(writer);
        }
      },
    });
    observers.push(observer);
    for (const [i, writer] of mine.entries()) {
      writer.client = new YwsClient(`${wsBase}/collab/${documentId}?token=${encodeURIComponent(writerTokens[i % writerTokens.length]!)}`);
      writers.push(writer);
    }
  }
  await Promise.all([...observers, ...writers.map((w) => w.client!)].map((c) => c.opened.then(() => c.synced)));
  await sleep(500);

  let stopAt = Infinity;
  function pump(writer: Writer): void {
    if (performance.now() >= stopAt) return;
    while (writer.sent < writer.updates.length && writer.sent - writer.acked < window) {
      writer.client!.sendUpdate(writer.updates[writer.sent]!);
      writer.sent++;
    }
  }

  const before = await readMetrics(server.baseUrl);
  const watch = watchProcess(server.pid);
  const cpuStart = process.cpuUsage();
  const started = performance.now();
  stopAt = started + seconds * 1000;
  for (const writer of writers) pump(writer);
  await sleep(seconds * 1000);
  // Everything sent must become durable; the rate counts only what was acknowledged in time.
  const ackedInTime = writers.reduce((sum, w) => sum + w.acked, 0);
  const usage = watch.finish();
  const cpu = process.cpuUsage(cpuStart);
  await waitFor(() => writers.every((w) => w.acked === w.sent), 'every sent update to be acknowledged', 30_000);
  const after = await readMetrics(server.baseUrl);
  const exhausted = writers.filter((w) => w.sent === w.updates.length).length;
  if (exhausted > 0) console.log(`  note: ${exhausted} writers ran out of pregenerated updates; raise the count`);

  // The stored state holds every acknowledged update.
  let stored = true;
  for (const writer of writers) {
    const doc = docFromStoredState(await readStoredState(database.db, writer.documentId));
    if (Y.getState(doc.store, writer.clientId) < writer.ends[writer.acked - 1]!) stored = false;
    doc.destroy();
  }
  for (const c of [...observers, ...writers.map((w) => w.client!)]) c.close();
  await sleep(500);
  const transactions = delta(before, after, 'draftroom_commit_seconds_count');
  return {
    durablePerSecond: ackedInTime / seconds,
    acked: writers.reduce((sum, w) => sum + w.acked, 0),
    committedByServer: delta(before, after, 'draftroom_updates_committed_total'),
    transactions,
    meanCommitMs: (delta(before, after, 'draftroom_commit_seconds_sum') / transactions) * 1000,
    stored,
    ...usage,
    generatorCpuCores: (cpu.user + cpu.system) / 1e6 / seconds,
  };
}

function report(label: string, r: Result): void {
  console.log(
    `  ${label.padEnd(34)} ${int(r.durablePerSecond).padStart(7)} durable updates/s   (${int(r.acked)} acknowledged, server counted ${int(r.committedByServer)} committed;` +
      ` ${int(r.transactions / seconds)} commit transactions/s, mean ${r.meanCommitMs.toFixed(2)} ms, ${(r.committedByServer / r.transactions).toFixed(1)} updates each;` +
      ` stored state holds every acknowledged update: ${r.stored ? 'yes' : 'NO'})`,
  );
  console.log(
    `  ${''.padEnd(34)} server CPU ${r.cpuCores.toFixed(2)} cores, peak RSS ${r.peakRssMiB.toFixed(0)} MiB; generator ${r.generatorCpuCores.toFixed(2)} cores; machine busy ${r.machineBusyCores.toFixed(2)} of 2 cores`,
  );
}

async function main(): Promise<void> {
  printHeader('bench:persist', `durable updates/s over WebSocket, ${seconds} s per case, window ${window} unacknowledged updates per writer`);
  const database = await openBenchDatabase('persist');
  let server: RunningServer | undefined;
  try {
    const workspace = await seedWorkspace(database.db, { writers: 10, readers: 1 });
    server = await startChild('bench/support/collab-process.ts', {
      DATABASE_URL: database.url,
      BENCH_COLLAB: JSON.stringify({ messagesPerSecond: 1_000_000, messageBurst: 1_000_000 }),
    });
    console.log(`server: ${server.description}, messagesPerSecond raised to 1,000,000; load generator: this process`);
    report(`1 document, ${writersOnOne} writers`, await run(server, database, workspace, 1, writersOnOne, Math.ceil((100_000 * seconds) / writersOnOne)));
    report('100 documents, 1 writer each', await run(server, database, workspace, 100, 1, 1000 * seconds));
  } finally {
    await server?.stop().catch(() => {});
    await database.close();
  }
}

runMain(main);
