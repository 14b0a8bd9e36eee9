/**
 * Every route in the OpenAPI document, checked for the answers that must hold everywhere: no token,
 * a forged token and an expired token give 401 unauthenticated; a malformed id in the path gives
 * 400 validation_failed. Routes added later are covered without touching this file.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { makeMember } from '../helpers/factories.js';
import { expectProblem, startTestApp, type TestApp } from '../helpers/test-app.js';

let t: TestApp;
let expiredToken: string;
let routes: Array<{ method: string; path: string }>;
// The unsubscribe link of an e-mail works without login: its signed token is the credential.
const publicRoutes = new Set(['POST /api/v1/auth/login', 'POST /api/v1/auth/activate', 'POST /api/v1/unsubscribe']);

beforeAll(async () => {
  t = await startTestApp();
  const member = await makeMember(t.database.db);
  expiredToken = await t.tokenFor(member);
  await t.database.db.updateTable('sessions').set({ expires_at: new Date(Date.now() - 1000) }).where('member_id', '=', member.id).execute();
  const spec = t.app.swagger() as { paths: Record<string, Record<string, unknown>> };
  routes = Object.entries(spec.paths).flatMap(([path, methods]) =>
    Object.keys(methods)
      .filter((m) => ['get', 'post', 'put', 'delete', 'patch'].includes(m))
      .map((m) => ({ method: m.toUpperCase(), path })),
  );
});
afterAll(async () => t.close());

const concrete = (path: string) => path.replace(/\{[^}]+\}/g, '00000000-0000-4000-8000-000000000000');

describe('every API route', () => {
  it('is listed in the OpenAPI document', () => {
    const names = routes.map((r) => `${r.method} ${r.path}`);
    for (const expected of [
      'PUT /api/v1/rounds/{roundId}/annotations/{annotationId}',
      'GET /api/v1/rounds/{roundId}/summary',
      'POST /api/v1/documents/{id}/packages',
      'GET /api/v1/documents/{id}/events',
      'GET /api/v1/documents/{id}/diff',
    ]) {
      expect(names).toContain(expected);
    }
  });

  it('answers 401 without a token, with a forged one and with an expired one', async () => {
    const api = routes.filter((r) => r.path.startsWith('/api/') && !publicRoutes.has(`${r.method} ${r.path}`));
    expect(api.length).toBeGreaterThan(25);
    for (const route of api) {
      for (const token of [undefined, 'forged-token-that-was-never-issued-by-us', expiredToken]) {
        const response = await t.request({ method: route.method as 'GET', url: concrete(route.path), token, payload: route.method === 'GET' || route.method === 'DELETE' ? undefined : {} });
        try {
          expectProblem(response, 401, 'unauthenticated');
        } catch (error) {
          throw new Error(`${route.method} ${route.path} with token ${token ? 'given' : 'missing'}: ${(error as Error).message}`);
        }
      }
    }
  });

  it('answers 400 for a malformed id in the path', async () => {
    const withIds = routes.filter((r) => r.path.includes('{') && r.path.startsWith('/api/'));
    for (const route of withIds) {
      const url = route.path.replace(/\{[^}]+\}/g, 'not-a-uuid');
      const response = await t.request({ method: route.method as 'GET', url, token: t.adminToken, payload: route.method === 'GET' || route.method === 'DELETE' ? undefined : {} });
      try {
        expectProblem(response, 400, 'validation_failed');
      } catch (error) {
        throw new Error(`${route.method} ${route.path}: ${(error as Error).message}`);
      }
    }
  });
});
