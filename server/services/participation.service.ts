/**
 * Who has and has not commented in a round (API.md `GET /rounds/:roundId/participation`), per
 * unit, for the unit's staff: its secretaries and drafters, and the round's reviewers.
 */
import type { Db } from '../db/connect.js';
import { roundMembers } from '../db/participation.repository.js';
import { lastManualReminders } from '../db/reminders.repository.js';
import { findUnit } from '../db/units.repository.js';
import { isWithinScope, mayFollowParticipation, type Actor } from '../domain/permissions.js';
import { formatPath } from '../domain/unit-path.js';
import { forbidden, notFound } from '../errors.js';
import type { RoundsService } from './rounds.service.js';
import type { Participation } from '../http/schemas/participation.js';

type ParticipationMember = Participation['members'][number];

export class ParticipationService {
  constructor(
    private readonly db: Db,
    private readonly rounds: RoundsService,
  ) {}

  /**
   * The members invited to the round from `unitId` (default: the round's scope unit) and the units
   * below it, with whether they commented; `status` keeps only those who did (`commented`) or did
   * not (`silent`). 404 when the round is not visible (drafts are confidential, to admins too) or
   * the unit is not in its scope; 403 unless the caller is staff of that unit or reviews the round.
   */
  async members(actor: Actor, roundId: string, query: { unitId?: string | undefined; status?: 'commented' | 'silent' | undefined }): Promise<ParticipationMember[]> {
    const { round, document } = await this.rounds.visibleRound(actor, roundId);
    const unit = query.unitId === undefined ? await findUnit(this.db, round.scopeUnitId) : await findUnit(this.db, query.unitId);
    if (!unit || !isWithinScope(round.scopePath, unit.path)) throw notFound('unit');
    if (!mayFollowParticipation(actor, document, round.scopePath, unit)) {
      throw forbidden('only the unit’s secretaries and drafters see who has commented');
    }
    const [rows, reminded] = await Promise.all([roundMembers(this.db, round.id, formatPath(unit.path)), lastManualReminders(this.db, 'member', round.id)]);
    const members = rows.map((m) => ({
      id: m.id,
      displayName: m.displayName,
      unitId: m.unitId,
      commented: m.annotations > 0,
      annotations: m.annotations,
      lastAt: m.lastAt?.toISOString() ?? null,
      remindedAt: reminded.get(m.id)?.toISOString() ?? null,
    }));
    if (query.status === undefined) return members;
    return members.filter((m) => m.commented === (query.status === 'commented'));
  }
}
