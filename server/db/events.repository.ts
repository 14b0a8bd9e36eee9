/** The outbox: every change to rounds, versions, annotations, dispositions and packages. */
import type { Db } from './connect.js';
import type { EventAudience } from './schema.js';

export interface NewEvent {
  documentId: string;
  type: string;
  payload: Record<string, unknown>;
  audience?: EventAudience;
  roundId?: string | null;
  subjectMemberId?: string | null;
  actorId?: string | null;
}

/** Writes an event in the caller's transaction; it becomes visible exactly when the change does. */
export async function insertEvent(tx: Db, event: NewEvent): Promise<number> {
  const row = await tx
    .insertInto('events')
    .values({
      document_id: event.documentId,
      type: event.type,
      payload: JSON.stringify(event.payload),
      audience: event.audience ?? 'document',
      round_id: event.roundId ?? null,
      subject_member_id: event.subjectMemberId ?? null,
      actor_id: event.actorId ?? null,
    })
    .returning('id')
    .executeTakeFirstOrThrow();
  return row.id;
}
