import { sql } from 'kysely';
import type { FastifyInstance } from 'fastify';
import { Type } from '@sinclair/typebox';
import type { Db } from '../../db/connect.js';
import { migrationsApplied } from '../../db/migrate.js';
import type { Metrics } from '../metrics.js';
import { sendProblem } from '../problem.js';

/** A dependency beyond the database that must be up for the instance to take traffic; undefined = fine. */
export type ReadinessCheck = () => string | undefined;

export function healthRoutes(app: FastifyInstance, deps: { db: Db; metrics: Metrics; readiness?: ReadinessCheck[] }): void {
  const publicRoute = { public: true };
  app.get('/healthz', { config: publicRoute, schema: { tags: ['operations'], response: { 200: Type.Object({ status: Type.Literal('ok') }) } } }, async () => ({
    status: 'ok' as const,
  }));

  app.get('/readyz', { config: publicRoute, schema: { tags: ['operations'] } }, async (_request, reply) => {
    try {
      await sql`select 1`.execute(deps.db);
      if (!(await migrationsApplied(deps.db))) return sendProblem(reply, 'internal', 'migrations are pending', {}, 503);
      for (const check of deps.readiness ?? []) {
        const problem = check();
        if (problem) return sendProblem(reply, 'internal', problem, {}, 503);
      }
      return { status: 'ready' };
    } catch {
      return sendProblem(reply, 'internal', 'database unreachable', {}, 503);
    }
  });

  app.get('/metrics', { config: publicRoute, schema: { tags: ['operations'], hide: true } }, async (_request, reply) => {
    reply.type(deps.metrics.registry.contentType);
    return deps.metrics.registry.metrics();
  });
}
