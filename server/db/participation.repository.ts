import { sql } from 'kysely';
import type { Db } from './connect.js';

export interface Participation {
  invited: number;
  commented: number;
  annotations: number;
  byUnit: Array<{ unitId: string; invited: number; commented: number }>;
}

/**
 * Who was invited to a round (every member of the scope unit and of the units below it) and who
 * commented, in total and per unit (a member's annotations count for the unit they wrote from).
 */
export async function roundParticipation(db: Db, roundId: string, scopePath: string): Promise<Participation> {
  const [invitedByUnit, invitedTotal, commentedByUnit, totals] = await Promise.all([
    sql<{ unit_id: string; n: number }>`
      select m.unit_id, count(*)::int as n from memberships m join units u on u.id = m.unit_id
      where u.path <@ ${scopePath}::ltree group by m.unit_id`.execute(db),
    sql<{ n: number }>`
      select count(distinct m.member_id)::int as n from memberships m join units u on u.id = m.unit_id
      where u.path <@ ${scopePath}::ltree`.execute(db),
    sql<{ unit_id: string; n: number }>`
      select author_unit_id as unit_id, count(distinct author_id)::int as n from annotations
      where round_id = ${roundId} and status = 'active' group by author_unit_id`.execute(db),
    sql<{ authors: number; annotations: number }>`
      select count(distinct author_id)::int as authors, count(*)::int as annotations from annotations
      where round_id = ${roundId} and status = 'active'`.execute(db),
  ]);
  const commented = new Map(commentedByUnit.rows.map((r) => [r.unit_id, r.n]));
  const byUnit = invitedByUnit.rows
    .map((r) => ({ unitId: r.unit_id, invited: r.n, commented: commented.get(r.unit_id) ?? 0 }))
    .sort((a, b) => b.commented - a.commented || (a.unitId < b.unitId ? -1 : 1));
  return {
    invited: invitedTotal.rows[0]?.n ?? 0,
    commented: totals.rows[0]?.authors ?? 0,
    annotations: totals.rows[0]?.annotations ?? 0,
    byUnit,
  };
}
