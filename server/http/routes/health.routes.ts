import { sql } from 'kysely';
import type { FastifyInstance } from 'fastify';
import { Type } from '@sinclair/typebox';
import type { Db } from '../../db/connect.js';
import { migrationsApplied } from '../../db/migrate.js';
import type { Metrics } from '../metrics.js';
import { sendProblem } from '../problem.js';

export function healthRoutes(app: FastifyInstance, deps: { db: Db; metrics: Metrics }): void {
  const publicRoute = { public: true };
  app.get('/healthz', { config: publicRoute, schema: { tags: ['operations'], response: { 200: Type.Object({ status: Type.Literal('ok') }) } } }, async () => ({
    status: 'ok' as const,
  }));

  app.get('/readyz', { config: publicRoute, schema: { tags: ['operations'] } }, async (_request, reply) => {
    try {
      await sql`select 1`.execute(deps.db);
      if (!(await migrationsApplied(deps.db))) return sendProblem(reply, 'internal', 'migrations are pending', {}, 503);
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
