import type { Db } from './connect.js';
import type { Decision } from './schema.js';

export interface PackageRecord {
  id: string;
  documentId: string;
  fromUnitId: string;
  toUnitId: string;
  roundIds: string[];
  note: string;
  items: unknown[];
  contentHash: string;
  submittedBy: string;
  submittedAt: Date;
  /** The package of the same unit this one corrects, if any. */
  supersedes: string | null;
}

type Row = {
  id: string;
  document_id: string;
  from_unit_id: string;
  to_unit_id: string;
  round_ids: string[];
  note: string;
  items: unknown;
  content_hash: string;
  submitted_by: string;
  submitted_at: Date;
  supersedes: string | null;
};

const toRecord = (r: Row): PackageRecord => ({
  id: r.id,
  documentId: r.document_id,
  fromUnitId: r.from_unit_id,
  toUnitId: r.to_unit_id,
  roundIds: r.round_ids,
  note: r.note,
  items: r.items as unknown[],
  contentHash: r.content_hash,
  submittedBy: r.submitted_by,
  submittedAt: r.submitted_at,
  supersedes: r.supersedes,
});

export async function insertPackage(tx: Db, p: Omit<PackageRecord, 'id'> & { id: string }): Promise<PackageRecord> {
  const row = await tx
    .insertInto('feedback_packages')
    .values({
      id: p.id,
      document_id: p.documentId,
      from_unit_id: p.fromUnitId,
      to_unit_id: p.toUnitId,
      round_ids: p.roundIds,
      note: p.note,
      items: JSON.stringify(p.items),
      content_hash: p.contentHash,
      submitted_by: p.submittedBy,
      submitted_at: p.submittedAt,
      supersedes: p.supersedes,
    })
    .returningAll()
    .executeTakeFirstOrThrow();
  return toRecord(row as Row);
}

export async function listPackages(db: Db, documentId: string): Promise<PackageRecord[]> {
  const rows = await db.selectFrom('feedback_packages').selectAll().where('document_id', '=', documentId).orderBy('submitted_at').orderBy('id').execute();
  return rows.map((r) => toRecord(r as Row));
}

/** The latest package each unit sent to `toUnitId` about the document. */
export async function latestPackagesTo(db: Db, documentId: string, toUnitId: string): Promise<PackageRecord[]> {
  const rows = await latestPerSender(db, documentId, toUnitId).selectAll().execute();
  return rows.map((r) => toRecord(r as Row));
}

/** One row per sending unit, its latest package first (PostgreSQL's DISTINCT ON keeps that one). */
function latestPerSender(db: Db, documentId: string, toUnitId: string) {
  return db
    .selectFrom('feedback_packages')
    .distinctOn('from_unit_id')
    .where('document_id', '=', documentId)
    .where('to_unit_id', '=', toUnitId)
    .orderBy('from_unit_id')
    .orderBy('submitted_at', 'desc')
    .orderBy('id', 'desc');
}

/** What names a package without its items: enough to tell which packages count and whether they changed. */
export type PackageHead = Omit<PackageRecord, 'items'>;

/**
 * `latestPackagesTo` without the items (a province's packages hold tens of megabytes of them): the
 * caller reads the items of the packages it does not hold yet with `packagesByIds`.
 */
export async function latestPackageHeadsTo(db: Db, documentId: string, toUnitId: string): Promise<PackageHead[]> {
  const rows = await latestPerSender(db, documentId, toUnitId)
    .select(['id', 'document_id', 'from_unit_id', 'to_unit_id', 'round_ids', 'note', 'content_hash', 'submitted_by', 'submitted_at', 'supersedes'])
    .execute();
  return rows.map((r) => {
    const { items: _, ...head } = toRecord({ ...(r as Omit<Row, 'items'>), items: [] });
    return head;
  });
}

/** Whole packages by id (in no particular order); unknown ids are left out. */
export async function packagesByIds(db: Db, ids: readonly string[]): Promise<PackageRecord[]> {
  if (ids.length === 0) return [];
  const rows = await db.selectFrom('feedback_packages').selectAll().where('id', 'in', [...ids]).execute();
  return rows.map((r) => toRecord(r as Row));
}

export async function findPackage(db: Db, id: string): Promise<PackageRecord | undefined> {
  const row = await db.selectFrom('feedback_packages').selectAll().where('id', '=', id).executeTakeFirst();
  return row ? toRecord(row as Row) : undefined;
}

/** Every package a unit sent about the document, oldest first. */
export async function packagesFrom(db: Db, documentId: string, fromUnitId: string): Promise<PackageRecord[]> {
  const rows = await db
    .selectFrom('feedback_packages')
    .selectAll()
    .where('document_id', '=', documentId)
    .where('from_unit_id', '=', fromUnitId)
    .orderBy('submitted_at')
    .orderBy('id')
    .execute();
  return rows.map((r) => toRecord(r as Row));
}

export interface FeedbackDispositionRecord {
  itemId: string;
  sources: string[];
  decision: Decision;
  note: string;
  decidedBy: { id: string; name: string };
  decidedAt: Date;
}

/** The receiving unit's decisions on merged feedback items of the document, newest first. */
export async function feedbackDispositions(db: Db, documentId: string, unitId: string): Promise<FeedbackDispositionRecord[]> {
  const rows = await db
    .selectFrom('feedback_dispositions as d')
    .innerJoin('members as m', 'm.id', 'd.decided_by')
    .select(['d.item_id', 'd.sources', 'd.decision', 'd.note', 'd.decided_by', 'm.display_name', 'd.decided_at'])
    .where('d.document_id', '=', documentId)
    .where('d.unit_id', '=', unitId)
    .orderBy('d.decided_at', 'desc')
    .execute();
  return rows.map((r) => ({
    itemId: r.item_id,
    sources: r.sources,
    decision: r.decision,
    note: r.note,
    decidedBy: { id: r.decided_by, name: r.display_name },
    decidedAt: r.decided_at,
  }));
}

/** Records (or replaces) the receiving unit's decision on one merged item. */
export async function upsertFeedbackDisposition(
  db: Db,
  d: { documentId: string; unitId: string; itemId: string; sources: string[]; decision: Decision; note: string; decidedBy: string; decidedAt: Date },
): Promise<void> {
  const values = {
    document_id: d.documentId,
    unit_id: d.unitId,
    item_id: d.itemId,
    sources: d.sources,
    decision: d.decision,
    note: d.note,
    decided_by: d.decidedBy,
    decided_at: d.decidedAt,
  };
  await db
    .insertInto('feedback_dispositions')
    .values(values)
    .onConflict((oc) => oc.columns(['document_id', 'unit_id', 'item_id']).doUpdateSet({ sources: values.sources, decision: values.decision, note: values.note, decided_by: values.decided_by, decided_at: values.decided_at }))
    .execute();
}
