import type { Db } from './connect.js';

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
  const rows = await db
    .selectFrom('feedback_packages')
    .selectAll()
    .distinctOn('from_unit_id')
    .where('document_id', '=', documentId)
    .where('to_unit_id', '=', toUnitId)
    .orderBy('from_unit_id')
    .orderBy('submitted_at', 'desc')
    .orderBy('id', 'desc')
    .execute();
  return rows.map((r) => toRecord(r as Row));
}
