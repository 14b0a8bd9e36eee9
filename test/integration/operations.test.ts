import { Writable } from 'node:stream';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildApp, loggerOptions } from '../../server/app.js';
import { loadConfig } from '../../server/config.js';
import { makeMember, testPassword } from '../helpers/factories.js';
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
      expect(lines.length).toBeGreaterThan(10);
      expect(output).not.toContain(secretPassword);
      expect(output).not.toContain(testPassword);
      expect(output).not.toContain(token);
      expect(output).not.toContain(code);
      expect(output).toContain('token=[redacted]');
      const entries = lines.map((l) => JSON.parse(l) as { reqId?: string; req?: { url: string } });
      expect(entries.some((e) => e.reqId === 'login-req-1' && e.req?.url === '/api/v1/auth/login')).toBe(true);
      expect(entries.some((e) => e.req?.url === '/api/v1/me?x=1&token=[redacted]&y=2')).toBe(true);
    } finally {
      await app.close();
      await database.drop();
    }
  });
});
