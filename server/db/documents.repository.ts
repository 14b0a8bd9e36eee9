import { sql } from 'kysely';
import type { Db } from './connect.js';
import { formatPath, parsePath, type UnitPath } from '../domain/unit-path.js';
import type { DocumentStatus } from '../domain/vocabulary.js';

export interface DocumentRecord {
  id: string;
  unitId: string;
  /** Path of the owning unit, for permission checks. */
  unitPath: UnitPath;
  /** Scope unit paths of the document's rounds, for permission checks. */
  roundScopes: UnitPath[];
  title: string;
  status: DocumentStatus;
  maxRounds: number;
  currentRound: number;
  createdAt: Date;
  updatedAt: Date;
}

function documentsWithUnit(db: Db) {
  return db
    .selectFrom('documents as d')
    .innerJoin('units as u', 'u.id', 'd.unit_id')
    .select([
      'd.id',
      'd.unit_id',
      sql<string>`u.path::text`.as('unit_path'),
      sql<string[]>`array(select su.path::text from rounds r join units su on su.id = r.scope_unit_id where r.document_id = d.id)`.as(
        'round_scopes',
      ),
      'd.title',
      'd.status',
      'd.max_rounds',
      'd.current_round',
      'd.created_at',
      'd.updated_at',
    ]);
}

type Row = Awaited<ReturnType<ReturnType<typeof documentsWithUnit>['executeTakeFirstOrThrow']>>;

const toRecord = (r: Row): DocumentRecord => ({
  id: r.id,
  unitId: r.unit_id,
  unitPath: parsePath(r.unit_path),
  roundScopes: r.round_scopes.map(parsePath),
  title: r.title,
  status: r.status,
  maxRounds: r.max_rounds,
  currentRound: r.current_round,
  createdAt: r.created_at,
  updatedAt: r.updated_at,
});

export async function findDocument(db: Db, id: string): Promise<DocumentRecord | undefined> {
  const row = await documentsWithUnit(db).where('d.id', '=', id).executeTakeFirst();
  return row && toRecord(row);
}

/**
 * Documents in `unitIds`, anywhere below `subtreeRoots` (ltree paths), or with a round whose scope
 * contains one of `participantPaths`; optionally only those of one unit. The caller decides which
 * units those are (domain/permissions) and filters the result once more.
 */
export async function listDocuments(
  db: Db,
  where: { unitIds: string[]; subtreeRoots: readonly UnitPath[]; participantPaths: readonly UnitPath[]; unitId?: string | undefined },
): Promise<DocumentRecord[]> {
  if (where.unitIds.length === 0 && where.subtreeRoots.length === 0 && where.participantPaths.length === 0) return [];
  let query = documentsWithUnit(db).where((eb) =>
    eb.or([
      ...(where.unitIds.length > 0 ? [eb('d.unit_id', 'in', where.unitIds)] : []),
      ...(where.subtreeRoots.length > 0 ? [sql<boolean>`u.path <@ ${sql.val(where.subtreeRoots.map(formatPath))}::ltree[]`] : []),
      ...(where.participantPaths.length > 0
        ? [
            sql<boolean>`exists (select 1 from rounds r join units su on su.id = r.scope_unit_id
              where r.document_id = d.id and su.path @> ${sql.val(where.participantPaths.map(formatPath))}::ltree[])`,
          ]
        : []),
    ]),
  );
  if (where.unitId) query = query.where('d.unit_id', '=', where.unitId);
  const rows = await query.orderBy('d.created_at', 'desc').limit(500).execute();
  return rows.map(toRecord);
}

export async function insertDocument(
  tx: Db,
  document: { unitId: string; title: string; maxRounds: number; createdBy: string; initialState: Uint8Array },
): Promise<string> {
  const { id } = await tx
    .insertInto('documents')
    .values({
      unit_id: document.unitId,
      title: document.title,
      max_rounds: document.maxRounds,
      created_by: document.createdBy,
      updated_at: new Date(),
    })
    .returning('id')
    .executeTakeFirstOrThrow();
  await tx
    .insertInto('document_snapshots')
    .values({ document_id: id, state: Buffer.from(document.initialState), through_seq: 0, updated_at: new Date() })
    .execute();
  return id;
}

/** Locks the document's row for opening a round (one at a time) and reads its round limit. */
export async function lockDocumentForRound(tx: Db, documentId: string): Promise<{ maxRounds: number }> {
  const row = await tx.selectFrom('documents').select('max_rounds').where('id', '=', documentId).forUpdate().executeTakeFirstOrThrow();
  return { maxRounds: row.max_rounds };
}

/** Marks a document in a round (`round` its number) or back to drafting (`round` absent). */
export async function setDocumentRoundState(tx: Db, documentId: string, state: { status: 'in_round'; round: number } | { status: 'drafting' }, at: Date): Promise<void> {
  await tx
    .updateTable('documents')
    .set(state.status === 'in_round' ? { current_round: state.round, status: 'in_round', updated_at: at } : { status: 'drafting', updated_at: at })
    .where('id', '=', documentId)
    .execute();
}
