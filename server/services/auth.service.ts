/**
 * Login, logout, token checks and account activation. Tokens are opaque random strings; only
 * their sha256 is stored, with an expiry and a revocation time.
 */
import { RateLimiterMemory, RateLimiterRes } from 'rate-limiter-flexible';
import type { Db } from '../db/connect.js';
import { consumeActivationCode } from '../db/activation-codes.repository.js';
import { findSessionByTokenHash, insertSession, revokeSession } from '../db/sessions.repository.js';
import { findMemberById, findMemberByLogin, membershipsOf, setPasswordHash } from '../db/members.repository.js';
import type { MemberRow } from '../db/schema.js';
import type { Actor } from '../domain/permissions.js';
import { AppError } from '../errors.js';
import type { AccessEvents } from './access-events.js';
import type { Clock } from './clock.js';
import { hashPassword, newToken, normaliseActivationCode, sha256, verifyPassword } from './secrets.js';
import { SessionCache } from './session-cache.js';
import type { LoginResult, Member as PublicMember } from '../http/schemas/auth.js';

/** The caller of a request or connection: who, through which session, until when. */
export interface Authenticated extends Actor {
  readonly sessionId: string;
  readonly expiresAt: Date;
  readonly login: string;
  readonly displayName: string;
}

/**
 * Guessing is slowed per client address and per (login, address), never per account alone: a
 * stranger's wrong passwords must not lock the real member out (they log in from elsewhere).
 */
export interface LoginLimits {
  /** Failed attempts for one login from one address per `windowSeconds`; then 429 with Retry-After. */
  perLogin: number;
  /** Attempts (right or wrong, any login) per client address per `windowSeconds`. */
  perAddress: number;
  windowSeconds: number;
}

export const defaultLoginLimits: LoginLimits = { perLogin: 10, perAddress: 100, windowSeconds: 15 * 60 };

export const toPublicMember = (m: MemberRow): PublicMember => ({ id: m.id, login: m.login, displayName: m.display_name });

export function normaliseLogin(login: string): string {
  return login.normalize('NFC').trim().toLowerCase();
}

const badCredentials = () => new AppError('unauthenticated', 'login or password is wrong');

/** How long a checked token is trusted without asking the database again. */
const sessionCacheMs = 10_000;
const sessionCacheSize = 20_000;

export class AuthService {
  /** Failures keyed by (login, address). */
  private readonly byLogin: RateLimiterMemory;
  private readonly byAddress: RateLimiterMemory;
  /**
   * Revocation and role changes drop entries at once (AccessEvents, relayed between instances);
   * expiry is checked on every hit; entries live only a few seconds in case a change reaches us
   * some other way.
   */
  private readonly cache: SessionCache;

  constructor(
    private readonly db: Db,
    private readonly clock: Clock,
    private readonly access: AccessEvents,
    private readonly tokenTtlSeconds: number,
    limits: LoginLimits = defaultLoginLimits,
  ) {
    this.cache = new SessionCache(sessionCacheMs, sessionCacheSize, clock);
    this.byLogin = new RateLimiterMemory({ points: limits.perLogin, duration: limits.windowSeconds });
    this.byAddress = new RateLimiterMemory({ points: limits.perAddress, duration: limits.windowSeconds });
    access.on('sessionRevoked', (sessionId) => this.cache.forgetSession(sessionId));
    access.on('membershipChanged', (memberId) => this.cache.forgetMember(memberId));
  }

  async login(loginInput: string, password: string, address: string): Promise<LoginResult> {
    const login = normaliseLogin(loginInput);
    const guesses = guessKey(login, address);
    await this.consume(this.byAddress, address);
    await this.ensureNotLocked(guesses);
    const member = await findMemberByLogin(this.db, login);
    // Always verify, even for an unknown login: the answer must take the same time either way.
    const ok = await verifyPassword(member?.password_hash, password);
    if (!ok || !member) {
      await this.consume(this.byLogin, guesses);
      throw badCredentials();
    }
    await this.byLogin.delete(guesses);
    return this.openSession(member);
  }

  /** Sets the password of an imported member with a valid one-time code, and logs them in. */
  async activate(loginInput: string, code: string, password: string, address: string): Promise<LoginResult> {
    const login = normaliseLogin(loginInput);
    const guesses = guessKey(login, address);
    await this.consume(this.byAddress, address);
    await this.ensureNotLocked(guesses);
    const passwordHash = await hashPassword(password);
    const member = await this.db.transaction().execute(async (tx) => {
      const found = await findMemberByLogin(tx, login);
      if (!found) return undefined;
      if (!(await consumeActivationCode(tx, found.id, sha256(normaliseActivationCode(code)), this.clock.now()))) return undefined;
      await setPasswordHash(tx, found.id, passwordHash);
      return found;
    });
    if (!member) {
      await this.consume(this.byLogin, guesses);
      throw new AppError('unauthenticated', 'login or activation code is wrong, used or expired');
    }
    return this.openSession(member);
  }

  async logout(sessionId: string): Promise<void> {
    await revokeSession(this.db, sessionId, this.clock.now());
    this.access.emit('sessionRevoked', sessionId);
  }

  /** The caller behind a bearer token; throws `unauthenticated` for a bad, expired or revoked one. */
  async authenticate(token: string | undefined): Promise<Authenticated> {
    if (!token) throw new AppError('unauthenticated', 'a bearer token is required');
    const key = sha256(token).toString('base64');
    const now = this.clock.now();
    const hit = this.cache.get(key, now);
    if (hit) return hit;
    const caller = await this.loadSession(token, now);
    this.cache.set(key, caller);
    return caller;
  }

  private async loadSession(token: string, now: Date): Promise<Authenticated> {
    const session = await findSessionByTokenHash(this.db, sha256(token));
    if (!session || session.revokedAt || session.expiresAt <= now) {
      throw new AppError('unauthenticated', 'the token is invalid, expired or revoked');
    }
    return {
      sessionId: session.id,
      memberId: session.memberId,
      isAdmin: session.isAdmin,
      login: session.login,
      displayName: session.displayName,
      expiresAt: session.expiresAt,
      memberships: await membershipsOf(this.db, session.memberId),
    };
  }

  async profile(memberId: string): Promise<PublicMember> {
    const member = await findMemberById(this.db, memberId);
    if (!member) throw new AppError('unauthenticated', 'the account no longer exists');
    return toPublicMember(member);
  }

  private async openSession(member: MemberRow): Promise<LoginResult> {
    const token = newToken();
    const expiresAt = new Date(this.clock.now().getTime() + this.tokenTtlSeconds * 1000);
    await insertSession(this.db, { memberId: member.id, tokenHash: sha256(token), expiresAt });
    return { token, expiresAt: expiresAt.toISOString(), member: toPublicMember(member) };
  }

  private async ensureNotLocked(guesses: string): Promise<void> {
    const state = await this.byLogin.get(guesses);
    if (state && state.remainingPoints <= 0) throw tooManyAttempts(state);
  }

  private async consume(limiter: RateLimiterMemory, key: string): Promise<void> {
    try {
      await limiter.consume(key);
    } catch (rejection) {
      if (rejection instanceof RateLimiterRes) throw tooManyAttempts(rejection);
      throw rejection;
    }
  }
}

/** The (login, address) pair wrong guesses are counted against. */
const guessKey = (login: string, address: string) => `${login}\u0000${address}`;

function tooManyAttempts(state: RateLimiterRes): AppError {
  const retryAfterSeconds = Math.max(1, Math.ceil(state.msBeforeNext / 1000));
  return new AppError('rate_limited', `too many attempts; try again in ${retryAfterSeconds} s`, { retryAfterSeconds });
}
