/**
 * Storage of live document state: an append-only log of Yjs updates per document plus one
 * compacted snapshot. Loading = snapshot + the log rows after it. Compaction merges rows into the
 * snapshot and deletes exactly the rows it merged, in one transaction.
 */
import { sql } from 'kysely';
import * as Y from 'yjs';
import type { Db } from './connect.js';

export interface AppendRequest {
  documentId: string;
  data: Uint8Array;
}

/**
 * Appends one row per request (several requests for the same document get consecutive seqs in
 * the order given) and returns each request's seq. Must run inside a transaction: the counter
 * update locks the document rows until commit, which orders concurrent appenders.
 */
export async function appendUpdates(tx: Db, requests: readonly AppendRequest[]): Promise<number[]> {
  if (requests.length === 0) return [];
  const counts = new Map<string, number>();
  for (const r of requests) counts.set(r.documentId, (counts.get(r.documentId) ?? 0) + 1);
  // Lock in a stable order so two transactions appending to the same documents cannot deadlock.
  const ids = [...counts.keys()].sort();
  const rows = await sql<{ id: string; last_seq: number }>`
    update documents d set last_seq = d.last_seq + c.n
    from unnest(${ids}::uuid[], ${ids.map((id) => counts.get(id)!)}::int[]) as c(id, n)
    where d.id = c.id
    returning d.id, d.last_seq`.execute(tx);
  if (rows.rows.length !== ids.length) throw new Error('append to a document that does not exist');
  const next = new Map(rows.rows.map((r) => [r.id, r.last_seq - counts.get(r.id)! + 1]));
  const seqs = requests.map((r) => {
    const seq = next.get(r.documentId)!;
    next.set(r.documentId, seq + 1);
    return seq;
  });
  await sql`insert into document_updates (document_id, seq, data)
    select * from unnest(${requests.map((r) => r.documentId)}::uuid[], ${seqs}::bigint[], ${requests.map((r) => Buffer.from(r.data.buffer, r.data.byteOffset, r.data.byteLength))}::bytea[])`.execute(tx);
  return seqs;
}

export interface StoredState {
  snapshot: Uint8Array | undefined;
  throughSeq: number;
  updates: Uint8Array[];
  lastSeq: number;
}

/** Reads the snapshot and every later log row in one consistent view (REPEATABLE READ). */
export async function readStoredState(db: Db, documentId: string): Promise<StoredState> {
  return db.transaction().setIsolationLevel('repeatable read').execute((tx) => readStoredStateIn(tx, documentId));
}

/**
 * A fresh Y.Doc holding the stored state (garbage collection on, so deleted text is dropped).
 * Each row is applied on its own: frames are validated before they are stored, but Yjs gives no
 * guarantee that every well-formed update applies, and one bad row must not make a whole
 * document unloadable. Skipped rows are reported to `onBadRow` and stay in the log.
 */
export function docFromStoredState(state: StoredState, onBadRow?: (index: number, error: unknown) => void): Y.Doc {
  const doc = new Y.Doc();
  // One transaction for all rows: observers and cleanup run once, not once per row.
  doc.transact(() => {
    if (state.snapshot) Y.applyUpdate(doc, state.snapshot);
    state.updates.forEach((update, index) => {
      try {
        Y.applyUpdate(doc, update);
      } catch (error) {
        onBadRow?.(index, error);
      }
    });
  });
  return doc;
}

export interface CompactionResult {
  mergedRows: number;
  throughSeq: number;
  snapshotBytes: number;
}

/**
 * Folds the log into the snapshot. Rebuilding the state in a fresh Y.Doc garbage-collects deleted
 * content, so text deleted from a confidential draft leaves the database here. Appends may run
 * concurrently: they get seqs above the ones read, and only rows read are deleted.
 */
export async function compactDocument(db: Db, documentId: string): Promise<CompactionResult> {
  return db.transaction().execute(async (tx) => {
    await sql`select pg_advisory_xact_lock(hashtext('draftroom.compact'), hashtext(${documentId}))`.execute(tx);
    const state = await readStoredStateIn(tx, documentId);
    if (state.updates.length === 0) return { mergedRows: 0, throughSeq: state.throughSeq, snapshotBytes: state.snapshot?.byteLength ?? 0 };
    const doc = docFromStoredState(state);
    const snapshot = Buffer.from(Y.encodeStateAsUpdate(doc));
    doc.destroy();
    await tx
      .insertInto('document_snapshots')
      .values({ document_id: documentId, state: snapshot, through_seq: state.lastSeq, updated_at: new Date() })
      .onConflict((oc) => oc.column('document_id').doUpdateSet({ state: snapshot, through_seq: state.lastSeq, updated_at: new Date() }))
      .execute();
    await tx.deleteFrom('document_updates').where('document_id', '=', documentId).where('seq', '<=', state.lastSeq).execute();
    return { mergedRows: state.updates.length, throughSeq: state.lastSeq, snapshotBytes: snapshot.byteLength };
  });
}

async function readStoredStateIn(tx: Db, documentId: string): Promise<StoredState> {
  const snapshot = await tx
    .selectFrom('document_snapshots')
    .select(['state', 'through_seq'])
    .where('document_id', '=', documentId)
    .executeTakeFirst();
  const throughSeq = snapshot?.through_seq ?? 0;
  const updates = await tx
    .selectFrom('document_updates')
    .select(['seq', 'data'])
    .where('document_id', '=', documentId)
    .where('seq', '>', throughSeq)
    .orderBy('seq')
    .execute();
  return { snapshot: snapshot?.state, throughSeq, updates: updates.map((u) => u.data), lastSeq: updates.at(-1)?.seq ?? throughSeq };
}

/** Number of log rows not yet folded into the snapshot. */
export async function pendingLogRows(db: Db, documentId: string): Promise<number> {
  const row = await db
    .selectFrom('documents as d')
    .leftJoin('document_snapshots as s', 's.document_id', 'd.id')
    .select(sql<number>`d.last_seq - coalesce(s.through_seq, 0)`.as('pending'))
    .where('d.id', '=', documentId)
    .executeTakeFirst();
  return row?.pending ?? 0;
}
