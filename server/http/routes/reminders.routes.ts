import type { FastifyInstance } from 'fastify';
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import type { RemindersService } from '../../services/reminders.service.js';
import { callerOf } from '../authentication.js';
import { FeedbackRemindersBody, FeedbackRemindersQuery } from '../schemas/aggregation.js';
import { errors, IdParams } from '../schemas/common.js';
import { ParticipationRemindersBody, ReminderOutcomeSchema } from '../schemas/participation.js';
import { RoundParams } from '../schemas/rounds.js';

/** Reminders staff send by hand (README changelog 0.4.0; issue 15). */
export function remindersRoutes(instance: FastifyInstance, deps: { reminders: RemindersService }): void {
  const app = instance.withTypeProvider<TypeBoxTypeProvider>();

  app.post(
    '/api/v1/rounds/:roundId/participation/reminders',
    {
      schema: {
        tags: ['aggregation'],
        summary: 'Remind the members who have not commented',
        description:
          'Notifies (`round.reminder`, and by e-mail when configured) the members invited from `unitId` (default: the round’s scope unit) and the units below it who have not commented, or only `memberIds` among them. Each member is reminded at most once per 12 h per round: those reminded within 12 h are skipped and counted in `alreadyReminded`. Who may: as `GET …/participation` (403). 404 for an unknown round or a unit outside its scope; 409 `round_closed` when the round is not open; 400 when a member is not invited from that unit; 409 `conflict` when one has already commented.',
        params: RoundParams,
        body: ParticipationRemindersBody,
        response: { 200: ReminderOutcomeSchema, ...errors(400, 401, 403, 404, 409) },
      },
    },
    async (request) => deps.reminders.remindSilentMembers(callerOf(request), request.params.roundId, request.body ?? {}),
  );

  app.post(
    '/api/v1/documents/:id/feedback/reminders',
    {
      schema: {
        tags: ['aggregation'],
        summary: 'Remind the units that have not sent their feedback',
        description:
          'Notifies (`package.requested`, and by e-mail when configured) the secretaries of the units the draft went to below the receiving unit (`?unitId=`, default: the document’s unit) that have not sent their package, or only `unitIds` among them. Each unit is reminded at most once per 12 h per document: those reminded within 12 h are skipped and counted in `alreadyReminded`. Only a secretary of the receiving unit (403). 400 when a unit is not one the draft went to from there; 409 `conflict` when it has already sent its package.',
        params: IdParams,
        querystring: FeedbackRemindersQuery,
        body: FeedbackRemindersBody,
        response: { 200: ReminderOutcomeSchema, ...errors(400, 401, 403, 404, 409) },
      },
    },
    async (request) => deps.reminders.remindPendingUnits(callerOf(request), request.params.id, { receiverUnitId: request.query.unitId, unitIds: request.body?.unitIds }),
  );
}
