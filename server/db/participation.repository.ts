import { sql } from 'kysely';
import type { Db } from './connect.js';

export interface Participation {
  invited: number;
  commented: number;
  annotations: number;
  /** Discussion groups whose comments were recorded (API.md "Recorded on behalf"), by name. */
  groups: Array<{ name: string; size: number; annotations: number }>;
  byUnit: Array<{ unitId: string; invited: number; commented: number }>;
}

/**
 * Who was invited to a round (every member of the scope unit and of the units below it) and who
 * commented, in total and per unit (a member's annotations count for the unit they wrote from;
 * those recorded for them count as theirs), and the discussion groups recorded.
 */
export async function roundParticipation(db: Db, roundId: string, scopePath: string): Promise<Participation> {
  const [invitedByUnit, invitedTotal, commentedByUnit, totals, groups] = await Promise.all([
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
    sql<{ name: string; size: number; annotations: number }>`
      select group_name as name, max(group_size)::int as size, count(*)::int as annotations from annotations
      where round_id = ${roundId} and status = 'active' and group_name is not null
      group by group_name order by group_name`.execute(db),
  ]);
  const commented = new Map(commentedByUnit.rows.map((r) => [r.unit_id, r.n]));
  const byUnit = invitedByUnit.rows
    .map((r) => ({ unitId: r.unit_id, invited: r.n, commented: commented.get(r.unit_id) ?? 0 }))
    .sort((a, b) => b.commented - a.commented || (a.unitId < b.unitId ? -1 : 1));
  return {
    invited: invitedTotal.rows[0]?.n ?? 0,
    commented: totals.rows[0]?.authors ?? 0,
    annotations: totals.rows[0]?.annotations ?? 0,
    groups: groups.rows,
    byUnit,
  };
}

/** One invited member of a round and what they wrote in it. */
export interface RoundMember {
  id: string;
  displayName: string;
  /** The unit they are invited from (their highest membership inside the asked unit). */
  unitId: string;
  /** Active annotations they wrote in the round. */
  annotations: number;
  /** When they last wrote or changed one, or null. */
  lastAt: Date | null;
}

/**
 * Every member of the unit at `unitPath` and of the units below it, once each, with their active
 * annotations in the round: by unit (tree order), then name.
 */
export async function roundMembers(db: Db, roundId: string, unitPath: string): Promise<RoundMember[]> {
  const result = await sql<{ id: string; display_name: string; unit_id: string; annotations: number; last_at: Date | null }>`
    with invited as (
      select distinct on (m.member_id) m.member_id, m.unit_id, u.path
      from memberships m join units u on u.id = m.unit_id
      where u.path <@ ${unitPath}::ltree
      order by m.member_id, nlevel(u.path), u.path
    ), written as (
      select author_id, count(*)::int as n, max(updated_at) as last_at from annotations
      where round_id = ${roundId} and status = 'active' group by author_id
    )
    select i.member_id as id, mb.display_name, i.unit_id, coalesce(w.n, 0)::int as annotations, w.last_at
    from invited i join members mb on mb.id = i.member_id left join written w on w.author_id = i.member_id
    order by i.path, mb.display_name, mb.id`.execute(db);
  return result.rows.map((r) => ({ id: r.id, displayName: r.display_name, unitId: r.unit_id, annotations: r.annotations, lastAt: r.last_at }));
}
