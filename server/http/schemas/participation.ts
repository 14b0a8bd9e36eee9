import { Type, type Static } from '@sinclair/typebox';
import { DateTime, Nullable, Uuid, Words } from './common.js';

export const participationStatuses = ['commented', 'silent'] as const;

export const ParticipationQuery = Type.Object(
  {
    unitId: Type.Optional(Type.String({ format: 'uuid', description: 'A unit in the round’s scope (default: the scope unit); its members and those of the units below it.' })),
    status: Type.Optional(Words(participationStatuses, { description: '`commented`: only those who commented; `silent`: only those who have not.' })),
  },
  { additionalProperties: false },
);

export const ParticipationSchema = Type.Object({
  members: Type.Array(
    Type.Object({
      id: Uuid,
      displayName: Type.String(),
      unitId: Uuid,
      commented: Type.Boolean(),
      annotations: Type.Integer({ minimum: 0 }),
      lastAt: Nullable(DateTime),
      remindedAt: Type.Union([DateTime, Type.Null()], { description: 'When staff last reminded them by hand in this round (at most once per 12 h), or null.' }),
    }),
  ),
});
export type Participation = Static<typeof ParticipationSchema>;

export const ParticipationRemindersBody = Type.Object(
  {
    unitId: Type.Optional(Type.String({ format: 'uuid', description: 'A unit in the round’s scope (default: the scope unit); its members and those of the units below it.' })),
    memberIds: Type.Optional(
      Type.Array(Type.String({ format: 'uuid' }), { minItems: 1, maxItems: 5000, description: 'Only these members (each invited from the unit and silent); default: every silent one.' }),
    ),
  },
  { additionalProperties: false },
);

export const ReminderOutcomeSchema = Type.Object({
  notified: Type.Integer({ minimum: 0, description: 'Members notified now.' }),
  alreadyReminded: Type.Integer({ minimum: 0, description: 'Members (or units) skipped: reminded within the last 12 h.' }),
  nextAt: Type.Union([DateTime, Type.Null()], { description: 'When the earliest of those skipped may be reminded again; null when none was skipped.' }),
});
export type ReminderOutcome = Static<typeof ReminderOutcomeSchema>;
