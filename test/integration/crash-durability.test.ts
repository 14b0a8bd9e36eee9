/**
 * kill -9 of the server in the middle of a stream of edits: after a restart, everything any
 * client had received is in the database, and the writer's own unsent edits arrive on reconnect.
 */
import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, expect, it } from 'vitest';
import * as Y from 'yjs';
import { docFromStoredState, readStoredState } from '../../server/db/document-log.repository.js';
import { insertDocument } from '../../server/db/documents.repository.js';
import { ApiClient } from '../helpers/api-client.js';
import { makeMember, makeUnit, testPassword } from '../helpers/factories.js';
import { startServerProcess, type ServerProcess } from '../helpers/server-process.js';
import { createTestDatabase, type TestDatabase } from '../helpers/test-database.js';
import { appendParagraph, connectClient, eventually } from '../helpers/ws-client.js';

let database: TestDatabase;
let server: ServerProcess | undefined;
beforeAll(async () => {
  database = await createTestDatabase();
});
afterAll(async () => {
  server?.child.kill('SIGKILL');
  await database.drop();
});

async function login(baseUrl: string, login: string): Promise<string> {
  return (await new ApiClient(baseUrl).login(login, testPassword)).token;
}

/** True when `stored` contains every operation `seen` contains. */
function containsAll(stored: Y.Doc, seen: Y.Doc): boolean {
  const have = Y.decodeStateVector(Y.encodeStateVector(stored));
  for (const [client, clock] of Y.decodeStateVector(Y.encodeStateVector(seen))) {
    if ((have.get(client) ?? 0) < clock) return false;
  }
  return true;
}

it('keeps every edit another client received across kill -9 and restart', async () => {
  const unit = await makeUnit(database.db);
  const writer = await makeMember(database.db, { roles: [[unit, 'drafter']] });
  const observer = await makeMember(database.db, { roles: [[unit, 'member']] });
  const documentId = await insertDocument(database.db, {
    unitId: unit.id,
    title: 'crash',
    maxRounds: 3,
    createdBy: writer.id,
    initialState: Y.encodeStateAsUpdate(new Y.Doc()),
  });
  const env = { DATABASE_URL: database.url, ADMIN_PASSWORD: randomUUID() };
  server = await startServerProcess(env);
  const port = new URL(server.baseUrl).port;
  const writerClient = connectClient(server.baseUrl, documentId, await login(server.baseUrl, writer.login));
  const observerClient = connectClient(server.baseUrl, documentId, await login(server.baseUrl, observer.login));
  await Promise.all([writerClient.synced, observerClient.synced]);

  let typing = true;
  let written = 0;
  const typist = (async () => {
    while (typing) {
      appendParagraph(writerClient.doc, `edit ${written++}`);
      await new Promise((resolve) => setTimeout(resolve, 2));
    }
  })();
  await eventually(() => observerClient.doc.getXmlFragment('default').length > 100, 'the observer received a stream of edits', 15_000);

  server.child.kill('SIGKILL');
  await server.exited;
  // What the observer had received when the server died (it cannot receive more now).
  const seen = new Y.Doc();
  Y.applyUpdate(seen, Y.encodeStateAsUpdate(observerClient.doc));
  typing = false;
  await typist;
  observerClient.destroy();

  const stored = docFromStoredState(await readStoredState(database.db, documentId));
  expect(seen.getXmlFragment('default').length).toBeGreaterThan(100);
  expect(containsAll(stored, seen)).toBe(true);

  // After a restart on the same port the writer's provider reconnects and re-sends what was lost.
  server = await startServerProcess(env, Number(port));
  await eventually(
    async () => containsAll(docFromStoredState(await readStoredState(database.db, documentId)), writerClient.doc),
    'the writer’s unsaved edits reach the database after reconnecting',
    20_000,
  );
  writerClient.destroy();
  server.child.kill('SIGTERM');
  expect(await server.exited).toBe(0);
}, 90_000);
