/**
 * Versions and rounds: naming a version, opening round k on a frozen version k, closing rounds by
 * hand or at their deadline. Each change writes its outbox events in the same transaction.
 */
import type { Db } from '../db/connect.js';
import { lockDocumentForRound, setDocumentRoundState, type DocumentRecord } from '../db/documents.repository.js';
import { dueRoundIds, findRound, nextDeadline, insertRound, listRounds, markClosed, type RoundRecord } from '../db/rounds.repository.js';
import type { RoundVisibility } from '../db/schema.js';
import { findUnit } from '../db/units.repository.js';
import { insertVersion, listVersions, type VersionSummary } from '../db/versions.repository.js';
import { mayManageDocument, maySeeRound, type Actor } from '../domain/permissions.js';
import { isOpen, nextRoundNumber } from '../domain/rounds.js';
import { conflict, forbidden, invalid, notFound, notFoundAs } from '../errors.js';
import type { Clock } from './clock.js';
import type { DocumentEvents } from './document-events.js';
import type { DocumentsService } from './documents.service.js';
import type { AuditService } from './audit.service.js';
import type { NotificationsService } from './notifications.service.js';
import { auditTargets } from '../domain/notification-texts.js';
import type { Round as PublicRound } from '../http/schemas/rounds.js';
import type { Version as PublicVersion } from '../http/schemas/versions.js';

const toPublicVersion = (v: VersionSummary): PublicVersion => ({
  number: v.number,
  label: v.label,
  createdAt: v.createdAt.toISOString(),
  roundNumber: v.roundNumber,
});

export class RoundsService {
  /** Called after a round opened, so the deadline scheduler re-arms. */
  onRoundOpened: (round: PublicRound) => void = () => {};
  /** Called after a round closed (by hand or deadline), e.g. to prepare its summary. */
  onRoundClosed: (roundId: string) => void = () => {};

  constructor(
    private readonly db: Db,
    private readonly documents: DocumentsService,
    private readonly events: DocumentEvents,
    private readonly clock: Clock,
    private readonly notifications: NotificationsService,
    private readonly audit: AuditService,
  ) {}

  /** The round as its clients see it: past its deadline it is closed, even before the scheduler ran. */
  toPublic(round: RoundRecord): PublicRound {
    const open = isOpen(round, this.clock.now());
    return {
      id: round.id,
      documentId: round.documentId,
      number: round.number,
      baseVersion: round.baseVersion,
      status: open ? 'open' : 'closed',
      closesAt: round.closesAt.toISOString(),
      closedAt: open ? null : (round.closedAt ?? round.closesAt).toISOString(),
      scopeUnitId: round.scopeUnitId,
      visibility: round.visibility,
      createdAt: round.createdAt.toISOString(),
    };
  }

  async createVersion(actor: Actor, documentId: string, label: string): Promise<PublicVersion> {
    const { document } = await this.documents.visible(actor, documentId);
    if (!mayManageDocument(actor, document)) throw forbidden('only drafters and secretaries of the document’s unit can name versions');
    const frozen = await this.documents.liveSnapshot(documentId);
    const version = await this.events.transaction(this.db, async (tx, writeEvent) => {
      await lockDocumentForRound(tx, documentId);
      const version = await insertVersion(tx, {
        documentId,
        label: label.normalize('NFC').trim(),
        state: frozen.state,
        text: frozen.content.text,
        sections: frozen.content.sections,
        roundNumber: null,
        createdBy: actor.memberId,
      });
      await writeEvent({ documentId, type: 'version.created', payload: { ...toPublicVersion(version) }, actorId: actor.memberId });
      return version;
    });
    return toPublicVersion(version);
  }

  async versions(actor: Actor, documentId: string): Promise<PublicVersion[]> {
    await this.documents.visible(actor, documentId);
    return (await listVersions(this.db, documentId)).map(toPublicVersion);
  }

  async open(
    actor: Actor,
    documentId: string,
    input: { closesAt: string; scopeUnitId?: string | undefined; visibility?: RoundVisibility | undefined },
  ): Promise<PublicRound> {
    const { document } = await this.documents.visible(actor, documentId);
    if (!mayManageDocument(actor, document)) throw forbidden('only drafters and secretaries of the document’s unit can open rounds');
    const scope = await findUnit(this.db, input.scopeUnitId ?? document.unitId);
    if (!scope) throw invalid('scopeUnitId does not name a unit');
    const closesAt = new Date(input.closesAt);
    const now = this.clock.now();
    // Fail fast before freezing anything; the same check runs again under the lock.
    nextRoundNumber({ now, closesAt, maxRounds: document.maxRounds, existing: await listRounds(this.db, documentId), documentUnitPath: document.unitPath, scopeUnitPath: scope.path });
    const frozen = await this.documents.liveSnapshot(documentId);

    const roundId = await this.events
      .transaction(this.db, async (tx, writeEvent) => {
        const { maxRounds } = await lockDocumentForRound(tx, documentId);
        const number = nextRoundNumber({
          now,
          closesAt,
          maxRounds,
          existing: await listRounds(tx, documentId),
          documentUnitPath: document.unitPath,
          scopeUnitPath: scope.path,
        });
        const version = await insertVersion(tx, {
          documentId,
          label: `Vòng ${number} — bản đưa xin ý kiến`,
          state: frozen.state,
          text: frozen.content.text,
          sections: frozen.content.sections,
          roundNumber: number,
          createdBy: actor.memberId,
        });
        const id = await insertRound(tx, {
          documentId,
          number,
          baseVersion: version.number,
          closesAt,
          scopeUnitId: scope.id,
          visibility: input.visibility ?? 'private',
          openedBy: actor.memberId,
        });
        await setDocumentRoundState(tx, documentId, { status: 'in_round', round: number }, now);
        // Participants are told, and the trail records who distributed it, in the same transaction.
        await this.notifications.roundOpened(tx, { id, documentId, number, closesAt, scopePath: scope.path }, document.title, actor.memberId);
        await this.notifications.skipPassedReminders(tx, id, closesAt);
        await this.audit.record(tx, { documentId, memberId: actor.memberId, action: 'distributed', target: auditTargets.round(number, scope.name) });
        await writeEvent({ documentId, type: 'version.created', payload: { ...toPublicVersion(version) }, actorId: actor.memberId });
        const round = this.toPublic((await findRound(tx, id))!);
        await writeEvent({ documentId, type: 'round.opened', payload: { ...round }, roundId: id, actorId: actor.memberId });
        return id;
      })
      .catch((error: unknown) => {
        // The partial unique index is the last word on "one open round per document".
        if ((error as { code?: string }).code === '23505') throw conflict('another round of this document is still open');
        throw error;
      });
    const round = this.toPublic((await findRound(this.db, roundId))!);
    this.onRoundOpened(round);
    return round;
  }

  async close(actor: Actor, roundId: string): Promise<PublicRound> {
    const { round, document } = await this.visibleRound(actor, roundId);
    if (!mayManageDocument(actor, document)) throw forbidden('only drafters and secretaries of the document’s unit can close rounds');
    const now = this.clock.now();
    const closedAt = now < round.closesAt ? now : round.closesAt;
    const closed = await this.closeRound(round, closedAt, actor.memberId);
    if (!closed) throw conflict(`round ${round.number} is already closed`);
    return this.toPublic((await findRound(this.db, roundId))!);
  }

  /** Closes every open round whose deadline has passed (the scheduler's job; idempotent). */
  /** The earliest deadline of an open round, or undefined when none is open. */
  nextDeadline(): Promise<Date | undefined> {
    return nextDeadline(this.db);
  }

  async closeDue(): Promise<number> {
    let closed = 0;
    for (const id of await dueRoundIds(this.db, this.clock.now())) {
      const round = await findRound(this.db, id);
      if (round && (await this.closeRound(round, round.closesAt, null))) closed++;
    }
    return closed;
  }

  async list(actor: Actor, documentId: string): Promise<PublicRound[]> {
    const { document } = await this.documents.visible(actor, documentId);
    return (await listRounds(this.db, documentId)).filter((r) => maySeeRound(actor, document, r.scopePath)).map((r) => this.toPublic(r));
  }

  async get(actor: Actor, roundId: string): Promise<PublicRound> {
    return this.toPublic((await this.visibleRound(actor, roundId)).round);
  }

  /** A round and its document, if the actor may see the round; otherwise not found. */
  async visibleRound(actor: Actor, roundId: string): Promise<{ round: RoundRecord; document: DocumentRecord }> {
    const round = await findRound(this.db, roundId);
    if (!round) throw notFound('round');
    const { document } = await this.documents.visible(actor, round.documentId).catch(notFoundAs('round'));
    if (!maySeeRound(actor, document, round.scopePath)) throw notFound('round');
    return { round, document };
  }

  private async closeRound(round: RoundRecord, closedAt: Date, closedBy: string | null): Promise<boolean> {
    const closed = await this.events.transaction(this.db, async (tx, writeEvent) => {
      if (!(await markClosed(tx, round.id, closedAt, closedBy))) return false;
      await setDocumentRoundState(tx, round.documentId, { status: 'drafting' }, this.clock.now());
      const after = (await findRound(tx, round.id))!;
      await writeEvent({ documentId: round.documentId, type: 'round.closed', payload: { ...this.toPublic(after) }, roundId: round.id, actorId: closedBy });
      return true;
    });
    if (closed) this.onRoundClosed(round.id);
    return closed;
  }
}
