import type { FastifyInstance } from 'fastify';
import { Type } from '@sinclair/typebox';
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import type { FastifyReply } from 'fastify';
import type { AggregationService } from '../../services/aggregation.service.js';
import type { ExportFile, ExportsService } from '../../services/exports.service.js';
import { callerOf } from '../authentication.js';
import { errors, IdParams, Uuid } from '../schemas.js';

const Decisions = Type.Object({
  accepted: Type.Integer(),
  partially_accepted: Type.Integer(),
  rejected: Type.Integer(),
  noted: Type.Integer(),
  undecided: Type.Integer(),
});
const Representative = Type.Object({ body: Type.String(), replacement: Type.Union([Type.String(), Type.Null()]) });
const Kind = Type.String();

const SummarySchema = Type.Object({
  documentId: Uuid,
  roundId: Uuid,
  roundNumber: Type.Integer(),
  baseVersion: Type.Integer(),
  participation: Type.Object({
    invited: Type.Integer(),
    commented: Type.Integer(),
    annotations: Type.Integer(),
    byUnit: Type.Array(Type.Object({ unitId: Uuid, invited: Type.Integer(), commented: Type.Integer() })),
  }),
  sections: Type.Array(
    Type.Object({
      path: Type.String(),
      title: Type.String(),
      clusters: Type.Array(
        Type.Object({
          id: Type.String(),
          kind: Kind,
          count: Type.Integer(),
          annotationIds: Type.Array(Uuid),
          anchor: Type.Object({ start: Type.Integer(), end: Type.Integer() }),
          representative: Representative,
          decisions: Decisions,
          unitIds: Type.Array(Uuid),
        }),
      ),
    }),
  ),
});

const PackageItemSchema = Type.Object({
  id: Type.String(),
  section: Type.String(),
  kind: Kind,
  count: Type.Integer(),
  representative: Representative,
  unitIds: Type.Array(Uuid),
  annotationIds: Type.Array(Uuid),
  decisions: Decisions,
  sources: Type.Array(Type.String()),
  authorIds: Type.Optional(Type.Array(Uuid)),
});

const PackageSchema = Type.Object(
  {
    id: Uuid,
    documentId: Uuid,
    fromUnitId: Uuid,
    toUnitId: Uuid,
    roundIds: Type.Array(Uuid),
    note: Type.String(),
    items: Type.Array(PackageItemSchema),
    contentHash: Type.String(),
    submittedBy: Uuid,
    submittedAt: Type.String({ format: 'date-time' }),
  },
  { $id: 'FeedbackPackage' },
);

const FeedbackSchema = Type.Object({
  documentId: Uuid,
  unitId: Uuid,
  units: Type.Array(Type.Object({ unitId: Uuid, name: Type.String(), packageId: Type.Union([Uuid, Type.Null()]), submittedAt: Type.Union([Type.String(), Type.Null()]) })),
  items: Type.Array(
    Type.Object({
      id: Type.String(),
      section: Type.String(),
      kind: Kind,
      representative: Representative,
      count: Type.Integer(),
      unitCount: Type.Integer(),
      unitIds: Type.Array(Uuid),
      annotationIds: Type.Array(Uuid),
    }),
  ),
});

const Lang = Type.Union([Type.Literal('vi'), Type.Literal('en')], { default: 'vi', description: 'Language of the export’s headings' });

function sendFile(reply: FastifyReply, file: ExportFile): FastifyReply {
  return reply
    .type(file.contentType)
    .header('content-disposition', `attachment; filename="${file.filename}"`)
    .header('cache-control', 'no-store')
    .send(file.body);
}

/** The base URL clients reached us at, for the IRIs of JSON-LD exports. */
const originOf = (request: { protocol: string; host: string }) => `${request.protocol}://${request.host}`;

export function aggregationRoutes(instance: FastifyInstance, deps: { aggregation: AggregationService; exports: ExportsService }): void {
  const app = instance.withTypeProvider<TypeBoxTypeProvider>();
  app.addSchema(PackageSchema);
  const { aggregation } = deps;

  app.get(
    '/api/v1/rounds/:roundId/summary',
    {
      schema: {
        tags: ['aggregation'],
        description:
          'The round’s annotations merged into clusters per section, with participation (reviewers only). `format=md|docx` exports it; `format=jsonld` exports the round’s annotations as W3C Web Annotations.',
        params: Type.Object({ roundId: Uuid }),
        querystring: Type.Object({
          format: Type.Union([Type.Literal('json'), Type.Literal('md'), Type.Literal('docx'), Type.Literal('jsonld')], { default: 'json' }),
          lang: Lang,
        }),
        response: { 200: SummarySchema, ...errors(400, 401, 403, 404) },
      },
    },
    async (request, reply) => {
      const { format, lang } = request.query;
      if (format === 'json') return aggregation.summary(callerOf(request), request.params.roundId);
      return sendFile(reply, await deps.exports.exportSummary(callerOf(request), request.params.roundId, format, lang, originOf(request)));
    },
  );

  app.post(
    '/api/v1/documents/:id/packages',
    {
      schema: {
        tags: ['aggregation'],
        description: 'The secretary of `fromUnitId` sends its consolidated feedback on the document to the parent unit. Immutable afterwards.',
        params: IdParams,
        body: Type.Object(
          { fromUnitId: Uuid, roundIds: Type.Array(Uuid, { minItems: 1, maxItems: 10 }), note: Type.Optional(Type.String({ maxLength: 20_000 })) },
          { additionalProperties: false },
        ),
        response: { 201: Type.Ref('FeedbackPackage'), ...errors(400, 401, 403, 404, 409) },
      },
    },
    async (request, reply) => reply.status(201).send(await aggregation.submitPackage(callerOf(request), request.params.id, request.body)),
  );

  app.get(
    '/api/v1/documents/:id/packages',
    { schema: { tags: ['aggregation'], params: IdParams, response: { 200: Type.Array(Type.Ref('FeedbackPackage')), ...errors(400, 401, 404) } } },
    async (request) => aggregation.packages(callerOf(request), request.params.id),
  );

  app.get(
    '/api/v1/documents/:id/feedback',
    {
      schema: {
        tags: ['aggregation'],
        description: 'The packages a unit received on the document (default: the document’s unit), merged across the sending units.',
        params: IdParams,
        querystring: Type.Object({
          unitId: Type.Optional(Uuid),
          format: Type.Union([Type.Literal('json'), Type.Literal('md'), Type.Literal('docx')], { default: 'json' }),
          lang: Lang,
        }),
        response: { 200: FeedbackSchema, ...errors(400, 401, 403, 404) },
      },
    },
    async (request, reply) => {
      const { unitId, format, lang } = request.query;
      if (format === 'json') return aggregation.feedback(callerOf(request), request.params.id, unitId);
      return sendFile(reply, await deps.exports.exportFeedback(callerOf(request), request.params.id, unitId, format, lang));
    },
  );
}
