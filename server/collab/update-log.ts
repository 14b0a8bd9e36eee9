/**
 * Group commit for document updates. Every room hands its updates here and gets a promise that
 * resolves once they are committed; appends that arrive while a transaction is in flight wait
 * and share the next one, across all documents. Nothing is broadcast before its promise resolves.
 * A fault stays inside its document: the storage reports each append's own outcome, so one
 * document's refused rows reject only that document's appends; a failed transaction (the
 * database unreachable) is retried as a whole, then rejects everything in it.
 */
import type { AppendRequest, DocumentStorage } from './storage.js';

interface Pending extends AppendRequest {
  resolve(seq: number): void;
  reject(error: unknown): void;
}

export interface UpdateLogObserver {
  committed(rows: number, bytes: number, seconds: number): void;
  failed(error: unknown, attempt: number): void;
}

export interface UpdateLogOptions {
  /** Rows per transaction at most; a bigger backlog is split into several transactions. */
  maxBatchRows?: number;
  /** Delays between retries of a failed transaction before its appends are rejected. */
  retryDelaysMs?: number[];
  observer?: UpdateLogObserver;
}

export class UpdateLog {
  private queue: Pending[] = [];
  private running: Promise<void> | undefined;
  private readonly maxBatchRows: number;
  private readonly retryDelaysMs: number[];

  constructor(
    private readonly storage: Pick<DocumentStorage, 'append'>,
    private readonly options: UpdateLogOptions = {},
  ) {
    this.maxBatchRows = options.maxBatchRows ?? 2000;
    this.retryDelaysMs = options.retryDelaysMs ?? [20, 100, 500];
  }

  /** Resolves with the update's sequence number once it is committed. */
  append(documentId: string, data: Uint8Array): Promise<number> {
    return new Promise<number>((resolve, reject) => {
      this.queue.push({ documentId, data, resolve, reject });
      this.running ??= this.drain();
    });
  }

  /** Resolves when everything appended so far is committed (or has failed). */
  async flush(): Promise<void> {
    while (this.running) await this.running;
  }

  private async drain(): Promise<void> {
    // Let appends made in the same tick join the first transaction.
    await Promise.resolve();
    try {
      while (this.queue.length > 0) {
        const batch = this.queue.splice(0, this.maxBatchRows);
        await this.commit(batch);
      }
    } finally {
      this.running = undefined;
    }
  }

  private async commit(batch: Pending[]): Promise<void> {
    for (let attempt = 0; ; attempt++) {
      const started = performance.now();
      try {
        const outcomes = await this.storage.append(batch);
        const bytes = batch.reduce((sum, p) => sum + p.data.byteLength, 0);
        this.options.observer?.committed(batch.length, bytes, (performance.now() - started) / 1000);
        // A document whose rows were refused fails alone (its room reloads; its writers resend);
        // retrying a refusal would only hold up everyone queued behind it.
        batch.forEach((p, i) => {
          const outcome = outcomes[i]!;
          if ('seq' in outcome) return p.resolve(outcome.seq);
          this.options.observer?.failed(outcome.error, attempt);
          p.reject(outcome.error);
        });
        return;
      } catch (error) {
        this.options.observer?.failed(error, attempt);
        const delay = this.retryDelaysMs[attempt];
        if (delay === undefined) {
          for (const p of batch) p.reject(error);
          return;
        }
        await new Promise((resolve) => setTimeout(resolve, delay));
      }
    }
  }
}
