import type { FastifyInstance } from 'fastify';
import { Type } from '@sinclair/typebox';
import type { Metrics } from '../metrics.js';
import { sendProblem } from '../problem.js';
import { metricsAccess } from '../security.js';

/** A dependency beyond the database that must be up for the instance to take traffic; undefined = fine. */
export type ReadinessCheck = () => string | undefined;

export function healthRoutes(
  app: FastifyInstance,
  deps: { database: () => Promise<string | undefined>; metrics: Metrics; readiness?: ReadinessCheck[]; metricsToken?: string | undefined },
): void {
  const mayReadMetrics = metricsAccess(deps.metricsToken);
  const publicRoute = { public: true };
  const healthz = {
    tags: ['operations'],
    summary: 'Liveness',
    description: 'The process is up and answering (no dependency is checked).',
    response: { 200: Type.Object({ status: Type.Literal('ok') }) },
  };
  app.get('/healthz', { config: publicRoute, schema: healthz }, async () => ({
    status: 'ok' as const,
  }));

  const readyz = {
    tags: ['operations'],
    summary: 'Readiness',
    description:
      'Ready to take traffic: the database is reachable with every migration applied (and Redis, when configured); otherwise 503 with a problem saying what is missing.',
  };
  app.get('/readyz', { config: publicRoute, schema: readyz }, async (_request, reply) => {
    const database = await deps.database();
    if (database) return sendProblem(reply, 'unavailable', database);
    for (const check of deps.readiness ?? []) {
      const problem = check();
      if (problem) return sendProblem(reply, 'unavailable', problem);
    }
    return { status: 'ready' };
  });

  // Public as far as member tokens go: it has its own rule (loopback, or METRICS_TOKEN).
  app.get('/metrics', { config: publicRoute, schema: { tags: ['operations'], hide: true } }, async (request, reply) => {
    const access = mayReadMetrics(request);
    if (access === 'unauthenticated') return sendProblem(reply, 'unauthenticated', 'metrics need the METRICS_TOKEN bearer token');
    if (access === 'forbidden') return sendProblem(reply, 'forbidden', 'metrics are served to this machine only; set METRICS_TOKEN to scrape from elsewhere');
    reply.type(deps.metrics.registry.contentType);
    return deps.metrics.registry.metrics();
  });
}
