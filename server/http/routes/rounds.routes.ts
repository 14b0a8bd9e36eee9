import type { FastifyInstance } from 'fastify';
import { Type } from '@sinclair/typebox';
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import type { DiffService } from '../../services/diff.service.js';
import type { ExportsService } from '../../services/exports.service.js';
import type { RoundsService } from '../../services/rounds.service.js';
import { callerOf } from '../authentication.js';
import { errors, IdParams, ref } from '../schemas/common.js';
import { OpenRoundBody, RoundParams, RoundSchema } from '../schemas/rounds.js';
import { CreateVersionBody, DiffQuery, DiffSchema, VersionSchema } from '../schemas/versions.js';
import { sendFile } from '../send-file.js';

export function roundRoutes(instance: FastifyInstance, deps: { rounds: RoundsService; diffs: DiffService; exports: ExportsService }): void {
  const app = instance.withTypeProvider<TypeBoxTypeProvider>();
  app.addSchema(RoundSchema);
  app.addSchema(VersionSchema);
  const { rounds } = deps;

  app.post(
    '/api/v1/documents/:id/versions',
    {
      schema: {
        tags: ['versions'],
        summary: 'Name a version',
        description: 'A drafter freezes the live draft as the next numbered version with a label; versions are compared with `/diff` and exported with `?version=`.',
        params: IdParams,
        body: CreateVersionBody,
        response: { 201: ref(VersionSchema), ...errors(400, 401, 403, 404) },
      },
    },
    async (request, reply) => reply.status(201).send(await rounds.createVersion(callerOf(request), request.params.id, request.body.label)),
  );

  app.get(
    '/api/v1/documents/:id/versions',
    {
      schema: {
        tags: ['versions'],
        summary: 'List versions',
        description: 'The document’s frozen versions in order, each with the round it is the base of (`roundNumber`), if any.',
        params: IdParams,
        response: { 200: Type.Array(ref(VersionSchema)), ...errors(400, 401, 404) },
      },
    },
    async (request) => rounds.versions(callerOf(request), request.params.id),
  );

  app.get(
    '/api/v1/documents/:id/diff',
    {
      schema: {
        tags: ['versions'],
        summary: 'Compare two versions',
        description: 'Word-level comparison of version `from` with version `to` (`live`: the live draft). Joining the 0 and 1 texts of `ops` gives `to`, the 0 and -1 texts `from`. `format=docx`: version `to` as a Word file with the changes from `from` as tracked changes.',
        params: IdParams,
        querystring: DiffQuery,
        response: { 200: DiffSchema, ...errors(400, 401, 404) },
      },
    },
    async (request, reply) => {
      const { from, to, format, lang } = request.query;
      if (format === 'docx') return sendFile(reply, await deps.exports.exportDiff(callerOf(request), request.params.id, from, to, lang));
      return deps.diffs.diff(callerOf(request), request.params.id, from, to);
    },
  );

  app.post(
    '/api/v1/documents/:id/rounds',
    {
      schema: {
        tags: ['rounds'],
        summary: 'Open a round',
        description:
          'A drafter or secretary opens the next round: freezes the live draft as a new version, the base everyone comments on, until `closesAt`. `scopeUnitId` (default: the document’s unit) may be a unit below, to distribute the draft down; `visibility` `private` (default) or `open`. Beyond `maxRounds`, or while another round is open: 409.',
        params: IdParams,
        body: OpenRoundBody,
        response: { 201: ref(RoundSchema), ...errors(400, 401, 403, 404, 409) },
      },
    },
    async (request, reply) => reply.status(201).send(await rounds.open(callerOf(request), request.params.id, request.body)),
  );

  app.get(
    '/api/v1/documents/:id/rounds',
    {
      schema: {
        tags: ['rounds'],
        summary: 'List rounds',
        description: 'The document’s rounds, oldest first.',
        params: IdParams,
        response: { 200: Type.Array(ref(RoundSchema)), ...errors(400, 401, 404) },
      },
    },
    async (request) => rounds.list(callerOf(request), request.params.id),
  );

  app.get(
    '/api/v1/rounds/:roundId',
    {
      schema: {
        tags: ['rounds'],
        summary: 'A round',
        description: 'A round of a document the caller may see.',
        params: RoundParams,
        response: { 200: ref(RoundSchema), ...errors(400, 401, 404) },
      },
    },
    async (request) => rounds.get(callerOf(request), request.params.roundId),
  );

  app.post(
    '/api/v1/rounds/:roundId/close',
    {
      schema: {
        tags: ['rounds'],
        summary: 'Close a round',
        description: 'A drafter or secretary closes the round before its deadline (the deadline closes it too); no annotation is accepted afterwards. Closing a closed round is 409.',
        params: RoundParams,
        response: { 200: ref(RoundSchema), ...errors(400, 401, 403, 404, 409) },
      },
    },
    async (request) => rounds.close(callerOf(request), request.params.roundId),
  );
}
