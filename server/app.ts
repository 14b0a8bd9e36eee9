/**
 * buildApp: the whole HTTP + WebSocket application around its dependencies. It never listens;
 * `main.ts` does, and tests call `inject()` or listen on port 0.
 */
import { buildSerializer } from './http/serializer.js';
import { randomUUID } from 'node:crypto';
import { constants as zlib } from 'node:zlib';
import compress from '@fastify/compress';
import swagger from '@fastify/swagger';
import swaggerUi from '@fastify/swagger-ui';
import websocket from '@fastify/websocket';
import Fastify, { LogController, type FastifyInstance, type FastifyServerOptions } from 'fastify';
import type { Config } from './config.js';
import type { Db } from './db/connect.js';
import { PgDocumentStorage } from './db/document-storage.js';
import { createCollabMetrics } from './collab/collab-metrics.js';
import { CollabServer, defaultCollabOptions, type CollabOptions } from './collab/collab-server.js';
import { startFanout, type FanoutOptions } from './collab/fanout/fanout.js';
import { UpdateLog } from './collab/update-log.js';
import { installAuthentication } from './http/authentication.js';
import { defaultHttpTimeouts, edgeServerOptions, installEdges, type HttpTimeouts } from './http/edges.js';
import { installIdCanonicalisation } from './http/canonical-ids.js';
import { createMetrics, installHttpMetrics, type Metrics } from './http/metrics.js';
import { installErrorHandling } from './http/problem.js';
import { installTextCleaning } from './http/text-cleaning.js';
import { installSecurityHeaders } from './http/security.js';
import { aggregationRoutes } from './http/routes/aggregation.routes.js';
import { participationRoutes } from './http/routes/participation.routes.js';
import { remindersRoutes } from './http/routes/reminders.routes.js';
import { clusterEditRoutes } from './http/routes/cluster-edits.routes.js';
import { annotationRoutes } from './http/routes/annotations.routes.js';
import { authRoutes } from './http/routes/auth.routes.js';
import { collabRoutes } from './http/routes/collab.routes.js';
import { administrationRoutes, directoryRoutes } from './http/routes/directory.routes.js';
import { documentRoutes } from './http/routes/documents.routes.js';
import { eventRoutes } from './http/routes/events.routes.js';
import { healthRoutes, type ReadinessCheck } from './http/routes/health.routes.js';
import { databaseReadiness } from './services/readiness.service.js';
import { importRoutes } from './http/routes/import.routes.js';
import { roundRoutes } from './http/routes/rounds.routes.js';
import { notificationRoutes } from './http/routes/notifications.routes.js';
import { serveClient } from './http/static.js';
import { clientDistDir } from './paths.js';
import { RoundDeadlines } from './jobs/round-deadlines.js';
import { NotificationJobs } from './jobs/notification-jobs.js';
import { MailService } from './services/mail.service.js';
import { AccessEvents } from './services/access-events.js';
import { AggregationService } from './services/aggregation.service.js';
import { ParticipationService } from './services/participation.service.js';
import { RemindersService } from './services/reminders.service.js';
import { AnnotationSearchService } from './services/annotation-search.service.js';
import { AnnotationsService } from './services/annotations.service.js';
import { ClusterEditsService } from './services/cluster-edits.service.js';
import { AuthService, type LoginLimits } from './services/auth.service.js';
import { systemClock, type Clock } from './services/clock.js';
import { DiffService } from './services/diff.service.js';
import { DirectoryService } from './services/directory.service.js';
import { DocumentEvents } from './services/document-events.js';
import { DocumentsService } from './services/documents.service.js';
import { EventFeed } from './services/event-feed.service.js';
import { ExportsService } from './services/exports.service.js';
import { ImportService } from './services/import.service.js';
import { AuditService } from './services/audit.service.js';
import { NotificationsService } from './services/notifications.service.js';
import { RoundsService } from './services/rounds.service.js';
import { VersionDocs } from './services/version-docs.js';
import { WordImportsService } from './services/word-imports.service.js';

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
  /** How long an event stream may stay unable to write before it is dropped (tests use a short one). */
  eventSlowReaderMs?: number;
  /** How often the notification jobs poll for work written by other instances (tests use a short one). */
  notificationPollMs?: number;
  /** Run background jobs (round deadlines, reminders, e-mail). Default true. */
  jobs?: boolean;
  /** Where the built web client is (default `client/dist`). */
  clientDir?: string;
  /** Overrides of the connection timeouts (tests use short ones). */
  httpTimeouts?: Partial<HttpTimeouts>;
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
  /** Frozen versions for anchoring (big ones read on a worker thread). */
  versions: VersionDocs;
  wordImports: WordImportsService;
  annotationSearch: AnnotationSearchService;
  participation: ParticipationService;
  reminders: RemindersService;
  aggregation: AggregationService;
  clusterEdits: ClusterEditsService;
  exports: ExportsService;
  feed: EventFeed;
  notifications: NotificationsService;
  audit: AuditService;
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
  const notifications = new NotificationsService(deps.db, clock, deps.config.smtpUrl !== undefined);
  const audit = new AuditService(deps.db, documents, clock);
  const rounds = new RoundsService(deps.db, documents, events, clock, notifications, audit);
  const aggregation = new AggregationService(deps.db, documents, rounds, events, clock, notifications, audit);
  const diffs = new DiffService(deps.db, documents);
  const versions = new VersionDocs(deps.db);
  const annotations = new AnnotationsService(deps.db, documents, rounds, versions, events, clock, notifications, audit);
  return {
    clock,
    access,
    metrics: createMetrics(),
    auth: new AuthService(deps.db, clock, access, deps.config.tokenTtlSeconds, deps.loginLimits),
    directory: new DirectoryService(deps.db, access, clock),
    importer: new ImportService(deps.db, clock, access),
    documents,
    events,
    rounds,
    diffs,
    annotations,
    versions,
    wordImports: new WordImportsService(annotations, rounds, versions),
    annotationSearch: new AnnotationSearchService(annotations),
    participation: new ParticipationService(deps.db, rounds),
    reminders: new RemindersService(deps.db, rounds, aggregation, notifications, audit, clock),
    feed: new EventFeed(deps.db),
    aggregation,
    clusterEdits: new ClusterEditsService(deps.db, rounds, aggregation, annotations, events, clock),
    exports: new ExportsService({ db: deps.db, documents, aggregation, rounds, annotations, diffs, audit, clock }),
    notifications,
    audit,
  };
}

/**
 * One JSON line per request (`request`: method, url, ip, status, ms), and per event worth telling.
 * Log lines never carry tokens or passwords: `?token=` is cut from URLs, auth headers dropped.
 * `pretty` (main.ts: when stdout is a terminal) prints them for people with pino-pretty instead.
 */
export const loggerOptions = (level: string, options: { pretty?: boolean } = {}): FastifyServerOptions['logger'] => ({
  level,
  redact: ['req.headers.authorization', 'req.headers.cookie', '*.password', '*.token', '*.code'],
  serializers: {
    req: (request: { method: string; url: string; ip?: string; id?: string }) => ({
      method: request.method,
      url: request.url.replace(/([?&]token=)[^&]*/g, '$1[redacted]'),
      ip: request.ip,
    }),
  },
  ...(options.pretty
    ? { transport: { target: 'pino-pretty', options: { translateTime: 'SYS:HH:MM:ss.l', ignore: 'pid,hostname', singleLine: true } } }
    : {}),
});

export async function buildApp(deps: AppDeps): Promise<FastifyInstance> {
  const httpTimeouts = { ...defaultHttpTimeouts, ...deps.httpTimeouts };
  const app = Fastify({
    logger: deps.logger ?? false,
    genReqId: (request) => {
      const given = request.headers['x-request-id'];
      return typeof given === 'string' && /^[\w.-]{1,64}$/.test(given) ? given : randomUUID();
    },
    ...edgeServerOptions(httpTimeouts),
    ajv: { customOptions: { removeAdditional: false, allErrors: false } },
    // Answers are written without Ajv (serializer.ts): no route compiles validators on its first answer.
    schemaController: { compilersFactory: { buildSerializer } },
    // Fastify logs "incoming request" and "request completed": one line (below) says both.
    logController: new LogController({ disableRequestLogging: true }),
  });
  app.addHook('onResponse', async (request, reply) => {
    request.log.info({ req: request, res: reply, ms: Math.round(reply.elapsedTime) }, 'request');
  });
  installEdges(app, httpTimeouts, deps.config.maxBodyBytes);
  // The request id (the caller's `x-request-id` when safe, else a fresh uuid) goes back with every
  // answer, errors included, so a caller can quote it and an operator can find the log lines.
  app.addHook('onRequest', async (request, reply) => {
    reply.header('x-request-id', request.id);
  });
  const services = createServices(deps);
  app.decorate('services', services);

  installErrorHandling(app);
  await installSecurityHeaders(app);
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
  const storage = new PgDocumentStorage(deps.db);
  const collab = new CollabServer({
    storage,
    auth: services.auth,
    documents: services.documents,
    access: services.access,
    log: new UpdateLog(storage, { observer: collabMetrics.logObserver }),
    clock: services.clock,
    logger: app.log,
    metrics: collabMetrics,
    options: {
      ...defaultCollabOptions,
      maxDocumentBytes: deps.config.maxDocumentBytes,
      messagesPerSecond: deps.config.collabMessagesPerSecond,
      messageBurst: deps.config.collabMessageBurst,
      ...deps.collab,
    },
  });
  services.documents.attachLiveDocuments(collab);
  app.decorate('collab', collab);
  const readiness: ReadinessCheck[] = [];
  if (deps.config.redisUrl) {
    const fanout = await startFanout({
      redisUrl: deps.config.redisUrl,
      storage,
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
    // A frame ws refuses (too large, malformed, bad UTF-8) is bad input, not our fault: one
    // rate-limited line, no stack; ws has already sent the close code (1009, 1002, 1007), so the
    // socket is left to finish closing. Any other socket error ends it.
    errorHandler: (error, socket) => {
      const code = (error as { code?: unknown }).code;
      const protocol = typeof code === 'string' && code.startsWith('WS_ERR_');
      collab.badInput.report(protocol ? 'WebSocket frame refused' : 'WebSocket error', { reason: error.message, code });
      if (!protocol) socket.terminate();
    },
    // Drain instead of the plugin's default abrupt close: commit what is queued, then 1001.
    preClose: async () => {
      await collab.close();
      app.websocketServer.close();
    },
  });

  app.addHook('onClose', () => services.versions.close());
  installAuthentication(app, services.auth);
  installTextCleaning(app);
  installIdCanonicalisation(app);
  installHttpMetrics(app, services.metrics);

  healthRoutes(app, { database: () => databaseReadiness(deps.db), metrics: services.metrics, readiness, metricsToken: deps.config.metricsToken });
  authRoutes(app, services);
  directoryRoutes(app, services);
  importRoutes(app, services);
  documentRoutes(app, services);
  roundRoutes(app, services);
  annotationRoutes(app, services);
  aggregationRoutes(app, services);
  participationRoutes(app, services);
  remindersRoutes(app, services);
  notificationRoutes(app, services);
  administrationRoutes(app, { directory: services.directory, publicUrl: deps.config.publicUrl });
  clusterEditRoutes(app, services);
  // The subcommittee opens a round's summary when it closes: have it ready.
  services.rounds.onRoundClosed = (roundId) =>
    void services.aggregation.warmSummary(roundId).catch((error: unknown) => app.log.error({ err: error, roundId }, 'preparing a round summary failed'));
  eventRoutes(app, {
    ...services,
    allowedOrigins: deps.config.allowedOrigins,
    ...(deps.eventHeartbeatMs ? { heartbeatMs: deps.eventHeartbeatMs } : {}),
    ...(deps.eventSlowReaderMs ? { slowReaderMs: deps.eventSlowReaderMs } : {}),
  });

  if (deps.jobs !== false) {
    const deadlines = new RoundDeadlines(services.rounds, services.clock, app.log);
    const mail = deps.config.smtpUrl
      ? new MailService(deps.db, services.clock, services.notifications, { smtpUrl: deps.config.smtpUrl, from: deps.config.mailFrom, publicUrl: deps.config.publicUrl })
      : undefined;
    const notificationJobs = new NotificationJobs(services.notifications, mail, services.clock, app.log, deps.notificationPollMs);
    services.rounds.onRoundOpened = () => {
      deadlines.rearm();
      notificationJobs.wake();
    };
    // Every committed change may have queued notifications (and e-mail): look at once.
    services.events.on('committed', () => notificationJobs.wake());
    app.addHook('onReady', async () => {
      await deadlines.start();
      await notificationJobs.start();
    });
    app.addHook('onClose', async () => {
      await deadlines.stop();
      await notificationJobs.stop();
    });
  }
  collabRoutes(app, { collab, allowedOrigins: deps.config.allowedOrigins });
  // The web client (client/dist, built by `npm install`), with the SPA fallback; last, so every
  // API path is taken already.
  await serveClient(app, deps.clientDir ?? clientDistDir);

  return app;
}
