/** One-time activation codes (services/activations.ts makes them); only a code's sha256 is stored. */
import { sql } from 'kysely';
import type { Db } from './connect.js';

/** Stores one code hash per member, replacing any earlier codes of theirs. Run inside a transaction. */
export async function replaceActivationCodes(tx: Db, codes: ReadonlyArray<{ memberId: string; codeHash: Buffer }>, expiresAt: Date): Promise<void> {
  if (codes.length === 0) return;
  await sql`delete from activation_codes where member_id = any(${codes.map((c) => c.memberId)}::uuid[])`.execute(tx);
  await sql`insert into activation_codes (code_hash, member_id, expires_at)
    select hash, member_id, ${expiresAt} from unnest(
      ${codes.map((c) => c.codeHash)}::bytea[], ${codes.map((c) => c.memberId)}::uuid[]
    ) as t(hash, member_id)`.execute(tx);
}

/** Which of `memberIds` hold a code that has not expired at `now`. */
export async function membersHoldingValidCodes(tx: Db, memberIds: readonly string[], now: Date): Promise<Set<string>> {
  if (memberIds.length === 0) return new Set();
  const rows = await sql<{ member_id: string }>`select distinct member_id from activation_codes
    where member_id = any(${[...memberIds]}::uuid[]) and expires_at > ${now}`.execute(tx);
  return new Set(rows.rows.map((r) => r.member_id));
}

/**
 * Uses the member's code that hashes to `codeHash` if it is valid at `now`, and drops their other
 * codes; false when there is none. Deleting is what makes a code single-use, even under
 * concurrent attempts. Run inside a transaction.
 */
export async function consumeActivationCode(tx: Db, memberId: string, codeHash: Buffer, now: Date): Promise<boolean> {
  const used = await tx
    .deleteFrom('activation_codes')
    .where('code_hash', '=', codeHash)
    .where('member_id', '=', memberId)
    .where('expires_at', '>', now)
    .returning('member_id')
    .executeTakeFirst();
  if (!used) return false;
  await tx.deleteFrom('activation_codes').where('member_id', '=', memberId).execute();
  return true;
}
