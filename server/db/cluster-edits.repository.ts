/** Merges and splits by hand on a round's points (migrations/2026112910_cluster_edits.ts). */
import type { Db } from './connect.js';

export interface ClusterEditRecord {
  id: string;
  roundId: string;
  kind: 'merge' | 'split';
  annotationIds: string[];
  madeBy: { id: string; name: string };
  madeAt: Date;
}

/** The edits of these rounds in the order they were made (the order they are replayed in). */
export async function listClusterEdits(db: Db, roundIds: readonly string[]): Promise<ClusterEditRecord[]> {
  if (roundIds.length === 0) return [];
  const rows = await db
    .selectFrom('cluster_edits as e')
    .innerJoin('members as m', 'm.id', 'e.made_by')
    .select(['e.id', 'e.round_id', 'e.kind', 'e.annotation_ids', 'e.made_by', 'm.display_name', 'e.made_at'])
    .where('e.round_id', 'in', [...roundIds])
    .orderBy('e.seq')
    .execute();
  return rows.map((r) => ({ id: r.id, roundId: r.round_id, kind: r.kind, annotationIds: r.annotation_ids, madeBy: { id: r.made_by, name: r.display_name }, madeAt: r.made_at }));
}

export async function insertClusterEdit(tx: Db, edit: { roundId: string; kind: 'merge' | 'split'; annotationIds: string[]; madeBy: string; madeAt: Date }): Promise<{ id: string }> {
  return tx
    .insertInto('cluster_edits')
    .values({ round_id: edit.roundId, kind: edit.kind, annotation_ids: edit.annotationIds, made_by: edit.madeBy, made_at: edit.madeAt })
    .returning('id')
    .executeTakeFirstOrThrow();
}

/** Deletes one edit of the round; the deleted row, or undefined when there was none. */
export async function deleteClusterEdit(tx: Db, roundId: string, editId: string): Promise<{ id: string; kind: 'merge' | 'split'; annotationIds: string[] } | undefined> {
  const row = await tx.deleteFrom('cluster_edits').where('id', '=', editId).where('round_id', '=', roundId).returning(['id', 'kind', 'annotation_ids']).executeTakeFirst();
  return row && { id: row.id, kind: row.kind, annotationIds: row.annotation_ids };
}

/** Active annotations among `ids`, with their round and section (to check an edit's ids). */
export async function annotationPlaces(db: Db, ids: readonly string[]): Promise<Map<string, { roundId: string; section: string }>> {
  if (ids.length === 0) return new Map();
  const rows = await db.selectFrom('annotations').select(['id', 'round_id', 'section']).where('id', 'in', [...ids]).where('status', '=', 'active').execute();
  return new Map(rows.map((r) => [r.id, { roundId: r.round_id, section: r.section }]));
}
