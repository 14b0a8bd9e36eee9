/** Schemas of notifications, the member's e-mail settings and the audit trail (API.md "People and notifications"). */
import { Type, type Static } from '@sinclair/typebox';
import { auditActions, notificationKinds } from '../../domain/vocabulary.js';
import { DateTime, Nullable, Uuid, Words } from './common.js';

export const NotificationSchema = Type.Object(
  {
    id: Uuid,
    kind: Words(notificationKinds),
    documentId: Uuid,
    roundId: Type.Optional(Uuid),
    annotationId: Type.Optional(Uuid),
    text: Type.String({ description: 'What happened, in Vietnamese' }),
    createdAt: DateTime,
    readAt: Nullable(DateTime),
  },
  { $id: 'Notification' },
);
export type Notification = Static<typeof NotificationSchema>;

export const NotificationsQuery = Type.Object({ unread: Type.Optional(Type.Union([Type.Literal('1'), Type.Literal('0')], { description: '`1`: only unread ones' })) });
export const NotificationsSchema = Type.Object({
  items: Type.Array(Type.Unsafe<Notification>(Type.Ref('Notification'))),
  unread: Type.Integer({ description: 'How many of the caller’s notifications are unread (the bell’s count)' }),
});
export type Notifications = Static<typeof NotificationsSchema>;

export const MarkReadBody = Type.Object({ ids: Type.Array(Uuid, { minItems: 1, maxItems: 1000 }) }, { additionalProperties: false });
export const MarkReadSchema = Type.Object({ read: Type.Integer(), unread: Type.Integer() });

export const ContactSchema = Type.Object({ email: Nullable(Type.String()), notifyByEmail: Type.Boolean() });
export type Contact = Static<typeof ContactSchema>;
export const ContactBody = Type.Object(
  {
    email: Type.Optional(Nullable(Type.String({ maxLength: 320, description: 'Where notifications are e-mailed; empty or null removes it' }))),
    notifyByEmail: Type.Optional(Type.Boolean()),
  },
  { additionalProperties: false, minProperties: 1 },
);

export const UnsubscribeQuery = Type.Object({ token: Type.Optional(Type.String({ minLength: 1, maxLength: 200 })) });
export const UnsubscribeBody = Type.Object({ token: Type.Optional(Type.String({ minLength: 1, maxLength: 200 })) });

export const AuditItemSchema = Type.Object({ at: DateTime, memberId: Nullable(Uuid), name: Nullable(Type.String()), action: Words(auditActions), target: Type.String() });
export type AuditItem = Static<typeof AuditItemSchema>;
export const AuditSchema = Type.Object({ items: Type.Array(AuditItemSchema) });
export type Audit = Static<typeof AuditSchema>;
