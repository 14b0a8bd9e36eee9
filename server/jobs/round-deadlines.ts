/**
 * Closes rounds at their deadline, on the server's clock, whether or not anyone is looking. At
 * start it closes every round whose deadline passed while the server was down; then it sleeps
 * until the next deadline (re-armed when a round opens) and polls as a safety net for rounds
 * opened by another instance. Closing is idempotent, so several instances may run it.
 */
import type { FastifyBaseLogger } from 'fastify';
import type { Clock } from '../services/clock.js';
import type { RoundsService } from '../services/rounds.service.js';

export class RoundDeadlines {
  private timer: NodeJS.Timeout | undefined;
  private running: Promise<void> | undefined;
  private stopped = false;

  constructor(
    private readonly rounds: RoundsService,
    private readonly clock: Clock,
    private readonly logger: FastifyBaseLogger,
    private readonly pollMs = 30_000,
  ) {}

  async start(): Promise<void> {
    this.stopped = false;
    await this.tick();
  }

  /** A round opened: its deadline may be the nearest one now. */
  rearm(): void {
    if (!this.stopped) void this.schedule();
  }

  async stop(): Promise<void> {
    this.stopped = true;
    clearTimeout(this.timer);
    await this.running;
  }

  private async tick(): Promise<void> {
    if (this.stopped) return;
    this.running = (async () => {
      try {
        const closed = await this.rounds.closeDue();
        if (closed > 0) this.logger.info({ closed }, 'closed rounds at their deadline');
      } catch (error) {
        this.logger.error({ err: error }, 'closing due rounds failed; will retry');
      }
    })();
    await this.running;
    this.running = undefined;
    await this.schedule();
  }

  private async schedule(): Promise<void> {
    if (this.stopped) return;
    let waitMs = this.pollMs;
    try {
      const next = await this.rounds.nextDeadline();
      if (next) waitMs = Math.min(waitMs, Math.max(0, next.getTime() - this.clock.now().getTime()));
    } catch (error) {
      this.logger.error({ err: error }, 'reading the next round deadline failed');
    }
    clearTimeout(this.timer);
    if (this.stopped) return;
    this.timer = setTimeout(() => void this.tick(), waitMs);
    this.timer.unref();
  }
}
