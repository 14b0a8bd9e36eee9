/**
 * `npm run bench:load [-- --updates 100000]`: time to load a 100-page document (the Vietnamese
 * draft fixture repeated to ≈300,000 characters, imported as Markdown) whose log holds 100,000
 * updates (keystrokes of the drafting trace on a Y.Doc, written with `appendUpdates` in batches of
 * 1,000 rows), before and after `compactDocument`: `readStoredState` + `docFromStoredState`
 * (median and min of 5), and a WebSocket client's first sync against an in-process server (the
 * first connection loads the document into a room; a second one finds it loaded).
 */
import * as Y from 'yjs';
import { openBenchDatabase } from './support/database.js';
import { ms, int, numberArg, printHeader } from './support/env.js';
import { startInProcess } from './support/server.js';
import { DraftingTrace, fixtureMarkdown } from './support/trace.js';
import { createDocument, login, seedWorkspace } from './support/workspace.js';
import { YwsClient } from './support/yws-client.js';
import { appendUpdates, compactDocument, docFromStoredState, readStoredState } from '../server/db/document-log.repository.js';
import { importContent } from '../server/domain/content-import.js';
import { projectFragment } from '../server/domain/projection.js';
import type { Db } from '../server/db/connect.js';
import { runMain } from './support/run.js';

const updateCount = numberArg('updates', 100_000);
const repeats = 5;

async function timeLoad(db: Db, documentId: string): Promise<{ median: number; min: number; read: number; text: string }> {
  const times: number[] = [];
  let read = 0;
  let text = '';
  for (let i = 0; i < repeats; i++) {
    const started = performance.now();
    const state = await readStoredState(db, documentId);
    const readDone = performance.now();
    const doc = docFromStoredState(state);
    times.push(performance.now() - started);
    read = readDone - started;
    if (i === 0) text = projectFragment(doc.getXmlFragment('default')).text;
    doc.destroy();
  }
  times.sort((a, b) => a - b);
  return { median: times[Math.floor(times.length / 2)]!, min: times[0]!, read, text };
}

async function firstSync(baseUrl: string, documentId: string, token: string): Promise<{ ms: number; text: string }> {
  const doc = new Y.Doc();
  const started = performance.now();
  const client = new YwsClient(`${baseUrl.replace(/^http/, 'ws')}/collab/${documentId}?token=${encodeURIComponent(token)}`, { doc });
  await client.opened;
  await client.synced;
  const elapsed = performance.now() - started;
  client.close();
  return { ms: elapsed, text: projectFragment(doc.getXmlFragment('default')).text };
}

async function main(): Promise<void> {
  printHeader('bench:load', `load a 100-page document whose log holds ${int(updateCount)} updates, before and after compaction`);
  const database = await openBenchDatabase('load');
  try {
    const { db } = database;
    const workspace = await seedWorkspace(db, { writers: 1, readers: 1 });
    const source = new Y.Doc();
    importContent(source, { format: 'markdown', value: fixtureMarkdown(300_000) });
    const documentId = await createDocument(db, workspace, source);
    const initialChars = projectFragment(source.getXmlFragment('default')).text.length;

    // The log: one row per keystroke, written in batches as group commit would.
    // Batches are appended one after the other: concurrent transactions would take their seqs in
    // whatever order they reach the document's row, not in the order the edits were made.
    let batch: Uint8Array[] = [];
    const flush = () => {
      const requests = batch.map((data) => ({ documentId, data }));
      batch = [];
      return db.transaction().execute((tx) => appendUpdates(tx, requests));
    };
    source.on('update', (update: Uint8Array) => batch.push(update));
    const trace = new DraftingTrace(source, 7);
    let logBytes = 0;
    source.on('update', (update: Uint8Array) => (logBytes += update.byteLength));
    const generated = performance.now();
    for (let i = 0; i < updateCount; i++) {
      trace.next();
      if (batch.length === 1000) await flush();
    }
    if (batch.length > 0) await flush();
    const expected = projectFragment(source.getXmlFragment('default')).text;
    console.log(
      `document: ${int(initialChars)} characters imported (fixture ×${Math.ceil(300_000 / 7_500)}), then ${int(updateCount)} keystroke updates ` +
        `(${int(logBytes / 2 ** 10)} KiB) in the log; ${int(expected.length)} characters now; generated and appended in ${((performance.now() - generated) / 1000).toFixed(1)} s`,
    );

    const before = await timeLoad(db, documentId);
    if (before.text !== expected) throw new Error('loaded text differs from the written one (before compaction)');
    console.log(`  before compaction: readStoredState + docFromStoredState  median ${ms(before.median)}, min ${ms(before.min)}  (of which reading rows ${ms(before.read)})`);

    const member = workspace.readers[0]!;
    let server = await startInProcess(db, database.url);
    const token = await login(server.baseUrl, member);
    const coldBefore = await firstSync(server.baseUrl, documentId, token);
    await server.stop();
    if (coldBefore.text !== expected) throw new Error('synced text differs (before compaction)');
    console.log(`  before compaction: WebSocket first sync, document not in memory  ${ms(coldBefore.ms)}`);

    const compactStarted = performance.now();
    const result = await compactDocument(db, documentId);
    console.log(`  compactDocument: merged ${int(result.mergedRows)} rows into a ${int(result.snapshotBytes / 2 ** 10)} KiB snapshot in ${ms(performance.now() - compactStarted)}`);

    const after = await timeLoad(db, documentId);
    if (after.text !== expected) throw new Error('loaded text differs from the written one (after compaction)');
    console.log(`  after compaction:  readStoredState + docFromStoredState  median ${ms(after.median)}, min ${ms(after.min)}  (of which reading rows ${ms(after.read)})`);

    server = await startInProcess(db, database.url);
    try {
      const token2 = await login(server.baseUrl, member);
      const cold = await firstSync(server.baseUrl, documentId, token2);
      const warm = await firstSync(server.baseUrl, documentId, token2);
      if (cold.text !== expected || warm.text !== expected) throw new Error('synced text differs (after compaction)');
      console.log(`  after compaction:  WebSocket first sync, document not in memory  ${ms(cold.ms)}; already loaded  ${ms(warm.ms)}`);
      console.log(`  server: ${server.description}; client: raw ws y-websocket client applying the sync step 2 to a Y.Doc`);
    } finally {
      await server.stop();
    }
  } finally {
    await database.close();
  }
}

runMain(main);
