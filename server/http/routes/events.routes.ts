/**
 * `GET /api/v1/documents/:id/events`: Server-Sent Events from the outbox, filtered per viewer,
 * resumable with Last-Event-ID. A committed-events notice wakes the stream at once; a heartbeat
 * comment every 15 s keeps proxies from cutting it, re-checks the token and access, and polls the
 * table (events written by another instance).
 */
import type { FastifyInstance } from 'fastify';
import { Type } from '@sinclair/typebox';
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import { Histogram } from 'prom-client';
import type { AuthService } from '../../services/auth.service.js';
import type { Metrics } from '../metrics.js';
import type { DocumentEvents } from '../../services/document-events.js';
import type { DocumentsService } from '../../services/documents.service.js';
import type { EventFeed } from '../../services/event-feed.service.js';
import { callerOf, tokenOf } from '../authentication.js';
import { errors, IdParams } from '../schemas.js';

export interface EventRouteDeps {
  auth: AuthService;
  documents: DocumentsService;
  events: DocumentEvents;
  feed: EventFeed;
  metrics: Metrics;
  heartbeatMs?: number;
}

export function eventRoutes(instance: FastifyInstance, deps: EventRouteDeps): void {
  const app = instance.withTypeProvider<TypeBoxTypeProvider>();
  const heartbeatMs = deps.heartbeatMs ?? 15_000;
  const lag = new Histogram({
    name: 'draftroom_event_lag_seconds',
    help: 'From an outbox event’s commit to its delivery on a live stream',
    buckets: [0.005, 0.01, 0.05, 0.1, 0.5, 1, 5, 15, 60],
    registers: [deps.metrics.registry],
  });
  // Open streams end when the server shuts down; clients reconnect with Last-Event-ID.
  const open = new Set<() => void>();
  instance.addHook('preClose', async () => {
    for (const end of [...open]) end();
  });

  app.get(
    '/api/v1/documents/:id/events',
    {
      schema: {
        tags: ['events'],
        description: 'Server-Sent Events: round.opened, round.closed, version.created, annotation.upserted, annotation.withdrawn, reply.created, disposition.set, suggestion.applied, package.submitted. Token by header or `?token=`; resume with `Last-Event-ID` (or `?lastEventId=`).',
        params: IdParams,
        querystring: Type.Object({ token: Type.Optional(Type.String()), lastEventId: Type.Optional(Type.Integer({ minimum: 0 })) }),
        response: { ...errors(400, 401, 404) },
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
              const page = await deps.feed.page(caller, document, cursor);
              if (closed) return;
              for (const event of page.events) {
                raw.write(`id: ${event.id}\nevent: ${event.type}\ndata: ${JSON.stringify(event.data)}\n\n`);
                // Replays after a reconnect are not lag; only events newer than the stream's start are.
                if (resumeFrom === undefined) lag.observe(Math.max(0, Date.now() - Date.parse(event.createdAt)) / 1000);
              }
              cursor = page.cursor;
              if (!page.more) break;
            }
          } while (again && !closed);
        })().finally(() => (pumping = undefined));
        return pumping;
      };
      const end = () => {
        if (closed) return;
        closed = true;
        open.delete(end);
        clearInterval(heartbeat);
        deps.events.off('committed', onCommitted);
        raw.end();
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
            return end();
          }
          raw.write(': ping\n\n');
          await pump();
        })().catch((error) => {
          request.log.error({ err: error }, 'event stream heartbeat failed');
          end();
        });
      }, heartbeatMs);
      heartbeat.unref();
      deps.events.on('committed', onCommitted);
      open.add(end);
      raw.on('close', end);
      await pump();
    },
  );
}
