/**
 * E-mailing notifications (with SMTP_URL set) from the `mail_outbox` table: each message is
 * claimed in a transaction (`for update skip locked`, so instances share the work), sent, and
 * marked sent in that transaction; a failed send is retried later with back-off. A crash after
 * the SMTP server accepted a message but before the commit sends it again on restart: at least
 * once, never lost.
 */
import nodemailer, { type SendMailOptions, type Transporter } from 'nodemailer';
import type { Db } from '../db/connect.js';
import { claimDueMail, nextMailDue, settleMail, type PendingMail } from '../db/notifications.repository.js';
import { notificationPath, notificationSubject } from '../domain/notification-texts.js';
import type { Clock } from './clock.js';
import type { NotificationsService } from './notifications.service.js';

export interface MailSettings {
  /** `smtp://user:pass@host:port` or `smtps://…` (SMTP_URL). */
  smtpUrl: string;
  /** The From header (MAIL_FROM). */
  from: string;
  /** The address members open (PUBLIC_URL), for links. */
  publicUrl: string;
}

/** Gives up on a message after this many failed attempts (about a day of back-off). */
const maxAttempts = 12;

/** Back-off after the n-th failure: 30 s, 1 min, 2 min, … capped at 2 h. */
export function retryDelayMs(attempts: number): number {
  return Math.min(2 * 3600_000, 30_000 * 2 ** Math.max(0, attempts - 1));
}

export class MailService {
  private readonly transport: Transporter;

  constructor(
    private readonly db: Db,
    private readonly clock: Clock,
    private readonly notifications: NotificationsService,
    private readonly settings: MailSettings,
  ) {
    this.transport = nodemailer.createTransport(settings.smtpUrl);
  }

  /** Sends every due message, one transaction each; returns how many were sent. */
  async deliverDue(limit = 200): Promise<number> {
    let sent = 0;
    for (let i = 0; i < limit; i++) {
      const outcome = await this.db.transaction().execute(async (tx) => {
        const mail = await claimDueMail(tx, this.clock.now());
        if (!mail) return 'empty' as const;
        // The member removed the address or turned e-mail off after it was queued: nothing to send.
        if (!mail.email || !mail.notify) {
          await settleMail(tx, mail.notificationId, { sentAt: this.clock.now() });
          return 'skipped' as const;
        }
        try {
          await this.transport.sendMail(await this.compose(mail));
          await settleMail(tx, mail.notificationId, { sentAt: this.clock.now() });
          return 'sent' as const;
        } catch (error) {
          const attempts = mail.attempts + 1;
          const message = error instanceof Error ? error.message : String(error);
          // After the last attempt the row stays, with its error, for an operator to see.
          const retryAt = attempts >= maxAttempts ? new Date('9999-01-01T00:00:00Z') : new Date(this.clock.now().getTime() + retryDelayMs(attempts));
          await settleMail(tx, mail.notificationId, { error: message, retryAt });
          return 'failed' as const;
        }
      });
      if (outcome === 'empty') break;
      if (outcome === 'sent') sent++;
    }
    return sent;
  }

  /** When the next queued message is due (for the job's timer). */
  nextDue(): Promise<Date | undefined> {
    return nextMailDue(this.db);
  }

  close(): void {
    this.transport.close();
  }

  /** The message: the notification's sentence, a link to it, and an unsubscribe link (also as List-Unsubscribe, RFC 8058 one-click). */
  private async compose(mail: PendingMail): Promise<SendMailOptions> {
    const base = this.settings.publicUrl;
    const token = await this.notifications.unsubscribeToken(mail.memberId);
    const unsubscribePage = `${base}/unsubscribe?token=${encodeURIComponent(token)}`;
    const oneClick = `${base}/api/v1/unsubscribe?token=${encodeURIComponent(token)}`;
    const link = base + notificationPath(mail);
    const text = [
      `Kính gửi đồng chí ${mail.displayName},`,
      '',
      mail.text,
      '',
      `Xem tại: ${link}`,
      '',
      '—',
      'Thư này được gửi tự động từ draftroom. Để ngừng nhận thư thông báo, mở:',
      unsubscribePage,
    ].join('\n');
    return {
      from: this.settings.from,
      to: { name: mail.displayName, address: mail.email! },
      subject: notificationSubject(mail.kind, mail.title),
      text,
      headers: { 'List-Unsubscribe': `<${oneClick}>`, 'List-Unsubscribe-Post': 'List-Unsubscribe=One-Click' },
      messageId: `<${mail.notificationId}@draftroom>`,
    };
  }
}
