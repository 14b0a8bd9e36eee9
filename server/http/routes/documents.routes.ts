import type { FastifyInstance } from 'fastify';
import { Type } from '@sinclair/typebox';
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import type { DocumentsService } from '../../services/documents.service.js';
import type { ExportsService } from '../../services/exports.service.js';
import { toPublicDocument } from '../../services/documents.service.js';
import type { AuditService } from '../../services/audit.service.js';
import { auditTargets } from '../../domain/notification-texts.js';
import { callerOf } from '../authentication.js';
import { errors, IdParams, ref, Uuid } from '../schemas/common.js';
import { ContentSchema, CreateDocumentBody, DocumentSchema, DraftExportQuery, OutlineSchema } from '../schemas/documents.js';
import { sendFile } from '../send-file.js';

export function documentRoutes(instance: FastifyInstance, deps: { documents: DocumentsService; exports: ExportsService; audit: AuditService }): void {
  const app = instance.withTypeProvider<TypeBoxTypeProvider>();
  app.addSchema(DocumentSchema);
  const { documents } = deps;

  app.post(
    '/api/v1/documents',
    {
      config: { upload: true },
      schema: {
        tags: ['documents'],
        summary: 'Create a document',
        description:
          'A drafter or secretary of the unit creates a draft, empty or from `content`: `text` (a paragraph per line), `markdown` (`#`–`###` headings, `- ` bullet items), a `prosemirror` JSON document or a Word file (`docx`, base64, ≤ 20 MiB: Title / Heading 1–3 → headings, numbered and bulleted paragraphs → lists, bold, italic, tables). A file that is not a DOCX → 400 `validation_failed` with `fileProblem`; too large → 413.',
        body: CreateDocumentBody,
        response: { 201: ref(DocumentSchema), ...errors(400, 401, 403, 404, 413) },
      },
    },
    async (request, reply) => reply.status(201).send(await documents.create(callerOf(request), request.body)),
  );

  app.get(
    '/api/v1/documents',
    {
      schema: {
        tags: ['documents'],
        summary: 'List documents',
        description: 'The documents the caller may see, of one unit with `unitId`.',
        querystring: Type.Object({ unitId: Type.Optional(Uuid) }),
        response: { 200: Type.Array(ref(DocumentSchema)), ...errors(400, 401) },
      },
    },
    async (request) => documents.list(callerOf(request), request.query.unitId),
  );

  app.get(
    '/api/v1/documents/:id',
    {
      schema: {
        tags: ['documents'],
        summary: 'A document',
        description: 'A document the caller may see; any other id is 404 (an invisible document is not revealed).',
        params: IdParams,
        response: { 200: ref(DocumentSchema), ...errors(400, 401, 404) },
      },
    },
    async (request) => {
      const caller = callerOf(request);
      const { document } = await documents.visible(caller, request.params.id);
      // Opening a draft is in its audit trail (once per ten minutes per reader).
      await deps.audit.opened(document.id, caller.memberId, auditTargets.draft(document.title));
      return toPublicDocument(document);
    },
  );

  app.get(
    '/api/v1/documents/:id/content',
    {
      schema: {
        tags: ['documents'],
        summary: 'A document’s text',
        description: 'The plain-text projection (DESIGN.md) of the live draft, or of version `n`, with its sections.',
        params: IdParams,
        querystring: Type.Object({ version: Type.Optional(Type.Integer({ minimum: 1 })) }),
        response: { 200: ContentSchema, ...errors(400, 401, 404) },
      },
    },
    async (request) => documents.content(callerOf(request), request.params.id, request.query.version),
  );

  app.get(
    '/api/v1/documents/:id/sections',
    {
      schema: {
        tags: ['documents'],
        summary: 'A document’s sections',
        description:
          'The sections of the live draft, or of version `n`, exactly as `GET /content` gives them (offsets in that text), without the text: for a screen that names sections, such as the comment panel, so a member on a weak connection does not download the whole report twice.',
        params: IdParams,
        querystring: Type.Object({ version: Type.Optional(Type.Integer({ minimum: 1 })) }),
        response: { 200: OutlineSchema, ...errors(400, 401, 404) },
      },
    },
    async (request) => documents.outline(callerOf(request), request.params.id, request.query.version),
  );

  app.get(
    '/api/v1/documents/:id/export',
    {
      schema: {
        tags: ['documents'],
        summary: 'Export the draft',
        description:
          'The draft (live, or version `n`) as a formatted document: DOCX or PDF in the conventions of Vietnamese Party documents (unit, "ĐẢNG CỘNG SẢN VIỆT NAM", place and date, title; the downloader and time in the footer), or Markdown.',
        params: IdParams,
        querystring: DraftExportQuery,
        response: { ...errors(400, 401, 404) },
      },
    },
    async (request, reply) => {
      const { format, version, lang } = request.query;
      return sendFile(reply, await deps.exports.exportDraft(callerOf(request), request.params.id, format, version, lang));
    },
  );
}
