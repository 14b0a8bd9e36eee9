/**
 * Logs expected bad input (malformed frames, refused updates, WebSocket protocol errors) without
 * letting a client write the log: per kind, the first occurrence is logged at once, the others of
 * the same interval are only counted, and one line per interval gives the count — across all
 * connections, so 200 sockets each sending a bad frame write two lines, not 200 (issue 10, "Logs
 * as a weapon"). No stack traces: this is input, not a fault of ours.
 */
import type { FastifyBaseLogger } from 'fastify';

export interface BadInputLogOptions {
  /** Length of a counting interval, in ms (default 10 s). */
  intervalMs?: number;
  /** Level of every line (default 'info'). */
  level?: 'debug' | 'info' | 'warn';
}

export class BadInputLog {
  private readonly windows = new Map<string, { count: number; timer: NodeJS.Timeout }>();
  private readonly intervalMs: number;
  private readonly level: 'debug' | 'info' | 'warn';

  constructor(
    private readonly logger: FastifyBaseLogger,
    options: BadInputLogOptions = {},
  ) {
    this.intervalMs = options.intervalMs ?? 10_000;
    this.level = options.level ?? 'info';
  }

  /**
   * One occurrence of bad input of `kind` (a short stable name, e.g. 'malformed frame'), with the
   * fields of this occurrence (document, connection, reason): logged if it is the first of its
   * interval, else counted into the interval's summary line.
   */
  report(kind: string, fields: Record<string, unknown> = {}): void {
    const window = this.windows.get(kind);
    if (window) {
      window.count++;
      return;
    }
    this.logger[this.level]({ ...fields, kind }, `bad input: ${kind}`);
    this.open(kind);
  }

  /** Stops the timers (counts not yet logged are dropped). */
  close(): void {
    for (const { timer } of this.windows.values()) clearTimeout(timer);
    this.windows.clear();
  }

  /** Starts a counting interval for `kind`. */
  private open(kind: string): void {
    const timer = setTimeout(() => this.flush(kind), this.intervalMs);
    timer.unref();
    this.windows.set(kind, { count: 0, timer });
  }

  /** Ends an interval: its count, if any, is logged and a new interval counts what still comes. */
  private flush(kind: string): void {
    const window = this.windows.get(kind);
    this.windows.delete(kind);
    if (!window || window.count === 0) return;
    const seconds = this.intervalMs / 1000;
    this.logger[this.level]({ kind, count: window.count, seconds }, `bad input: ${kind} (${window.count} more in the last ${seconds} s)`);
    this.open(kind);
  }
}
