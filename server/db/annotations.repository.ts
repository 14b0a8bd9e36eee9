import { sql, type Selectable } from 'kysely';
import type { Db } from './connect.js';
import type { AnnotationKind, AnnotationScope, AnnotationSource, AnnotationsTable, Decision, EventAudience } from './schema.js';
import { outboxLock } from './events.repository.js';

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
  /** Null for a discussion group. */
  authorId: string | null;
  authorUnitId: string;
  kind: AnnotationKind;
  body: string;
  replacement: string | null;
  /** Who entered it on the author's (or group's) behalf, and from what; null when written by the author. */
  recorded: { by: string; source: AnnotationSource; group: { name: string; size: number } | null } | null;
  /** For 'section' and 'document', `anchor` is zero-width at the section's start (0 for the document), with empty positions and quote. */
  scope: AnnotationScope;
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
  scope: a.scope,
  recorded_by: a.recorded?.by ?? null,
  source: a.recorded?.source ?? null,
  group_name: a.recorded?.group?.name ?? null,
  group_size: a.recorded?.group?.size ?? null,
});

/**
 * The common write — a new annotation in an open round — in one statement, one round trip: the
 * round row is share-locked (a concurrent close waits, or this statement sees it closed), the
 * annotation inserted unless its id exists, and its outbox event written (under the document's
 * outbox lock, events.repository.ts), atomically.
 * 'exists' means the id is taken: the caller takes the slower path that updates or refuses.
 */
export async function insertAnnotationWhileOpen(
  db: Db,
  a: AnnotationWrite,
  at: Date,
  event: { type: string; payload: Record<string, unknown>; audience: EventAudience; actorId: string },
): Promise<'inserted' | 'exists' | 'closed'> {
  const c = columnsOf(a);
  const result = await sql<{ open: boolean; inserted: boolean }>`
    with r as (
      select id from rounds where id = ${a.roundId} and status = 'open' and closes_at > ${at} for share
    ), ins as (
      insert into annotations (id, round_id, document_id, author_id, author_unit_id, kind, body, replacement,
        anchor_start, anchor_end, rel_start, rel_end, quote_exact, quote_prefix, quote_suffix, section,
        scope, recorded_by, source, group_name, group_size, created_at, updated_at)
      select ${a.id}, r.id, ${a.documentId}, ${a.authorId}, ${a.authorUnitId}, ${c.kind}, ${c.body}, ${c.replacement},
        ${c.anchor_start}, ${c.anchor_end}, ${c.rel_start}, ${c.rel_end}, ${c.quote_exact}, ${c.quote_prefix}, ${c.quote_suffix},
        ${c.section}, ${c.scope}, ${c.recorded_by}::uuid, ${c.source}, ${c.group_name}, ${c.group_size}::integer, ${at}, ${at}
      from r
      on conflict (id) do nothing
      returning id
    ), ev as (
      insert into events (document_id, type, payload, audience, round_id, subject_member_id, actor_id)
      select ${a.documentId}, ${event.type}, ${JSON.stringify(event.payload)}::jsonb, ${event.audience}, ${a.roundId}, ${a.authorId}::uuid, ${event.actorId}
      from ins, (select ${outboxLock(a.documentId)}) as outbox_lock
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

/** Inserts many at once, leaving ids that exist as they are; returns the rows inserted. */
export async function insertAnnotations(tx: Db, writes: readonly AnnotationWrite[]): Promise<AnnotationRow[]> {
  if (writes.length === 0) return [];
  const now = new Date();
  return tx
    .insertInto('annotations')
    .values(writes.map((a) => ({ id: a.id, round_id: a.roundId, document_id: a.documentId, author_id: a.authorId, author_unit_id: a.authorUnitId, ...columnsOf(a), updated_at: now })))
    .onConflict((oc) => oc.column('id').doNothing())
    .returningAll()
    .execute();
}

export async function updateAnnotation(tx: Db, a: AnnotationWrite): Promise<AnnotationRow> {
  return tx
    .updateTable('annotations')
    .set({ ...columnsOf(a), author_id: a.authorId, author_unit_id: a.authorUnitId, status: 'active', updated_at: new Date() })
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

/** Active annotations of one round among `ids`, by id order. */
export function activeAnnotationsById(db: Db, roundId: string, ids: readonly string[]): Promise<AnnotationRow[]> {
  if (ids.length === 0) return Promise.resolve([]);
  return db.selectFrom('annotations').selectAll().where('round_id', '=', roundId).where('id', 'in', [...ids]).where('status', '=', 'active').orderBy('id').execute();
}

/**
 * Active annotations of the given rounds, optionally only one member's own: those they wrote or
 * that were recorded for them, and those they recorded for others; optionally only those of one
 * section (its exact path: '' holds the preamble and the comments on the whole draft).
 */
export function activeAnnotations(db: Db, roundIds: string[], authorId?: string, section?: string): Promise<AnnotationRow[]> {
  if (roundIds.length === 0) return Promise.resolve([]);
  let query = db.selectFrom('annotations').selectAll().where('round_id', 'in', roundIds).where('status', '=', 'active');
  if (section !== undefined) query = query.where('section', '=', section);
  if (authorId) query = query.where((eb) => eb.or([eb('author_id', '=', authorId), eb('recorded_by', '=', authorId)]));
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

/**
 * Records a decision. Returns false (and changes nothing) when the same decision and note are
 * there already: the conflict update only runs when something differs, and a concurrent
 * duplicate waits for the first to commit and then sees it.
 */
export async function upsertDisposition(tx: Db, d: { annotationId: string; decision: Decision; note: string; decidedBy: string; at: Date }): Promise<boolean> {
  const row = await tx
    .insertInto('dispositions')
    .values({ annotation_id: d.annotationId, decision: d.decision, note: d.note, decided_by: d.decidedBy, decided_at: d.at })
    .onConflict((oc) =>
      oc
        .column('annotation_id')
        .doUpdateSet({ decision: d.decision, note: d.note, decided_by: d.decidedBy, decided_at: d.at })
        .where(sql<boolean>`(dispositions.decision, dispositions.note) is distinct from (excluded.decision, excluded.note)`),
    )
    .returning('annotation_id')
    .executeTakeFirst();
  return row !== undefined;
}

/**
 * Claims an accepted suggestion for applying: sets `applied_at` only where it is still null and
 * the decision accepts it. One statement, so of concurrent claims exactly one returns true.
 */
export function claimApplication(db: Db, annotationId: string, by: string, at: Date): Promise<boolean> {
  return moveApplication(db, annotationId, null, by, at);
}

/** Moves a claim made at `claimedAt` to `by` at `at` (compare-and-set: false when it moved meanwhile). */
export function reclaimApplication(db: Db, annotationId: string, claimedAt: Date, by: string, at: Date): Promise<boolean> {
  return moveApplication(db, annotationId, claimedAt, by, at);
}

/** Compare-and-set of an accepted suggestion's claim: from `from` (null: unclaimed) to `by` at `at`. */
async function moveApplication(db: Db, annotationId: string, from: Date | null, by: string, at: Date): Promise<boolean> {
  const result = await db
    .updateTable('dispositions')
    .set({ applied_at: at, applied_by: by })
    .where('annotation_id', '=', annotationId)
    .where('applied_at', from === null ? 'is' : '=', from)
    .where('decision', 'in', ['accepted', 'partially_accepted'])
    .executeTakeFirst();
  return result.numUpdatedRows > 0n;
}

/** Undoes a claim whose edit was refused (only the claim made at `at`). */
export async function releaseApplication(db: Db, annotationId: string, at: Date): Promise<void> {
  await db.updateTable('dispositions').set({ applied_at: null, applied_by: null }).where('annotation_id', '=', annotationId).where('applied_at', '=', at).execute();
}

export interface AnnotationForSummary {
  id: string;
  kind: AnnotationKind;
  body: string;
  replacement: string | null;
  section: string;
  start: number;
  end: number;
  /** Null for a discussion group. */
  authorId: string | null;
  unitId: string;
  decision: Decision | null;
  /** When it was written: clustering names a point after its earliest annotation. */
  createdAt: Date;
  scope: AnnotationScope;
  /** Entered by a secretary or drafter on someone's behalf. */
  recorded: boolean;
  /** The discussion group it speaks for, if any. */
  group: string | null;
}

/**
 * Active annotations of rounds with their decision, for clustering; optionally only those whose
 * author wrote from within `authors.within` and outside every subtree in `authors.outside`.
 */
export async function annotationsForSummary(
  db: Db,
  roundIds: string[],
  authors?: { within: string; outside: string[] },
  only?: { sections: readonly string[] },
): Promise<AnnotationForSummary[]> {
  if (roundIds.length === 0 || only?.sections.length === 0) return [];
  const rows = await sql<{
    id: string;
    kind: AnnotationKind;
    body: string;
    replacement: string | null;
    section: string;
    anchor_start: number;
    anchor_end: number;
    author_id: string | null;
    author_unit_id: string;
    decision: Decision | null;
    created_at: Date;
    scope: AnnotationScope;
    recorded_by: string | null;
    group_name: string | null;
  }>`
    select a.id, a.kind, a.body, a.replacement, a.section, a.anchor_start, a.anchor_end, a.author_id, a.author_unit_id, d.decision, a.created_at,
      a.scope, a.recorded_by, a.group_name
    from annotations a
    left join dispositions d on d.annotation_id = a.id
    ${
      authors
        ? sql`join units au on au.id = a.author_unit_id and au.path <@ ${authors.within}::ltree
              and not (au.path <@ ${authors.outside}::ltree[])`
        : sql``
    }
    where a.round_id = any(${roundIds}::uuid[]) and a.status = 'active'
    ${only ? sql`and a.section = any(${[...only.sections]}::text[])` : sql``}`.execute(db);
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
    createdAt: r.created_at,
    scope: r.scope,
    recorded: r.recorded_by !== null,
    group: r.group_name,
  }));
}

/** The decision recorded on each decided annotation of a round (of one of its sections, with `only`). */
export async function roundDecisions(db: Db, roundId: string, only?: { section: string }): Promise<Map<string, Decision>> {
  let query = db
    .selectFrom('dispositions as d')
    .innerJoin('annotations as a', 'a.id', 'd.annotation_id')
    .select(['d.annotation_id', 'd.decision'])
    .where('a.round_id', '=', roundId);
  if (only) query = query.where('a.section', '=', only.section);
  const rows = await query.execute();
  return new Map(rows.map((r) => [r.annotation_id, r.decision]));
}

export interface AttachmentInfo {
  filename: string;
  contentType: string;
  size: number;
  sha256: string;
}

/** Stores (or replaces) an annotation's attachment. */
export async function putAttachment(tx: Db, annotationId: string, file: AttachmentInfo & { data: Uint8Array }): Promise<void> {
  const values = { filename: file.filename, content_type: file.contentType, size: file.size, sha256: file.sha256, data: Buffer.from(file.data) };
  await tx
    .insertInto('annotation_attachments')
    .values({ annotation_id: annotationId, ...values })
    .onConflict((oc) => oc.column('annotation_id').doUpdateSet(values))
    .execute();
}

export async function deleteAttachment(tx: Db, annotationId: string): Promise<void> {
  await tx.deleteFrom('annotation_attachments').where('annotation_id', '=', annotationId).execute();
}

/** Name, type, size and hash of each given annotation's attachment (not the bytes). */
export async function attachmentsOf(db: Db, annotationIds: string[]): Promise<Map<string, AttachmentInfo>> {
  if (annotationIds.length === 0) return new Map();
  const rows = await db
    .selectFrom('annotation_attachments')
    .select(['annotation_id', 'filename', 'content_type', 'size', 'sha256'])
    .where('annotation_id', '=', sql<string>`any(${annotationIds}::uuid[])`)
    .execute();
  return new Map(rows.map((r) => [r.annotation_id, { filename: r.filename, contentType: r.content_type, size: r.size, sha256: r.sha256 }]));
}

/** The attachment with its bytes. */
export async function findAttachment(db: Db, annotationId: string): Promise<(AttachmentInfo & { data: Buffer }) | undefined> {
  const r = await db.selectFrom('annotation_attachments').selectAll().where('annotation_id', '=', annotationId).executeTakeFirst();
  return r && { filename: r.filename, contentType: r.content_type, size: r.size, sha256: r.sha256, data: r.data };
}

/**
 * The section each of these annotations is anchored in now (withdrawn ones included), by id.
 * Ids that are not annotations are left out.
 */
export async function sectionsOfAnnotations(db: Db, ids: readonly string[]): Promise<Map<string, string>> {
  if (ids.length === 0) return new Map();
  const rows = await db.selectFrom('annotations').select(['id', 'section']).where('id', 'in', [...ids]).execute();
  return new Map(rows.map((r) => [r.id, r.section]));
}

/** The quoted passage of each given annotation, by id. */
export async function quotesOf(db: Db, ids: readonly string[]): Promise<Map<string, string>> {
  if (ids.length === 0) return new Map();
  const rows = await db.selectFrom('annotations').select(['id', 'quote_exact']).where('id', 'in', [...ids]).execute();
  return new Map(rows.map((r) => [r.id, r.quote_exact]));
}
