/**
 * `npm run bench:trace [-- --keystrokes 250000 --window 500 --seed 1]`: replays a seeded drafting
 * trace (bench/support/trace.ts: typing, typo backspaces, Enter, joins, jumps) through one writer
 * connection, one Yjs update per keystroke, with 10 observers (each applying what it receives to
 * its own Y.Doc). The trace is produced on the writer's Y.Doc before the timed phase; the timed
 * phase sends its updates. Flow control: the writer keeps at most `--window` keystrokes not yet
 * seen by every observer; a keystroke counts as done when all 10 observers have it (the server
 * broadcasts only committed updates, so done = durable). At the end every observer's projection,
 * and the stored state reloaded from PostgreSQL, must equal the writer's.
 *
 * The server runs as `npm start` runs it (compiled `node dist/server/main.js`, a child process) with
 * the per-connection budget raised through its settings, COLLAB_MESSAGES_PER_SECOND=100000 and
 * COLLAB_MESSAGE_BURST=1000000: one writer sending as fast as it may exceeds the default 300/s.
 */
import * as Y from 'yjs';
import { openBenchDatabase } from './support/database.js';
import { int, numberArg, printHeader, sleep, waitFor } from './support/env.js';
import { delta, readMetrics } from './support/metrics.js';
import { startCompiled, watchProcess, type RunningServer } from './support/server.js';
import { DraftingTrace, fixtureMarkdown } from './support/trace.js';
import { createDocument, login, seedWorkspace } from './support/workspace.js';
import { YwsClient } from './support/yws-client.js';
import { docFromStoredState, readStoredState } from '../server/db/document-log.repository.js';
import { importContent } from '../server/domain/content-import.js';
import { projectFragment } from '../server/domain/projection.js';
import { runMain } from './support/run.js';

const keystrokes = numberArg('keystrokes', 250_000);
const window = numberArg('window', 500);
const seed = numberArg('seed', 1);
const observerCount = 10;

const textOf = (doc: Y.Doc): string => projectFragment(doc.getXmlFragment('default')).text;

async function main(): Promise<void> {
  printHeader('bench:trace', `replay a ${int(keystrokes)}-keystroke drafting trace (seed ${seed}) through 1 writer with ${observerCount} observers, window ${window}`);
  const database = await openBenchDatabase('trace');
  let server: RunningServer | undefined;
  try {
    const workspace = await seedWorkspace(database.db, { writers: 1, readers: observerCount });
    const initial = new Y.Doc();
    importContent(initial, { format: 'markdown', value: fixtureMarkdown() });
    const documentId = await createDocument(database.db, workspace, initial);

    // The trace, on the writer's doc (which starts from the stored state, as after a sync).
    const writerDoc = new Y.Doc();
    Y.applyUpdate(writerDoc, Y.encodeStateAsUpdate(initial));
    const updates: Uint8Array[] = [];
    const clockAfter: number[] = [];
    writerDoc.on('update', (update: Uint8Array) => {
      updates.push(update);
      clockAfter.push(Y.getState(writerDoc.store, writerDoc.clientID));
    });
    const trace = new DraftingTrace(writerDoc, seed);
    const generating = performance.now();
    // End on a keystroke that advances the writer's clock (see the acknowledgement rule below).
    while (updates.length < keystrokes || clockAfter.at(-1) === clockAfter.at(-2)) trace.next();
    const generatedMs = performance.now() - generating;
    if (updates.length !== trace.stats.keystrokes) throw new Error('a keystroke did not make exactly one update');
    const expected = textOf(writerDoc);
    const bytes = updates.reduce((sum, u) => sum + u.byteLength, 0);
    console.log(
      `trace: ${int(updates.length)} keystrokes (${int(trace.stats.typed)} typed, ${int(trace.stats.backspaces)} backspaces, ${int(trace.stats.enters)} Enter, ` +
        `${int(trace.stats.joins)} joins, ${int(trace.stats.jumps)} jumps), mean update ${(bytes / updates.length).toFixed(1)} bytes, ` +
        `${int(expected.length)} characters at the end; generated in ${(generatedMs / 1000).toFixed(1)} s (${int(updates.length / (generatedMs / 1000))} keystrokes/s, not timed below)`,
    );
    // A backspace does not advance the writer's clock. Keystroke i is acknowledged once every
    // observer's clock for the writer reached the clock after the first clock-advancing keystroke
    // at or after i: frames arrive in order, so everything sent before it arrived too.
    const watermark = new Float64Array(updates.length);
    let next = Infinity;
    for (let i = updates.length - 1; i >= 0; i--) {
      if (i === 0 || clockAfter[i]! > clockAfter[i - 1]!) next = clockAfter[i]!;
      watermark[i] = next;
    }

    server = await startCompiled({
      DATABASE_URL: database.url,
      ADMIN_PASSWORD: 'bench-admin-password',
      COLLAB_MESSAGES_PER_SECOND: '100000',
      COLLAB_MESSAGE_BURST: '1000000',
    });
    console.log(`server: ${server.description} with COLLAB_MESSAGES_PER_SECOND=100000 COLLAB_MESSAGE_BURST=1000000; writer and observers: this process`);
    const wsBase = server.baseUrl.replace(/^http/, 'ws');
    const writerToken = await login(server.baseUrl, workspace.writers[0]!);
    const observerTokens = await Promise.all(workspace.readers.map((l) => login(server!.baseUrl, l)));

    const writerId = writerDoc.clientID;
    const clocks = new Float64Array(observerCount);
    let sent = 0;
    let acked = 0;
    let pump = () => {};
    const observers = observerTokens.map((token, o) => {
      const doc = new Y.Doc();
      const client = new YwsClient(`${wsBase}/collab/${documentId}?token=${encodeURIComponent(token)}`, {
        doc,
        onUpdate() {
          clocks[o] = Y.getState(doc.store, writerId);
          let min = Infinity;
          for (const c of clocks) min = Math.min(min, c);
          while (acked < sent && watermark[acked]! <= min) acked++;
          pump();
        },
      });
      return { client, doc };
    });
    const writer = new YwsClient(`${wsBase}/collab/${documentId}?token=${encodeURIComponent(writerToken)}`);
    await Promise.all([writer, ...observers.map((o) => o.client)].map((c) => c.opened.then(() => c.synced)));
    await sleep(500);

    const before = await readMetrics(server.baseUrl);
    const watch = watchProcess(server.pid);
    const cpuStart = process.cpuUsage();
    const started = performance.now();
    pump = () => {
      while (sent < updates.length && sent - acked < window) writer.sendUpdate(updates[sent++]!);
    };
    pump();
    await waitFor(() => acked === updates.length, 'every observer to have every keystroke', 600_000, 2);
    const elapsed = (performance.now() - started) / 1000;
    const usage = watch.finish();
    const cpu = process.cpuUsage(cpuStart);
    const after = await readMetrics(server.baseUrl);

    const observersEqual = observers.filter((o) => textOf(o.doc) === expected).length;
    const stored = textOf(docFromStoredState(await readStoredState(database.db, documentId))) === expected;
    const transactions = delta(before, after, 'draftroom_commit_seconds_count');
    console.log(
      `  ${int(updates.length / elapsed)} durable updates/s  (${int(updates.length)} keystrokes in ${elapsed.toFixed(1)} s, each committed and seen by all ${observerCount} observers)`,
    );
    console.log(`  observers whose text equals the writer's: ${observersEqual} of ${observerCount}; stored state (reloaded from PostgreSQL) equal: ${stored ? 'yes' : 'NO'}`);
    console.log(
      `  server: ${int(delta(before, after, 'draftroom_updates_committed_total'))} updates committed in ${int(transactions)} transactions ` +
        `(${(delta(before, after, 'draftroom_updates_committed_total') / transactions).toFixed(1)} per transaction, mean commit ${((delta(before, after, 'draftroom_commit_seconds_sum') / transactions) * 1000).toFixed(2)} ms)`,
    );
    console.log(
      `  server CPU ${usage.cpuCores.toFixed(2)} cores, peak RSS ${usage.peakRssMiB.toFixed(0)} MiB; writer + observers ${((cpu.user + cpu.system) / 1e6 / elapsed).toFixed(2)} cores; machine busy ${usage.machineBusyCores.toFixed(2)} of 2 cores`,
    );
    for (const c of [writer, ...observers.map((o) => o.client)]) c.close();
    if (observersEqual !== observerCount || !stored) process.exitCode = 1;
  } finally {
    await server?.stop().catch(() => {});
    await database.close();
  }
}

runMain(main);
