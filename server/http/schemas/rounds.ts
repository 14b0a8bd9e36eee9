/** Schemas of comment rounds (API.md "Rounds"). */
import { Type, type Static } from '@sinclair/typebox';
import { roundStatuses, visibilities } from '../../domain/vocabulary.js';
import { DateTime, Nullable, Uuid, Words } from './common.js';

export const VisibilitySchema = Words(visibilities);

export const RoundSchema = Type.Object(
  {
    id: Uuid,
    documentId: Uuid,
    number: Type.Integer(),
    baseVersion: Type.Integer(),
    status: Words(roundStatuses),
    closesAt: DateTime,
    closedAt: Nullable(DateTime),
    scopeUnitId: Uuid,
    visibility: VisibilitySchema,
    createdAt: DateTime,
  },
  { $id: 'Round' },
);
export type Round = Static<typeof RoundSchema>;

export const OpenRoundBody = Type.Object(
  { closesAt: DateTime, scopeUnitId: Type.Optional(Uuid), visibility: Type.Optional(VisibilitySchema) },
  { additionalProperties: false },
);
export type OpenRound = Static<typeof OpenRoundBody>;

export const RoundParams = Type.Object({ roundId: Uuid });
