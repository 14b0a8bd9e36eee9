import { sql } from 'kysely';
import type { Db } from './connect.js';
import type { RoundStatus, RoundVisibility } from './schema.js';
import { parsePath, type UnitPath } from '../domain/unit-path.js';

export interface RoundRecord {
  id: string;
  documentId: string;
  number: number;
  baseVersion: number;
  status: RoundStatus;
  closesAt: Date;
  closedAt: Date | null;
  scopeUnitId: string;
  scopePath: UnitPath;
  visibility: RoundVisibility;
  createdAt: Date;
}

function roundsWithScope(db: Db) {
  return db
    .selectFrom('rounds as r')
    .innerJoin('units as su', 'su.id', 'r.scope_unit_id')
    .select([
      'r.id',
      'r.document_id',
      'r.number',
      'r.base_version',
      'r.status',
      'r.closes_at',
      'r.closed_at',
      'r.scope_unit_id',
      sql<string>`su.path::text`.as('scope_path'),
      'r.visibility',
      'r.created_at',
    ]);
}

type Row = Awaited<ReturnType<ReturnType<typeof roundsWithScope>['executeTakeFirstOrThrow']>>;

const toRecord = (r: Row): RoundRecord => ({
  id: r.id,
  documentId: r.document_id,
  number: r.number,
  baseVersion: r.base_version,
  status: r.status,
  closesAt: r.closes_at,
  closedAt: r.closed_at,
  scopeUnitId: r.scope_unit_id,
  scopePath: parsePath(r.scope_path),
  visibility: r.visibility,
  createdAt: r.created_at,
});

export async function findRound(db: Db, id: string): Promise<RoundRecord | undefined> {
  const row = await roundsWithScope(db).where('r.id', '=', id).executeTakeFirst();
  return row && toRecord(row);
}

export async function listRounds(db: Db, documentId: string): Promise<RoundRecord[]> {
  const rows = await roundsWithScope(db).where('r.document_id', '=', documentId).orderBy('r.number').execute();
  return rows.map(toRecord);
}

export async function insertRound(
  tx: Db,
  round: { documentId: string; number: number; baseVersion: number; closesAt: Date; scopeUnitId: string; visibility: RoundVisibility; openedBy: string },
): Promise<string> {
  const { id } = await tx
    .insertInto('rounds')
    .values({
      document_id: round.documentId,
      number: round.number,
      base_version: round.baseVersion,
      status: 'open',
      closes_at: round.closesAt,
      scope_unit_id: round.scopeUnitId,
      visibility: round.visibility,
      opened_by: round.openedBy,
    })
    .returning('id')
    .executeTakeFirstOrThrow();
  return id;
}

/**
 * Closes the round if it is still open; returns whether this call closed it. The row lock makes
 * this the single point where a round turns closed, so a write racing the close either commits
 * before it (and is in the round) or sees it closed.
 */
export async function markClosed(tx: Db, id: string, closedAt: Date, closedBy: string | null): Promise<boolean> {
  const result = await tx
    .updateTable('rounds')
    .set({ status: 'closed', closed_at: closedAt, closed_by: closedBy })
    .where('id', '=', id)
    .where('status', '=', 'open')
    .executeTakeFirst();
  return result.numUpdatedRows > 0n;
}

/** Ids of open rounds whose deadline has passed. */
export async function dueRoundIds(db: Db, now: Date): Promise<string[]> {
  const rows = await db.selectFrom('rounds').select('id').where('status', '=', 'open').where('closes_at', '<=', now).execute();
  return rows.map((r) => r.id);
}

export async function nextDeadline(db: Db): Promise<Date | undefined> {
  const row = await db
    .selectFrom('rounds')
    .select((eb) => eb.fn.min('closes_at').as('next'))
    .where('status', '=', 'open')
    .executeTakeFirst();
  return row?.next ? new Date(row.next as unknown as string) : undefined;
}

/**
 * A round's state, share-locked until the caller's transaction ends: a write checked against it
 * commits before the round closes or sees it closed (closing takes the row's update lock).
 */
export async function lockRoundState(tx: Db, roundId: string): Promise<{ status: RoundStatus; closesAt: Date; number: number }> {
  const row = await tx.selectFrom('rounds').select(['status', 'closes_at', 'number']).where('id', '=', roundId).forShare().executeTakeFirstOrThrow();
  return { status: row.status, closesAt: row.closes_at, number: row.number };
}
