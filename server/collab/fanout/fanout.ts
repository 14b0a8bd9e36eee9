/**
 * Several server processes on one database, kept in step through Redis Streams (DESIGN.md, "Fixed
 * choices"). `startFanout` wires this process in:
 *
 * - each commit of document updates here publishes `update {documentId, seq}`; every other
 *   instance with that document loaded catches up from PostgreSQL (catch-up.ts);
 * - outbox events (DocumentEvents) and access changes (AccessEvents) committed here are published
 *   and re-emitted locally by the others, so their SSE streams wake and revoked sockets close;
 * - lost messages are never a divergence: a room also catches up when it loads, when a commit of
 *   its own skips seqs, when the reader reconnects, and every `checkIntervalMs`.
 *
 * Redis down at start fails the start (a wrong REDIS_URL is found at deploy time, not by users
 * seeing other instances' edits seconds late); down later, this process keeps serving locally,
 * ioredis reconnects, and `healthy()` (so /readyz) is false meanwhile.
 */
import { randomUUID } from 'node:crypto';
import type { FastifyBaseLogger } from 'fastify';
import type { Redis } from 'ioredis';
import type { Registry } from 'prom-client';
import type { AccessEvents } from '../../services/access-events.js';
import type { DocumentEvents } from '../../services/document-events.js';
import type { RoomObserver } from '../collab-server.js';
import type { DocumentStorage } from '../storage.js';
import { CatchUp, type LoadedRooms } from './catch-up.js';
import { createFanoutMetrics } from './fanout-metrics.js';
import { streamKeys, type FanoutMessage } from './fanout-messages.js';
import { closeRedis, connectRedis, StreamPublisher, StreamReader } from './redis-streams.js';

export interface FanoutOptions {
  /**
   * Stream keys are `<prefix>:updates` and `<prefix>:notices`; Redis connection names are
   * `<prefix>:publisher:<instance>` and `<prefix>:reader:<instance>` (tests use a prefix per app pair).
   */
  streamPrefix: string;
  /** Approximate entries kept per stream (`XADD … MAXLEN ~`). */
  maxLen: number;
  /** How often loaded rooms are compared with `documents.last_seq` (the net for lost messages). */
  checkIntervalMs: number;
  /** How long one XREAD blocks. */
  blockMs: number;
  connectTimeoutMs: number;
}

export const defaultFanoutOptions: FanoutOptions = {
  streamPrefix: 'draftroom',
  maxLen: 10_000,
  checkIntervalMs: 5_000,
  blockMs: 5_000,
  connectTimeoutMs: 5_000,
};

export interface FanoutDeps {
  redisUrl: string;
  storage: Pick<DocumentStorage, 'readAfter' | 'lastSeqs'>;
  /** The CollabServer. */
  rooms: LoadedRooms & { observe(observer: RoomObserver): () => void };
  events: DocumentEvents;
  access: AccessEvents;
  registry: Registry;
  logger: FastifyBaseLogger;
  options?: Partial<FanoutOptions>;
}

export interface Fanout {
  /** Tags this process's messages, so it skips its own. */
  readonly instanceId: string;
  /** Both Redis connections are ready. */
  healthy(): boolean;
  /** Stops reading and publishing; waits for running catch-ups (call before closing the database). */
  stop(): Promise<void>;
}

/** Connects to Redis (throws with a clear message if it cannot) and starts the fan-out. */
export async function startFanout(deps: FanoutDeps): Promise<Fanout> {
  const options = { ...defaultFanoutOptions, ...deps.options };
  const { rooms, events, access, logger } = deps;
  const instanceId = randomUUID();
  const keys = streamKeys(options.streamPrefix);
  const metrics = createFanoutMetrics(deps.registry);

  // Publishing fails fast while disconnected (no unbounded offline queue); the reader waits.
  const publisherRedis = await connectRedis(deps.redisUrl, `${options.streamPrefix}:publisher:${instanceId}`, {
    connectTimeout: options.connectTimeoutMs,
    enableOfflineQueue: false,
    enableAutoPipelining: true,
  });
  let readerRedis: Redis;
  try {
    readerRedis = await connectRedis(deps.redisUrl, `${options.streamPrefix}:reader:${instanceId}`, {
      connectTimeout: options.connectTimeoutMs,
      maxRetriesPerRequest: null,
    });
  } catch (error) {
    publisherRedis.disconnect();
    throw error;
  }
  let stopped = false;
  const catchUp = new CatchUp(deps.storage, rooms, logger, metrics);
  const watch = (redis: Redis, role: string, back?: () => void) => {
    let down = false;
    const lost = (error?: unknown) => {
      if (down || stopped) return;
      down = true;
      logger.error({ err: error, role }, 'Redis connection lost; serving locally and reconnecting');
    };
    redis.on('error', lost);
    redis.on('close', () => lost());
    redis.on('ready', () => {
      if (!down) return;
      down = false;
      logger.info({ role }, 'Redis connection back');
      back?.();
    });
  };
  metrics.observe(() => publisherRedis.status === 'ready' && readerRedis.status === 'ready');

  let publishFailureLogged = false;
  // Access notices have no database fallback (a revoked token's socket elsewhere would live on
  // until the token expires), so those that failed are sent again once Redis is back.
  let unsentAccess: FanoutMessage[] = [];
  const publisher = new StreamPublisher(publisherRedis, keys, instanceId, options.maxLen, {
    published: (message) => {
      publishFailureLogged = false;
      metrics.published(message);
    },
    failed: (error, message) => {
      metrics.publishFailed();
      if ((message.kind === 'session' || message.kind === 'member') && unsentAccess.length < 10_000) unsentAccess.push(message);
      if (publishFailureLogged || stopped) return;
      publishFailureLogged = true;
      logger.warn({ err: error }, 'could not publish to Redis; other instances catch up from the database');
    },
  });

  // Whatever was published while the reader was away may be trimmed: compare with the database.
  watch(readerRedis, 'reader', () => void catchUp.checkAll());
  // Commits made here while publishing failed were announced to nobody: announce where each room is.
  watch(publisherRedis, 'publisher', () => {
    for (const room of rooms.liveRooms()) {
      if (room.applied.highest > 0) publisher.publish({ kind: 'update', documentId: room.documentId, seq: room.applied.highest });
    }
    const access = unsentAccess;
    unsentAccess = [];
    for (const message of access) publisher.publish(message);
  });

  // Notices received from Redis are re-emitted locally; this flag keeps them from being published back.
  let relaying = false;
  const relay = (emit: () => void) => {
    relaying = true;
    try {
      emit();
    } finally {
      relaying = false;
    }
  };
  const received = (message: FanoutMessage) => {
    metrics.received(message);
    switch (message.kind) {
      case 'update': {
        const room = rooms.room(message.documentId);
        if (room && !room.applied.has(message.seq)) catchUp.request(message.documentId);
        return;
      }
      case 'events':
        return relay(() => events.committed(message.documentId));
      case 'session':
        return relay(() => access.emit('sessionRevoked', message.sessionId));
      case 'member':
        return relay(() => access.emit('membershipChanged', message.memberId));
    }
  };
  let readerFailureLogged = false;
  const reader = new StreamReader(readerRedis, keys, instanceId, {
    received: (message) => {
      readerFailureLogged = false;
      received(message);
    },
    failed: (error) => {
      if (readerFailureLogged) return;
      readerFailureLogged = true;
      logger.error({ err: error }, 'reading the Redis streams failed; retrying');
    },
  }, { blockMs: options.blockMs, count: 1000, retryMs: 1000 });
  try {
    await reader.start();
  } catch (error) {
    publisherRedis.disconnect();
    readerRedis.disconnect();
    throw error;
  }

  const unobserve = rooms.observe({
    loaded: (room) => catchUp.request(room.documentId),
    committed: (room, seq) => {
      publisher.publish({ kind: 'update', documentId: room.documentId, seq });
      // Seqs below ours that we never applied: another instance's rows, not announced yet.
      if (room.applied.hasGap) catchUp.request(room.documentId);
    },
  });
  const onEvents = (documentId: string) => {
    if (!relaying) publisher.publish({ kind: 'events', documentId });
  };
  const onSession = (sessionId: string) => {
    if (!relaying) publisher.publish({ kind: 'session', sessionId });
  };
  const onMember = (memberId: string) => {
    if (!relaying) publisher.publish({ kind: 'member', memberId });
  };
  events.on('committed', onEvents);
  access.on('sessionRevoked', onSession);
  access.on('membershipChanged', onMember);
  const check = setInterval(() => void catchUp.checkAll(), options.checkIntervalMs);
  check.unref();

  return {
    instanceId,
    healthy: () => publisherRedis.status === 'ready' && readerRedis.status === 'ready',
    async stop() {
      if (stopped) return;
      stopped = true;
      clearInterval(check);
      unobserve();
      events.off('committed', onEvents);
      access.off('sessionRevoked', onSession);
      access.off('membershipChanged', onMember);
      await reader.stop();
      await catchUp.stop();
      await closeRedis(publisherRedis);
    },
  };
}
