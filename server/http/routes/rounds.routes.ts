import type { FastifyInstance } from 'fastify';
import { Type } from '@sinclair/typebox';
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import type { DiffService } from '../../services/diff.service.js';
import type { RoundsService } from '../../services/rounds.service.js';
import { callerOf } from '../authentication.js';
import { errors, IdParams, Uuid } from '../schemas.js';

const Visibility = Type.Union([Type.Literal('private'), Type.Literal('open')]);

const RoundSchema = Type.Object(
  {
    id: Uuid,
    documentId: Uuid,
    number: Type.Integer(),
    baseVersion: Type.Integer(),
    status: Type.Union([Type.Literal('open'), Type.Literal('closed')]),
    closesAt: Type.String({ format: 'date-time' }),
    closedAt: Type.Union([Type.String({ format: 'date-time' }), Type.Null()]),
    scopeUnitId: Uuid,
    visibility: Visibility,
    createdAt: Type.String({ format: 'date-time' }),
  },
  { $id: 'Round' },
);

const VersionSchema = Type.Object(
  { number: Type.Integer(), label: Type.String(), createdAt: Type.String({ format: 'date-time' }), roundNumber: Type.Union([Type.Integer(), Type.Null()]) },
  { $id: 'Version' },
);

const VersionRef = Type.Union([Type.Integer({ minimum: 1 }), Type.Literal('live')]);

const DiffAnswer = Type.Object({
  ops: Type.Array(Type.Tuple([Type.Integer({ minimum: -1, maximum: 1, description: '-1 deleted, 0 kept, 1 inserted' }), Type.String()])),
  stats: Type.Object({ inserted: Type.Integer(), deleted: Type.Integer() }),
  sections: Type.Array(Type.Object({ path: Type.String(), inserted: Type.Integer(), deleted: Type.Integer() })),
  html: Type.String(),
});

export function roundRoutes(instance: FastifyInstance, deps: { rounds: RoundsService; diffs: DiffService }): void {
  const app = instance.withTypeProvider<TypeBoxTypeProvider>();
  app.addSchema(RoundSchema);
  app.addSchema(VersionSchema);
  const { rounds } = deps;

  app.post(
    '/api/v1/documents/:id/versions',
    {
      schema: {
        tags: ['versions'],
        params: IdParams,
        body: Type.Object({ label: Type.String({ minLength: 1, maxLength: 200 }) }, { additionalProperties: false }),
        response: { 201: Type.Ref('Version'), ...errors(400, 401, 403, 404) },
      },
    },
    async (request, reply) => reply.status(201).send(await rounds.createVersion(callerOf(request), request.params.id, request.body.label)),
  );

  app.get(
    '/api/v1/documents/:id/versions',
    { schema: { tags: ['versions'], params: IdParams, response: { 200: Type.Array(Type.Ref('Version')), ...errors(400, 401, 404) } } },
    async (request) => rounds.versions(callerOf(request), request.params.id),
  );

  app.get(
    '/api/v1/documents/:id/diff',
    {
      schema: {
        tags: ['versions'],
        description: 'Word-level comparison of version `from` with version `to` (`live`: the live draft). Joining the 0 and 1 texts of `ops` gives `to`, the 0 and -1 texts `from`.',
        params: IdParams,
        querystring: Type.Object({ from: VersionRef, to: VersionRef }, { additionalProperties: false }),
        response: { 200: DiffAnswer, ...errors(400, 401, 404) },
      },
    },
    async (request) => deps.diffs.diff(callerOf(request), request.params.id, request.query.from, request.query.to),
  );

  app.post(
    '/api/v1/documents/:id/rounds',
    {
      schema: {
        tags: ['rounds'],
        description: 'Opens the next round: freezes the live draft as a new version, the base everyone comments on.',
        params: IdParams,
        body: Type.Object(
          { closesAt: Type.String({ format: 'date-time' }), scopeUnitId: Type.Optional(Uuid), visibility: Type.Optional(Visibility) },
          { additionalProperties: false },
        ),
        response: { 201: Type.Ref('Round'), ...errors(400, 401, 403, 404, 409) },
      },
    },
    async (request, reply) => reply.status(201).send(await rounds.open(callerOf(request), request.params.id, request.body)),
  );

  app.get(
    '/api/v1/documents/:id/rounds',
    { schema: { tags: ['rounds'], params: IdParams, response: { 200: Type.Array(Type.Ref('Round')), ...errors(400, 401, 404) } } },
    async (request) => rounds.list(callerOf(request), request.params.id),
  );

  const RoundParams = Type.Object({ roundId: Uuid });
  app.get(
    '/api/v1/rounds/:roundId',
    { schema: { tags: ['rounds'], params: RoundParams, response: { 200: Type.Ref('Round'), ...errors(400, 401, 404) } } },
    async (request) => rounds.get(callerOf(request), request.params.roundId),
  );

  app.post(
    '/api/v1/rounds/:roundId/close',
    { schema: { tags: ['rounds'], params: RoundParams, response: { 200: Type.Ref('Round'), ...errors(400, 401, 403, 404, 409) } } },
    async (request) => rounds.close(callerOf(request), request.params.roundId),
  );
}
