/** Schemas of the live event stream of a document (API.md "Live events"). */
import { Type } from '@sinclair/typebox';
import type { DocumentEventType } from '../../domain/vocabulary.js';

export const EventsQuery = Type.Object({ token: Type.Optional(Type.String()), lastEventId: Type.Optional(Type.Integer({ minimum: 0 })) });

/** One Server-Sent Event as a client reads it: `id:` (monotonic), `event:` and the JSON `data:`. */
export interface DocumentEvent {
  id: string;
  type: DocumentEventType;
  data: Record<string, unknown>;
}
