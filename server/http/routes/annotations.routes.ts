import type { FastifyInstance } from 'fastify';
import { Type } from '@sinclair/typebox';
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import type { AnnotationsService } from '../../services/annotations.service.js';
import { callerOf } from '../authentication.js';
import { errors, IdParams, Uuid } from '../schemas.js';

const Kind = Type.Union([
  Type.Literal('comment'),
  Type.Literal('question'),
  Type.Literal('objection'),
  Type.Literal('support'),
  Type.Literal('suggestion'),
]);
const Decision = Type.Union([Type.Literal('accepted'), Type.Literal('partially_accepted'), Type.Literal('rejected'), Type.Literal('noted')]);
const Text = Type.String({ maxLength: 20_000 });

const AnchorSchema = Type.Object({
  start: Type.Integer(),
  end: Type.Integer(),
  relStart: Type.String(),
  relEnd: Type.String(),
  quote: Type.Object({ exact: Type.String(), prefix: Type.String(), suffix: Type.String() }),
  section: Type.String(),
});

const ReplySchema = Type.Object({ id: Uuid, authorId: Uuid, authorName: Type.String(), body: Type.String(), createdAt: Type.String({ format: 'date-time' }) });

const AnnotationSchema = Type.Object(
  {
    id: Uuid,
    roundId: Uuid,
    authorId: Uuid,
    authorName: Type.String(),
    kind: Kind,
    body: Type.String(),
    replacement: Type.Union([Type.String(), Type.Null()]),
    anchor: AnchorSchema,
    status: Type.Union([Type.Literal('active'), Type.Literal('withdrawn')]),
    disposition: Type.Union([
      Type.Object({
        decision: Decision,
        note: Type.String(),
        decidedBy: Uuid,
        decidedAt: Type.String({ format: 'date-time' }),
        appliedAt: Type.Union([Type.String({ format: 'date-time' }), Type.Null()]),
      }),
      Type.Null(),
    ]),
    replies: Type.Array(ReplySchema),
    createdAt: Type.String({ format: 'date-time' }),
    updatedAt: Type.String({ format: 'date-time' }),
    carriedForward: Type.Optional(
      Type.Object({
        fromRoundId: Uuid,
        anchorStatus: Type.String(),
        start: Type.Union([Type.Integer(), Type.Null()]),
        end: Type.Union([Type.Integer(), Type.Null()]),
        section: Type.Union([Type.String(), Type.Null()]),
      }),
    ),
  },
  { $id: 'Annotation' },
);

const Reanchored = Type.Intersect([
  Type.Ref('Annotation'),
  Type.Object({
    anchorStatus: Type.Union([Type.Literal('exact'), Type.Literal('moved'), Type.Literal('fuzzy'), Type.Literal('orphaned')]),
    position: Type.Object({
      start: Type.Union([Type.Integer(), Type.Null()]),
      end: Type.Union([Type.Integer(), Type.Null()]),
      section: Type.Union([Type.String(), Type.Null()]),
    }),
  }),
]);

const AnnotationParams = Type.Object({ roundId: Uuid, annotationId: Uuid });

export function annotationRoutes(instance: FastifyInstance, deps: { annotations: AnnotationsService }): void {
  const app = instance.withTypeProvider<TypeBoxTypeProvider>();
  app.addSchema(AnnotationSchema);
  const { annotations } = deps;

  app.put(
    '/api/v1/rounds/:roundId/annotations/:annotationId',
    {
      schema: {
        tags: ['annotations'],
        description: 'Creates (201) or updates (200) the caller’s annotation with this client-made id. Replaying the same request is harmless.',
        params: AnnotationParams,
        body: Type.Object(
          {
            kind: Kind,
            body: Text,
            replacement: Type.Optional(Text),
            anchor: Type.Union([
              Type.Object({ start: Type.Integer({ minimum: 0 }), end: Type.Integer({ minimum: 0 }) }, { additionalProperties: false }),
              Type.Object({ relStart: Type.String({ maxLength: 4096 }), relEnd: Type.String({ maxLength: 4096 }) }, { additionalProperties: false }),
            ]),
          },
          { additionalProperties: false },
        ),
        response: { 200: Type.Ref('Annotation'), 201: Type.Ref('Annotation'), ...errors(400, 401, 403, 404, 409, 413, 422) },
      },
    },
    async (request, reply) => {
      const { created, annotation } = await annotations.upsert(callerOf(request), request.params.roundId, request.params.annotationId, request.body);
      return reply.status(created ? 201 : 200).send(annotation);
    },
  );

  app.delete(
    '/api/v1/rounds/:roundId/annotations/:annotationId',
    { schema: { tags: ['annotations'], params: AnnotationParams, response: { 204: Type.Null(), ...errors(400, 401, 403, 404, 409) } } },
    async (request, reply) => {
      await annotations.withdraw(callerOf(request), request.params.roundId, request.params.annotationId);
      return reply.status(204).send(null);
    },
  );

  app.get(
    '/api/v1/rounds/:roundId/annotations',
    {
      schema: {
        tags: ['annotations'],
        params: Type.Object({ roundId: Uuid }),
        response: { 200: Type.Array(Type.Ref('Annotation')), ...errors(400, 401, 404) },
      },
    },
    async (request) => annotations.listForRound(callerOf(request), request.params.roundId),
  );

  app.get(
    '/api/v1/documents/:id/annotations',
    {
      schema: {
        tags: ['annotations'],
        description: 'Every visible annotation re-anchored into version n or the live draft, with anchorStatus exact | moved | fuzzy | orphaned.',
        params: IdParams,
        querystring: Type.Object({ version: Type.Union([Type.Integer({ minimum: 1 }), Type.Literal('live')], { default: 'live' }) }),
        response: { 200: Type.Array(Reanchored), ...errors(400, 401, 404) },
      },
    },
    async (request) => annotations.reanchored(callerOf(request), request.params.id, request.query.version),
  );

  app.post(
    '/api/v1/annotations/:id/replies',
    {
      schema: {
        tags: ['annotations'],
        params: IdParams,
        body: Type.Object({ body: Text }, { additionalProperties: false }),
        response: { 201: ReplySchema, ...errors(400, 401, 404, 413) },
      },
    },
    async (request, reply) => reply.status(201).send(await annotations.reply(callerOf(request), request.params.id, request.body.body)),
  );

  app.put(
    '/api/v1/annotations/:id/disposition',
    {
      schema: {
        tags: ['annotations'],
        params: IdParams,
        body: Type.Object({ decision: Decision, note: Type.Optional(Text) }, { additionalProperties: false }),
        response: { 200: Type.Ref('Annotation'), ...errors(400, 401, 403, 404, 413) },
      },
    },
    async (request) => annotations.setDisposition(callerOf(request), request.params.id, { decision: request.body.decision, note: request.body.note ?? '' }),
  );

  app.post(
    '/api/v1/annotations/:id/apply',
    {
      schema: {
        tags: ['annotations'],
        description: 'Applies an accepted suggestion into the live draft as a CRDT edit; 409 if the anchored text changed since.',
        params: IdParams,
        response: { 200: Type.Ref('Annotation'), ...errors(400, 401, 403, 404, 409) },
      },
    },
    async (request) => annotations.apply(callerOf(request), request.params.id),
  );
}
