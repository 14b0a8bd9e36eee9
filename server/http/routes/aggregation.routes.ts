import type { FastifyInstance, FastifyReply } from 'fastify';
import { Type } from '@sinclair/typebox';
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import type { AggregationService } from '../../services/aggregation.service.js';
import type { ExportsService } from '../../services/exports.service.js';
import { callerOf } from '../authentication.js';
import { FeedbackDispositionBody, FeedbackDispositionQuery, FeedbackItemParams, FeedbackItemSchema, FeedbackQuery, FeedbackSchema, PackageExportParams, PackagePreviewQuery, PackagePreviewSchema, PackageExportQuery, PackageSchema, SubmitPackageBody, SummaryIndexSchema, SummaryQuery, SummarySchema, SummarySectionSchema, type DecisionCounts, type RoundSummary, type SummaryIndex } from '../schemas/aggregation.js';
import { errors, IdParams, ref } from '../schemas/common.js';
import { RoundParams } from '../schemas/rounds.js';
import { sendFile } from '../send-file.js';

/**
 * A round summary as JSON (UTF-8 bytes), exactly as the route's schema serialises it, with each
 * section's bytes kept while the service hands back the same section object (it does while the
 * section's clusters and decision counts are unchanged): after one new annotation in a province's
 * round, one section of fifty is serialised again instead of 20 MB.
 */
const sectionJson = new WeakMap<object, Buffer>();
const comma = Buffer.from(',');
function summaryJson(summary: RoundSummary, reply: FastifyReply): Buffer {
  const whole = reply.compileSerializationSchema(SummarySchema, '200');
  const section = reply.compileSerializationSchema(SummarySectionSchema, '200');
  const head = whole({ ...summary, sections: [] });
  if (!head.endsWith('"sections":[]}')) throw new Error('the summary schema must end with its sections');
  const parts: Buffer[] = [Buffer.from(head.slice(0, -2))];
  summary.sections.forEach((s, i) => {
    let json = sectionJson.get(s);
    if (json === undefined) sectionJson.set(s, (json = Buffer.from(section(s))));
    if (i > 0) parts.push(comma);
    parts.push(json);
  });
  parts.push(Buffer.from(']}'));
  return Buffer.concat(parts);
}

/** The summary's sections as counts (`/summary/sections`): a few kB where the whole is megabytes. */
function summaryIndex(summary: RoundSummary): SummaryIndex {
  const { sections, ...rest } = summary;
  return {
    ...rest,
    sections: sections.map((s) => ({
      path: s.path,
      title: s.title,
      annotations: s.clusters.reduce((n, c) => n + c.count, 0),
      points: s.clusters.length,
      passages: s.passages.length,
      decisions: sumDecisions(s.clusters.map((c) => c.decisions)),
    })),
  };
}

function sumDecisions(counts: readonly DecisionCounts[]): DecisionCounts {
  const sum: DecisionCounts = { accepted: 0, partially_accepted: 0, rejected: 0, noted: 0, undecided: 0 };
  for (const c of counts) for (const key of Object.keys(sum) as (keyof DecisionCounts)[]) sum[key] += c[key];
  return sum;
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
        summary: 'A round’s summary',
        description:
          'The round’s annotations merged into clusters per section, with participation (reviewers only); `section=<path>` answers with that section alone. `format=md|docx|pdf` exports it; `format=jsonld` exports the round’s annotations as W3C Web Annotations.',
        params: RoundParams,
        querystring: SummaryQuery,
        response: { 200: SummarySchema, ...errors(400, 401, 403, 404) },
      },
    },
    async (request, reply) => {
      const { format, lang, section } = request.query;
      if (format === 'json') {
        const summary = await aggregation.summary(callerOf(request), request.params.roundId, section === undefined ? {} : { section });
        // Fastify sends bytes as they are (the schema's serialiser already made them).
        return reply.type('application/json; charset=utf-8').send(summaryJson(summary, reply) as unknown as RoundSummary);
      }
      return sendFile(reply, await deps.exports.exportSummary(callerOf(request), request.params.roundId, format, lang, originOf(request)));
    },
  );

  app.get(
    '/api/v1/rounds/:roundId/summary/sections',
    {
      schema: {
        tags: ['aggregation'],
        summary: 'A round’s summary, sections as counts',
        description:
          'The summary’s index for reading it section by section: what `GET /rounds/:roundId/summary` answers, with each section’s `clusters` and `passages` replaced by `annotations`, `points`, `passages` (counts) and `decisions` (summed). The comments on the whole draft come whole. Then `GET …/summary?section=<path>` reads one section. Reviewers only, as the summary.',
        params: RoundParams,
        response: { 200: SummaryIndexSchema, ...errors(400, 401, 403, 404) },
      },
    },
    async (request) => summaryIndex(await aggregation.summary(callerOf(request), request.params.roundId)),
  );

  app.post(
    '/api/v1/documents/:id/packages',
    {
      schema: {
        tags: ['aggregation'],
        summary: 'Submit a feedback package',
        description:
          'The secretary of `fromUnitId` sends its consolidated feedback on the document to the parent unit. Immutable afterwards. `id` is the client’s: the same request again answers 200 with the same package. Another package from the unit for the same rounds is 409 unless it names the one it `supersedes`.',
        params: IdParams,
        body: SubmitPackageBody,
        response: { 200: ref(PackageSchema), 201: ref(PackageSchema), ...errors(400, 401, 403, 404, 409) },
      },
    },
    async (request, reply) => {
      const { pkg, created } = await aggregation.submitPackage(callerOf(request), request.params.id, request.body);
      return reply.status(created ? 201 : 200).send(pkg);
    },
  );

  app.get(
    '/api/v1/documents/:id/packages/preview',
    {
      schema: {
        tags: ['aggregation'],
        summary: 'Preview a feedback package',
        description:
          'Exactly what a submission from `fromUnitId` would carry now, without `id`, `contentHash` and `submittedAt` (the secretary of `fromUnitId`). `supersedes` names the unit’s latest package, if any.',
        params: IdParams,
        querystring: PackagePreviewQuery,
        response: { 200: PackagePreviewSchema, ...errors(400, 401, 403, 404) },
      },
    },
    async (request) =>
      aggregation.previewPackage(callerOf(request), request.params.id, { fromUnitId: request.query.fromUnitId, roundIds: request.query.roundIds?.split(',') }),
  );

  app.put(
    '/api/v1/documents/:id/feedback/items/:itemId/disposition',
    {
      schema: {
        tags: ['aggregation'],
        summary: 'Decide on a merged feedback item',
        description: 'The receiving unit’s own decision on a merged item (its drafters and secretaries; `unitId` defaults to the document’s unit).',
        params: FeedbackItemParams,
        querystring: FeedbackDispositionQuery,
        body: FeedbackDispositionBody,
        response: { 200: FeedbackItemSchema, ...errors(400, 401, 403, 404) },
      },
    },
    async (request) =>
      aggregation.decideFeedbackItem(callerOf(request), request.params.id, request.params.itemId, {
        unitId: request.query.unitId,
        decision: request.body.decision,
        note: request.body.note ?? '',
      }),
  );

  app.get(
    '/api/v1/documents/:id/packages',
    {
      schema: {
        tags: ['aggregation'],
        summary: 'List feedback packages',
        description: 'The packages about the document that the caller may see: those sent or received by a unit where they are a drafter or secretary.',
        params: IdParams,
        response: { 200: Type.Array(ref(PackageSchema)), ...errors(400, 401, 404) },
      },
    },
    async (request) => aggregation.packages(callerOf(request), request.params.id),
  );

  app.get(
    '/api/v1/documents/:id/packages/:packageId/export',
    {
      schema: {
        tags: ['aggregation'],
        summary: 'Export a package',
        description: 'A package as its unit sent it, as DOCX or PDF in the Party-document frame (for the staff of the sending and receiving units).',
        params: PackageExportParams,
        querystring: PackageExportQuery,
        response: { ...errors(400, 401, 404) },
      },
    },
    async (request, reply) =>
      sendFile(reply, await deps.exports.exportPackage(callerOf(request), request.params.id, request.params.packageId, request.query.format, request.query.lang)),
  );

  app.get(
    '/api/v1/documents/:id/feedback',
    {
      schema: {
        tags: ['aggregation'],
        summary: 'Merged feedback',
        description: 'The packages a unit received on the document (default: the document’s unit), merged across the sending units; `section=<path>` answers with that section’s items alone.',
        params: IdParams,
        querystring: FeedbackQuery,
        response: { 200: FeedbackSchema, ...errors(400, 401, 403, 404) },
      },
    },
    async (request, reply) => {
      const { unitId, format, lang, section } = request.query;
      if (format === 'json') return aggregation.feedback(callerOf(request), request.params.id, unitId, section === undefined ? {} : { section });
      return sendFile(reply, await deps.exports.exportFeedback(callerOf(request), request.params.id, unitId, format, lang));
    },
  );
}
