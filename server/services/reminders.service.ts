/**
 * Reminders staff send by hand (issue 15; README changelog 0.4.0): from "Ai đã góp ý", to the
 * members of a unit who have not commented in an open round (`round.reminder`); from the merged
 * feedback, to the secretaries of the units that have not sent their package (`package.requested`).
 * Each member (per round) and each unit (per document) is reminded at most once per 12 h: the
 * claim and the notifications are one transaction, so a repeated click or two secretaries at once
 * notify nobody twice. E-mail goes through the notifications' outbox.
 */
import type { Db } from '../db/connect.js';
import { roundMembers } from '../db/participation.repository.js';
import { claimManualReminders, lastManualReminders } from '../db/reminders.repository.js';
import { findUnit } from '../db/units.repository.js';
import { auditTargets } from '../domain/notification-texts.js';
import { isUnitSecretary, isWithinScope, mayFollowParticipation, type Actor } from '../domain/permissions.js';
import { isOpen } from '../domain/rounds.js';
import { formatPath } from '../domain/unit-path.js';
import { AppError, conflict, forbidden, invalid, notFound } from '../errors.js';
import type { AggregationService } from './aggregation.service.js';
import type { AuditService } from './audit.service.js';
import type { Clock } from './clock.js';
import type { NotificationsService } from './notifications.service.js';
import type { RoundsService } from './rounds.service.js';
import type { ReminderOutcome } from '../http/schemas/participation.js';

/** How long a reminded member or unit is not reminded again (issue 15: at most once per 12 h). */
export const manualReminderWindowMs = 12 * 3600_000;

type Sender = Actor & { readonly displayName: string };

export class RemindersService {
  constructor(
    private readonly db: Db,
    private readonly rounds: RoundsService,
    private readonly aggregation: AggregationService,
    private readonly notifications: NotificationsService,
    private readonly audit: AuditService,
    private readonly clock: Clock,
  ) {}

  /**
   * Notifies the members invited from `unitId` (default: the round's scope unit) and the units
   * below it who have not commented, but the caller (or only `memberIds` among them), except those
   * reminded in this round within 12 h. Who may: as `GET /participation` (the unit's secretaries and drafters,
   * the round's reviewers), else 403. Errors: 404 `round` / `unit` (unknown or outside the round's
   * scope); 409 `round_closed` when the round does not accept comments; 400 when a `memberIds`
   * entry is not invited from that unit; 409 `conflict` when one has already commented.
   */
  async remindSilentMembers(actor: Sender, roundId: string, input: { unitId?: string | undefined; memberIds?: string[] | undefined }): Promise<ReminderOutcome> {
    const { round, document } = await this.rounds.visibleRound(actor, roundId);
    const unit = await findUnit(this.db, input.unitId ?? round.scopeUnitId);
    if (!unit || !isWithinScope(round.scopePath, unit.path)) throw notFound('unit');
    if (!mayFollowParticipation(actor, document, round.scopePath, unit)) {
      throw forbidden('only the unit’s secretaries and drafters and the round’s reviewers remind its members');
    }
    const now = this.clock.now();
    if (!isOpen(round, now)) throw new AppError('round_closed', `round ${round.number} is closed; members can no longer comment`);
    const members = await roundMembers(this.db, round.id, formatPath(unit.path));
    // The one reminding is not reminded (unless they name themselves in memberIds).
    let targets = members.filter((m) => m.annotations === 0 && m.id !== actor.memberId).map((m) => m.id);
    if (input.memberIds !== undefined) {
      const byId = new Map(members.map((m) => [m.id, m]));
      for (const id of input.memberIds) {
        const m = byId.get(id);
        if (!m) throw invalid(`member ${id} is not invited to this round from ${unit.name}`);
        if (m.annotations > 0) throw conflict(`${m.displayName} has already commented in this round`);
      }
      targets = [...new Set(input.memberIds)];
    }
    const claimed = await this.db.transaction().execute(async (tx) => {
      const ids = await claimManualReminders(tx, 'member', round.id, targets, actor.memberId, now, manualReminderWindowMs);
      if (ids.length === 0) return ids;
      await this.notifications.remindedToComment(tx, round, document.title, ids, actor.displayName);
      await this.audit.record(tx, { documentId: document.id, memberId: actor.memberId, action: 'reminded', target: auditTargets.membersReminded(round.number, unit.name, ids.length) });
      return ids;
    });
    if (claimed.length > 0 && this.notifications.mailEnabled) this.notifications.onMailQueued();
    return this.outcome(claimed.length, targets.filter((id) => !claimed.includes(id)), await lastManualReminders(this.db, 'member', round.id));
  }

  /**
   * Notifies the secretaries of the units the draft went to below `receiverUnitId` (default: the
   * document's unit) that have not sent their package (or only `unitIds` among them), except units
   * reminded on this document within 12 h. Only a secretary of the receiving unit (else 403; 404
   * when the document is not visible). 400 when a `unitIds` entry is not a unit the draft went to
   * from there; 409 `conflict` when it has already sent its package.
   */
  async remindPendingUnits(actor: Sender, documentId: string, input: { receiverUnitId?: string | undefined; unitIds?: string[] | undefined }): Promise<ReminderOutcome> {
    const { feedback, document } = await this.aggregation.feedbackWithDocument(actor, documentId, input.receiverUnitId);
    if (!isUnitSecretary(actor, feedback.unitId)) throw forbidden('only the receiving unit’s secretaries remind the units that have not sent their feedback');
    const pending = new Map(feedback.pending.map((p) => [p.unitId, p]));
    let targets = feedback.pending;
    if (input.unitIds !== undefined) {
      const expected = new Set(feedback.units.map((u) => u.unitId));
      for (const id of input.unitIds) {
        if (!expected.has(id)) throw invalid(`unit ${id} is not one the draft went to from here`);
        if (!pending.has(id)) throw conflict(`${feedback.units.find((u) => u.unitId === id)!.name} has already sent its feedback`);
      }
      targets = [...new Set(input.unitIds)].map((id) => pending.get(id)!);
    }
    const receiver = await findUnit(this.db, feedback.unitId);
    const now = this.clock.now();
    const claimed = await this.db.transaction().execute(async (tx) => {
      const ids = await claimManualReminders(tx, 'unit', document.id, targets.map((t) => t.unitId), actor.memberId, now, manualReminderWindowMs);
      const units = targets.filter((t) => ids.includes(t.unitId)).map((t) => ({ id: t.unitId, name: t.name }));
      if (units.length === 0) return { ids, notified: 0 };
      const notified = await this.notifications.packageRequested(tx, document.id, document.title, units, receiver?.name ?? '');
      await this.audit.record(tx, { documentId: document.id, memberId: actor.memberId, action: 'reminded', target: auditTargets.unitsReminded(units.map((u) => u.name)) });
      return { ids, notified };
    });
    if (claimed.notified > 0 && this.notifications.mailEnabled) this.notifications.onMailQueued();
    const skipped = targets.map((t) => t.unitId).filter((id) => !claimed.ids.includes(id));
    return this.outcome(claimed.notified, skipped, await lastManualReminders(this.db, 'unit', document.id));
  }

  /** When each member of the round was last reminded by hand (for `GET /participation`). */
  membersReminded(roundId: string): Promise<Map<string, Date>> {
    return lastManualReminders(this.db, 'member', roundId);
  }

  /** When each unit was last asked for its package on the document (for the merged feedback). */
  unitsReminded(documentId: string): Promise<Map<string, Date>> {
    return lastManualReminders(this.db, 'unit', documentId);
  }

  private outcome(notified: number, skipped: string[], last: Map<string, Date>): ReminderOutcome {
    const times = skipped.map((id) => last.get(id)?.getTime()).filter((t): t is number => t !== undefined);
    return { notified, alreadyReminded: skipped.length, nextAt: times.length > 0 ? new Date(Math.min(...times) + manualReminderWindowMs).toISOString() : null };
  }
}
