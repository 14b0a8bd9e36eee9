/**
 * Redis Streams transport: a publisher (XADD with approximate MAXLEN trimming, on a shared
 * connection) and a reader (XREAD BLOCK on its own connection, since a blocked connection can do
 * nothing else). Both ride on ioredis' reconnection; neither ever throws into its caller.
 */
import { Redis, type RedisOptions } from 'ioredis';
import { decodeMessage, encodeMessage, streamOf, type FanoutMessage, type StreamKeys } from './fanout-messages.js';

/** Opens a connection and waits until it is ready; rejects with a message naming host and port. */
export async function connectRedis(url: string, name: string, options: RedisOptions): Promise<Redis> {
  const redis = new Redis(url, { ...options, lazyConnect: true, connectionName: name, protocol: 2 });
  let lastError: unknown;
  const onError = (error: unknown) => (lastError = error);
  redis.on('error', onError);
  try {
    await redis.connect();
  } catch (error) {
    redis.disconnect();
    const { hostname, port } = new URL(url);
    const reason = (lastError ?? error) instanceof Error ? ((lastError ?? error) as Error).message : String(lastError ?? error);
    throw new Error(`REDIS_URL is set but Redis at ${hostname}:${port || 6379} cannot be reached (${reason}); start Redis or unset REDIS_URL to run a single instance`);
  } finally {
    redis.off('error', onError);
  }
  return redis;
}

/** Closes a connection politely if it is up, at once if not (a QUIT can wait forever on a dead link). */
export async function closeRedis(redis: Redis): Promise<void> {
  if (redis.status === 'ready') {
    await Promise.race([redis.quit().catch(() => undefined), new Promise((resolve) => setTimeout(resolve, 1000).unref())]);
  }
  redis.disconnect();
}

export class StreamPublisher {
  constructor(
    private readonly redis: Redis,
    private readonly keys: StreamKeys,
    private readonly origin: string,
    /** Approximate entries kept per stream (`MAXLEN ~`). */
    private readonly maxLen: number,
    private readonly outcome: { published(message: FanoutMessage): void; failed(error: unknown, message: FanoutMessage): void },
  ) {}

  /** Fire and forget: a failure is reported, and receivers catch up from the database anyway. */
  publish(message: FanoutMessage): void {
    this.redis
      .xadd(streamOf(this.keys, message), 'MAXLEN', '~', this.maxLen, '*', ...encodeMessage(this.origin, message))
      .then(
        () => this.outcome.published(message),
        (error: unknown) => this.outcome.failed(error, message),
      );
  }
}

export interface StreamReaderHandlers {
  /** A message from another instance (this instance's own are skipped). */
  received(message: FanoutMessage): void;
  /** XREAD failed (other than by stopping); the reader retries after a pause. */
  failed(error: unknown): void;
}

export class StreamReader {
  private stopped = false;
  private loop: Promise<void> | undefined;
  private stopping!: () => void;
  /** Settles on stop: an XREAD queued while reconnecting is never settled by disconnect(). */
  private readonly stopSignal = new Promise<undefined>((resolve) => (this.stopping = () => resolve(undefined)));
  /** Last entry id read per stream; resuming from it after a reconnect loses nothing still kept. */
  private readonly lastIds = new Map<string, string>();

  constructor(
    private readonly redis: Redis,
    private readonly keys: StreamKeys,
    private readonly origin: string,
    private readonly handlers: StreamReaderHandlers,
    private readonly options: { blockMs: number; count: number; retryMs: number },
  ) {}

  /**
   * Starts reading at the current end of each stream (like `$`, but as a concrete id, so a
   * reconnect between two reads resumes where this reader was instead of at the new end).
   */
  async start(): Promise<void> {
    for (const key of [this.keys.updates, this.keys.notices]) {
      const last = await this.redis.xrevrange(key, '+', '-', 'COUNT', 1);
      this.lastIds.set(key, last[0]?.[0] ?? '0-0');
    }
    this.loop = this.run();
  }

  /** Stops reading and closes the reader's connection. */
  async stop(): Promise<void> {
    this.stopped = true;
    this.stopping();
    this.redis.disconnect();
    await this.loop;
  }

  private async run(): Promise<void> {
    const keys = [...this.lastIds.keys()];
    while (!this.stopped) {
      let reply: Array<[key: string, entries: Array<[id: string, fields: string[]]>]> | null | undefined;
      try {
        const read = this.redis.xread(
          'COUNT',
          this.options.count,
          'BLOCK',
          this.options.blockMs,
          'STREAMS',
          ...keys,
          ...keys.map((key) => this.lastIds.get(key)!),
        ) as Promise<typeof reply>;
        read.catch(() => undefined);
        reply = await Promise.race([read, this.stopSignal]);
        if (this.stopped) return;
      } catch (error) {
        if (this.stopped) return;
        this.handlers.failed(error);
        await Promise.race([new Promise((resolve) => setTimeout(resolve, this.options.retryMs).unref()), this.stopSignal]);
        continue;
      }
      for (const [key, entries] of reply ?? []) {
        for (const [id, fields] of entries) {
          this.lastIds.set(key, id);
          const decoded = decodeMessage(fields);
          if (!decoded || decoded.origin === this.origin) continue;
          try {
            this.handlers.received(decoded.message);
          } catch (error) {
            this.handlers.failed(error);
          }
        }
      }
    }
  }
}
