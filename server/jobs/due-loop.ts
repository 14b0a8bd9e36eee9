/**
 * The one timer loop of the background jobs: run a pass, then sleep until the next due moment
 * (on the injected clock) or `pollMs`, whichever is sooner — the poll is the safety net for work
 * written by another instance. Passes never overlap: a wake during a pass runs one more pass
 * right after it. Each pass logs its own failures; the loop only logs a failed `nextDue`.
 */
import type { FastifyBaseLogger } from 'fastify';
import type { Clock } from '../services/clock.js';

export interface DueLoopOptions {
  /** One pass of the work. It should catch and log its own errors (the loop goes on regardless). */
  pass: () => Promise<void>;
  /** The next moment work is due, if known. */
  nextDue: () => Promise<Date | undefined>;
  clock: Clock;
  logger: FastifyBaseLogger;
  /** Longest sleep, in ms (30 s unless told). */
  pollMs?: number;
  /** Shortest sleep, in ms (0 unless told): a due item that keeps failing must not spin. */
  minWaitMs?: number;
  /** Names the job in the log line of a failed `nextDue`. */
  name: string;
}

export class DueLoop {
  private timer: NodeJS.Timeout | undefined;
  private running: Promise<void> | undefined;
  private again = false;
  private stopped = true;

  constructor(private readonly options: DueLoopOptions) {}

  /** Runs a first pass (work that fell due while the server was down) and arms the timer. */
  async start(): Promise<void> {
    this.stopped = false;
    await this.run();
  }

  /** Work may be due now: run a pass at once (or one more after the pass under way). */
  wake(): void {
    if (this.stopped) return;
    if (this.running) {
      this.again = true;
      return;
    }
    void this.run();
  }

  /** A due moment may have come nearer: re-read it and re-arm the timer, without a pass now. */
  rearm(): void {
    if (!this.stopped) void this.schedule();
  }

  /** Stops the timer and waits for the pass under way, if any. */
  async stop(): Promise<void> {
    this.stopped = true;
    clearTimeout(this.timer);
    await this.running;
  }

  private async run(): Promise<void> {
    if (this.stopped) return;
    this.running = (async () => {
      do {
        this.again = false;
        await this.options.pass();
      } while (this.again && !this.stopped);
    })();
    await this.running;
    this.running = undefined;
    await this.schedule();
  }

  private async schedule(): Promise<void> {
    if (this.stopped) return;
    let waitMs = this.options.pollMs ?? 30_000;
    try {
      const next = await this.options.nextDue();
      if (next) waitMs = Math.min(waitMs, Math.max(0, next.getTime() - this.options.clock.now().getTime()));
    } catch (error) {
      this.options.logger.error({ err: error }, `reading the next ${this.options.name} moment failed`);
    }
    clearTimeout(this.timer);
    if (this.stopped) return;
    this.timer = setTimeout(() => void this.run(), Math.max(this.options.minWaitMs ?? 0, waitMs));
    this.timer.unref();
  }
}
