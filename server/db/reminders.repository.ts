/**
 * Reminders sent by hand (issue 15): the last one per (what, subject, recipient), claimed by a
 * unique key so each recipient is reminded at most once per window.
 */
import { sql } from 'kysely';
import type { Db } from './connect.js';

/** `member`: a member reminded to comment in a round (subject: the round); `unit`: a unit reminded to send its package (subject: the document). */
export type ReminderTarget = 'member' | 'unit';

/**
 * Claims the reminder of each recipient whose last reminder on this subject is older than
 * `windowMs` (or who has none), recording `at` and `by`; returns the ids claimed. Runs in the
 * caller's transaction: a concurrent claim of the same recipient waits on the row and then finds
 * it recent, so it is claimed once; a rollback releases it.
 */
export async function claimManualReminders(
  tx: Db,
  what: ReminderTarget,
  subjectId: string,
  recipientIds: readonly string[],
  by: string,
  at: Date,
  windowMs: number,
): Promise<string[]> {
  if (recipientIds.length === 0) return [];
  const result = await sql<{ recipient_id: string }>`
    insert into manual_reminders (what, subject_id, recipient_id, reminded_at, reminded_by)
    select ${what}, ${subjectId}::uuid, r, ${at}::timestamptz, ${by}::uuid from unnest(${[...new Set(recipientIds)]}::uuid[]) as r
    on conflict (what, subject_id, recipient_id) do update set reminded_at = excluded.reminded_at, reminded_by = excluded.reminded_by
    where manual_reminders.reminded_at <= excluded.reminded_at - make_interval(secs => ${windowMs / 1000})
    returning recipient_id`.execute(tx);
  return result.rows.map((r) => r.recipient_id);
}

/** When each recipient on this subject was last reminded by hand (recipients never reminded are absent). */
export async function lastManualReminders(db: Db, what: ReminderTarget, subjectId: string): Promise<Map<string, Date>> {
  const rows = await db.selectFrom('manual_reminders').select(['recipient_id', 'reminded_at']).where('what', '=', what).where('subject_id', '=', subjectId).execute();
  return new Map(rows.map((r) => [r.recipient_id, r.reminded_at]));
}
