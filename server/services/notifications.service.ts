/**
 * Notifications (API.md "People and notifications"): written by the services whose change causes
 * them, inside that change's transaction (so a notification exists exactly when its cause does),
 * listed and marked read by their member, e-mailed through an outbox when SMTP is configured,
 * and the deadline reminders, claimed once per (round, stage) across restarts and instances.
 */
import { createHmac, randomBytes, timingSafeEqual } from 'node:crypto';
import type { Db } from '../db/connect.js';
import { appSecret } from '../db/secrets.repository.js';
import {
  claimReminder,
  contactOf,
  countUnread,
  listNotifications,
  markRead,
  membersUnder,
  nextReminderDue,
  notifyMembers,
  roundsNearDeadline,
  setContact,
  setReminderRecipients,
  silentParticipants,
  stopEmail,
  theseMembers,
  unitSecretaries,
  unitStaff,
  type NotificationRecord,
  type ReminderStage,
} from '../db/notifications.repository.js';
import { notificationText } from '../domain/notification-texts.js';
import { formatPath, type UnitPath } from '../domain/unit-path.js';
import type { Decision } from '../domain/vocabulary.js';
import { invalid } from '../errors.js';
import type { Clock } from './clock.js';
import type { Contact, Notification as PublicNotification } from '../http/schemas/notifications.js';

/** The reminder stages before a deadline (API.md: 24 h and 2 h), latest first. */
export const reminderStages: ReadonlyArray<{ stage: ReminderStage; beforeMs: number }> = [
  { stage: '2h', beforeMs: 2 * 3600_000 },
  { stage: '24h', beforeMs: 24 * 3600_000 },
];

const toPublic = (n: NotificationRecord): PublicNotification => ({
  id: n.id,
  kind: n.kind,
  documentId: n.documentId,
  ...(n.roundId ? { roundId: n.roundId } : {}),
  ...(n.annotationId ? { annotationId: n.annotationId } : {}),
  text: n.text,
  createdAt: n.createdAt.toISOString(),
  readAt: n.readAt ? n.readAt.toISOString() : null,
});

// A pragmatic address check (the SMTP server has the last word): one @, no spaces, a dot in the domain.
const emailPattern = /^[^\s@]+@[^\s@]+\.[^\s@]+$/;

export class NotificationsService {
  /** Called after a transaction that queued e-mail committed, so the mail job wakes at once. */
  onMailQueued: () => void = () => {};
  private unsubscribeKey: Promise<Buffer> | undefined;

  constructor(
    private readonly db: Db,
    private readonly clock: Clock,
    /** Queue e-mail (SMTP_URL is set). */
    readonly mailEnabled: boolean,
  ) {}

  // ——— written by other services, in their transactions ———

  /** `round.opened` to every participant of the round but the one who opened it. */
  roundOpened(tx: Db, round: { id: string; documentId: string; number: number; closesAt: Date; scopePath: UnitPath }, title: string, openedBy: string): Promise<number> {
    const text = notificationText({ kind: 'round.opened', title, roundNumber: round.number, closesAt: round.closesAt });
    return notifyMembers(tx, membersUnder(formatPath(round.scopePath), openedBy), { kind: 'round.opened', documentId: round.documentId, roundId: round.id, text, at: this.clock.now() }, this.mailEnabled);
  }

  /**
   * A round opened closer to its deadline than a reminder stage: that stage is claimed as done,
   * so members do not get a "deadline approaching" at the moment they are told it opened.
   */
  async skipPassedReminders(tx: Db, roundId: string, closesAt: Date): Promise<void> {
    const now = this.clock.now();
    for (const { stage, beforeMs } of reminderStages) {
      if (closesAt.getTime() - now.getTime() <= beforeMs) await claimReminder(tx, roundId, stage, now, 0);
    }
  }

  /** `reply.created` to the annotation's author, unless they wrote the reply. */
  replied(tx: Db, a: { id: string; documentId: string; roundId: string; authorId: string | null; quote: string }, title: string, replier: { id: string; name: string }): Promise<number> {
    if (!a.authorId || a.authorId === replier.id) return Promise.resolve(0);
    const text = notificationText({ kind: 'reply.created', title, replierName: replier.name, quote: a.quote });
    return notifyMembers(tx, theseMembers([a.authorId]), { kind: 'reply.created', documentId: a.documentId, roundId: a.roundId, annotationId: a.id, text, at: this.clock.now() }, this.mailEnabled);
  }

  /** `disposition.set` to the annotation's author, unless they decided it themselves. */
  decided(tx: Db, a: { id: string; documentId: string; roundId: string; authorId: string | null; quote: string }, title: string, decision: Decision, decidedBy: string): Promise<number> {
    if (!a.authorId || a.authorId === decidedBy) return Promise.resolve(0);
    const text = notificationText({ kind: 'disposition.set', title, decision, quote: a.quote });
    return notifyMembers(tx, theseMembers([a.authorId]), { kind: 'disposition.set', documentId: a.documentId, roundId: a.roundId, annotationId: a.id, text, at: this.clock.now() }, this.mailEnabled);
  }

  /** `package.received` to the drafters and secretaries of the receiving unit. */
  packageReceived(tx: Db, p: { documentId: string; toUnitId: string; fromUnitName: string; items: number }, title: string, submittedBy: string): Promise<number> {
    const text = notificationText({ kind: 'package.received', title, fromUnitName: p.fromUnitName, items: p.items });
    return notifyMembers(tx, unitStaff(p.toUnitId, submittedBy), { kind: 'package.received', documentId: p.documentId, text, at: this.clock.now() }, this.mailEnabled);
  }

  /** `round.reminder` to these members (the silent ones staff chose to remind; the caller claimed them). */
  remindedToComment(tx: Db, round: { id: string; documentId: string; number: number; closesAt: Date }, title: string, memberIds: readonly string[], senderName: string): Promise<number> {
    if (memberIds.length === 0) return Promise.resolve(0);
    const text = notificationText({ kind: 'round.reminder', title, roundNumber: round.number, closesAt: round.closesAt, senderName });
    return notifyMembers(tx, theseMembers(memberIds), { kind: 'round.reminder', documentId: round.documentId, roundId: round.id, text, at: this.clock.now() }, this.mailEnabled);
  }

  /** `package.requested` to the secretaries of each unit asked for its package, naming their unit. Returns the members notified. */
  async packageRequested(tx: Db, documentId: string, title: string, units: ReadonlyArray<{ id: string; name: string }>, receiverName: string): Promise<number> {
    let n = 0;
    for (const unit of units) {
      const text = notificationText({ kind: 'package.requested', title, unitName: unit.name, receiverName });
      n += await notifyMembers(tx, unitSecretaries([unit.id]), { kind: 'package.requested', documentId, text, at: this.clock.now() }, this.mailEnabled);
    }
    return n;
  }

  // ——— the member's own ———

  async list(memberId: string, unreadOnly: boolean): Promise<{ items: PublicNotification[]; unread: number }> {
    const [items, unread] = await Promise.all([listNotifications(this.db, memberId, { unreadOnly, limit: 200 }), countUnread(this.db, memberId)]);
    return { items: items.map(toPublic), unread };
  }

  /** Marks the caller's notifications among `ids` read; ids of others' or unknown ones change nothing. */
  async markRead(memberId: string, ids: readonly string[]): Promise<{ read: number; unread: number }> {
    const read = await markRead(this.db, memberId, [...new Set(ids)], this.clock.now());
    return { read, unread: await countUnread(this.db, memberId) };
  }

  async contact(memberId: string): Promise<Contact> {
    return (await contactOf(this.db, memberId)) ?? { email: null, notifyByEmail: true };
  }

  /** Sets the member's address (`null` or empty removes it) and whether notifications are e-mailed. 400 on a malformed address. */
  async setContact(memberId: string, input: { email?: string | null | undefined; notifyByEmail?: boolean | undefined }): Promise<Contact> {
    const current = await this.contact(memberId);
    let email = current.email;
    if (input.email !== undefined) {
      const given = input.email === null ? '' : input.email.trim();
      if (given !== '' && (!emailPattern.test(given) || given.length > 320)) throw invalid(`email "${given}" is not an e-mail address`);
      email = given === '' ? null : given;
    }
    const next = { email, notifyByEmail: input.notifyByEmail ?? current.notifyByEmail };
    await setContact(this.db, memberId, next, this.clock.now());
    return next;
  }

  // ——— unsubscribe links ———

  /** The signed token of a member's unsubscribe link: their id and an HMAC of it (no expiry: a link in an old e-mail still works). */
  async unsubscribeToken(memberId: string): Promise<string> {
    const id = Buffer.from(memberId.replace(/-/g, ''), 'hex');
    return Buffer.concat([id, this.sign(await this.key(), id)]).toString('base64url');
  }

  /** Turns e-mail off for the token's member, without login. 400 `validation_failed` when the token is not one we signed. */
  async unsubscribe(token: string): Promise<{ memberId: string }> {
    const raw = Buffer.from(token, 'base64url');
    const bad = () => invalid('this unsubscribe link is not valid');
    if (raw.length !== 32) throw bad();
    const id = raw.subarray(0, 16);
    if (!timingSafeEqual(raw.subarray(16), this.sign(await this.key(), id))) throw bad();
    const hex = id.toString('hex');
    const memberId = `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
    if (!(await stopEmail(this.db, memberId, this.clock.now()))) throw bad();
    return { memberId };
  }

  private sign(key: Buffer, id: Buffer): Buffer {
    return createHmac('sha256', key).update('draftroom.unsubscribe:').update(id).digest().subarray(0, 16);
  }

  /** The signing key, made once and kept in the database so every instance and restart agrees. */
  private key(): Promise<Buffer> {
    this.unsubscribeKey ??= appSecret(this.db, 'unsubscribe', () => randomBytes(32)).catch((error: unknown) => {
      this.unsubscribeKey = undefined;
      throw error;
    });
    return this.unsubscribeKey;
  }

  // ——— deadline reminders ———

  /**
   * Sends the reminders due now: for each open round within 24 h of its deadline, the latest stage
   * it has entered (2 h before 24 h: after a long outage only the nearer reminder goes out, and
   * the earlier is claimed as passed), to its participants who have not commented. Each stage is
   * claimed in the transaction that writes its notifications, so it goes out exactly once however
   * many instances run this and however often they restart. Returns the notifications written.
   */
  async sendDueReminders(): Promise<number> {
    const now = this.clock.now();
    let sent = 0;
    for (const round of await roundsNearDeadline(this.db, now, reminderStages[reminderStages.length - 1]!.beforeMs)) {
      const left = round.closesAt.getTime() - now.getTime();
      const due = reminderStages.filter((s) => left <= s.beforeMs && !round.claimed.includes(s.stage));
      const latest = due[0];
      if (!latest) continue;
      sent += await this.db.transaction().execute(async (tx) => {
        if (!(await claimReminder(tx, round.roundId, latest.stage, now))) return 0;
        for (const earlier of due.slice(1)) await claimReminder(tx, round.roundId, earlier.stage, now);
        const text = notificationText({ kind: 'round.closing', title: round.title, roundNumber: round.number, closesAt: round.closesAt, hoursLeft: Math.max(1, Math.ceil(left / 3600_000)) });
        const n = await notifyMembers(tx, silentParticipants(round.roundId, round.scopePath), { kind: 'round.closing', documentId: round.documentId, roundId: round.roundId, text, at: now }, this.mailEnabled);
        await setReminderRecipients(tx, round.roundId, latest.stage, n);
        return n;
      });
    }
    if (sent > 0 && this.mailEnabled) this.onMailQueued();
    return sent;
  }

  /** When the next unclaimed reminder falls due, for the job's timer. */
  nextReminderDue(): Promise<Date | undefined> {
    return nextReminderDue(this.db, reminderStages);
  }
}
