/**
 * The server's edges against a listening server: silent connections and header / body drippers
 * are cut in seconds, live connections and slow answers are not; a large body is refused before
 * it is read unless the route takes uploads and the caller has a token.
 */
import net from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import * as Y from 'yjs';
import { insertDocument } from '../../server/db/documents.repository.js';
import { defaultBodyLimitBytes, defaultHttpTimeouts } from '../../server/http/edges.js';
import { makeMember, makeUnit } from '../helpers/factories.js';
import { startTestApp, type TestApp } from '../helpers/test-app.js';
import { rawSocket } from '../helpers/ws-client.js';

let t: TestApp;
let port: number;
beforeAll(async () => {
  t = await startTestApp({ httpTimeouts: { connectMs: 800, headersMs: 1000, requestMs: 2000 } });
  port = Number(new URL(await t.listen()).port);
});
afterAll(async () => t.close());

interface RawExchange {
  /** The status line's code, or undefined when the server closed without answering. */
  status: Promise<number | undefined>;
  /** Milliseconds from connecting until the server closed the connection. */
  closedAfter: Promise<number>;
  socket: net.Socket;
}

/** A raw TCP client: writes `head` (if any) and lets the test drip the rest. */
function raw(head?: string): RawExchange {
  const socket = net.connect(port, '127.0.0.1');
  socket.on('error', () => {});
  const opened = Date.now();
  let received = '';
  socket.on('data', (chunk) => (received += chunk.toString('latin1')));
  const closedAfter = new Promise<number>((resolve) => socket.on('close', () => resolve(Date.now() - opened)));
  const status = closedAfter.then(() => {
    const match = /^HTTP\/1\.1 (\d{3})/.exec(received);
    return match ? Number(match[1]) : undefined;
  });
  if (head) socket.write(head);
  return { status, closedAfter, socket };
}

function drip(socket: net.Socket, line: string, everyMs: number): () => void {
  const timer = setInterval(() => socket.writable && socket.write(line), everyMs);
  socket.on('close', () => clearInterval(timer));
  return () => clearInterval(timer);
}

describe('timeouts', () => {
  it('are seconds, not minutes, by default', () => {
    expect(defaultHttpTimeouts.connectMs).toBeLessThanOrEqual(10_000);
    expect(defaultHttpTimeouts.headersMs).toBeLessThanOrEqual(10_000);
    expect(defaultHttpTimeouts.requestMs).toBeLessThanOrEqual(120_000);
  });

  it('close a connection that never sends a byte', async () => {
    const silent = Array.from({ length: 20 }, () => raw());
    const closed = await Promise.all(silent.map((c) => c.closedAfter));
    for (const ms of closed) expect(ms).toBeLessThan(3000);
  });

  it('cut a client dripping headers, whatever it keeps sending', async () => {
    const dripper = raw('GET /healthz HTTP/1.1\r\nHost: x\r\n');
    drip(dripper.socket, 'X-Slow: 1\r\n', 100);
    expect(await dripper.closedAfter).toBeLessThan(4000);
  });

  it('cut a client dripping its body', async () => {
    const dripper = raw('POST /api/v1/auth/login HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: 100000\r\n\r\n{"login":"');
    drip(dripper.socket, 'a', 100);
    expect(await dripper.closedAfter).toBeLessThan(5000);
    expect(await dripper.status).toBe(408);
  });

  it('leave an idle WebSocket alone once it started', async () => {
    const unit = await makeUnit(t.database.db);
    const member = await makeMember(t.database.db, { roles: [[unit, 'member']] });
    const documentId = await insertDocument(t.database.db, {
      unitId: unit.id,
      title: 'idle',
      maxRounds: 3,
      createdBy: member.id,
      initialState: Y.encodeStateAsUpdate(new Y.Doc()),
    });
    const { socket, closed } = await rawSocket(`http://127.0.0.1:${port}`, documentId, await t.tokenFor(member));
    let closedEarly = false;
    void closed.then(() => (closedEarly = true));
    await new Promise((resolve) => setTimeout(resolve, 2500));
    expect(closedEarly).toBe(false);
    socket.close();
  });
});

describe('body limits', () => {
  const sixtyMiB = 60 * 1024 * 1024;

  it('refuse 60 MiB to POST /auth/login with 413 before reading it', async () => {
    const exchange = raw(`POST /api/v1/auth/login HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: ${sixtyMiB}\r\n\r\n{"login":"`);
    // Only the first bytes are ever sent: an answer proves the body was not waited for.
    let answered = '';
    const firstAnswer = new Promise<string>((resolve) => exchange.socket.once('data', (chunk) => resolve((answered = chunk.toString('latin1')))));
    expect(await firstAnswer).toMatch(/^HTTP\/1\.1 413/);
    expect(answered).toContain('"code":"too_large"');
    exchange.socket.destroy();
  });

  it('refuse a chunked 60 MiB body to POST /auth/login after reading at most the small limit', async () => {
    const response = await fetch(`http://127.0.0.1:${port}/api/v1/auth/login`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: new ReadableStream({
        pull(controller) {
          controller.enqueue(new TextEncoder().encode(`{"login":"${'a'.repeat(1024 * 1024)}`));
        },
      }),
      duplex: 'half',
    } as RequestInit).catch((error: unknown) => error);
    // Either the 413 arrives or the server closed the upload; it never reads the whole stream.
    if (response instanceof Response) expect(response.status).toBe(413);
    else expect(String(response)).toMatch(/fetch failed|other side closed|EPIPE|ECONNRESET/);
  });

  it('refuse a 2 MiB body to an ordinary authenticated route (413 too_large)', async () => {
    const response = await t.request({ method: 'POST', url: '/api/v1/units', token: t.adminToken, payload: { name: 'x'.repeat(2 * 1024 * 1024), level: 'province', parentId: null } });
    expect(response.statusCode).toBe(413);
    expect(response.json().code).toBe('too_large');
  });

  it('take a large body on the bulk import only with a token', async () => {
    const members = Array.from({ length: 12_000 }, (_, i) => ({ login: `member.${i}`, displayName: `Member number ${i} of the big import`, unitKey: 'p', role: 'member' }));
    const payload = { units: [{ key: 'p', name: 'Province', level: 'province', parentKey: null }], members };
    expect(JSON.stringify(payload).length).toBeGreaterThan(defaultBodyLimitBytes);
    const anonymous = await t.request({ method: 'POST', url: '/api/v1/import', payload });
    expect(anonymous.statusCode).toBe(401);
    const admin = await t.request({ method: 'POST', url: '/api/v1/import', token: t.adminToken, payload });
    expect(admin.statusCode).toBe(200);
  }, 60_000);
});
