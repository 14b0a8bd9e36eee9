/**
 * The production process: `npm start` and the Docker image run the compiled server
 * (`node dist/server/main.js`, no tsx), and SIGTERM to the process they start (what Docker's init
 * delivers) reaches the server, which drains (edits stored, sockets closed 1001) and exits 0
 * leaving no process behind.
 */
import { spawn, spawnSync } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import net from 'node:net';
import { tmpdir } from 'node:os';
import { randomUUID } from 'node:crypto';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import * as Y from 'yjs';
import { docFromStoredState, readStoredState } from '../../server/db/document-log.repository.js';
import { insertDocument } from '../../server/db/documents.repository.js';
import { makeMember, makeUnit, testPassword } from '../helpers/factories.js';
import { startServerProcess, type ServerProcess, type StartedAs } from '../helpers/server-process.js';
import { createTestDatabase, type TestDatabase } from '../helpers/test-database.js';
import { appendParagraph, connectClient, eventually, paragraphsOf } from '../helpers/ws-client.js';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
let database: TestDatabase;
const started: ServerProcess[] = [];
beforeAll(async () => {
  database = await createTestDatabase();
  const build = spawnSync(process.execPath, ['scripts/build-server.mjs', '--if-needed'], { cwd: root, encoding: 'utf8' });
  if (build.status !== 0) throw new Error(`build failed:\n${build.stdout}${build.stderr}`);
}, 180_000);
afterAll(async () => {
  for (const server of started) server.child.kill('SIGKILL');
  await database.drop();
});

/** The node process serving: the started process itself, or (npm) its one child. */
function serverPid(server: ServerProcess): number {
  const children = childrenOf(server.child.pid!);
  return children.length === 0 ? server.child.pid! : children[0]!;
}

function childrenOf(pid: number): number[] {
  return readFileSync(`/proc/${pid}/task/${pid}/children`, 'utf8').trim().split(/\s+/).filter(Boolean).map(Number);
}

function alive(pid: number): boolean {
  try {
    // A zombie waiting for its reaper counts as gone.
    return !/^\d+ \(.*\) Z/.test(readFileSync(`/proc/${pid}/stat`, 'utf8'));
  } catch {
    return false;
  }
}

describe.each<StartedAs>(['npm-start', 'compiled'])('started as %s', (as) => {
  it('runs compiled JavaScript, and SIGTERM to the started process drains and exits 0 with no orphan', async () => {
    const unit = await makeUnit(database.db);
    const writer = await makeMember(database.db, { roles: [[unit, 'drafter']] });
    const documentId = await insertDocument(database.db, {
      unitId: unit.id,
      title: 'signals',
      maxRounds: 3,
      createdBy: writer.id,
      initialState: Y.encodeStateAsUpdate(new Y.Doc()),
    });
    const server = await startServerProcess({ DATABASE_URL: database.url, ADMIN_PASSWORD: randomUUID() }, undefined, as);
    started.push(server);
    const pid = serverPid(server);
    const commandLine = readFileSync(`/proc/${pid}/cmdline`, 'utf8').split('\0').join(' ');
    expect(commandLine).toMatch(/dist\/server\/main\.js/);
    expect(commandLine).not.toMatch(/tsx/);
    expect(childrenOf(pid)).toEqual([]);

    const response = await fetch(`${server.baseUrl}/api/v1/auth/login`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ login: writer.login, password: testPassword }),
    });
    const client = connectClient(server.baseUrl, documentId, ((await response.json()) as { token: string }).token);
    await client.synced;
    const closed = client.nextClose();
    appendParagraph(client.doc, 'written just before the signal');
    await new Promise((resolve) => setTimeout(resolve, 20));
    server.child.kill('SIGTERM');

    expect(await closed).toBe(1001);
    expect(await server.exited).toBe(0);
    client.destroy();
    await eventually(() => !alive(pid), 'the server process is gone', 5000);
    expect(await fetch(`${server.baseUrl}/healthz`).then(() => 'answered', () => 'refused')).toBe('refused');
    expect(paragraphsOf(docFromStoredState(await readStoredState(database.db, documentId)))).toContain('written just before the signal');
  }, 120_000);
});

/** Processes whose command line mentions `text` (the embedded PostgreSQL names its data dir). */
function processesMentioning(text: string): number[] {
  const found: number[] = [];
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry) || Number(entry) === process.pid) continue;
    try {
      if (readFileSync(`/proc/${entry}/cmdline`, 'utf8').includes(text) && alive(Number(entry))) found.push(Number(entry));
    } catch {
      // gone meanwhile
    }
  }
  return found;
}

it('a start that fails (port taken) stops the embedded PostgreSQL, exits 1 with one clear line, and keeps the generated admin password', async () => {
  const dataDir = mkdtempSync(path.join(tmpdir(), 'draftroom-failed-start-'));
  const blocker = net.createServer();
  await new Promise<void>((resolve) => blocker.listen(0, '127.0.0.1', resolve));
  const port = (blocker.address() as net.AddressInfo).port;
  try {
    const env: Record<string, string | undefined> = { ...process.env, DATA_DIR: dataDir, PORT: String(port), HOST: '127.0.0.1', DEMO: '0', LOG_LEVEL: 'warn' };
    delete env.DATABASE_URL;
    delete env.ADMIN_PASSWORD;
    const child = spawn(process.execPath, ['dist/server/main.js'], { cwd: root, env, stdio: ['ignore', 'pipe', 'pipe'] });
    let stderr = '';
    child.stderr.on('data', (chunk) => (stderr += chunk));
    child.stdout.resume();
    const code = await new Promise<number | null>((resolve) => child.on('exit', resolve));
    expect(code).toBe(1);
    const lines = stderr.split('\n').filter(Boolean);
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatch(new RegExp(`^draftroom failed to start: port ${port} on 127\\.0\\.0\\.1 is already in use`));
    const password = /admin \/ (\S+);/.exec(lines[0]!)?.[1];
    expect(password).toBeDefined();
    await eventually(() => processesMentioning(dataDir).length === 0, 'the embedded PostgreSQL stopped', 10_000);

    // The password printed on the failed start is the admin's.
    blocker.close();
    const server = await startServerProcess({ DATA_DIR: dataDir, DATABASE_URL: '', ADMIN_PASSWORD: '' }, port, 'compiled');
    started.push(server);
    const login = await fetch(`${server.baseUrl}/api/v1/auth/login`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ login: 'admin', password }),
    });
    expect(login.status).toBe(200);
    server.child.kill('SIGTERM');
    expect(await server.exited).toBe(0);
    expect(processesMentioning(dataDir)).toEqual([]);
  } finally {
    blocker.close();
    rmSync(dataDir, { recursive: true, force: true });
  }
}, 180_000);
