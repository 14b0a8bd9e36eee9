/**
 * `GET /api/v1/documents/:id/events`: Server-Sent Events from the outbox, filtered per viewer,
 * resumable with Last-Event-ID. A committed-events notice wakes the stream at once; a heartbeat
 * comment every 15 s keeps proxies from cutting it, re-checks the token and access, and polls the
 * table (events written by another instance).
 *
 * Revoked means revoked: the session is checked (through the session cache, which drops revoked
 * sessions at once) before every page of events, and a logout or a change of the member's roles
 * ends or re-checks the stream at once. A slow reader is paused (nothing more is read from the
 * outbox while its socket buffer is full), then dropped after `slowReaderMs`; it resumes from
 * Last-Event-ID, so nothing is lost and nothing is buffered without bound.
 */
import type { FastifyInstance } from 'fastify';
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import { Histogram } from 'prom-client';
import { Counter, Gauge } from 'prom-client';
import { documentAccess } from '../../domain/permissions.js';
import type { AccessEvents } from '../../services/access-events.js';
import type { AuthService } from '../../services/auth.service.js';
import type { Metrics } from '../metrics.js';
import type { DocumentEvents } from '../../services/document-events.js';
import type { DocumentsService } from '../../services/documents.service.js';
import type { EventFeed } from '../../services/event-feed.service.js';
import { callerOf, tokenOf } from '../authentication.js';
import { documentEventTypes } from '../../domain/vocabulary.js';
import { originGuard } from '../origin.js';
import { errors, IdParams } from '../schemas/common.js';
import { EventsQuery } from '../schemas/events.js';

export interface EventRouteDeps {
  auth: AuthService;
  documents: DocumentsService;
  events: DocumentEvents;
  feed: EventFeed;
  access: AccessEvents;
  metrics: Metrics;
  heartbeatMs?: number;
  /** How long a stream may stay unable to write before it is dropped, in ms. */
  slowReaderMs?: number;
  /** Browser origins allowed to open a stream (config.allowedOrigins; see http/origin.ts). */
  allowedOrigins: readonly string[];
}

export function eventRoutes(instance: FastifyInstance, deps: EventRouteDeps): void {
  const app = instance.withTypeProvider<TypeBoxTypeProvider>();
  const heartbeatMs = deps.heartbeatMs ?? 15_000;
  const slowReaderMs = deps.slowReaderMs ?? 30_000;
  const streams = new Gauge({ name: 'draftroom_event_streams', help: 'Open event streams', registers: [deps.metrics.registry] });
  const ended = new Counter({
    name: 'draftroom_event_streams_ended_total',
    help: 'Event streams ended by the server, by reason',
    labelNames: ['reason'] as const,
    registers: [deps.metrics.registry],
  });
  const lag = new Histogram({
    name: 'draftroom_event_lag_seconds',
    help: 'From an outbox event’s commit to its delivery on a live stream',
    buckets: [0.005, 0.01, 0.05, 0.1, 0.5, 1, 5, 15, 60],
    registers: [deps.metrics.registry],
  });
  // Open streams end when the server shuts down; clients reconnect with Last-Event-ID.
  const open = new Set<(reason?: 'shutdown') => void>();
  instance.addHook('preClose', async () => {
    for (const end of [...open]) end('shutdown');
  });

  app.get(
    '/api/v1/documents/:id/events',
    {
      preValidation: originGuard(deps.allowedOrigins),
      schema: {
        tags: ['events'],
        summary: 'Live events of a document',
        description: `Server-Sent Events: ${documentEventTypes.join(', ')}, each filtered by what the caller may see. Token by header or \`?token=\`; resume with \`Last-Event-ID\` (or \`?lastEventId=\`).`,
        params: IdParams,
        querystring: EventsQuery,
        response: { ...errors(400, 401, 403, 404) },
      },
    },
    async (request, reply) => {
      let caller = callerOf(request);
      const token = tokenOf(request);
      let { document } = await deps.documents.visible(caller, request.params.id);
      const header = request.headers['last-event-id'];
      const resumeFrom = typeof header === 'string' && /^\d+$/.test(header) ? Number(header) : request.query.lastEventId;
      let cursor = resumeFrom ?? (await deps.feed.latestId(document.id));

      reply.hijack();
      const raw = reply.raw;
      raw.writeHead(200, {
        'content-type': 'text/event-stream; charset=utf-8',
        'cache-control': 'no-cache, no-transform',
        connection: 'keep-alive',
        'x-accel-buffering': 'no',
      });
      raw.write('retry: 2000\n: connected\n\n');

      let closed = false;
      let pumping: Promise<void> | undefined;
      let again = false;
      const pump = async (): Promise<void> => {
        if (pumping) {
          again = true;
          return pumping;
        }
        pumping = (async () => {
          do {
            again = false;
            for (;;) {
              if (!(await stillAllowed())) return end('revoked');
              const page = await deps.feed.page(caller, document, cursor);
              if (closed) return;
              for (const event of page.events) {
                const fits = raw.write(`id: ${event.id}\nevent: ${event.type}\ndata: ${JSON.stringify(event.data)}\n\n`);
                // Replays after a reconnect are not lag; only events newer than the stream's start are.
                if (resumeFrom === undefined) lag.observe(Math.max(0, Date.now() - Date.parse(event.createdAt)) / 1000);
                if (!fits && !(await drained())) return end('slow');
                if (closed) return;
              }
              cursor = page.cursor;
              if (!page.more) break;
            }
          } while (again && !closed);
        })().finally(() => (pumping = undefined));
        return pumping;
      };
      /** The session is live and the document visible to it (cheap: cached session, no query). */
      const stillAllowed = async (): Promise<boolean> => {
        try {
          caller = await deps.auth.authenticate(token);
        } catch {
          return false;
        }
        return documentAccess(caller, document) !== 'none';
      };
      /** Waits for the socket to take more; false when it did not within `slowReaderMs`. */
      const drained = () =>
        new Promise<boolean>((resolve) => {
          const timer = setTimeout(() => finish(false), slowReaderMs);
          const finish = (ok: boolean) => {
            clearTimeout(timer);
            raw.off('drain', onDrain);
            raw.off('close', onClose);
            resolve(ok);
          };
          const onDrain = () => finish(true);
          const onClose = () => finish(false);
          raw.on('drain', onDrain);
          raw.on('close', onClose);
        });
      const end = (reason?: 'revoked' | 'slow' | 'shutdown') => {
        if (closed) return;
        closed = true;
        open.delete(end);
        streams.dec();
        if (reason) ended.inc({ reason });
        clearInterval(heartbeat);
        deps.events.off('committed', onCommitted);
        deps.access.off('sessionRevoked', onRevoked);
        deps.access.off('membershipChanged', onMembershipChanged);
        // A slow reader's buffered bytes are dropped with the socket, not flushed to it.
        if (reason === 'slow') raw.destroy();
        else raw.end();
      };
      const onRevoked = (sessionId: string) => {
        if (sessionId === caller.sessionId) end('revoked');
      };
      const onMembershipChanged = (memberId: string) => {
        if (memberId === caller.memberId) void stillAllowed().then((allowed) => allowed || end('revoked'));
      };
      const onCommitted = (documentId: string) => {
        if (documentId === document.id) void pump().catch((error) => request.log.error({ err: error }, 'event stream failed'));
      };
      const heartbeat = setInterval(() => {
        void (async () => {
          try {
            // The token may have expired or been revoked, and access may have been withdrawn.
            caller = await deps.auth.authenticate(token);
            ({ document } = await deps.documents.visible(caller, document.id));
          } catch {
            return end('revoked');
          }
          if (raw.writableNeedDrain) return;
          raw.write(': ping\n\n');
          await pump();
        })().catch((error) => {
          request.log.error({ err: error }, 'event stream heartbeat failed');
          end();
        });
      }, heartbeatMs);
      heartbeat.unref();
      deps.events.on('committed', onCommitted);
      deps.access.on('sessionRevoked', onRevoked);
      deps.access.on('membershipChanged', onMembershipChanged);
      open.add(end);
      streams.inc();
      raw.on('close', () => end());
      await pump();
    },
  );
}
