/**
 * Background work of notifications: deadline reminders (24 h and 2 h before a round closes, to
 * participants who have not commented) and, with SMTP configured, draining the e-mail outbox.
 * Both are safe on several instances at once: a reminder stage is claimed by a unique key, an
 * e-mail by a row lock. The loop (due-loop.ts) sleeps until the next due moment (woken on every
 * committed change in this process) and polls as a safety net for work written by another instance.
 */
import type { FastifyBaseLogger } from 'fastify';
import type { Clock } from '../services/clock.js';
import type { MailService } from '../services/mail.service.js';
import type { NotificationsService } from '../services/notifications.service.js';
import { DueLoop } from './due-loop.js';

export class NotificationJobs {
  private readonly loop: DueLoop;

  constructor(
    notifications: NotificationsService,
    private readonly mail: MailService | undefined,
    clock: Clock,
    logger: FastifyBaseLogger,
    pollMs = 30_000,
  ) {
    this.loop = new DueLoop({
      name: 'notification job',
      clock,
      logger,
      pollMs,
      // At least a second apart: a due item that keeps failing must not spin.
      minWaitMs: 1_000,
      nextDue: async () => {
        const due = (await Promise.all([notifications.nextReminderDue(), mail?.nextDue()])).filter((at): at is Date => at !== undefined);
        return due.length > 0 ? new Date(Math.min(...due.map((at) => at.getTime()))) : undefined;
      },
      // One pass: reminders, then e-mail.
      pass: async () => {
        try {
          const reminded = await notifications.sendDueReminders();
          if (reminded > 0) logger.info({ reminded }, 'sent deadline reminders');
        } catch (error) {
          logger.error({ err: error }, 'sending deadline reminders failed; will retry');
        }
        if (!mail) return;
        try {
          const sent = await mail.deliverDue();
          if (sent > 0) logger.info({ sent }, 'e-mailed notifications');
        } catch (error) {
          logger.error({ err: error }, 'e-mailing notifications failed; will retry');
        }
      },
    });
  }

  start(): Promise<void> {
    return this.loop.start();
  }

  /** Something was committed (a notification may have been queued, a round opened): look now. */
  wake(): void {
    this.loop.wake();
  }

  async stop(): Promise<void> {
    await this.loop.stop();
    this.mail?.close();
  }
}
