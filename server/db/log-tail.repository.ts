/**
 * Reads of the document log for catching up (see document-log.repository.ts for the storage
 * rules: per-document `seq` from `documents.last_seq`, compaction folds rows ≤ `through_seq` into
 * the snapshot and deletes them in the same transaction).
 */
import type { Db } from './connect.js';

export interface LogTail {
  /** The snapshot, present only when it covers seqs after `afterSeq` (those rows are deleted). */
  base: { throughSeq: number; state: Uint8Array } | undefined;
  /** Every row after `afterSeq` (and after the snapshot), in seq order. */
  rows: Array<{ seq: number; data: Uint8Array }>;
}

/**
 * What a holder of every seq ≤ `afterSeq` lacks, in one consistent view (REPEATABLE READ), so a
 * concurrent compaction shows either the rows or the snapshot that replaced them, never neither.
 */
export async function readLogAfter(db: Db, documentId: string, afterSeq: number): Promise<LogTail> {
  return db
    .transaction()
    .setIsolationLevel('repeatable read')
    .execute(async (tx) => {
      const snapshot = await tx
        .selectFrom('document_snapshots')
        .select(['through_seq', 'state'])
        .where('document_id', '=', documentId)
        .where('through_seq', '>', afterSeq)
        .executeTakeFirst();
      const rows = await tx
        .selectFrom('document_updates')
        .select(['seq', 'data'])
        .where('document_id', '=', documentId)
        .where('seq', '>', Math.max(afterSeq, snapshot?.through_seq ?? 0))
        .orderBy('seq')
        .execute();
      return { base: snapshot ? { throughSeq: snapshot.through_seq, state: snapshot.state } : undefined, rows };
    });
}

/** `documents.last_seq` of each given document (committed seqs only). */
export async function lastSeqsOf(db: Db, documentIds: readonly string[]): Promise<Map<string, number>> {
  if (documentIds.length === 0) return new Map();
  const rows = await db.selectFrom('documents').select(['id', 'last_seq']).where('id', 'in', documentIds).execute();
  return new Map(rows.map((r) => [r.id, r.last_seq]));
}
