import { sql, type Selectable } from 'kysely';
import type { Db } from './connect.js';
import type { AnnotationKind, AnnotationsTable, Decision, EventAudience } from './schema.js';

export type AnnotationRow = Selectable<AnnotationsTable>;

export interface DispositionRecord {
  decision: Decision;
  note: string;
  decidedBy: string;
  decidedAt: Date;
  appliedAt: Date | null;
}

export interface ReplyRecord {
  id: string;
  annotationId: string;
  authorId: string;
  body: string;
  createdAt: Date;
}

export interface AnnotationWrite {
  id: string;
  roundId: string;
  documentId: string;
  authorId: string;
  authorUnitId: string;
  kind: AnnotationKind;
  body: string;
  replacement: string | null;
  anchor: {
    start: number;
    end: number;
    relStart: string;
    relEnd: string;
    quote: { exact: string; prefix: string; suffix: string };
    section: string;
  };
}

const columnsOf = (a: AnnotationWrite) => ({
  kind: a.kind,
  body: a.body,
  replacement: a.replacement,
  anchor_start: a.anchor.start,
  anchor_end: a.anchor.end,
  rel_start: a.anchor.relStart,
  rel_end: a.anchor.relEnd,
  quote_exact: a.anchor.quote.exact,
  quote_prefix: a.anchor.quote.prefix,
  quote_suffix: a.anchor.quote.suffix,
  section: a.anchor.section,
});

/**
 * The common write — a new annotation in an open round — in one statement, one round trip: the
 * round row is share-locked (a concurrent close waits, or this statement sees it closed), the
 * annotation inserted unless its id exists, and its outbox event written, atomically.
 * 'exists' means the id is taken: the caller takes the slower path that updates or refuses.
 */
export async function insertAnnotationWhileOpen(
  db: Db,
  a: AnnotationWrite,
  at: Date,
  event: { type: string; payload: Record<string, unknown>; audience: EventAudience },
): Promise<'inserted' | 'exists' | 'closed'> {
  const c = columnsOf(a);
  const result = await sql<{ open: boolean; inserted: boolean }>`
    with r as (
      select id from rounds where id = ${a.roundId} and status = 'open' and closes_at > ${at} for share
    ), ins as (
      insert into annotations (id, round_id, document_id, author_id, author_unit_id, kind, body, replacement,
        anchor_start, anchor_end, rel_start, rel_end, quote_exact, quote_prefix, quote_suffix, section, created_at, updated_at)
      select ${a.id}, r.id, ${a.documentId}, ${a.authorId}, ${a.authorUnitId}, ${c.kind}, ${c.body}, ${c.replacement},
        ${c.anchor_start}, ${c.anchor_end}, ${c.rel_start}, ${c.rel_end}, ${c.quote_exact}, ${c.quote_prefix}, ${c.quote_suffix},
        ${c.section}, ${at}, ${at}
      from r
      on conflict (id) do nothing
      returning id
    ), ev as (
      insert into events (document_id, type, payload, audience, round_id, subject_member_id, actor_id)
      select ${a.documentId}, ${event.type}, ${JSON.stringify(event.payload)}::jsonb, ${event.audience}, ${a.roundId}, ${a.authorId}, ${a.authorId}
      from ins
      returning id
    )
    select exists (select 1 from r) as open, exists (select 1 from ev) as inserted`.execute(db);
  const row = result.rows[0]!;
  return !row.open ? 'closed' : row.inserted ? 'inserted' : 'exists';
}

/** Inserts unless the id exists; returns the new row, or undefined when the id was taken. */
export async function insertAnnotation(tx: Db, a: AnnotationWrite): Promise<AnnotationRow | undefined> {
  return tx
    .insertInto('annotations')
    .values({ id: a.id, round_id: a.roundId, document_id: a.documentId, author_id: a.authorId, author_unit_id: a.authorUnitId, ...columnsOf(a), updated_at: new Date() })
    .onConflict((oc) => oc.column('id').doNothing())
    .returningAll()
    .executeTakeFirst();
}

export async function updateAnnotation(tx: Db, a: AnnotationWrite): Promise<AnnotationRow> {
  return tx
    .updateTable('annotations')
    .set({ ...columnsOf(a), status: 'active', updated_at: new Date() })
    .where('id', '=', a.id)
    .returningAll()
    .executeTakeFirstOrThrow();
}

export function findAnnotation(db: Db, id: string, options: { forUpdate?: boolean } = {}): Promise<AnnotationRow | undefined> {
  let query = db.selectFrom('annotations').selectAll().where('id', '=', id);
  if (options.forUpdate) query = query.forUpdate();
  return query.executeTakeFirst();
}

export async function setWithdrawn(tx: Db, id: string): Promise<AnnotationRow> {
  return tx.updateTable('annotations').set({ status: 'withdrawn', updated_at: new Date() }).where('id', '=', id).returningAll().executeTakeFirstOrThrow();
}

/** Active annotations of the given rounds, optionally only one author's. */
export function activeAnnotations(db: Db, roundIds: string[], authorId?: string): Promise<AnnotationRow[]> {
  if (roundIds.length === 0) return Promise.resolve([]);
  let query = db.selectFrom('annotations').selectAll().where('round_id', 'in', roundIds).where('status', '=', 'active');
  if (authorId) query = query.where('author_id', '=', authorId);
  return query.orderBy('anchor_start').orderBy('created_at').orderBy('id').execute();
}

export async function dispositionsOf(db: Db, annotationIds: string[]): Promise<Map<string, DispositionRecord>> {
  if (annotationIds.length === 0) return new Map();
  // `= any(array)` keeps one parameter however many ids (a province round has 100,000).
  const rows = await db.selectFrom('dispositions').selectAll().where('annotation_id', '=', sql<string>`any(${annotationIds}::uuid[])`).execute();
  return new Map(
    rows.map((r) => [r.annotation_id, { decision: r.decision, note: r.note, decidedBy: r.decided_by, decidedAt: r.decided_at, appliedAt: r.applied_at }]),
  );
}

export async function repliesOf(db: Db, annotationIds: string[]): Promise<Map<string, ReplyRecord[]>> {
  const byAnnotation = new Map<string, ReplyRecord[]>();
  if (annotationIds.length === 0) return byAnnotation;
  const rows = await db
    .selectFrom('annotation_replies')
    .selectAll()
    .where('annotation_id', '=', sql<string>`any(${annotationIds}::uuid[])`)
    .orderBy('created_at')
    .orderBy('id')
    .execute();
  for (const r of rows) {
    const list = byAnnotation.get(r.annotation_id) ?? [];
    list.push({ id: r.id, annotationId: r.annotation_id, authorId: r.author_id, body: r.body, createdAt: r.created_at });
    byAnnotation.set(r.annotation_id, list);
  }
  return byAnnotation;
}

export async function insertReply(tx: Db, reply: { annotationId: string; authorId: string; body: string }): Promise<ReplyRecord> {
  const r = await tx
    .insertInto('annotation_replies')
    .values({ annotation_id: reply.annotationId, author_id: reply.authorId, body: reply.body })
    .returningAll()
    .executeTakeFirstOrThrow();
  return { id: r.id, annotationId: r.annotation_id, authorId: r.author_id, body: r.body, createdAt: r.created_at };
}

export async function upsertDisposition(tx: Db, d: { annotationId: string; decision: Decision; note: string; decidedBy: string; at: Date }): Promise<void> {
  await tx
    .insertInto('dispositions')
    .values({ annotation_id: d.annotationId, decision: d.decision, note: d.note, decided_by: d.decidedBy, decided_at: d.at })
    .onConflict((oc) => oc.column('annotation_id').doUpdateSet({ decision: d.decision, note: d.note, decided_by: d.decidedBy, decided_at: d.at }))
    .execute();
}

export async function markApplied(tx: Db, annotationId: string, by: string, at: Date): Promise<void> {
  await tx.updateTable('dispositions').set({ applied_at: at, applied_by: by }).where('annotation_id', '=', annotationId).execute();
}

export interface AnnotationForSummary {
  id: string;
  kind: AnnotationKind;
  body: string;
  replacement: string | null;
  section: string;
  start: number;
  end: number;
  authorId: string;
  unitId: string;
  decision: Decision | null;
}

/**
 * Active annotations of rounds with their decision, for clustering; optionally only those whose
 * author wrote from within `authors.within` and outside every subtree in `authors.outside`.
 */
export async function annotationsForSummary(db: Db, roundIds: string[], authors?: { within: string; outside: string[] }): Promise<AnnotationForSummary[]> {
  if (roundIds.length === 0) return [];
  const rows = await sql<{
    id: string;
    kind: AnnotationKind;
    body: string;
    replacement: string | null;
    section: string;
    anchor_start: number;
    anchor_end: number;
    author_id: string;
    author_unit_id: string;
    decision: Decision | null;
  }>`
    select a.id, a.kind, a.body, a.replacement, a.section, a.anchor_start, a.anchor_end, a.author_id, a.author_unit_id, d.decision
    from annotations a
    left join dispositions d on d.annotation_id = a.id
    ${
      authors
        ? sql`join units au on au.id = a.author_unit_id and au.path <@ ${authors.within}::ltree
              and not (au.path <@ ${authors.outside}::ltree[])`
        : sql``
    }
    where a.round_id = any(${roundIds}::uuid[]) and a.status = 'active'`.execute(db);
  return rows.rows.map((r) => ({
    id: r.id,
    kind: r.kind,
    body: r.body,
    replacement: r.replacement,
    section: r.section,
    start: r.anchor_start,
    end: r.anchor_end,
    authorId: r.author_id,
    unitId: r.author_unit_id,
    decision: r.decision,
  }));
}

/** The decision recorded on each decided annotation of a round. */
export async function roundDecisions(db: Db, roundId: string): Promise<Map<string, Decision>> {
  const rows = await db
    .selectFrom('dispositions as d')
    .innerJoin('annotations as a', 'a.id', 'd.annotation_id')
    .select(['d.annotation_id', 'd.decision'])
    .where('a.round_id', '=', roundId)
    .execute();
  return new Map(rows.map((r) => [r.annotation_id, r.decision]));
}
