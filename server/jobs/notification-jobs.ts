/**
 * Background work of notifications: deadline reminders (24 h and 2 h before a round closes, to
 * participants who have not commented) and, with SMTP configured, draining the e-mail outbox.
 * Both are safe on several instances at once: a reminder stage is claimed by a unique key, an
 * e-mail by a row lock. Each sleeps until its next due moment (re-checked on every committed
 * change in this process) and polls as a safety net for work written by another instance.
 */
import type { FastifyBaseLogger } from 'fastify';
import type { Clock } from '../services/clock.js';
import type { MailService } from '../services/mail.service.js';
import type { NotificationsService } from '../services/notifications.service.js';

export class NotificationJobs {
  private timer: NodeJS.Timeout | undefined;
  private running: Promise<void> | undefined;
  private again = false;
  private stopped = true;

  constructor(
    private readonly notifications: NotificationsService,
    private readonly mail: MailService | undefined,
    private readonly clock: Clock,
    private readonly logger: FastifyBaseLogger,
    private readonly pollMs = 30_000,
  ) {}

  async start(): Promise<void> {
    this.stopped = false;
    await this.run();
  }

  /** Something was committed (a notification may have been queued, a round opened): look now. */
  wake(): void {
    if (this.stopped) return;
    if (this.running) {
      this.again = true;
      return;
    }
    void this.run();
  }

  async stop(): Promise<void> {
    this.stopped = true;
    clearTimeout(this.timer);
    await this.running;
    this.mail?.close();
  }

  /** One pass: reminders, then e-mail; then sleep until the next due moment. Passes never overlap. */
  private async run(): Promise<void> {
    if (this.stopped) return;
    this.running = (async () => {
      do {
        this.again = false;
        try {
          const reminded = await this.notifications.sendDueReminders();
          if (reminded > 0) this.logger.info({ reminded }, 'sent deadline reminders');
        } catch (error) {
          this.logger.error({ err: error }, 'sending deadline reminders failed; will retry');
        }
        if (this.mail) {
          try {
            const sent = await this.mail.deliverDue();
            if (sent > 0) this.logger.info({ sent }, 'e-mailed notifications');
          } catch (error) {
            this.logger.error({ err: error }, 'e-mailing notifications failed; will retry');
          }
        }
      } while (this.again && !this.stopped);
    })();
    await this.running;
    this.running = undefined;
    await this.schedule();
  }

  private async schedule(): Promise<void> {
    if (this.stopped) return;
    let waitMs = this.pollMs;
    try {
      const [reminder, mail] = await Promise.all([this.notifications.nextReminderDue(), this.mail?.nextDue()]);
      const now = this.clock.now().getTime();
      for (const at of [reminder, mail]) if (at) waitMs = Math.min(waitMs, Math.max(0, at.getTime() - now));
    } catch (error) {
      this.logger.error({ err: error }, 'reading the next notification job failed');
    }
    clearTimeout(this.timer);
    if (this.stopped) return;
    // At least a second apart: a due item that keeps failing must not spin.
    this.timer = setTimeout(() => void this.run(), Math.max(1_000, waitMs));
    this.timer.unref();
  }
}
