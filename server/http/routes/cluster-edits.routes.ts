import type { FastifyInstance } from 'fastify';
import { Type } from '@sinclair/typebox';
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import type { ClusterEditsService } from '../../services/cluster-edits.service.js';
import { callerOf } from '../authentication.js';
import { ClusterEditBody, ClusterEditParams, ClusterEditSchema, ClusterParams, PointDecidedSchema } from '../schemas/aggregation.js';
import { DispositionBody } from '../schemas/annotations.js';
import { errors, ref } from '../schemas/common.js';
import { RoundParams } from '../schemas/rounds.js';

/** Merging, splitting and deciding a round's points by hand (API.md "Aggregation"). */
export function clusterEditRoutes(instance: FastifyInstance, deps: { clusterEdits: ClusterEditsService }): void {
  const app = instance.withTypeProvider<TypeBoxTypeProvider>();
  app.addSchema(ClusterEditSchema);
  const { clusterEdits } = deps;
  const who = 'Drafters and secretaries of the document’s unit or of the round’s scope unit.';

  for (const kind of ['merge', 'split'] as const) {
    app.post(
      `/api/v1/rounds/:roundId/clusters/${kind}`,
      {
        schema: {
          tags: ['aggregation'],
          summary: kind === 'merge' ? 'Merge points' : 'Split annotations out of their points',
          description: `${
            kind === 'merge'
              ? 'The points holding these annotations form one point from now on (two or more annotations of one section).'
              : 'These annotations leave their points and form one of their own (annotations of one section).'
          } Later edits win; edits hold when new annotations arrive. ${who}`,
          params: RoundParams,
          body: ClusterEditBody,
          response: { 201: ref(ClusterEditSchema), ...errors(400, 401, 403, 404) },
        },
      },
      async (request, reply) => reply.status(201).send(await clusterEdits.edit(callerOf(request), request.params.roundId, kind, request.body.annotationIds)),
    );
  }

  app.get(
    '/api/v1/rounds/:roundId/clusters/edits',
    {
      schema: {
        tags: ['aggregation'],
        summary: 'Merges and splits made by hand',
        description: `The round’s edits, in the order they were made and applied (later ones win). ${who}`,
        params: RoundParams,
        response: { 200: Type.Object({ edits: Type.Array(ref(ClusterEditSchema)) }), ...errors(400, 401, 403, 404) },
      },
    },
    async (request) => ({ edits: await clusterEdits.list(callerOf(request), request.params.roundId) }),
  );

  app.delete(
    '/api/v1/rounds/:roundId/clusters/edits/:editId',
    {
      schema: {
        tags: ['aggregation'],
        summary: 'Undo a merge or split',
        description: `The points become what they would be had the edit never been made. ${who}`,
        params: ClusterEditParams,
        response: { 204: Type.Null(), ...errors(400, 401, 403, 404) },
      },
    },
    async (request, reply) => {
      await clusterEdits.undo(callerOf(request), request.params.roundId, request.params.editId);
      return reply.status(204).send(null);
    },
  );

  app.put(
    '/api/v1/rounds/:roundId/clusters/:clusterId/disposition',
    {
      schema: {
        tags: ['aggregation'],
        summary: 'Decide a whole point',
        description: 'Records the decision (and its reason in `note`) on every annotation of the point, as the per-annotation disposition does, with its events.',
        params: ClusterParams,
        body: DispositionBody,
        response: { 200: PointDecidedSchema, ...errors(400, 401, 403, 404, 413) },
      },
    },
    async (request) =>
      clusterEdits.decidePoint(callerOf(request), request.params.roundId, request.params.clusterId, { decision: request.body.decision, note: request.body.note ?? '' }),
  );
}
