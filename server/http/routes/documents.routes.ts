import type { FastifyInstance } from 'fastify';
import { Type } from '@sinclair/typebox';
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import type { DocumentsService } from '../../services/documents.service.js';
import { toPublicDocument } from '../../services/documents.service.js';
import { callerOf } from '../authentication.js';
import { errors, IdParams, Uuid } from '../schemas.js';

const DocumentSchema = Type.Object(
  {
    id: Uuid,
    unitId: Uuid,
    title: Type.String(),
    status: Type.String(),
    maxRounds: Type.Integer(),
    currentRound: Type.Integer(),
    createdAt: Type.String({ format: 'date-time' }),
    updatedAt: Type.String({ format: 'date-time' }),
  },
  { $id: 'Document' },
);

const Content = Type.Union([
  Type.Object({ format: Type.Literal('text'), value: Type.String({ maxLength: 4_000_000 }) }, { additionalProperties: false }),
  Type.Object({ format: Type.Literal('markdown'), value: Type.String({ maxLength: 4_000_000 }) }, { additionalProperties: false }),
  Type.Object({ format: Type.Literal('prosemirror'), value: Type.Object({}, { additionalProperties: true }) }, { additionalProperties: false }),
]);

const ContentAnswer = Type.Object({
  text: Type.String(),
  sections: Type.Array(Type.Object({ path: Type.String(), title: Type.String(), level: Type.Integer(), start: Type.Integer(), end: Type.Integer() })),
});

export function documentRoutes(instance: FastifyInstance, deps: { documents: DocumentsService }): void {
  const app = instance.withTypeProvider<TypeBoxTypeProvider>();
  app.addSchema(DocumentSchema);
  const { documents } = deps;

  app.post(
    '/api/v1/documents',
    {
      schema: {
        tags: ['documents'],
        body: Type.Object(
          {
            unitId: Uuid,
            title: Type.String({ minLength: 1, maxLength: 300 }),
            maxRounds: Type.Optional(Type.Integer({ minimum: 1, maximum: 10 })),
            content: Type.Optional(Content),
          },
          { additionalProperties: false },
        ),
        response: { 201: Type.Ref('Document'), ...errors(400, 401, 403, 404, 413) },
      },
    },
    async (request, reply) => reply.status(201).send(await documents.create(callerOf(request), request.body)),
  );

  app.get(
    '/api/v1/documents',
    {
      schema: {
        tags: ['documents'],
        querystring: Type.Object({ unitId: Type.Optional(Uuid) }),
        response: { 200: Type.Array(Type.Ref('Document')), ...errors(400, 401) },
      },
    },
    async (request) => documents.list(callerOf(request), request.query.unitId),
  );

  app.get(
    '/api/v1/documents/:id',
    { schema: { tags: ['documents'], params: IdParams, response: { 200: Type.Ref('Document'), ...errors(400, 401, 404) } } },
    async (request) => toPublicDocument((await documents.visible(callerOf(request), request.params.id)).document),
  );

  app.get(
    '/api/v1/documents/:id/content',
    {
      schema: {
        tags: ['documents'],
        description: 'The plain-text projection (DESIGN.md) of the live draft, or of version `n`, with its sections.',
        params: IdParams,
        querystring: Type.Object({ version: Type.Optional(Type.Integer({ minimum: 1 })) }),
        response: { 200: ContentAnswer, ...errors(400, 401, 404) },
      },
    },
    async (request) => documents.content(callerOf(request), request.params.id, request.query.version),
  );
}
