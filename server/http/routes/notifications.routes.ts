/** Notifications, the member's e-mail settings, unsubscribe links and the audit trail (API.md "People and notifications"). */
import type { FastifyInstance } from 'fastify';
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import type { AuditService } from '../../services/audit.service.js';
import type { NotificationsService } from '../../services/notifications.service.js';
import { invalid } from '../../errors.js';
import { callerOf } from '../authentication.js';
import { errors, IdParams } from '../schemas/common.js';
import {
  AuditSchema,
  ContactBody,
  ContactSchema,
  MarkReadBody,
  MarkReadSchema,
  NotificationSchema,
  NotificationsQuery,
  NotificationsSchema,
  UnsubscribeBody,
  UnsubscribeQuery,
} from '../schemas/notifications.js';

export function notificationRoutes(instance: FastifyInstance, deps: { notifications: NotificationsService; audit: AuditService }): void {
  const app = instance.withTypeProvider<TypeBoxTypeProvider>();
  app.addSchema(NotificationSchema);
  const { notifications } = deps;

  app.get(
    '/api/v1/me/notifications',
    {
      schema: {
        tags: ['notifications'],
        summary: 'My notifications',
        description: 'The caller’s notifications, newest first (the latest 200), with the unread count; `?unread=1` lists only unread ones.',
        querystring: NotificationsQuery,
        response: { 200: NotificationsSchema, ...errors(400, 401) },
      },
    },
    async (request) => notifications.list(callerOf(request).memberId, request.query.unread === '1'),
  );

  app.post(
    '/api/v1/me/notifications/read',
    {
      schema: {
        tags: ['notifications'],
        summary: 'Mark notifications read',
        description: 'Marks the caller’s notifications among `ids` read; ids that are not the caller’s change nothing. Answers how many changed and how many stay unread.',
        body: MarkReadBody,
        response: { 200: MarkReadSchema, ...errors(400, 401) },
      },
    },
    async (request) => notifications.markRead(callerOf(request).memberId, request.body.ids),
  );

  app.get(
    '/api/v1/me/contact',
    {
      schema: {
        tags: ['notifications'],
        summary: 'My e-mail settings',
        description: 'The caller’s e-mail address and whether notifications are e-mailed to it.',
        response: { 200: ContactSchema, ...errors(401) },
      },
    },
    async (request) => notifications.contact(callerOf(request).memberId),
  );

  app.put(
    '/api/v1/me',
    {
      schema: {
        tags: ['notifications'],
        summary: 'Set my e-mail settings',
        description: 'Sets the caller’s e-mail address (empty or null removes it) and `notifyByEmail`; with `SMTP_URL` set, notifications are e-mailed to members with an address who have not turned it off. 400 on a malformed address.',
        body: ContactBody,
        response: { 200: ContactSchema, ...errors(400, 401) },
      },
    },
    async (request) => notifications.setContact(callerOf(request).memberId, request.body),
  );

  // The link in every e-mail: no login, a signed token. A plugin scope, so the one-click form
  // post of RFC 8058 (`List-Unsubscribe=One-Click`, form-encoded) is accepted here and nowhere else.
  instance.register(async (scope) => {
    scope.addContentTypeParser('application/x-www-form-urlencoded', { parseAs: 'string' }, (_request, body, done) => {
      done(null, Object.fromEntries(new URLSearchParams(body as string)));
    });
    scope.withTypeProvider<TypeBoxTypeProvider>().post(
      '/api/v1/unsubscribe',
      {
        config: { public: true },
        schema: {
          tags: ['notifications'],
          summary: 'Stop notification e-mails',
          description:
            'Turns `notifyByEmail` off for the member the signed `token` of an e-mail’s unsubscribe link names, without login; the token in the body or the query (the e-mail’s one-click `List-Unsubscribe-Post`). 400 `validation_failed` for a token we did not sign.',
          querystring: UnsubscribeQuery,
          body: UnsubscribeBody,
          response: { 200: ContactSchema, ...errors(400) },
        },
      },
      async (request) => {
        const token = (request.body as { token?: string } | undefined)?.token ?? request.query.token;
        if (!token) throw invalid('token is required');
        const { memberId } = await notifications.unsubscribe(token);
        return notifications.contact(memberId);
      },
    );
  });

  app.get(
    '/api/v1/documents/:id/audit',
    {
      schema: {
        tags: ['documents'],
        summary: 'Audit trail',
        description: 'Who opened, exported, decided, applied, distributed and sent what, when, newest first (the latest 1,000). Only the secretary of the document’s unit: 403 for anyone else who sees the document, 404 for those who do not.',
        params: IdParams,
        response: { 200: AuditSchema, ...errors(400, 401, 403, 404) },
      },
    },
    async (request) => ({ items: await deps.audit.list(callerOf(request), request.params.id) }),
  );
}
