import { describe, expect, it } from 'vitest';
import type { Authenticated } from '../../server/services/auth.service.js';
import { SessionCache } from '../../server/services/session-cache.js';

const caller = (memberId: string, sessionId: string, expiresInMs = 3600_000): Authenticated => ({
  memberId,
  sessionId,
  isAdmin: false,
  memberships: [],
  login: memberId,
  displayName: memberId,
  expiresAt: new Date(Date.now() + expiresInMs),
});

describe('SessionCache', () => {
  it('returns a fresh entry and forgets it by session or by member', () => {
    const cache = new SessionCache(10_000, 100);
    cache.set('a', caller('m1', 's1'));
    cache.set('b', caller('m1', 's2'));
    cache.set('c', caller('m2', 's3'));
    expect(cache.get('a', new Date())?.sessionId).toBe('s1');
    cache.forgetSession('s1');
    expect(cache.get('a', new Date())).toBeUndefined();
    expect(cache.get('b', new Date())).toBeDefined();
    cache.forgetMember('m1');
    expect(cache.get('b', new Date())).toBeUndefined();
    expect(cache.get('c', new Date())?.memberId).toBe('m2');
  });

  it('does not serve a session past its expiry, nor past the time to live', () => {
    const cache = new SessionCache(10_000, 100);
    cache.set('a', caller('m1', 's1', 1000));
    expect(cache.get('a', new Date(Date.now() + 2000))).toBeUndefined();
    const short = new SessionCache(-1, 100);
    short.set('b', caller('m2', 's2'));
    expect(short.get('b', new Date())).toBeUndefined();
  });

  it('measures its time to live on the injected clock', () => {
    let now = Date.parse('2026-03-01T08:00:00Z');
    const clock = { now: () => new Date(now) };
    const cache = new SessionCache(10_000, 100, clock);
    const far = { ...caller('m1', 's1'), expiresAt: new Date(now + 3600_000) };
    cache.set('a', far);
    now += 9_999;
    expect(cache.get('a', clock.now())).toBeDefined();
    now += 2;
    expect(cache.get('a', clock.now())).toBeUndefined();
    // Expired entries leave the member and session indexes too.
    cache.forgetMember('m1');
    cache.set('b', { ...far, sessionId: 's2' });
    expect(cache.get('b', clock.now())?.sessionId).toBe('s2');
  });

  it('keeps within its capacity, dropping the oldest', () => {
    const cache = new SessionCache(10_000, 2);
    cache.set('a', caller('m1', 's1'));
    cache.set('b', caller('m2', 's2'));
    cache.set('c', caller('m3', 's3'));
    expect(cache.get('a', new Date())).toBeUndefined();
    expect(cache.get('c', new Date())).toBeDefined();
    // Forgetting an evicted member's session is harmless.
    cache.forgetMember('m1');
    cache.forgetSession('s1');
  });

  it('forgets only the members it is told about, among many', () => {
    const cache = new SessionCache(10_000, 20_000);
    for (let i = 0; i < 1_000; i++) cache.set(`k${i}`, caller(`m${i}`, `s${i}`));
    for (let i = 0; i < 1_000; i += 2) cache.forgetMember(`m${i}`);
    for (let i = 0; i < 1_000; i++) expect(cache.get(`k${i}`, new Date()) === undefined).toBe(i % 2 === 0);
  });
});
