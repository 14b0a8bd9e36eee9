/**
 * `npm run bench:big-writes [-- --mib 16] [--fresh] [--modes before,after] [--cpu-prof DIR]`: writes on a big document (issue 10, "Big documents"):
 * a document of ≈16 MiB of encoded Yjs state (the Vietnamese draft fixture pasted paragraph by
 * paragraph). Setup: round 1 (version 1) with 20 comments and four accepted suggestions, closed;
 * round 2 open on version 2 (the same text). Then, against a server in a child process (its own
 * event loop), freshly started (no version read yet, the document not in memory):
 *
 * - (b) the first `GET /documents/:id/annotations?version=1` by the member who wrote round 1's
 *   annotations (placing them: version 1 read for the first time), then again;
 * - (a) the first annotation write on round 2 (its base, version 2, read for the first time),
 *   then 20 more;
 * - (c) the first apply of an accepted suggestion (the document loaded, then edited), then a
 *   second apply;
 *
 * twice in a row: "before", the in-thread path every version read and server edit took until now
 * (BENCH_IN_THREAD=1: the small-document path forced for every size), then "after", the default
 * (big versions read on the version worker, big drafts edited on a state worker). Per step: wall time, the server's event-loop delay max (prom-client's
 * `nodejs_eventloop_lag_max_seconds` and `…_p99_seconds`, reset by each scrape), the slowest
 * `/healthz` polled every 20 ms meanwhile, and the server process's CPU time (all its threads,
 * from /proc) and RSS. `--modes after` runs one mode only; `--cpu-prof DIR` starts each measured
 * server with `--cpu-prof` (its main thread's profile lands in DIR when it stops).
 */
import { randomUUID } from 'node:crypto';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import * as Y from 'yjs';
import { openBenchDatabase } from './support/database.js';
import { int, ms, numberArg, printHeader, stringArg } from './support/env.js';
import { runMain } from './support/run.js';
import { processUsage, startChild, type RunningServer } from './support/server.js';
import { fixtureMarkdown } from './support/trace.js';
import { benchPassword, createDocument, seedWorkspace } from './support/workspace.js';
import { ApiClient } from '../test/helpers/api-client.js';

const targetBytes = numberArg('mib', 16) * 2 ** 20;
const modes = (stringArg('modes') ?? 'before,after').split(',').map((m) => {
  if (m !== 'before' && m !== 'after') throw new Error(`--modes takes before and/or after, got "${m}"`);
  return m;
});
const cpuProfDir = stringArg('cpu-prof');

/**
 * A doc of fixture paragraphs pasted until its encoded state reaches `bytes`, each batch one
 * insert at the end (one paragraph per insert walks the whole fragment each time). Kept in the
 * temp dir and reused by the next run with the same size (`--fresh` rebuilds).
 */
function bigDraft(bytes: number): { state: Uint8Array; paragraphs: number; cached: boolean } {
  const file = path.join(os.tmpdir(), `draftroom-bench-big-writes-${bytes}.bin`);
  if (!process.argv.includes('--fresh') && existsSync(file)) {
    const state = new Uint8Array(readFileSync(file));
    const doc = new Y.Doc();
    Y.applyUpdate(doc, state);
    const paragraphs = doc.getXmlFragment('default').length;
    doc.destroy();
    return { state, paragraphs, cached: true };
  }
  const doc = new Y.Doc();
  const lines = fixtureMarkdown(0).split('\n').map((l) => l.replace(/^[#>*\-\d. ]+/, '').trim()).filter((l) => l.length > 40);
  const fragment = doc.getXmlFragment('default');
  let pasted = 0;
  let estimate = 0;
  while (estimate < bytes) {
    const batch: Y.XmlElement[] = [];
    for (let added = 0; added < Math.max(64 * 1024, (bytes - estimate) / 2); pasted++) {
      const paragraph = new Y.XmlElement('paragraph');
      const text = `${pasted}. ${lines[pasted % lines.length]!}`;
      paragraph.insert(0, [new Y.XmlText(text)]);
      batch.push(paragraph);
      added += Buffer.byteLength(text) + 20;
    }
    fragment.insert(fragment.length, batch);
    estimate = Y.encodeStateAsUpdate(doc).byteLength;
  }
  const state = Y.encodeStateAsUpdate(doc);
  doc.destroy();
  writeFileSync(file, state);
  return { state, paragraphs: pasted, cached: false };
}

/** The server's event-loop delay max and p99 since the previous scrape (ms). */
async function eventLoopDelay(baseUrl: string): Promise<{ max: number; p99: number }> {
  const text = await (await fetch(`${baseUrl}/metrics`)).text();
  const seconds = (name: string) => Number(new RegExp(`^nodejs_eventloop_lag_${name}_seconds ([0-9.e+-]+)`, 'm').exec(text)?.[1] ?? NaN) * 1000;
  return { max: seconds('max'), p99: seconds('p99') };
}

/** Polls GET /healthz every 20 ms until stopped; the slowest answer. */
function probeHealth(baseUrl: string): () => Promise<number> {
  let running = true;
  let max = 0;
  const loop = (async () => {
    while (running) {
      const started = performance.now();
      await fetch(`${baseUrl}/healthz`).then((r) => r.arrayBuffer(), () => undefined);
      max = Math.max(max, performance.now() - started);
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
  })();
  return async () => {
    running = false;
    await loop;
    return max;
  };
}

interface Step {
  wall: number;
  loopMax: number;
  loopP99: number;
  healthz: number;
  cpu: number;
}

/** Times `step` on `server` with its event loop, /healthz and CPU watched. */
async function watched(server: RunningServer, step: () => Promise<unknown>): Promise<Step> {
  await eventLoopDelay(server.baseUrl);
  const stop = probeHealth(server.baseUrl);
  const cpuBefore = processUsage(server.pid).cpuSeconds;
  const started = performance.now();
  await step();
  const wall = performance.now() - started;
  const cpu = processUsage(server.pid).cpuSeconds - cpuBefore;
  const loop = await eventLoopDelay(server.baseUrl);
  return { wall, loopMax: loop.max, loopP99: loop.p99, healthz: await stop(), cpu };
}

const show = (s: Step) => `${ms(s.wall)} wall, event-loop max ${ms(s.loopMax)} p99 ${ms(s.loopP99)}, /healthz slowest ${ms(s.healthz)}, server CPU ${s.cpu.toFixed(2)} s`;

type Mode = 'before' | 'after';

async function main(): Promise<void> {
  printHeader('bench:big-writes', `annotation writes, ?version=1 reads and applies on a ${targetBytes / 2 ** 20} MiB document with an open round, in-thread (before) and on workers (after)`);
  console.log(`cores: ${os.availableParallelism()} available to this process`);
  const database = await openBenchDatabase('big-writes');
  try {
    // readers[0] writes round 1's annotations and reads them (b); readers[1] and [2] write on round 2 (a), one per mode, unseen by readers[0].
    const workspace = await seedWorkspace(database.db, { writers: 1, readers: 3 });
    const built = performance.now();
    const draft = bigDraft(targetBytes);
    const doc = new Y.Doc();
    Y.applyUpdate(doc, draft.state);
    const documentId = await createDocument(database.db, workspace, doc);
    doc.destroy();
    console.log(
      `document: ${int(draft.paragraphs)} pasted paragraphs, encoded state ${(draft.state.byteLength / 2 ** 20).toFixed(1)} MiB, ` +
        `${draft.cached ? 'read from the previous run’s cache' : 'built'} and stored in ${((performance.now() - built) / 1000).toFixed(1)} s`,
    );

    const serve = (mode: Mode, profile = false) =>
      startChild('bench/support/collab-process.ts', { DATABASE_URL: database.url, ...(mode === 'before' ? { BENCH_IN_THREAD: '1' } : {}) }, '/healthz', {
        nodeArgs: profile && cpuProfDir ? ['--cpu-prof', '--cpu-prof-dir', cpuProfDir, '--cpu-prof-interval', '500'] : [],
      });
    const clients = async (server: RunningServer, writer = 0) => ({
      drafter: await ApiClient.logIn(server.baseUrl, workspace.writers[0]!, benchPassword),
      member: await ApiClient.logIn(server.baseUrl, workspace.readers[0]!, benchPassword),
      writer: await ApiClient.logIn(server.baseUrl, workspace.readers[writer]!, benchPassword),
    });

    // Setup, not measured: round 1 with 20 comments and two accepted suggestions per mode, closed; round 2 open.
    const setup = await serve('after');
    let round2: string;
    let text: string;
    const suggestions: Record<Mode, string[]> = { before: [], after: [] };
    try {
      const { drafter, member } = await clients(setup);
      const closesAt = new Date(Date.now() + 7 * 86_400_000).toISOString();
      const round1 = (await drafter.openRound(documentId, { closesAt })).id;
      text = (await member.content(documentId, 1)).text;
      for (let i = 0; i < 20; i++) await comment(member, round1, text, (i + 0.5) / 20);
      let k = 0;
      for (const mode of ['before', 'after'] as const) {
        for (let i = 0; i < 2; i++, k++) {
          const start = text.indexOf(' ', Math.floor(((k + 0.3) * text.length) / 5)) + 1;
          const quote = text.slice(start, text.indexOf(' ', start + 12));
          const id = randomUUID();
          await member.putAnnotation(round1, id, { kind: 'suggestion', body: '', replacement: `${quote} (đã sửa)`, anchor: { start, end: start + quote.length } });
          await drafter.json('PUT', `/api/v1/annotations/${id}/disposition`, { decision: 'accepted', note: '' });
          suggestions[mode].push(id);
        }
      }
      await drafter.closeRound(round1);
      round2 = (await drafter.openRound(documentId, { closesAt })).id;
      console.log(`round 1 (version 1, ${int(text.length)} characters, 24 annotations) closed; round 2 open on version 2`);
    } finally {
      await setup.stop();
    }

    const results: Record<string, Record<Mode, Step[]>> = {};
    const record = (name: string, mode: Mode, steps: Step[]) => ((results[name] ??= { before: [], after: [] })[mode] = steps);
    for (const mode of modes) {
      console.log(`\n${mode === 'before' ? 'before — in-thread (BENCH_IN_THREAD=1)' : 'after — big versions and edits on workers'}; load average ${os.loadavg()[0]!.toFixed(1)}`);
      const server = await serve(mode, true);
      try {
        const { drafter, member, writer } = await clients(server, mode === 'before' ? 1 : 2);
        const versionRead = `/api/v1/documents/${documentId}/annotations?version=1`;
        let count = 0;
        const firstRead = await watched(server, async () => (count = JSON.parse((await member.send('GET', versionRead)).text).length as number));
        const againRead = await watched(server, () => member.send('GET', versionRead));
        console.log(`  (b) first GET ?version=1 (${count} annotations): ${show(firstRead)}`);
        console.log(`      again: ${show(againRead)}`);
        record('(b) first GET ?version=1', mode, [firstRead, againRead]);

        const firstWrite = await watched(server, () => comment(writer, round2, text, 0.37));
        const moreWrites = await watched(server, async () => {
          for (let i = 0; i < 20; i++) await comment(writer, round2, text, (i + 0.25) / 20);
        });
        console.log(`  (a) first annotation write on round 2: ${show(firstWrite)}`);
        console.log(`      20 more writes: ${show(moreWrites)}`);
        record('(a) first annotation write', mode, [firstWrite, moreWrites]);

        const [one, two] = suggestions[mode];
        const firstApply = await watched(server, () => drafter.send('POST', `/api/v1/annotations/${one}/apply`));
        const secondApply = await watched(server, () => drafter.send('POST', `/api/v1/annotations/${two}/apply`));
        console.log(`  (c) first apply (loads the document): ${show(firstApply)}`);
        console.log(`      second apply: ${show(secondApply)}`);
        record('(c) first apply', mode, [firstApply, secondApply]);
        console.log(`  server RSS at the end: ${int(processUsage(server.pid).rssBytes / 2 ** 20)} MiB`);
      } finally {
        await server.stop();
      }
    }

    console.log('\nsummary (first / repeat): wall, event-loop max');
    for (const [name, { before, after }] of Object.entries(results)) {
      const cell = (steps: Step[]) => steps.map((s) => `${ms(s.wall)} / EL ${ms(s.loopMax)} (p99 ${ms(s.loopP99)}) / CPU ${s.cpu.toFixed(2)} s`).join('; ');
      console.log(`  ${name}: before ${cell(before)} | after ${cell(after)}`);
    }
  } finally {
    await database.close();
  }
}

/** A member's comment on 12 characters at `fraction` of the text. */
async function comment(member: ApiClient, roundId: string, text: string, fraction: number): Promise<void> {
  const start = Math.floor(fraction * text.length);
  await member.putAnnotation(roundId, randomUUID(), { kind: 'comment', body: `Ý kiến ở ${start}`, anchor: { start, end: start + 12 } });
}

runMain(main);
