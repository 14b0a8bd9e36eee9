import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { makeMember, makeUnit, testPassword } from '../helpers/factories.js';
import { expectProblem, startTestApp, type TestApp } from '../helpers/test-app.js';
import { defaultLoginLimits } from '../../server/services/auth.service.js';

let t: TestApp;
beforeAll(async () => {
  t = await startTestApp();
});
afterAll(async () => t.close());

describe('login', () => {
  it('returns a token, its expiry and the member', async () => {
    const member = await makeMember(t.database.db, { login: 'an.nguyen' });
    const response = await t.request({ method: 'POST', url: '/api/v1/auth/login', payload: { login: 'AN.Nguyen', password: testPassword } });
    expect(response.statusCode).toBe(200);
    const body = response.json();
    expect(body.member).toEqual({ id: member.id, login: 'an.nguyen', displayName: member.displayName });
    expect(body.token).toMatch(/^[\w-]{43}$/);
    const ttl = Date.parse(body.expiresAt) - Date.now();
    expect(ttl).toBeGreaterThan(11.9 * 3600 * 1000);
    expect(ttl).toBeLessThanOrEqual(12 * 3600 * 1000);
  });

  it('stores only a hash of the token', async () => {
    const member = await makeMember(t.database.db);
    const token = await t.tokenFor(member);
    const rows = await t.database.db.selectFrom('sessions').select('token_hash').where('member_id', '=', member.id).execute();
    expect(rows).toHaveLength(1);
    expect(rows[0]!.token_hash.toString('base64url')).not.toBe(token);
    expect(rows[0]!.token_hash.length).toBe(32);
  });

  it('refuses a wrong password and an unknown login with the same answer', async () => {
    const member = await makeMember(t.database.db);
    const wrong = await t.request({ method: 'POST', url: '/api/v1/auth/login', payload: { login: member.login, password: 'not the password' } });
    const unknown = await t.request({ method: 'POST', url: '/api/v1/auth/login', payload: { login: 'nobody.here', password: 'not the password' } });
    expect(expectProblem(wrong, 401, 'unauthenticated').detail).toBe(expectProblem(unknown, 401, 'unauthenticated').detail);
  });

  it('rejects a malformed body', async () => {
    expectProblem(await t.request({ method: 'POST', url: '/api/v1/auth/login', payload: { login: 'x' } }), 400, 'validation_failed');
    expectProblem(
      await t.request({ method: 'POST', url: '/api/v1/auth/login', payload: '{"login":', headers: { 'content-type': 'application/json' } }),
      400,
      'validation_failed',
    );
    expectProblem(await t.request({ method: 'POST', url: '/api/v1/auth/login', payload: { login: 'abc', password: 'x', extra: 1 } }), 400, 'validation_failed');
  });
});

describe('login rate limit', () => {
  it('slows guesses for a login from one address, with Retry-After', async () => {
    const limited = await startTestApp({ loginLimits: { perLogin: 3, perAddress: 1000, windowSeconds: 60 } });
    try {
      const member = await makeMember(limited.database.db);
      for (let i = 0; i < 3; i++) {
        const r = await limited.request({ method: 'POST', url: '/api/v1/auth/login', payload: { login: member.login, password: 'wrong password' } });
        expectProblem(r, 401, 'unauthenticated');
      }
      const slowed = await limited.request({ method: 'POST', url: '/api/v1/auth/login', payload: { login: member.login, password: testPassword } });
      expectProblem(slowed, 429, 'rate_limited');
      expect(Number(slowed.headers['retry-after'])).toBeGreaterThan(0);
    } finally {
      await limited.close();
    }
  });

  it('ten wrong passwords from one address do not stop the real member logging in from another', async () => {
    const limited = await startTestApp({ loginLimits: defaultLoginLimits });
    try {
      const member = await makeMember(limited.database.db);
      const attempt = (password: string, remoteAddress: string) =>
        limited.request({ method: 'POST', url: '/api/v1/auth/login', remoteAddress, payload: { login: member.login, password } });
      for (let i = 0; i < 10; i++) expectProblem(await attempt(`wrong password ${i}`, '203.0.113.7'), 401, 'unauthenticated');
      expectProblem(await attempt('wrong password again', '203.0.113.7'), 429, 'rate_limited');
      // The attacker's address is slowed, even with the right password …
      expectProblem(await attempt(testPassword, '203.0.113.7'), 429, 'rate_limited');
      // … the member, from their own address, is not.
      const real = await attempt(testPassword, '198.51.100.20');
      expect(real.statusCode).toBe(200);
      expect(real.json().member.id).toBe(member.id);
    } finally {
      await limited.close();
    }
  });

  it('limits attempts per client address', async () => {
    const limited = await startTestApp({ loginLimits: { perLogin: 1000, perAddress: 2, windowSeconds: 60 } });
    try {
      // startTestApp's own admin login used one attempt.
      const member = await makeMember(limited.database.db);
      await limited.tokenFor(member);
      const third = await limited.request({ method: 'POST', url: '/api/v1/auth/login', payload: { login: member.login, password: testPassword } });
      expectProblem(third, 429, 'rate_limited');
    } finally {
      await limited.close();
    }
  });
});

describe('tokens', () => {
  it('GET /me shows the member and memberships, each with its unit’s path from the root', async () => {
    const parent = await makeUnit(t.database.db, { level: 'district' });
    const unit = await makeUnit(t.database.db, { parent });
    const member = await makeMember(t.database.db, { roles: [[unit, 'drafter']] });
    const response = await t.request({ method: 'GET', url: '/api/v1/me', token: await t.tokenFor(member) });
    expect(response.statusCode).toBe(200);
    expect(response.json()).toEqual({
      member: { id: member.id, login: member.login, displayName: member.displayName },
      isAdmin: false,
      memberships: [{ unitId: unit.id, role: 'drafter', path: [parent.id, unit.id] }],
    });
  });

  it('refuses a missing, forged, malformed or expired token', async () => {
    expectProblem(await t.request({ method: 'GET', url: '/api/v1/me' }), 401, 'unauthenticated');
    expectProblem(await t.request({ method: 'GET', url: '/api/v1/me', token: 'forged-token-forged-token-forged-token-123' }), 401, 'unauthenticated');
    expectProblem(await t.request({ method: 'GET', url: '/api/v1/me', headers: { authorization: 'Basic abc' } }), 401, 'unauthenticated');
    const member = await makeMember(t.database.db);
    const token = await t.tokenFor(member);
    await t.database.db.updateTable('sessions').set({ expires_at: new Date(Date.now() - 1000) }).where('member_id', '=', member.id).execute();
    expectProblem(await t.request({ method: 'GET', url: '/api/v1/me', token }), 401, 'unauthenticated');
  });

  it('logout revokes the token', async () => {
    const member = await makeMember(t.database.db);
    const token = await t.tokenFor(member);
    expect((await t.request({ method: 'POST', url: '/api/v1/auth/logout', token })).statusCode).toBe(204);
    expectProblem(await t.request({ method: 'GET', url: '/api/v1/me', token }), 401, 'unauthenticated');
    expectProblem(await t.request({ method: 'POST', url: '/api/v1/auth/logout', token }), 401, 'unauthenticated');
  });
});
