/**
 * Closes rounds at their deadline, on the server's clock, whether or not anyone is looking. At
 * start it closes every round whose deadline passed while the server was down; then it sleeps
 * until the next deadline (re-armed when a round opens) and polls as a safety net for rounds
 * opened by another instance (due-loop.ts). Closing is idempotent, so several instances may run it.
 */
import type { FastifyBaseLogger } from 'fastify';
import type { Clock } from '../services/clock.js';
import type { RoundsService } from '../services/rounds.service.js';
import { DueLoop } from './due-loop.js';

export class RoundDeadlines {
  private readonly loop: DueLoop;

  constructor(rounds: RoundsService, clock: Clock, logger: FastifyBaseLogger, pollMs = 30_000) {
    this.loop = new DueLoop({
      name: 'round deadline',
      clock,
      logger,
      pollMs,
      nextDue: () => rounds.nextDeadline(),
      pass: async () => {
        try {
          const closed = await rounds.closeDue();
          if (closed > 0) logger.info({ closed }, 'closed rounds at their deadline');
        } catch (error) {
          logger.error({ err: error }, 'closing due rounds failed; will retry');
        }
      },
    });
  }

  start(): Promise<void> {
    return this.loop.start();
  }

  /** A round opened: its deadline may be the nearest one now. */
  rearm(): void {
    this.loop.rearm();
  }

  stop(): Promise<void> {
    return this.loop.stop();
  }
}
