import type { FastifyInstance } from 'fastify';
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import type { ParticipationService } from '../../services/participation.service.js';
import { callerOf } from '../authentication.js';
import { errors } from '../schemas/common.js';
import { ParticipationQuery, ParticipationSchema } from '../schemas/participation.js';
import { RoundParams } from '../schemas/rounds.js';

export function participationRoutes(instance: FastifyInstance, deps: { participation: ParticipationService }): void {
  const app = instance.withTypeProvider<TypeBoxTypeProvider>();

  app.get(
    '/api/v1/rounds/:roundId/participation',
    {
      schema: {
        tags: ['aggregation'],
        summary: 'Who has commented',
        description:
          'The members invited to the round from `unitId` (default: the round’s scope unit) and the units below it, with whether they commented, how many annotations and when last. `status=commented|silent` keeps one side. For the unit’s secretaries and drafters and the round’s reviewers (else 403); a unit outside the round’s scope is 404.',
        params: RoundParams,
        querystring: ParticipationQuery,
        response: { 200: ParticipationSchema, ...errors(400, 401, 403, 404) },
      },
    },
    async (request) => ({ members: await deps.participation.members(callerOf(request), request.params.roundId, request.query) }),
  );
}
