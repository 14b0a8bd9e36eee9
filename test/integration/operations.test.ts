import { randomUUID } from 'node:crypto';
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { Writable } from 'node:stream';
import { brotliDecompressSync } from 'node:zlib';
import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildApp, loggerOptions } from '../../server/app.js';
import { loadConfig } from '../../server/config.js';
import { connectDatabase } from '../../server/db/connect.js';
import { clientDistDir } from '../../server/paths.js';
import { makeMember, makeUnit, testPassword } from '../helpers/factories.js';
import { createTestDatabase } from '../helpers/test-database.js';
import { expectProblem, startTestApp, type TestApp } from '../helpers/test-app.js';

let t: TestApp;
beforeAll(async () => {
  t = await startTestApp();
});
afterAll(async () => t.close());

describe('health and readiness', () => {
  it('GET /healthz answers without a token', async () => {
    const response = await t.request({ method: 'GET', url: '/healthz' });
    expect(response.statusCode).toBe(200);
    expect(response.json()).toEqual({ status: 'ok' });
  });

  it('GET /readyz answers ready when the database is reachable and migrated', async () => {
    const response = await t.request({ method: 'GET', url: '/readyz' });
    expect(response.statusCode).toBe(200);
    expect(response.json()).toEqual({ status: 'ready' });
  });

  it('GET /readyz answers 503 problem+json when the database is gone', async () => {
    const database = await createTestDatabase();
    const app = await buildApp({ config: loadConfig({ DATABASE_URL: database.url, DEMO: '0' }), db: database.db });
    try {
      await database.drop();
      const response = await app.inject({ method: 'GET', url: '/readyz' });
      expect(response.statusCode).toBe(503);
      expect(String(response.headers['content-type'])).toMatch(/^application\/problem\+json/);
    } finally {
      await app.close();
    }
  });
});

describe('GET /metrics', () => {
  it('serves Prometheus text with the HTTP and process metrics', async () => {
    await t.request({ method: 'GET', url: '/healthz' });
    const response = await t.request({ method: 'GET', url: '/metrics' });
    expect(response.statusCode).toBe(200);
    expect(String(response.headers['content-type'])).toMatch(/^text\/plain; version=0\.0\.4/);
    expect(response.body).toContain('# TYPE draftroom_http_requests_total counter');
    expect(response.body).toMatch(/draftroom_http_requests_total\{method="GET",route="\/healthz",status="200"\} \d+/);
    expect(response.body).toContain('# TYPE draftroom_http_request_seconds histogram');
    expect(response.body).toContain('process_resident_memory_bytes');
  });
});

describe('API documentation', () => {
  it('GET /openapi.json lists the routes with their schemas', async () => {
    const response = await t.request({ method: 'GET', url: '/openapi.json' });
    expect(response.statusCode).toBe(200);
    const doc = response.json() as { openapi: string; paths: Record<string, Record<string, unknown>> };
    expect(doc.openapi).toMatch(/^3\./);
    const routes = Object.entries(doc.paths).flatMap(([p, methods]) => Object.keys(methods).map((m) => `${m.toUpperCase()} ${p}`));
    expect(routes).toEqual(
      expect.arrayContaining([
        'POST /api/v1/auth/login',
        'POST /api/v1/auth/activate',
        'POST /api/v1/auth/logout',
        'GET /api/v1/me',
        'POST /api/v1/units',
        'GET /api/v1/units/{id}',
        'GET /api/v1/units/{id}/children',
        'POST /api/v1/members',
        'PUT /api/v1/units/{unitId}/members/{memberId}',
        'DELETE /api/v1/units/{unitId}/members/{memberId}',
        'POST /api/v1/import',
        'GET /healthz',
        'GET /readyz',
      ]),
    );
    const importRoute = doc.paths['/api/v1/import']!.post as { requestBody?: unknown; responses: Record<string, unknown> };
    expect(importRoute.requestBody).toBeDefined();
    expect(Object.keys(importRoute.responses)).toEqual(expect.arrayContaining(['200', '400', '401', '403']));
  });

  it('GET /docs serves the documentation UI without a token', async () => {
    const response = await t.request({ method: 'GET', url: '/docs' });
    expect(response.statusCode).toBe(200);
    expect(String(response.headers['content-type'])).toMatch(/^text\/html/);
    expect(response.body.toLowerCase()).toContain('swagger');
  });
});

describe('unknown routes and request ids', () => {
  it('answers an unknown route with a 404 problem', async () => {
    const body = expectProblem(await t.request({ method: 'GET', url: '/api/v1/nothing-here?token=abc', token: t.adminToken }), 404, 'not_found');
    expect(body.detail).toBe('no route GET /api/v1/nothing-here');
    expectProblem(await t.request({ method: 'POST', url: '/nope' }), 404, 'not_found');
  });

  it('echoes the caller’s x-request-id, and makes one up otherwise', async () => {
    const given = await t.request({ method: 'GET', url: '/healthz', headers: { 'x-request-id': 'trace-42.a_b' } });
    expect(given.headers['x-request-id']).toBe('trace-42.a_b');
    const made = await t.request({ method: 'GET', url: '/healthz' });
    expect(made.headers['x-request-id']).toMatch(/^[0-9a-f-]{36}$/);
    const unsafe = await t.request({ method: 'GET', url: '/healthz', headers: { 'x-request-id': 'bad id\nwith newline' } });
    expect(unsafe.headers['x-request-id']).toMatch(/^[0-9a-f-]{36}$/);
    const onError = await t.request({ method: 'GET', url: '/nope', headers: { 'x-request-id': 'trace-43' } });
    expect(onError.headers['x-request-id']).toBe('trace-43');
  });
});

describe('logs', () => {
  it('carry request ids but never a password, a token or an activation code', async () => {
    const lines: string[] = [];
    const stream = new Writable({
      write(chunk: Buffer, _encoding, done) {
        lines.push(...chunk.toString('utf8').split('\n').filter(Boolean));
        done();
      },
    });
    const database = await createTestDatabase();
    const app = await buildApp({
      config: loadConfig({ DATABASE_URL: database.url, DEMO: '0' }),
      db: database.db,
      logger: { ...(loggerOptions('trace') as object), stream },
    });
    try {
      const secretPassword = 'very-secret-password-771';
      await makeMember(database.db, { login: 'log.admin', isAdmin: true });
      const login = await app.inject({ method: 'POST', url: '/api/v1/auth/login', headers: { 'x-request-id': 'login-req-1' }, payload: { login: 'log.admin', password: testPassword } });
      expect(login.statusCode).toBe(200);
      const token = (login.json() as { token: string }).token;
      await app.inject({ method: 'POST', url: '/api/v1/auth/login', payload: { login: 'log.admin', password: secretPassword } });
      await app.inject({ method: 'POST', url: '/api/v1/auth/login', payload: { login: 'log.admin', password: secretPassword, extra: 1 } });
      await app.inject({ method: 'GET', url: `/api/v1/me?token=${token}` });
      await app.inject({ method: 'GET', url: `/api/v1/me?x=1&token=${token}&y=2` });
      await app.inject({ method: 'GET', url: '/api/v1/me', headers: { authorization: `Bearer ${token}` } });
      await app.inject({ method: 'GET', url: `/nope?token=${token}` });
      const imported = await app.inject({
        method: 'POST',
        url: '/api/v1/import',
        headers: { authorization: `Bearer ${token}` },
        payload: { units: [{ key: 'k', name: 'Xã', level: 'commune', parentKey: null }], members: [{ login: 'log.member', displayName: 'A', unitKey: 'k', role: 'member', password: secretPassword }, { login: 'log.pending', displayName: 'B', unitKey: 'k', role: 'member' }] },
      });
      const code = (imported.json() as { activations: Array<{ code: string }> }).activations[0]!.code;
      await app.inject({ method: 'POST', url: '/api/v1/auth/activate', payload: { login: 'log.pending', code, password: secretPassword } });

      const output = lines.join('\n');
      expect(lines.length).toBeGreaterThanOrEqual(9);
      expect(output).not.toContain(secretPassword);
      expect(output).not.toContain(testPassword);
      expect(output).not.toContain(token);
      expect(output).not.toContain(code);
      expect(output).toContain('token=[redacted]');
      const entries = lines.map((l) => JSON.parse(l) as { reqId?: string; msg?: string; req?: { url: string } });
      expect(entries.some((e) => e.reqId === 'login-req-1' && e.req?.url === '/api/v1/auth/login')).toBe(true);
      expect(entries.some((e) => e.req?.url === '/api/v1/me?x=1&token=[redacted]&y=2')).toBe(true);
      // One line per request, with its status and time.
      const loginLines = entries.filter((e) => e.reqId === 'login-req-1');
      expect(loginLines).toHaveLength(1);
      expect(loginLines[0]).toMatchObject({ msg: 'request', res: { statusCode: 200 }, req: { method: 'POST', url: '/api/v1/auth/login' } });
    } finally {
      await app.close();
      await database.drop();
    }
  });
});

describe('an outage is not a 404', () => {
  it('answers 503 unavailable (with Retry-After) when the database is gone', async () => {
    const database = await createTestDatabase();
    const appDatabase = connectDatabase(database.url, { max: 4 });
    const app = await buildApp({ config: loadConfig({ DATABASE_URL: database.url, DEMO: '0' }), db: appDatabase.db });
    try {
      const member = await makeMember(database.db);
      const login = await app.inject({ method: 'POST', url: '/api/v1/auth/login', payload: { login: member.login, password: testPassword } });
      const token = login.json().token as string;
      // The session is now cached: the request below reaches the database only for its own work.
      expect((await app.inject({ method: 'GET', url: '/api/v1/me', headers: { authorization: `Bearer ${token}` } })).statusCode).toBe(200);
      await database.drop();
      const response = await app.inject({ method: 'GET', url: `/api/v1/documents/${randomUUID()}`, headers: { authorization: `Bearer ${token}` } });
      expectProblem(response, 503, 'unavailable');
      expect(Number(response.headers['retry-after'])).toBeGreaterThan(0);
    } finally {
      await app.close();
      await appDatabase.close().catch(() => {});
    }
  });

  it('keeps the cause when a lookup inside a visibility check fails: a round whose document cannot be read is 503, not 404', async () => {
    const database = await createTestDatabase();
    await sql.raw(`alter database ${database.name} set statement_timeout = '1s'`).execute(database.db);
    const appDatabase = connectDatabase(database.url, { max: 4 });
    const app = await buildApp({ config: loadConfig({ DATABASE_URL: database.url, DEMO: '0' }), db: appDatabase.db });
    let release!: () => void;
    try {
      const unit = await makeUnit(database.db);
      const drafter = await makeMember(database.db, { roles: [[unit, 'drafter']] });
      const auth = { authorization: `Bearer ${(await app.inject({ method: 'POST', url: '/api/v1/auth/login', payload: { login: drafter.login, password: testPassword } })).json().token}` };
      const documentId = (await app.inject({ method: 'POST', url: '/api/v1/documents', headers: auth, payload: { unitId: unit.id, title: 'D', content: { format: 'text', value: 'Văn bản.' } } })).json().id;
      const round = await app.inject({ method: 'POST', url: `/api/v1/documents/${documentId}/rounds`, headers: auth, payload: { closesAt: new Date(Date.now() + 3600_000).toISOString() } });
      const roundId = round.json().id as string;
      expect((await app.inject({ method: 'GET', url: `/api/v1/rounds/${roundId}`, headers: auth })).statusCode).toBe(200);

      // Another transaction holds the documents table: reading it times out (57014), as in an overload.
      const locked = new Promise<void>((resolveLocked) => {
        void database.db.transaction().execute(async (tx) => {
          await sql`lock table documents in access exclusive mode`.execute(tx);
          resolveLocked();
          await new Promise<void>((resolve) => (release = resolve));
        });
      });
      await locked;
      const response = await app.inject({ method: 'GET', url: `/api/v1/rounds/${roundId}`, headers: auth });
      expectProblem(response, 503, 'unavailable');
    } finally {
      release?.();
      await app.close();
      await appDatabase.close();
      await database.drop();
    }
  });
});

describe('browser hardening', () => {
  it('sends CSP, X-Frame-Options, nosniff and Referrer-Policy with the client and the API', async () => {
    for (const url of ['/', '/api/v1/me', '/healthz']) {
      const response = await t.request({ method: 'GET', url, headers: { accept: 'text/html' } });
      const csp = String(response.headers['content-security-policy']);
      expect(csp).toContain("default-src 'self'");
      expect(csp).toContain("script-src 'self'");
      expect(csp).toContain("frame-ancestors 'none'");
      expect(csp).not.toContain('upgrade-insecure-requests');
      expect(response.headers['x-frame-options']).toBe('DENY');
      expect(response.headers['x-content-type-options']).toBe('nosniff');
      expect(response.headers['referrer-policy']).toBe('same-origin');
    }
  });
});

describe('who may read /metrics', () => {
  it('without METRICS_TOKEN: callers on this machine only', async () => {
    expect((await t.request({ method: 'GET', url: '/metrics', remoteAddress: '127.0.0.1' })).statusCode).toBe(200);
    expectProblem(await t.request({ method: 'GET', url: '/metrics', remoteAddress: '203.0.113.9' }), 403, 'forbidden');
  });

  it('with METRICS_TOKEN: whoever sends it, from anywhere; nobody else', async () => {
    const token = 'metrics-token-0123456789';
    const app = await startTestApp({ env: { METRICS_TOKEN: token } });
    try {
      const scrape = (authorization: string | undefined, remoteAddress: string) =>
        app.request({ method: 'GET', url: '/metrics', remoteAddress, headers: authorization ? { authorization } : {} });
      expect((await scrape(`Bearer ${token}`, '203.0.113.9')).statusCode).toBe(200);
      expectProblem(await scrape(undefined, '127.0.0.1'), 401, 'unauthenticated');
      expectProblem(await scrape('Bearer wrong-token-0123456789', '203.0.113.9'), 401, 'unauthenticated');
      expectProblem(await scrape(`Bearer ${app.adminToken}`, '203.0.113.9'), 401, 'unauthenticated');
    } finally {
      await app.close();
    }
  });
});

describe('the web client’s assets', () => {
  it('are served precompressed at the best levels: brotli smaller than gzip, both smaller than on-the-fly', async () => {
    const assets = path.join(clientDistDir, 'assets');
    const script = readdirSync(assets).find((f) => f.endsWith('.js'));
    expect(script, 'client/dist is built (npm run build:client)').toBeDefined();
    const url = `/assets/${script}`;
    const br = await t.request({ method: 'GET', url, headers: { 'accept-encoding': 'br' } });
    const gz = await t.request({ method: 'GET', url, headers: { 'accept-encoding': 'gzip' } });
    expect(br.headers['content-encoding']).toBe('br');
    expect(gz.headers['content-encoding']).toBe('gzip');
    expect(br.rawPayload.equals(readFileSync(path.join(assets, `${script}.br`)))).toBe(true);
    expect(gz.rawPayload.equals(readFileSync(path.join(assets, `${script}.gz`)))).toBe(true);
    expect(br.rawPayload.length).toBeLessThan(gz.rawPayload.length);
    expect(brotliDecompressSync(br.rawPayload).equals(readFileSync(path.join(assets, script!)))).toBe(true);
  });
});
