/**
 * Checked sessions by token hash, for a few seconds. Every request and socket authenticates, and
 * most of a busy round's traffic is the same tokens again. Entries are indexed by member and by
 * session so a revocation or a role change drops exactly theirs at once — an import that touches
 * 78,000 members must not scan the whole cache once per member.
 */
import type { Authenticated } from './auth.service.js';

export class SessionCache {
  private readonly entries = new Map<string, { caller: Authenticated; until: number }>();
  private readonly byMember = new Map<string, Set<string>>();
  private readonly bySession = new Map<string, string>();

  constructor(
    private readonly ttlMs: number,
    private readonly capacity: number,
  ) {}

  /** The cached caller, if still fresh and its session not expired at `now`. */
  get(key: string, now: Date): Authenticated | undefined {
    const entry = this.entries.get(key);
    if (!entry) return undefined;
    if (entry.until > Date.now() && entry.caller.expiresAt > now) return entry.caller;
    this.delete(key);
    return undefined;
  }

  set(key: string, caller: Authenticated): void {
    this.delete(key);
    if (this.entries.size >= this.capacity) this.delete(this.entries.keys().next().value!);
    this.entries.set(key, { caller, until: Date.now() + this.ttlMs });
    let keys = this.byMember.get(caller.memberId);
    if (!keys) this.byMember.set(caller.memberId, (keys = new Set()));
    keys.add(key);
    this.bySession.set(caller.sessionId, key);
  }

  forgetSession(sessionId: string): void {
    const key = this.bySession.get(sessionId);
    if (key !== undefined) this.delete(key);
  }

  forgetMember(memberId: string): void {
    for (const key of [...(this.byMember.get(memberId) ?? [])]) this.delete(key);
  }

  private delete(key: string): void {
    const entry = this.entries.get(key);
    if (!entry) return;
    this.entries.delete(key);
    const keys = this.byMember.get(entry.caller.memberId);
    keys?.delete(key);
    if (keys?.size === 0) this.byMember.delete(entry.caller.memberId);
    if (this.bySession.get(entry.caller.sessionId) === key) this.bySession.delete(entry.caller.sessionId);
  }
}
