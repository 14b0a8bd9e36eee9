/**
 * Checked sessions by token hash, for a few seconds. Every request and socket authenticates, and
 * most of a busy round's traffic is the same tokens again. Entries are indexed by member and by
 * session so a revocation or a role change drops exactly theirs at once — an import that touches
 * 78,000 members must not scan the whole cache once per member.
 */
import type { Authenticated } from './auth.service.js';
import { lruCache, type Cache } from './cache.js';
import { systemClock, type Clock } from './clock.js';

export class SessionCache {
  private readonly entries: Cache<string, Authenticated>;
  private readonly byMember = new Map<string, Set<string>>();
  private readonly bySession = new Map<string, string>();

  /** `ttlMs` ≤ 0 caches nothing. */
  constructor(
    private readonly ttlMs: number,
    capacity: number,
    clock: Clock = systemClock,
  ) {
    this.entries = lruCache<string, Authenticated>(clock, { max: capacity, ttlMs, dispose: (caller, key) => this.unindex(key, caller) });
  }

  /** The cached caller, if still fresh and its session not expired at `now`. */
  get(key: string, now: Date): Authenticated | undefined {
    const caller = this.entries.get(key);
    if (!caller) return undefined;
    if (caller.expiresAt > now) return caller;
    this.entries.delete(key);
    return undefined;
  }

  set(key: string, caller: Authenticated): void {
    if (this.ttlMs <= 0) return;
    this.entries.set(key, caller);
    let keys = this.byMember.get(caller.memberId);
    if (!keys) this.byMember.set(caller.memberId, (keys = new Set()));
    keys.add(key);
    this.bySession.set(caller.sessionId, key);
  }

  forgetSession(sessionId: string): void {
    const key = this.bySession.get(sessionId);
    if (key !== undefined) this.entries.delete(key);
  }

  forgetMember(memberId: string): void {
    for (const key of [...(this.byMember.get(memberId) ?? [])]) this.entries.delete(key);
  }

  private unindex(key: string, caller: Authenticated): void {
    const keys = this.byMember.get(caller.memberId);
    keys?.delete(key);
    if (keys?.size === 0) this.byMember.delete(caller.memberId);
    if (this.bySession.get(caller.sessionId) === key) this.bySession.delete(caller.sessionId);
  }
}
