/** The outbox: every change to rounds, versions, annotations, dispositions and packages. */
import { sql, type RawBuilder } from 'kysely';
import type { Db } from './connect.js';
import type { DocumentEventType } from '../domain/vocabulary.js';
import type { EventAudience } from './schema.js';

/**
 * The expression that takes a document's outbox lock (see insertEvent); any statement that inserts
 * into `events` evaluates it before the insert takes its id.
 */
export function outboxLock(documentId: string): RawBuilder<void> {
  return sql<void>`pg_advisory_xact_lock(hashtext('draftroom.outbox'), hashtext(${documentId}))`;
}

export interface NewEvent {
  documentId: string;
  type: DocumentEventType;
  payload: Record<string, unknown>;
  audience?: EventAudience;
  roundId?: string | null;
  subjectMemberId?: string | null;
  actorId?: string | null;
}

/**
 * Writes an event in the caller's transaction; it becomes visible exactly when the change does.
 *
 * Ids must become visible in id order per document, or a stream reading `id > cursor` could move
 * past an id whose transaction commits later and miss it for good. So the id is taken under a
 * per-document transaction lock (`pg_advisory_xact_lock`, held to commit or rollback): a later
 * event of the same document gets its id only after the earlier one's transaction has ended.
 * Call it last in the transaction: it serialises the rest of it with the document's other writers.
 */
/** Several events of one document in one statement, in the order given (under the outbox lock). */
export async function insertEvents(tx: Db, events: readonly NewEvent[]): Promise<void> {
  if (events.length === 0) return;
  await sql`select ${outboxLock(events[0]!.documentId)}`.execute(tx);
  await tx
    .insertInto('events')
    .values(events.map(eventRow))
    .execute();
}

export async function insertEvent(tx: Db, event: NewEvent): Promise<number> {
  await sql`select ${outboxLock(event.documentId)}`.execute(tx);
  const row = await tx
    .insertInto('events')
    .values(eventRow(event))
    .returning('id')
    .executeTakeFirstOrThrow();
  return row.id;
}

/** An event as its row in `events`. */
function eventRow(event: NewEvent) {
  return {
    document_id: event.documentId,
    type: event.type,
    payload: JSON.stringify(event.payload),
    audience: event.audience ?? 'document',
    round_id: event.roundId ?? null,
    subject_member_id: event.subjectMemberId ?? null,
    actor_id: event.actorId ?? null,
  };
}

/**
 * What changed a round's clusters after outbox event `afterId`: the annotations named by its
 * `annotation.upserted` / `annotation.withdrawn` events (`payload.id`) and by its `clusters.edited`
 * events (`payload.edit.annotationIds` for a merge or split, `payload.annotationIds` for an undo),
 * with the id of the last such event (`afterId` when there is none). Event ids are visible in id
 * order per document (see insertEvent), so nothing before `lastId` can still appear.
 */
export async function roundClusterChangesSince(db: Db, roundId: string, afterId: number): Promise<{ lastId: number; annotationIds: string[] }> {
  const rows = await sql<{ id: string; annotation_ids: string[] | null }>`
    select e.id::text as id,
           case when e.type = 'clusters.edited'
                then array(select jsonb_array_elements_text(coalesce(e.payload->'edit'->'annotationIds', e.payload->'annotationIds', '[]'::jsonb)))
                else array[e.payload->>'id'] end as annotation_ids
    from events e
    where e.round_id = ${roundId}::uuid and e.id > ${afterId}
      and e.type in ('annotation.upserted', 'annotation.withdrawn', 'clusters.edited')
    order by e.id`.execute(db);
  const ids = new Set<string>();
  for (const r of rows.rows) for (const id of r.annotation_ids ?? []) if (id) ids.add(id);
  return { lastId: rows.rows.length ? Number(rows.rows[rows.rows.length - 1]!.id) : afterId, annotationIds: [...ids] };
}

/**
 * The latest outbox id of the given types, of one round or (without `roundId`) of a document; 0
 * when there is none. Ids are the same on every instance, so this stamps a computed result exactly.
 */
export async function latestEventId(db: Db, where: { documentId: string; roundId?: string | undefined }, types?: readonly DocumentEventType[]): Promise<number> {
  let query = db.selectFrom('events').select((eb) => eb.fn.max('id').as('max'));
  if (types) query = query.where('type', 'in', [...types]);
  query = where.roundId ? query.where('round_id', '=', where.roundId) : query.where('document_id', '=', where.documentId);
  return Number((await query.executeTakeFirst())?.max ?? 0);
}

export interface StoredEvent {
  id: number;
  type: DocumentEventType;
  payload: unknown;
  audience: EventAudience;
  roundId: string | null;
  subjectMemberId: string | null;
  createdAt: Date;
}

/** A document's events after outbox id `after`, in id order, at most `limit`. */
export async function eventsAfter(db: Db, documentId: string, after: number, limit: number): Promise<StoredEvent[]> {
  const rows = await db
    .selectFrom('events')
    .select(['id', 'type', 'payload', 'audience', 'round_id', 'subject_member_id', 'created_at'])
    .where('document_id', '=', documentId)
    .where('id', '>', after)
    .orderBy('id')
    .limit(limit)
    .execute();
  return rows.map((r) => ({ id: r.id, type: r.type, payload: r.payload, audience: r.audience, roundId: r.round_id, subjectMemberId: r.subject_member_id, createdAt: r.created_at }));
}
