/**
 * Notifications, their e-mail outbox and the deadline-reminder claims. Recipients are chosen by
 * SQL (`insert … select`), so a round opened to a province's 80,000 members is one statement.
 */
import { sql, type RawBuilder } from 'kysely';
import type { Db } from './connect.js';
import type { NotificationKind } from './schema.js';
import { staffRoles } from '../domain/permissions.js';

export interface NewNotification {
  kind: NotificationKind;
  documentId: string;
  roundId?: string | null;
  annotationId?: string | null;
  text: string;
  at: Date;
}

export interface NotificationRecord {
  id: string;
  kind: NotificationKind;
  documentId: string;
  roundId: string | null;
  annotationId: string | null;
  text: string;
  createdAt: Date;
  readAt: Date | null;
}

/**
 * Inserts one notification per member that `recipients` (a query of one column `member_id`)
 * yields, and, when `mail` is true, queues an e-mail for each recipient with an address who has
 * not turned e-mail off. Runs in the caller's transaction. Returns how many were notified.
 */
export async function notifyMembers(tx: Db, recipients: RawBuilder<unknown>, notification: NewNotification, mail: boolean): Promise<number> {
  const result = await sql<{ n: number }>`
    with recipients as (${recipients}),
    inserted as (
      insert into notifications (member_id, kind, document_id, round_id, annotation_id, text, created_at)
      select distinct r.member_id, ${notification.kind}, ${notification.documentId}::uuid, ${notification.roundId ?? null}::uuid,
             ${notification.annotationId ?? null}::uuid, ${notification.text}, ${notification.at}::timestamptz
      from recipients r
      returning id, member_id
    ),
    queued as (
      insert into mail_outbox (notification_id, created_at, next_attempt_at)
      select i.id, ${notification.at}::timestamptz, ${notification.at}::timestamptz
      from inserted i join members m on m.id = i.member_id
      where ${mail} and m.email is not null and m.notify_by_email
      returning 1
    )
    select (select count(*) from inserted)::int as n`.execute(tx);
  return result.rows[0]?.n ?? 0;
}

/** Recipients: exactly these members. */
export function theseMembers(memberIds: readonly string[]): RawBuilder<unknown> {
  return sql`select unnest(${[...memberIds]}::uuid[]) as member_id`;
}

/** Recipients: every member of the unit with that ltree path or of a unit below it, but `except`. */
export function membersUnder(scopePath: string, except: string | null): RawBuilder<unknown> {
  return sql`
    select m.member_id from memberships m join units u on u.id = m.unit_id
    where u.path <@ ${scopePath}::ltree and m.member_id is distinct from ${except}::uuid`;
}

/** Recipients: the round's participants (members of its scope subtree) with no active annotation in it. */
export function silentParticipants(roundId: string, scopePath: string): RawBuilder<unknown> {
  return sql`
    select m.member_id from memberships m join units u on u.id = m.unit_id
    where u.path <@ ${scopePath}::ltree
      and not exists (select 1 from annotations a where a.round_id = ${roundId}::uuid and a.author_id = m.member_id and a.status = 'active')`;
}

/** Recipients: the drafters and secretaries of a unit (its staff), but `except`. */
export function unitStaff(unitId: string, except: string | null): RawBuilder<unknown> {
  return sql`
    select member_id from memberships
    where unit_id = ${unitId}::uuid and role = any(${[...staffRoles]}::text[]) and member_id is distinct from ${except}::uuid`;
}

/** Recipients: the secretaries of these units. */
export function unitSecretaries(unitIds: readonly string[]): RawBuilder<unknown> {
  return sql`select member_id from memberships where unit_id = any(${[...unitIds]}::uuid[]) and role = 'secretary'`;
}

/** A member's notifications, newest first (at most `limit`). */
export async function listNotifications(db: Db, memberId: string, options: { unreadOnly: boolean; limit: number }): Promise<NotificationRecord[]> {
  let query = db
    .selectFrom('notifications')
    .select(['id', 'kind', 'document_id', 'round_id', 'annotation_id', 'text', 'created_at', 'read_at'])
    .where('member_id', '=', memberId);
  if (options.unreadOnly) query = query.where('read_at', 'is', null);
  const rows = await query.orderBy('created_at', 'desc').orderBy('id', 'desc').limit(options.limit).execute();
  return rows.map((r) => ({
    id: r.id,
    kind: r.kind,
    documentId: r.document_id,
    roundId: r.round_id,
    annotationId: r.annotation_id,
    text: r.text,
    createdAt: r.created_at,
    readAt: r.read_at,
  }));
}

/** How many notifications of the member are unread. */
export async function countUnread(db: Db, memberId: string): Promise<number> {
  const row = await db.selectFrom('notifications').select((eb) => eb.fn.countAll<number>().as('n')).where('member_id', '=', memberId).where('read_at', 'is', null).executeTakeFirst();
  return Number(row?.n ?? 0);
}

/** Marks the member's own notifications among `ids` read (others' ids are ignored); returns how many changed. */
export async function markRead(db: Db, memberId: string, ids: readonly string[], at: Date): Promise<number> {
  if (ids.length === 0) return 0;
  const result = await db
    .updateTable('notifications')
    .set({ read_at: at })
    .where('member_id', '=', memberId)
    .where('id', 'in', [...ids])
    .where('read_at', 'is', null)
    .executeTakeFirst();
  return Number(result.numUpdatedRows);
}

export interface PendingMail {
  notificationId: string;
  attempts: number;
  memberId: string;
  /** Null when the member removed the address since. */
  email: string | null;
  /** False when the member turned e-mail off since. */
  notify: boolean;
  displayName: string;
  kind: NotificationKind;
  documentId: string;
  roundId: string | null;
  annotationId: string | null;
  text: string;
  title: string;
}

/**
 * Claims the oldest due e-mail in the caller's transaction (`for update skip locked`: another
 * instance's job takes the next one).
 */
export async function claimDueMail(tx: Db, now: Date): Promise<PendingMail | undefined> {
  const row = await sql<{
    notification_id: string;
    attempts: number;
    member_id: string;
    email: string | null;
    notify_by_email: boolean;
    display_name: string;
    kind: NotificationKind;
    document_id: string;
    round_id: string | null;
    annotation_id: string | null;
    text: string;
    title: string;
  }>`
    select o.notification_id, o.attempts, n.member_id, m.email, m.notify_by_email, m.display_name, n.kind, n.document_id,
           n.round_id, n.annotation_id, n.text, d.title
    from mail_outbox o
      join notifications n on n.id = o.notification_id
      join members m on m.id = n.member_id
      join documents d on d.id = n.document_id
    where o.sent_at is null and o.next_attempt_at <= ${now}::timestamptz
    order by o.next_attempt_at, o.notification_id
    limit 1
    for update of o skip locked`.execute(tx);
  const r = row.rows[0];
  if (!r) return undefined;
  return {
    notificationId: r.notification_id,
    attempts: r.attempts,
    memberId: r.member_id,
    email: r.email,
    notify: r.notify_by_email,
    displayName: r.display_name,
    kind: r.kind,
    documentId: r.document_id,
    roundId: r.round_id,
    annotationId: r.annotation_id,
    text: r.text,
    title: r.title,
  };
}

/** Records the outcome of one delivery attempt: sent (or skipped), or failed with a retry time. */
export async function settleMail(tx: Db, notificationId: string, outcome: { sentAt: Date } | { error: string; retryAt: Date }): Promise<void> {
  if ('sentAt' in outcome) {
    await tx.updateTable('mail_outbox').set({ sent_at: outcome.sentAt, last_error: null }).where('notification_id', '=', notificationId).execute();
    return;
  }
  await tx
    .updateTable('mail_outbox')
    .set((eb) => ({ attempts: eb('attempts', '+', 1), last_error: outcome.error.slice(0, 2000), next_attempt_at: outcome.retryAt }))
    .where('notification_id', '=', notificationId)
    .execute();
}

/** When the next queued e-mail is due, or undefined when none waits. */
export async function nextMailDue(db: Db): Promise<Date | undefined> {
  const row = await db.selectFrom('mail_outbox').select((eb) => eb.fn.min('next_attempt_at').as('at')).where('sent_at', 'is', null).executeTakeFirst();
  return row?.at ? new Date(row.at as Date) : undefined;
}

export type ReminderStage = '24h' | '2h';

/**
 * Claims a round's reminder stage: true for exactly one caller ever (the primary key decides,
 * across instances and restarts). Runs in the caller's transaction, so a rollback releases it.
 */
export async function claimReminder(tx: Db, roundId: string, stage: ReminderStage, at: Date, recipients = 0): Promise<boolean> {
  const row = await tx
    .insertInto('round_reminders')
    .values({ round_id: roundId, stage, claimed_at: at, recipients })
    .onConflict((oc) => oc.columns(['round_id', 'stage']).doNothing())
    .returning('round_id')
    .executeTakeFirst();
  return row !== undefined;
}

export async function setReminderRecipients(tx: Db, roundId: string, stage: ReminderStage, recipients: number): Promise<void> {
  await tx.updateTable('round_reminders').set({ recipients }).where('round_id', '=', roundId).where('stage', '=', stage).execute();
}

export interface ReminderCandidate {
  roundId: string;
  documentId: string;
  number: number;
  closesAt: Date;
  scopePath: string;
  title: string;
  claimed: ReminderStage[];
}

/** Open rounds whose deadline is within `horizonMs` of `now` and still ahead, with the stages claimed so far. */
export async function roundsNearDeadline(db: Db, now: Date, horizonMs: number): Promise<ReminderCandidate[]> {
  const rows = await sql<{ id: string; document_id: string; number: number; closes_at: Date; scope_path: string; title: string; claimed: string[] | null }>`
    select r.id, r.document_id, r.number, r.closes_at, su.path::text as scope_path, d.title,
           (select array_agg(stage) from round_reminders rr where rr.round_id = r.id) as claimed
    from rounds r join units su on su.id = r.scope_unit_id join documents d on d.id = r.document_id
    where r.status = 'open' and r.closes_at > ${now}::timestamptz and r.closes_at <= ${new Date(now.getTime() + horizonMs)}::timestamptz
    order by r.closes_at`.execute(db);
  return rows.rows.map((r) => ({
    roundId: r.id,
    documentId: r.document_id,
    number: r.number,
    closesAt: r.closes_at,
    scopePath: r.scope_path,
    title: r.title,
    claimed: (r.claimed ?? []) as ReminderStage[],
  }));
}

/** The earliest moment a not-yet-claimed reminder of an open round falls due (for the job's timer). */
export async function nextReminderDue(db: Db, stages: ReadonlyArray<{ stage: ReminderStage; beforeMs: number }>): Promise<Date | undefined> {
  let earliest: Date | undefined;
  for (const { stage, beforeMs } of stages) {
    const row = await sql<{ at: Date | null }>`
      select min(r.closes_at - make_interval(secs => ${beforeMs / 1000})) as at from rounds r
      where r.status = 'open' and not exists (select 1 from round_reminders rr where rr.round_id = r.id and rr.stage = ${stage})`.execute(db);
    const at = row.rows[0]?.at;
    if (at && (!earliest || at < earliest)) earliest = new Date(at);
  }
  return earliest;
}

export async function setContact(db: Db, memberId: string, contact: { email: string | null; notifyByEmail: boolean }, at: Date): Promise<void> {
  await db.updateTable('members').set({ email: contact.email, notify_by_email: contact.notifyByEmail, updated_at: at }).where('id', '=', memberId).execute();
}

export async function contactOf(db: Db, memberId: string): Promise<{ email: string | null; notifyByEmail: boolean } | undefined> {
  const row = await db.selectFrom('members').select(['email', 'notify_by_email']).where('id', '=', memberId).executeTakeFirst();
  return row && { email: row.email, notifyByEmail: row.notify_by_email };
}

/** Stops e-mail for a member (an unsubscribe link); false when there is no such member. */
export async function stopEmail(db: Db, memberId: string, at: Date): Promise<boolean> {
  const result = await db.updateTable('members').set({ notify_by_email: false, updated_at: at }).where('id', '=', memberId).executeTakeFirst();
  return Number(result.numUpdatedRows) > 0;
}
