/** Bearer sessions: only a token's sha256 is stored. */
import type { Db } from './connect.js';

export async function insertSession(db: Db, session: { memberId: string; tokenHash: Buffer; expiresAt: Date }): Promise<void> {
  await db.insertInto('sessions').values({ member_id: session.memberId, token_hash: session.tokenHash, expires_at: session.expiresAt }).execute();
}

/** Revokes a session unless it was revoked already. */
export async function revokeSession(db: Db, sessionId: string, at: Date): Promise<void> {
  await db.updateTable('sessions').set({ revoked_at: at }).where('id', '=', sessionId).where('revoked_at', 'is', null).execute();
}

export interface SessionWithMember {
  id: string;
  memberId: string;
  expiresAt: Date;
  revokedAt: Date | null;
  isAdmin: boolean;
  login: string;
  displayName: string;
}

/** The session whose token hashes to `tokenHash`, with its member, revoked or expired ones included. */
export async function findSessionByTokenHash(db: Db, tokenHash: Buffer): Promise<SessionWithMember | undefined> {
  const row = await db
    .selectFrom('sessions as s')
    .innerJoin('members as m', 'm.id', 's.member_id')
    .select(['s.id', 's.member_id', 's.expires_at', 's.revoked_at', 'm.is_admin', 'm.login', 'm.display_name'])
    .where('s.token_hash', '=', tokenHash)
    .executeTakeFirst();
  return (
    row && { id: row.id, memberId: row.member_id, expiresAt: row.expires_at, revokedAt: row.revoked_at, isAdmin: row.is_admin, login: row.login, displayName: row.display_name }
  );
}
