/**
 * Login, logout, token checks and account activation. Tokens are opaque random strings; only
 * their sha256 is stored, with an expiry and a revocation time.
 */
import { RateLimiterMemory, RateLimiterRes } from 'rate-limiter-flexible';
import type { Db } from '../db/connect.js';
import { findMemberById, findMemberByLogin, membershipsOf, setPasswordHash } from '../db/members.repository.js';
import type { MemberRow } from '../db/schema.js';
import type { Actor } from '../domain/permissions.js';
import { AppError } from '../errors.js';
import type { AccessEvents } from './access-events.js';
import type { Clock } from './clock.js';
import { hashPassword, newToken, normaliseActivationCode, sha256, verifyPassword } from './secrets.js';
import { SessionCache } from './session-cache.js';

export interface PublicMember {
  id: string;
  login: string;
  displayName: string;
}

export interface LoginResult {
  token: string;
  expiresAt: string;
  member: PublicMember;
}

/** The caller of a request or connection: who, through which session, until when. */
export interface Authenticated extends Actor {
  readonly sessionId: string;
  readonly expiresAt: Date;
  readonly login: string;
  readonly displayName: string;
}

export interface LoginLimits {
  /** Failed attempts per login before it is locked for `windowSeconds`. */
  perLogin: number;
  /** Attempts per client address per `windowSeconds`. */
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
  private readonly byLogin: RateLimiterMemory;
  private readonly byAddress: RateLimiterMemory;
  /**
   * Revocation and role changes drop entries at once (AccessEvents, relayed between instances);
   * expiry is checked on every hit; entries live only a few seconds in case a change reaches us
   * some other way.
   */
  private readonly cache = new SessionCache(sessionCacheMs, sessionCacheSize);

  constructor(
    private readonly db: Db,
    private readonly clock: Clock,
    private readonly access: AccessEvents,
    private readonly tokenTtlSeconds: number,
    limits: LoginLimits = defaultLoginLimits,
  ) {
    this.byLogin = new RateLimiterMemory({ points: limits.perLogin, duration: limits.windowSeconds });
    this.byAddress = new RateLimiterMemory({ points: limits.perAddress, duration: limits.windowSeconds });
    access.on('sessionRevoked', (sessionId) => this.cache.forgetSession(sessionId));
    access.on('membershipChanged', (memberId) => this.cache.forgetMember(memberId));
  }

  async login(loginInput: string, password: string, address: string): Promise<LoginResult> {
    const login = normaliseLogin(loginInput);
    await this.consume(this.byAddress, address);
    await this.ensureNotLocked(login);
    const member = await findMemberByLogin(this.db, login);
    // Always verify, even for an unknown login: the answer must take the same time either way.
    const ok = await verifyPassword(member?.password_hash, password);
    if (!ok || !member) {
      await this.consume(this.byLogin, login);
      throw badCredentials();
    }
    await this.byLogin.delete(login);
    return this.openSession(member);
  }

  /** Sets the password of an imported member with a valid one-time code, and logs them in. */
  async activate(loginInput: string, code: string, password: string, address: string): Promise<LoginResult> {
    const login = normaliseLogin(loginInput);
    await this.consume(this.byAddress, address);
    await this.ensureNotLocked(login);
    const passwordHash = await hashPassword(password);
    const member = await this.db.transaction().execute(async (tx) => {
      const found = await findMemberByLogin(tx, login);
      if (!found) return undefined;
      // Deleting the code is what makes it single-use, even under concurrent attempts.
      const used = await tx
        .deleteFrom('activation_codes')
        .where('code_hash', '=', sha256(normaliseActivationCode(code)))
        .where('member_id', '=', found.id)
        .where('expires_at', '>', this.clock.now())
        .returning('member_id')
        .executeTakeFirst();
      if (!used) return undefined;
      await tx.deleteFrom('activation_codes').where('member_id', '=', found.id).execute();
      await setPasswordHash(tx, found.id, passwordHash);
      return found;
    });
    if (!member) {
      await this.consume(this.byLogin, login);
      throw new AppError('unauthenticated', 'login or activation code is wrong, used or expired');
    }
    return this.openSession(member);
  }

  async logout(sessionId: string): Promise<void> {
    await this.db
      .updateTable('sessions')
      .set({ revoked_at: this.clock.now() })
      .where('id', '=', sessionId)
      .where('revoked_at', 'is', null)
      .execute();
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
    const session = await this.db
      .selectFrom('sessions as s')
      .innerJoin('members as m', 'm.id', 's.member_id')
      .select(['s.id', 's.member_id', 's.expires_at', 's.revoked_at', 'm.is_admin', 'm.login', 'm.display_name'])
      .where('s.token_hash', '=', sha256(token))
      .executeTakeFirst();
    if (!session || session.revoked_at || session.expires_at <= now) {
      throw new AppError('unauthenticated', 'the token is invalid, expired or revoked');
    }
    return {
      sessionId: session.id,
      memberId: session.member_id,
      isAdmin: session.is_admin,
      login: session.login,
      displayName: session.display_name,
      expiresAt: session.expires_at,
      memberships: await membershipsOf(this.db, session.member_id),
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
    await this.db
      .insertInto('sessions')
      .values({ member_id: member.id, token_hash: sha256(token), expires_at: expiresAt })
      .execute();
    return { token, expiresAt: expiresAt.toISOString(), member: toPublicMember(member) };
  }

  private async ensureNotLocked(login: string): Promise<void> {
    const state = await this.byLogin.get(login);
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

function tooManyAttempts(state: RateLimiterRes): AppError {
  const retryAfterSeconds = Math.max(1, Math.ceil(state.msBeforeNext / 1000));
  return new AppError('rate_limited', `too many attempts; try again in ${retryAfterSeconds} s`, { retryAfterSeconds });
}
