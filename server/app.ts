/**
 * buildApp: the whole HTTP + WebSocket application around its dependencies. It never listens;
 * `main.ts` does, and tests call `inject()` or listen on port 0.
 */
import { randomUUID } from 'node:crypto';
import { fileURLToPath } from 'node:url';
import { constants as zlib } from 'node:zlib';
import compress from '@fastify/compress';
import swagger from '@fastify/swagger';
import swaggerUi from '@fastify/swagger-ui';
import websocket from '@fastify/websocket';
import Fastify, { type FastifyInstance, type FastifyServerOptions } from 'fastify';
import type { Config } from './config.js';
import type { Db } from './db/connect.js';
import { createCollabMetrics } from './collab/collab-metrics.js';
import { CollabServer, defaultCollabOptions, type CollabOptions } from './collab/collab-server.js';
import { startFanout, type FanoutOptions } from './collab/fanout/fanout.js';
import { UpdateLog } from './collab/update-log.js';
import { installAuthentication } from './http/authentication.js';
import { createMetrics, installHttpMetrics, type Metrics } from './http/metrics.js';
import { installErrorHandling } from './http/problem.js';
import { aggregationRoutes } from './http/routes/aggregation.routes.js';
import { annotationRoutes } from './http/routes/annotations.routes.js';
import { authRoutes } from './http/routes/auth.routes.js';
import { collabRoutes } from './http/routes/collab.routes.js';
import { directoryRoutes } from './http/routes/directory.routes.js';
import { documentRoutes } from './http/routes/documents.routes.js';
import { eventRoutes } from './http/routes/events.routes.js';
import { healthRoutes, type ReadinessCheck } from './http/routes/health.routes.js';
import { importRoutes } from './http/routes/import.routes.js';
import { roundRoutes } from './http/routes/rounds.routes.js';
import { serveClient } from './http/static.js';
import { RoundDeadlines } from './jobs/round-deadlines.js';
import { AccessEvents } from './services/access-events.js';
import { AggregationService } from './services/aggregation.service.js';
import { AnnotationsService } from './services/annotations.service.js';
import { AuthService, type LoginLimits } from './services/auth.service.js';
import { systemClock, type Clock } from './services/clock.js';
import { DiffService } from './services/diff.service.js';
import { DirectoryService } from './services/directory.service.js';
import { DocumentEvents } from './services/document-events.js';
import { DocumentsService } from './services/documents.service.js';
import { EventFeed } from './services/event-feed.service.js';
import { ExportsService } from './services/exports.service.js';
import { ImportService } from './services/import.service.js';
import { RoundsService } from './services/rounds.service.js';
import { VersionDocs } from './services/version-docs.js';

export interface AppDeps {
  config: Config;
  db: Db;
  clock?: Clock;
  /** Fastify logger options; `false` in tests. */
  logger?: FastifyServerOptions['logger'];
  loginLimits?: LoginLimits;
  /** Overrides of the live-editing limits and timers (tests use short ones). */
  collab?: Partial<CollabOptions>;
  /** Heartbeat of the SSE event stream (tests use a short one). */
  eventHeartbeatMs?: number;
  /** Run background jobs (round deadlines). Default true. */
  jobs?: boolean;
  /** Where the built web client is (default `client/dist`). */
  clientDir?: string;
  /** Overrides of the Redis fan-out (used only with `config.redisUrl`; tests set a stream prefix). */
  fanout?: Partial<FanoutOptions>;
}

export interface Services {
  auth: AuthService;
  directory: DirectoryService;
  importer: ImportService;
  documents: DocumentsService;
  rounds: RoundsService;
  diffs: DiffService;
  annotations: AnnotationsService;
  aggregation: AggregationService;
  exports: ExportsService;
  feed: EventFeed;
  events: DocumentEvents;
  access: AccessEvents;
  metrics: Metrics;
  clock: Clock;
}

declare module 'fastify' {
  interface FastifyInstance {
    services: Services;
    collab: CollabServer;
  }
}

export function createServices(deps: AppDeps): Services {
  const clock = deps.clock ?? systemClock;
  const access = new AccessEvents();
  const events = new DocumentEvents();
  const documents = new DocumentsService(deps.db);
  const rounds = new RoundsService(deps.db, documents, events, clock);
  const aggregation = new AggregationService(deps.db, documents, rounds, events, clock);
  return {
    clock,
    access,
    metrics: createMetrics(),
    auth: new AuthService(deps.db, clock, access, deps.config.tokenTtlSeconds, deps.loginLimits),
    directory: new DirectoryService(deps.db, access),
    importer: new ImportService(deps.db, clock, access),
    documents,
    events,
    rounds,
    diffs: new DiffService(deps.db, documents),
    annotations: new AnnotationsService(deps.db, documents, rounds, new VersionDocs(deps.db), events, clock),
    feed: new EventFeed(deps.db),
    aggregation,
    exports: new ExportsService(deps.db, documents, aggregation),
  };
}

/** Log lines never carry tokens or passwords: `?token=` is cut from URLs, auth headers dropped. */
export const loggerOptions = (level: string): FastifyServerOptions['logger'] => ({
  level,
  redact: ['req.headers.authorization', 'req.headers.cookie', '*.password', '*.token', '*.code'],
  serializers: {
    req: (request: { method: string; url: string; ip?: string; id?: string }) => ({
      method: request.method,
      url: request.url.replace(/([?&]token=)[^&]*/g, '$1[redacted]'),
      ip: request.ip,
    }),
  },
});

export async function buildApp(deps: AppDeps): Promise<FastifyInstance> {
  const app = Fastify({
    logger: deps.logger ?? false,
    genReqId: (request) => {
      const given = request.headers['x-request-id'];
      return typeof given === 'string' && /^[\w.-]{1,64}$/.test(given) ? given : randomUUID();
    },
    bodyLimit: deps.config.maxBodyBytes,
    ajv: { customOptions: { removeAdditional: false, allErrors: false } },
  });
  // The request id (the caller's `x-request-id` when safe, else a fresh uuid) goes back with every
  // answer, errors included, so a caller can quote it and an operator can find the log lines.
  app.addHook('onRequest', async (request, reply) => {
    reply.header('x-request-id', request.id);
  });
  const services = createServices(deps);
  app.decorate('services', services);

  installErrorHandling(app);
  // Members read on weak rural connections: compress answers and the client's assets. Fast
  // settings, since a province summary is tens of megabytes; live streams (SSE, WebSocket) are
  // written straight to the socket and never pass through here.
  await app.register(compress, {
    threshold: 1024,
    encodings: ['br', 'gzip'],
    brotliOptions: { params: { [zlib.BROTLI_PARAM_QUALITY]: 1 } },
    zlibOptions: { level: 1 },
  });
  app.addHook('onRoute', (route) => {
    // The docs UI serves its own assets without a token.
    if (route.url.startsWith('/docs')) route.config = { ...(route.config ?? {}), public: true };
  });
  await app.register(swagger, {
    openapi: {
      info: { title: 'draftroom', version: '0.1.0', description: 'Drafting, comment rounds and consolidated feedback' },
      components: { securitySchemes: { bearer: { type: 'http', scheme: 'bearer' } } },
      security: [{ bearer: [] }],
    },
  });
  await app.register(swaggerUi, { routePrefix: '/docs', uiHooks: {}, staticCSP: true });
  app.get('/openapi.json', { config: { public: true }, schema: { hide: true } }, async () => app.swagger());

  const collabMetrics = createCollabMetrics(services.metrics.registry);
  const collab = new CollabServer({
    db: deps.db,
    auth: services.auth,
    documents: services.documents,
    access: services.access,
    log: new UpdateLog(deps.db, { observer: collabMetrics.logObserver }),
    clock: services.clock,
    logger: app.log,
    metrics: collabMetrics,
    options: { ...defaultCollabOptions, ...deps.collab },
  });
  services.documents.attachLiveDocuments(collab);
  app.decorate('collab', collab);
  const readiness: ReadinessCheck[] = [];
  if (deps.config.redisUrl) {
    const fanout = await startFanout({
      redisUrl: deps.config.redisUrl,
      db: deps.db,
      rooms: collab,
      events: services.events,
      access: services.access,
      registry: services.metrics.registry,
      logger: app.log,
      ...(deps.fanout ? { options: deps.fanout } : {}),
    });
    app.addHook('onClose', () => fanout.stop());
    readiness.push(() => (fanout.healthy() ? undefined : 'Redis unreachable'));
  }
  await app.register(websocket, {
    options: { maxPayload: deps.config.maxMessageBytes },
    // Drain instead of the plugin's default abrupt close: commit what is queued, then 1001.
    preClose: async () => {
      await collab.close();
      app.websocketServer.close();
    },
  });

  installAuthentication(app, services.auth);
  installHttpMetrics(app, services.metrics);

  healthRoutes(app, { db: deps.db, metrics: services.metrics, readiness });
  authRoutes(app, services);
  directoryRoutes(app, services);
  importRoutes(app, services);
  documentRoutes(app, services);
  roundRoutes(app, services);
  annotationRoutes(app, services);
  aggregationRoutes(app, services);
  // The subcommittee opens a round's summary when it closes: have it ready.
  services.rounds.onRoundClosed = (roundId) =>
    void services.aggregation.warmSummary(roundId).catch((error: unknown) => app.log.error({ err: error, roundId }, 'preparing a round summary failed'));
  eventRoutes(app, { ...services, ...(deps.eventHeartbeatMs ? { heartbeatMs: deps.eventHeartbeatMs } : {}) });

  if (deps.jobs !== false) {
    const deadlines = new RoundDeadlines(deps.db, services.rounds, services.clock, app.log);
    services.rounds.onRoundOpened = () => deadlines.rearm();
    app.addHook('onReady', () => deadlines.start());
    app.addHook('onClose', () => deadlines.stop());
  }
  collabRoutes(app, { collab });
  // The web client (client/dist, built by `npm install`), with the SPA fallback; last, so every
  // API path is taken already.
  await serveClient(app, deps.clientDir ?? fileURLToPath(new URL('../client/dist', import.meta.url)));

  return app;
}
