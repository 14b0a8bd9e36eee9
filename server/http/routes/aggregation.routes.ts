import zlib from 'node:zlib';
import type { FastifyInstance, FastifyReply } from 'fastify';
import { Type } from '@sinclair/typebox';
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import type { AggregationService } from '../../services/aggregation.service.js';
import type { ExportsService } from '../../services/exports.service.js';
import { callerOf } from '../authentication.js';
import { FeedbackDispositionBody, FeedbackDispositionQuery, FeedbackIndexQuery, FeedbackIndexSchema, FeedbackItemParams, FeedbackItemSchema, FeedbackQuery, FeedbackSchema, PackageExportParams, PackagePreviewQuery, PackagePreviewSchema, PackageExportQuery, PackageSchema, SubmitPackageBody, SummaryIndexSchema, SummaryQuery, SummarySchema, SummarySectionSchema, type DecisionCounts, type RoundSummary, type SummaryIndex } from '../schemas/aggregation.js';
import { errors, IdParams, ref } from '../schemas/common.js';
import { RoundParams } from '../schemas/rounds.js';
import { sendFile } from '../send-file.js';

/**
 * A round summary as JSON (UTF-8 bytes), exactly as the route's schema serialises it, with each
 * section's bytes kept while the service hands back the same section object (it does while the
 * section's clusters and decision counts are unchanged): after one new annotation in a province's
 * round, one section of fifty is serialised again instead of 20 MB. With `gzip`, the same bytes
 * gzip-compressed, each section's compressed bytes kept likewise (`gzipOfParts`).
 */
const sectionJson = new WeakMap<object, { json: Buffer; deflated?: Buffer }>();
const comma = { json: Buffer.from(',') };
function summaryJson(summary: RoundSummary, reply: FastifyReply, gzip = false): Buffer {
  const whole = reply.compileSerializationSchema(SummarySchema, '200');
  const section = reply.compileSerializationSchema(SummarySectionSchema, '200');
  const head = whole({ ...summary, sections: [] });
  if (!head.endsWith('"sections":[]}')) throw new Error('the summary schema must end with its sections');
  const parts: Array<{ json: Buffer; deflated?: Buffer }> = [{ json: Buffer.from(head.slice(0, -2)) }];
  summary.sections.forEach((s, i) => {
    let part = sectionJson.get(s);
    if (part === undefined) sectionJson.set(s, (part = { json: Buffer.from(section(s)) }));
    if (i > 0) parts.push(comma);
    parts.push(part);
  });
  parts.push({ json: Buffer.from(']}') });
  return gzip ? gzipOfParts(parts) : Buffer.concat(parts.map((p) => p.json));
}

/**
 * One gzip member (RFC 1952) of the parts' JSON, concatenated. Each part is deflated on its own
 * (its own dictionary) and ends in a sync flush, on a byte boundary and without a final block, so
 * deflated parts follow one another as one deflate stream (what pigz does); an empty final block,
 * the CRC-32 and the length close it. A part's deflated bytes are kept on it (level 1, as the
 * app's compression): the answer's unchanged sections are not compressed again.
 */
const gzipHeader = Buffer.from([0x1f, 0x8b, 8, 0, 0, 0, 0, 0, 0, 0xff]);
const finalBlock = Buffer.from([3, 0]);
function gzipOfParts(parts: ReadonlyArray<{ json: Buffer; deflated?: Buffer }>): Buffer {
  const out: Buffer[] = [gzipHeader];
  let crc = 0;
  let size = 0;
  for (const part of parts) {
    part.deflated ??= zlib.deflateRawSync(part.json, { level: 1, finishFlush: zlib.constants.Z_SYNC_FLUSH });
    out.push(part.deflated);
    crc = zlib.crc32(part.json, crc);
    size += part.json.length;
  }
  const trailer = Buffer.alloc(8);
  trailer.writeUInt32LE(crc >>> 0, 0);
  trailer.writeUInt32LE(size % 2 ** 32, 4);
  out.push(finalBlock, trailer);
  return Buffer.concat(out);
}

/** Whether an Accept-Encoding header accepts gzip (named or `*`, with a q above 0). */
export function acceptsGzip(header: string | undefined): boolean {
  if (!header) return false;
  const q = new Map<string, number>();
  for (const token of header.split(',')) {
    const [name = '', ...params] = token.trim().toLowerCase().split(';');
    const weight = params.map((x) => x.trim()).find((x) => x.startsWith('q='));
    q.set(name.trim(), weight === undefined ? 1 : Number(weight.slice(2)) || 0);
  }
  return (q.get('gzip') ?? q.get('x-gzip') ?? q.get('*') ?? 0) > 0;
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
        // Fastify sends bytes as they are (the schema's serialiser already made them). Whole
        // summaries are tens of megabytes: sent as gzip made of each section's kept compressed
        // bytes when the client takes gzip (the app's compression leaves an encoded answer alone).
        reply.type('application/json; charset=utf-8').header('vary', 'accept-encoding');
        if (section === undefined && acceptsGzip(request.headers['accept-encoding'])) {
          return reply.header('content-encoding', 'gzip').send(summaryJson(summary, reply, true) as unknown as RoundSummary);
        }
        return reply.send(summaryJson(summary, reply) as unknown as RoundSummary);
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
        description:
          'The receiving unit’s own decision on a merged item (its drafters and secretaries; `unitId` defaults to the caller’s unit on the document’s chain: its own unit, else the unit above that receives it). Live event `feedback.decided` `{unitId, itemId, section}` (without the decision: every viewer of the document receives it).',
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
    '/api/v1/documents/:id/feedback/sections',
    {
      schema: {
        tags: ['aggregation'],
        summary: 'Merged feedback, sections as counts',
        description:
          'The merged feedback’s index for reading it section by section: `units` and `pending` as `GET /documents/:id/feedback` answers them, and each section (the draft’s in its order, then any other with items) with its items, annotations, the units that raised anything, the senders’ decisions and the receiving unit’s own summed, and a `revision` that changes when its items may have. Then `GET …/feedback?section=<path>` reads one section. A few kilobytes where a province’s whole roll-up is tens of megabytes; counted without building the items. Same access as the merged feedback (`unitId` defaults to the caller’s unit on the document’s chain: its own unit, else the unit above that receives it).',
        params: IdParams,
        querystring: FeedbackIndexQuery,
        response: { 200: FeedbackIndexSchema, ...errors(400, 401, 403, 404) },
      },
    },
    async (request) => aggregation.feedbackIndex(callerOf(request), request.params.id, request.query.unitId),
  );

  app.get(
    '/api/v1/documents/:id/feedback',
    {
      schema: {
        tags: ['aggregation'],
        summary: 'Merged feedback',
        description: 'The packages a unit received on the document (default: the caller’s unit on the document’s chain: the document’s own unit, else the unit above that receives its package), merged across the sending units; `section=<path>` answers with that section’s items alone.',
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
