/**
 * One-time activation codes for members imported without a password (API.md "Auth, units,
 * members" and "People and notifications"). Only a code's sha256 is stored; a code works once
 * and until it expires. Issuing codes to a member replaces the earlier ones.
 */
import type { Db } from '../db/connect.js';
import { replaceActivationCodes } from '../db/activation-codes.repository.js';
import { newActivationCode, normaliseActivationCode, sha256 } from './secrets.js';

/** How long a code stays valid, in ms (30 days: letters go out by post). */
export const activationTtlMs = 30 * 24 * 3600 * 1000;

export interface IssuedCode {
  login: string;
  code: string;
}

/** New codes for `members` (one each); their earlier codes stop working. Run inside a transaction. */
export async function issueActivationCodes(tx: Db, members: ReadonlyArray<{ id: string; login: string }>, now: Date): Promise<IssuedCode[]> {
  if (members.length === 0) return [];
  const issued = members.map((m) => ({ ...m, code: newActivationCode() }));
  const expiresAt = new Date(now.getTime() + activationTtlMs);
  await replaceActivationCodes(tx, issued.map((a) => ({ memberId: a.id, codeHash: sha256(normaliseActivationCode(a.code)) })), expiresAt);
  return issued.map(({ login, code }) => ({ login, code }));
}
