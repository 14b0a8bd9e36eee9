import type { FastifyInstance } from 'fastify';
import { Type } from '@sinclair/typebox';
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import type { AnnotationSearchService } from '../../services/annotation-search.service.js';
import type { AnnotationsService } from '../../services/annotations.service.js';
import type { ExportsService } from '../../services/exports.service.js';
import type { WordImportsService } from '../../services/word-imports.service.js';
import { callerOf } from '../authentication.js';
import {
  AnnotationParams,
  AnnotationSchema,
  AnnotationSearchQuery,
  FoundAnnotationSchema,
  AnnotationWriteBody,
  DispositionBody,
  PlacedAnnotationSchema,
  PlacedQuery,
  ReplyBody,
  ReplySchema,
  RoundAnnotationsQuery,
  WordImportBody,
  WordImportResultSchema,
} from '../schemas/annotations.js';
import { errors, IdParams, ref } from '../schemas/common.js';
import { RoundParams } from '../schemas/rounds.js';
import { sendFile } from '../send-file.js';
import { MAX_ATTACHMENT_BYTES } from '../../domain/attachment-types.js';

/** An attachment's base64 (4 characters per 3 bytes) and 1 MiB for the rest of the body. */
const annotationBodyLimitBytes = Math.ceil(MAX_ATTACHMENT_BYTES / 3) * 4 + 1024 * 1024;

export function annotationRoutes(
  instance: FastifyInstance,
  deps: { annotations: AnnotationsService; annotationSearch: AnnotationSearchService; exports: ExportsService; wordImports: WordImportsService },
): void {
  const app = instance.withTypeProvider<TypeBoxTypeProvider>();
  app.addSchema(AnnotationSchema);
  const { annotations } = deps;

  app.put(
    '/api/v1/rounds/:roundId/annotations/:annotationId',
    {
      // A general comment may carry a 10 MiB file: its base64 and a 50,000-character body fit.
      // Every route needs a token before its body is read (edges.ts), this one too.
      bodyLimit: annotationBodyLimitBytes,
      schema: {
        tags: ['annotations'],
        summary: 'Write an annotation',
        description:
          'A participant creates (201) or updates (200) their annotation with this client-made id: `kind` (`suggestion` needs `replacement`) on an anchor in the round’s base version — a passage, a whole section (`{scope: "section", section}`) or the whole document (`{scope: "document"}`; then up to 50,000 characters and an optional `attachment`: DOCX, PDF, ODT, PNG or JPEG ≤ 10 MiB, judged by content, else 415). A secretary or drafter records a comment collected on paper, by phone or in a meeting with `onBehalfOf` (a member or a discussion group) and `source`. Replaying the same request is harmless; another author’s id is 403, a closed round 409 `round_closed`, offsets outside the text 422.',
        params: AnnotationParams,
        body: AnnotationWriteBody,
        response: { 200: ref(AnnotationSchema), 201: ref(AnnotationSchema), ...errors(400, 401, 403, 404, 409, 413, 415, 422) },
      },
    },
    async (request, reply) => {
      const { created, annotation } = await annotations.upsert(callerOf(request), request.params.roundId, request.params.annotationId, request.body);
      return reply.status(created ? 201 : 200).send(annotation);
    },
  );

  app.post(
    '/api/v1/rounds/:roundId/imports',
    {
      bodyLimit: annotationBodyLimitBytes,
      schema: {
        tags: ['annotations'],
        summary: 'Import a member’s Word file as annotations',
        description:
          'A participant’s Word file (or, with `onBehalfOf` and `source`, one a secretary or drafter enters for a member or group): each Word comment becomes a `comment` on the passage it marks, each tracked change a `suggestion`, found in the round’s base version by quote and context; what cannot be placed becomes a section or document comment keeping the quoted text. 201 with what was created; the same file again creates nothing (200). 415 for a file that is not a Word document.',
        params: RoundParams,
        body: WordImportBody,
        response: { 200: WordImportResultSchema, 201: WordImportResultSchema, ...errors(400, 401, 403, 404, 409, 413, 415, 422) },
      },
    },
    async (request, reply) => {
      const result = await deps.wordImports.importFile(callerOf(request), request.params.roundId, request.body);
      return reply.status(result.created.length > 0 ? 201 : 200).send(result);
    },
  );

  app.delete(
    '/api/v1/rounds/:roundId/annotations/:annotationId',
    {
      schema: {
        tags: ['annotations'],
        summary: 'Withdraw an annotation',
        description: 'The author withdraws their annotation while the round is open; it stays on record as `withdrawn`.',
        params: AnnotationParams,
        response: { 204: Type.Null(), ...errors(400, 401, 403, 404, 409) },
      },
    },
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
        summary: 'A round’s annotations',
        description:
          'What the caller may see: their own; all of them for drafters and secretaries of the document’s unit or of the round’s scope unit; all participants’ in an `open` round. `format=docx`: the round’s base version as a Word file with each of them as a Word comment on its passage. `section=<path>`: those of one section of the summary only.',
        params: RoundParams,
        querystring: RoundAnnotationsQuery,
        response: { 200: Type.Array(ref(AnnotationSchema)), ...errors(400, 401, 404) },
      },
    },
    async (request, reply) => {
      if (request.query.format === 'docx') return sendFile(reply, await deps.exports.exportAnnotations(callerOf(request), request.params.roundId, request.query.lang));
      return annotations.listForRound(callerOf(request), request.params.roundId, { section: request.query.section });
    },
  );

  app.get(
    '/api/v1/documents/:id/annotations',
    {
      schema: {
        tags: ['annotations'],
        summary: 'Annotations placed in a version',
        description: 'Every visible annotation re-anchored into version n or the live draft, with anchorStatus exact | moved | fuzzy | orphaned.',
        params: IdParams,
        querystring: PlacedQuery,
        response: { 200: Type.Array(PlacedAnnotationSchema), ...errors(400, 401, 404) },
      },
    },
    async (request) => annotations.reanchored(callerOf(request), request.params.id, request.query.version),
  );

  app.get(
    '/api/v1/annotations/:id/attachment',
    {
      schema: {
        tags: ['annotations'],
        summary: 'An annotation’s attached file',
        description: 'The file attached to a general comment, for whoever may see the annotation (404 otherwise, or when it has none).',
        params: IdParams,
        response: { 200: Type.Unsafe<Buffer>({ type: 'string', format: 'binary' }), ...errors(400, 401, 404) },
      },
    },
    async (request, reply) => {
      const file = await annotations.attachment(callerOf(request), request.params.id);
      // The name as the member gave it (RFC 6266 filename*), with an ASCII stand-in for old clients.
      const ascii = file.filename.normalize('NFD').replace(/[^\x20-\x7e]|["\\]/g, '').trim() || 'attachment';
      return reply
        .type(file.contentType)
        .header('content-disposition', `attachment; filename*=UTF-8''${encodeURIComponent(file.filename)}; filename="${ascii}"`)
        .header('cache-control', 'no-store')
        .send(file.data);
    },
  );

  app.get(
    '/api/v1/documents/:id/annotations/search',
    {
      schema: {
        tags: ['annotations'],
        summary: 'Search annotations',
        description:
          'The annotations the caller may see on the document, ranked by match: accent- and case-insensitive ("de nghi bo" finds "Đề nghị bỏ"), tolerant of small typos; every word must match. `q` may be empty to filter only. Filters: `kind`, `decision` (or `undecided`), `section` (a path; its subsections too), `roundId` (a round of this document, else 404), `unitId` (the author’s unit).',
        params: IdParams,
        querystring: AnnotationSearchQuery,
        response: { 200: Type.Array(FoundAnnotationSchema), ...errors(400, 401, 404) },
      },
    },
    async (request) => deps.annotationSearch.search(callerOf(request), request.params.id, request.query),
  );

  app.post(
    '/api/v1/annotations/:id/replies',
    {
      schema: {
        tags: ['annotations'],
        summary: 'Reply to an annotation',
        description: 'Anyone who may see the annotation adds a reply to its thread.',
        params: IdParams,
        body: ReplyBody,
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
        summary: 'Decide on an annotation',
        description:
          'A drafter or secretary records the decision on an annotation: `accepted`, `partially_accepted`, `rejected` or `noted`, with a `note` (the reason; required when rejecting or accepting in part).',
        params: IdParams,
        body: DispositionBody,
        response: { 200: ref(AnnotationSchema), ...errors(400, 401, 403, 404, 413) },
      },
    },
    async (request) => annotations.setDisposition(callerOf(request), request.params.id, { decision: request.body.decision, note: request.body.note ?? '' }),
  );

  app.post(
    '/api/v1/annotations/:id/apply',
    {
      schema: {
        tags: ['annotations'],
        summary: 'Apply an accepted suggestion',
        description: 'Applies an accepted suggestion into the live draft as a CRDT edit; 409 if the anchored text changed since.',
        params: IdParams,
        response: { 200: ref(AnnotationSchema), ...errors(400, 401, 403, 404, 409) },
      },
    },
    async (request) => annotations.apply(callerOf(request), request.params.id),
  );
}
