/**
 * buildApp: the whole HTTP + WebSocket application around its dependencies. It never listens;
 * `main.ts` does, and tests call `inject()` or listen on port 0.
 */
import { randomUUID } from 'node:crypto';
import Fastify, { type FastifyInstance, type FastifyServerOptions } from 'fastify';
import swagger from '@fastify/swagger';
import swaggerUi from '@fastify/swagger-ui';
import type { Config } from './config.js';
import type { Db } from './db/connect.js';
import { installAuthentication } from './http/authentication.js';
import { createMetrics, installHttpMetrics, type Metrics } from './http/metrics.js';
import { installErrorHandling } from './http/problem.js';
import { authRoutes } from './http/routes/auth.routes.js';
import { directoryRoutes } from './http/routes/directory.routes.js';
import { healthRoutes } from './http/routes/health.routes.js';
import { importRoutes } from './http/routes/import.routes.js';
import { AccessEvents } from './services/access-events.js';
import { AuthService, type LoginLimits } from './services/auth.service.js';
import { systemClock, type Clock } from './services/clock.js';
import { DirectoryService } from './services/directory.service.js';
import { ImportService } from './services/import.service.js';

export interface AppDeps {
  config: Config;
  db: Db;
  clock?: Clock;
  /** Fastify logger options; `false` in tests. */
  logger?: FastifyServerOptions['logger'];
  loginLimits?: LoginLimits;
}

export interface Services {
  auth: AuthService;
  directory: DirectoryService;
  importer: ImportService;
  access: AccessEvents;
  metrics: Metrics;
  clock: Clock;
}

declare module 'fastify' {
  interface FastifyInstance {
    services: Services;
  }
}

export function createServices(deps: AppDeps): Services {
  const clock = deps.clock ?? systemClock;
  const access = new AccessEvents();
  return {
    clock,
    access,
    metrics: createMetrics(),
    auth: new AuthService(deps.db, clock, access, deps.config.tokenTtlSeconds, deps.loginLimits),
    directory: new DirectoryService(deps.db, access),
    importer: new ImportService(deps.db, clock, access),
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
  const services = createServices(deps);
  app.decorate('services', services);

  installErrorHandling(app);
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

  installAuthentication(app, services.auth);
  installHttpMetrics(app, services.metrics);

  healthRoutes(app, { db: deps.db, metrics: services.metrics });
  authRoutes(app, services);
  directoryRoutes(app, services);
  importRoutes(app, services);

  return app;
}
