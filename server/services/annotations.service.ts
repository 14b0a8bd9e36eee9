/**
 * Member annotations on a round's base version: idempotent writes with client-made ids, the
 * visibility rules of private and open rounds, replies, dispositions (the decision register),
 * applying accepted suggestions into the live draft, and re-anchoring into any version.
 */
import type { Db } from '../db/connect.js';
import {
  activeAnnotations,
  activeAnnotationsById,
  attachmentsOf,
  deleteAttachment,
  findAttachment,
  putAttachment,
  insertAnnotationWhileOpen,
  dispositionsOf,
  findAnnotation,
  insertAnnotation,
  insertAnnotations,
  insertReply,
  claimApplication,
  reclaimApplication,
  releaseApplication,
  repliesOf,
  setWithdrawn,
  updateAnnotation,
  upsertDisposition,
  type AnnotationRow,
  type AnnotationWrite,
  type AttachmentInfo,
  type DispositionRecord,
  type ReplyRecord,
} from '../db/annotations.repository.js';
import type { DocumentRecord } from '../db/documents.repository.js';
import { findMemberById, memberNames, membershipsOf } from '../db/members.repository.js';
import type { NewEvent } from '../db/events.repository.js';
import { listRounds, lockRoundState, type RoundRecord } from '../db/rounds.repository.js';
import type { AnnotationKind, AnnotationSource, Decision, EventAudience } from '../db/schema.js';
import type { Anchor, Reanchored } from '../domain/anchoring.js';
import {
  annotationAudience,
  annotationsSeen,
  groupMeetingUnit,
  isRoundParticipant,
  mayEditAnnotation,
  mayManageDocument,
  mayRecordOnBehalf,
  mayReviewRound,
  maySeeAnnotation,
  maySeeRound,
  mayWithdrawAnnotation,
  seesAllAnnotations,
  speakingUnit,
  type Actor,
  type AnnotationTarget,
} from '../domain/permissions.js';
import { assertAcceptingAnnotations } from '../domain/rounds.js';
import { conflict, forbidden, invalid, notFound, notFoundAs } from '../errors.js';
import { checkAttachment, maxBodyLength, normaliseText, type AttachmentInput, type CheckedAttachment, type ScopedAnchorInput } from './annotation-input.js';
import { lruCache, type Cache } from './cache.js';
import type { Clock } from './clock.js';
import type { DocumentEvents } from './document-events.js';
import type { DocumentsService } from './documents.service.js';
import type { PlacementGroup } from './live-reads.js';
import type { RoundsService } from './rounds.service.js';
import type { VersionDocs } from './version-docs.js';
import { anchorOrThrow, type AnchorOutcome } from './version-reads.js';
import { auditTargets } from '../domain/notification-texts.js';
import { decisionLabels, lowerLabel, missingReason, rewordsNothing, textMax } from '../domain/vocabulary.js';
import type { AuditService } from './audit.service.js';
import type { NotificationsService } from './notifications.service.js';
import type { Annotation as PublicAnnotation, PlacedAnnotation as ReanchoredAnnotation } from '../http/schemas/annotations.js';

/** What a notification needs of an annotation row. */
const notified = (row: AnnotationRow) => ({ id: row.id, documentId: row.document_id, roundId: row.round_id, authorId: row.author_id, quote: row.quote_exact });

export interface AnnotationInput {
  kind: AnnotationKind;
  body: string;
  replacement?: string | undefined;
  anchor: ScopedAnchorInput;
  /** A comment collected on paper, by phone or in a meeting, entered by staff for a member or a group. */
  onBehalfOf?: { memberId: string } | { group: { name: string; size: number } } | undefined;
  source?: AnnotationSource | undefined;
  /** Only on a general comment: a file to attach, or null to remove the one stored (absent keeps it). */
  attachment?: AttachmentInput | null | undefined;
}

/** The anchor as the API answers it: positions and quote null for a section or the document. */
export type PublicAnchor =
  | (Anchor & { scope: 'passage' })
  | { scope: 'section' | 'document'; start: null; end: null; relStart: null; relEnd: null; quote: null; section: string };

/** Who writes: an actor with the name others will see. */
export type Author = Actor & { readonly displayName: string };


/**
 * How long a claim to apply a suggestion is its claimer's alone (ms): far longer than an apply
 * takes (its edit commits within seconds), so only a claim whose process died is taken over.
 */
export const APPLY_LEASE_MS = 60_000;

export class AnnotationsService {
  constructor(
    private readonly db: Db,
    private readonly documents: DocumentsService,
    private readonly rounds: RoundsService,
    private readonly versions: VersionDocs,
    private readonly events: DocumentEvents,
    private readonly clock: Clock,
    private readonly notifications: NotificationsService,
    private readonly audit: AuditService,
  ) {
    this.recentRounds = lruCache(clock, { max: 1000, ttlMs: 5_000 });
  }

  /**
   * Creates (201) or updates (200) an annotation. Idempotent: replaying the same request changes
   * nothing. The round row is share-locked while writing, so a write racing the round's close
   * either commits first (and is in the round) or sees the round closed — never both.
   */
  async upsert(actor: Author, roundId: string, annotationId: string, input: AnnotationInput): Promise<{ created: boolean; annotation: PublicAnnotation }> {
    const { round, document } = await this.roundForWriting(actor, roundId);
    const speaker = await this.speakerOf(actor, round, input);
    const [anchored] = await this.versions.anchors(document.id, round.baseVersion, [input.anchor]);
    const write = prepareWrite(anchored!, round, document, speaker, annotationId, input);
    if (input.attachment && write.scope === 'passage') throw invalid('only a general comment (a section or the document) carries an attachment');
    const attachment = input.attachment ? checkAttachment(input.attachment) : input.attachment;
    const names = new Map([[actor.memberId, actor.displayName], ...speaker.names]);
    const shown = (row: AnnotationRow, file: AttachmentInfo | undefined) => toPublic(row, undefined, [], names, file);

    // Most writes are new annotations: one statement does it. Replays, edits and files take the path below.
    const now = this.clock.now();
    if (!attachment) {
      const fresh = rowOf(write, now);
      const event = this.eventFor(round, fresh, 'annotation.upserted', actor.memberId, { ...shown(fresh, undefined) });
      const outcome = await insertAnnotationWhileOpen(this.db, write, now, { type: event.type, payload: event.payload, audience: event.audience!, actorId: actor.memberId });
      if (outcome === 'closed') assertAcceptingAnnotations({ status: 'closed', closesAt: round.closesAt, number: round.number }, now);
      if (outcome === 'inserted') {
        // The one-statement write put its event in the outbox itself (annotations.repository.ts).
        this.events.committed(document.id);
        return { created: true, annotation: shown(fresh, undefined) };
      }
    }

    const result = await this.events.transaction(this.db, async (tx, writeEvent) => {
      assertAcceptingAnnotations(await lockRoundState(tx, roundId), this.clock.now());
      const inserted = await insertAnnotation(tx, write);
      if (inserted) {
        const file = attachment ? await storeAttachment(tx, annotationId, attachment) : undefined;
        await writeEvent(this.eventFor(round, inserted, 'annotation.upserted', actor.memberId, { ...shown(inserted, file) }));
        return { created: true, row: inserted, file };
      }
      const existing = (await findAnnotation(tx, annotationId, { forUpdate: true }))!;
      if (!mayEditAnnotation(actor, authorship(existing))) throw forbidden('this annotation id belongs to another author');
      if (existing.round_id !== roundId) throw conflict('this annotation id is already used in another round');
      if ((existing.recorded_by === null) !== (write.recorded === null)) {
        throw conflict(existing.recorded_by ? 'this comment was recorded on someone’s behalf: send onBehalfOf and source with it' : 'this is your own comment; record one on someone’s behalf under a new id');
      }
      const stored = (await attachmentsOf(tx, [annotationId])).get(annotationId);
      if (attachment === undefined && write.scope === 'passage' && stored) throw invalid('only a general comment carries an attachment; send attachment: null to remove it');
      const fileChanged = attachment === null ? stored !== undefined : attachment !== undefined && attachment.sha256 !== stored?.sha256;
      if (sameContent(existing, write) && !fileChanged) return { created: false, row: existing, file: stored };
      const updated = await updateAnnotation(tx, write);
      let file = stored;
      if (attachment === null) {
        await deleteAttachment(tx, annotationId);
        file = undefined;
      } else if (attachment && fileChanged) file = await storeAttachment(tx, annotationId, attachment);
      await writeEvent(this.eventFor(round, updated, 'annotation.upserted', actor.memberId, { ...shown(updated, file) }));
      return { created: false, row: updated, file };
    });
    // A row inserted just now has no disposition or reply yet (both reference it): skip the two reads.
    const annotation = result.created ? shown(result.row, result.file) : (await this.hydrate([result.row]))[0]!;
    return { created: result.created, annotation };
  }

  /**
   * Creates many annotations of one speaker at once (a member's Word file): each checked as
   * `upsert` checks it, all inserted in one transaction with their events; ids that exist already
   * are left as they are (a replayed import creates nothing). Returns those created, in order.
   * All or nothing: an item that fails its checks fails the call before anything is written.
   */
  async createMany(actor: Author, roundId: string, items: ReadonlyArray<{ id: string; input: AnnotationInput }>): Promise<PublicAnnotation[]> {
    if (items.length === 0) return [];
    const { round, document } = await this.roundForWriting(actor, roundId);
    const speaker = await this.speakerOf(actor, round, items[0]!.input);
    const anchored = await this.versions.anchors(document.id, round.baseVersion, items.map(({ input }) => input.anchor));
    const writes = items.map(({ id, input }, i) => prepareWrite(anchored[i]!, round, document, speaker, id, input));
    const names = new Map([[actor.memberId, actor.displayName], ...speaker.names]);
    const rows = await this.events.transaction(this.db, async (tx, writeEvent) => {
      assertAcceptingAnnotations(await lockRoundState(tx, roundId), this.clock.now());
      const inserted = await insertAnnotations(tx, writes);
      await writeEvent(inserted.map((row) => this.eventFor(round, row, 'annotation.upserted', actor.memberId, { ...toPublic(row, undefined, [], names, undefined) })));
      return inserted;
    });
    const order = new Map(writes.map((w, i) => [w.id, i]));
    return rows.sort((a, b) => order.get(a.id)! - order.get(b.id)!).map((row) => toPublic(row, undefined, [], names, undefined));
  }

  /**
   * Whom a write speaks for, and from which unit: the caller (a participant of the round), or,
   * with `onBehalfOf`, a member or a discussion group — then the caller must be allowed to record
   * for them (permissions.ts `mayRecordOnBehalf`, else 403) and say the `source` (400 without it;
   * 400 with it on one's own comment). A member named must take part in the round (400).
   */
  private async speakerOf(
    actor: Author,
    round: RoundRecord,
    input: AnnotationInput,
  ): Promise<{ authorId: string | null; unitId: string; recorded: AnnotationWrite['recorded']; names: Array<[string, string]> }> {
    const target = input.onBehalfOf;
    if (!target) {
      if (input.source !== undefined) throw invalid('source is only given with onBehalfOf (a comment recorded for someone else)');
      if (!isRoundParticipant(actor, round.scopePath)) throw forbidden('only participants of the round can comment on it');
      return { authorId: actor.memberId, unitId: speakingUnit(actor.memberships, round.scopePath)!, recorded: null, names: [] };
    }
    if ('group' in target) {
      if (!mayRecordOnBehalf(actor, round.scopePath, 'group')) throw forbidden('only a secretary or drafter of the round’s units records a discussion group’s comments');
      if (input.source === undefined) throw invalid('source is required with onBehalfOf: paper, meeting, phone or other');
      const name = target.group.name.normalize('NFC').trim();
      if (name.length === 0) throw invalid('onBehalfOf.group.name must not be empty');
      // The group met in the recorder's own unit inside the scope (the scope unit when they are its staff).
      const unitId = groupMeetingUnit(actor, round.scopePath) ?? round.scopeUnitId;
      return { authorId: null, unitId, recorded: { by: actor.memberId, source: input.source, group: { name, size: target.group.size } }, names: [] };
    }
    const [member, memberships] = await Promise.all([findMemberById(this.db, target.memberId), membershipsOf(this.db, target.memberId)]);
    if (!mayRecordOnBehalf(actor, round.scopePath, { memberships })) {
      throw forbidden('only a secretary or drafter of the round’s scope unit or of the member’s unit records comments on their behalf');
    }
    if (input.source === undefined) throw invalid('source is required with onBehalfOf: paper, meeting, phone or other');
    const unitId = member ? speakingUnit(memberships, round.scopePath) : undefined;
    if (!member || !unitId) throw invalid('onBehalfOf.memberId is not a participant of this round');
    return { authorId: member.id, unitId, recorded: { by: actor.memberId, source: input.source, group: null }, names: [[member.id, member.display_name]] };
  }

  /** An annotation's attached file, for whoever may see the annotation (404 when it has none). */
  async attachment(actor: Actor, annotationId: string): Promise<{ filename: string; contentType: string; data: Buffer }> {
    await this.visibleAnnotation(actor, annotationId);
    const file = await findAttachment(this.db, annotationId);
    if (!file) throw notFound('attachment');
    return { filename: file.filename, contentType: file.contentType, data: file.data };
  }

  /**
   * The round and its document for a write, remembered for a few seconds: in a busy round every
   * member writes to the same round. Safe because what a write needs of them does not go stale
   * in a way that matters — the round's status and deadline are checked again by the database in
   * the write itself, and the caller's memberships come fresh from authentication.
   */
  private async roundForWriting(actor: Actor, roundId: string): Promise<{ round: RoundRecord; document: DocumentRecord }> {
    const hit = this.recentRounds.get(roundId);
    if (hit) {
      if (!maySeeRound(actor, hit.document, hit.round.scopePath)) throw notFound('round');
      return hit;
    }
    const value = await this.rounds.visibleRound(actor, roundId);
    this.recentRounds.set(roundId, value);
    return value;
  }

  /** Rounds lately written to, for a few seconds (the write itself re-reads the round's state under a lock). */
  private readonly recentRounds: Cache<string, { round: RoundRecord; document: DocumentRecord }>;

  async withdraw(actor: Actor, roundId: string, annotationId: string): Promise<void> {
    const { round } = await this.rounds.visibleRound(actor, roundId);
    await this.events.transaction(this.db, async (tx, writeEvent) => {
      const locked = await lockRoundState(tx, roundId);
      const existing = await findAnnotation(tx, annotationId, { forUpdate: true });
      if (!existing || existing.round_id !== roundId) throw notFound('annotation');
      if (!mayWithdrawAnnotation(actor, authorship(existing))) throw forbidden('only its author can withdraw an annotation');
      assertAcceptingAnnotations(locked, this.clock.now());
      if (existing.status === 'withdrawn') return;
      const row = await setWithdrawn(tx, annotationId);
      await writeEvent(this.eventFor(round, row, 'annotation.withdrawn', actor.memberId, { id: row.id, roundId }));
    });
  }

  /**
   * What the caller may see of a round: everything for its reviewers (drafters and secretaries of
   * the document's unit and of the scope unit), every participant's in an `open` round, otherwise
   * only their own. Reviewers also get the undecided annotations of earlier rounds carried forward.
   * With `section` (a path, exact), only the round's own annotations stored in that section: what a
   * reviewer reading the summary one section at a time needs beside it.
   */
  async listForRound(actor: Actor, roundId: string, only: { section?: string | undefined } = {}): Promise<PublicAnnotation[]> {
    const { round, document } = await this.rounds.visibleRound(actor, roundId);
    const reviewer = mayReviewRound(actor, document, round.scopePath);
    const rows = await activeAnnotations(this.db, [roundId], seesAllAnnotations(actor, document, round) ? undefined : actor.memberId, only.section);
    const own = await this.hydrate(rows);
    if (!reviewer || only.section !== undefined) return own;
    return [...own, ...(await this.carriedForward(document, round))];
  }

  /**
   * The active annotations the caller may see on a document (404 when the document is not
   * visible): every one in rounds they review or open rounds they take part in, their own in the
   * other rounds they take part in. With `roundId`, that round's only.
   */
  private async visibleRows(actor: Actor, documentId: string, roundId?: string): Promise<AnnotationRow[]> {
    const { document } = await this.documents.visible(actor, documentId);
    // Rounds where the caller sees everyone's annotations, and rounds where only their own.
    const allOf: string[] = [];
    const ownOf: string[] = [];
    for (const round of await listRounds(this.db, documentId)) {
      if (roundId !== undefined && round.id !== roundId) continue;
      const seen = annotationsSeen(actor, document, round);
      if (seen === 'all') allOf.push(round.id);
      else if (seen === 'own') ownOf.push(round.id);
    }
    const [everyone, own] = await Promise.all([activeAnnotations(this.db, allOf), activeAnnotations(this.db, ownOf, actor.memberId)]);
    return [...everyone, ...own];
  }

  /**
   * What the search route ranks (annotation-search.service.ts): the visible annotations of a
   * document (of one round with `roundId`, which must be a round of it the caller may see, else
   * 404), each with its author's unit, newest first.
   */
  async visibleOnDocument(actor: Actor, documentId: string, roundId?: string): Promise<Array<PublicAnnotation & { authorUnitId: string }>> {
    if (roundId !== undefined) {
      const { round } = await this.rounds.visibleRound(actor, roundId);
      if (round.documentId !== documentId) throw notFound('round');
    }
    const rows = (await this.visibleRows(actor, documentId, roundId)).sort((a, b) => b.updated_at.getTime() - a.updated_at.getTime() || (a.id < b.id ? -1 : 1));
    const hydrated = await this.hydrate(rows);
    return hydrated.map((a, i) => ({ ...a, authorUnitId: rows[i]!.author_unit_id }));
  }

  /** Every annotation the caller may see on a document, re-anchored into version n or the live draft. */
  async reanchored(actor: Actor, documentId: string, version: number | 'live'): Promise<ReanchoredAnnotation[]> {
    const visibleRows = await this.visibleRows(actor, documentId);
    const baseStates = await this.baseStates(documentId, visibleRows);
    const placed =
      version === 'live'
        ? await placeWith(visibleRows, baseStates, (groups) => this.documents.readLive(documentId, { kind: 'placements', groups }))
        : await placeWith(visibleRows, baseStates, (groups) => this.versions.placements(documentId, version, groups));
    const hydrated = await this.hydrate(visibleRows);
    return hydrated.map((a, i) => ({
      ...a,
      anchorStatus: placed[i]!.status,
      position: { start: placed[i]!.start, end: placed[i]!.end, section: placed[i]!.section },
    }));
  }

  async reply(actor: Author, annotationId: string, body: string): Promise<PublicAnnotation['replies'][number]> {
    const { row, round, document } = await this.visibleAnnotation(actor, annotationId);
    const text = normaliseText(body, 'body', textMax.reply);
    if (text.length === 0) throw invalid('body must not be empty');
    const names = new Map([[actor.memberId, actor.displayName]]);
    const reply = await this.events.transaction(this.db, async (tx, writeEvent) => {
      const reply = await insertReply(tx, { annotationId, authorId: actor.memberId, body: text });
      await this.notifications.replied(tx, notified(row), document.title, { id: actor.memberId, name: actor.displayName });
      await writeEvent(this.eventFor(round, row, 'reply.created', actor.memberId, { annotationId, ...publicReply(reply, names) }));
      return reply;
    });
    return publicReply(reply, names);
  }

  async setDisposition(actor: Actor, annotationId: string, input: { decision: Decision; note: string }): Promise<PublicAnnotation> {
    const { row, round, document } = await this.visibleAnnotation(actor, annotationId);
    if (!mayReviewRound(actor, document, round.scopePath)) throw forbidden('only drafters and secretaries decide on annotations');
    const note = normaliseText(input.note, 'note', textMax.decisionNote);
    const missing = missingReason(input.decision, note);
    if (missing) throw invalid(missing);
    const now = this.clock.now();
    // Do once: the same decision sent again (a double click, two drafters) stores nothing and
    // emits no second event; the database decides, so concurrent duplicates cannot both change it.
    await this.events.transaction(this.db, async (tx, writeEvent) => {
      if (!(await upsertDisposition(tx, { annotationId, decision: input.decision, note, decidedBy: actor.memberId, at: now }))) return false;
      await this.notifications.decided(tx, notified(row), document.title, input.decision, actor.memberId);
      await this.audit.record(tx, { documentId: document.id, memberId: actor.memberId, action: 'decided', target: auditTargets.annotation(row.quote_exact, lowerLabel(decisionLabels.vi[input.decision], 'vi')) });
      await writeEvent(this.eventFor(round, row, 'disposition.set', actor.memberId, { annotationId, decision: input.decision, note, decidedBy: actor.memberId, decidedAt: now.toISOString() }));
      return true;
    });
    return (await this.hydrate([row]))[0]!;
  }

  /**
   * Records one decision on every annotation of a point (API.md `clusters/:clusterId/disposition`):
   * the rule and the events of `setDisposition`, for each of `annotationIds` (active annotations
   * of `round`; the caller found them in the round's summary), in one transaction. An annotation
   * that already carries this decision and note stores nothing and emits nothing. Returns how many
   * annotations of the point now carry the decision. 403 for anyone but the round's reviewers;
   * 400 when the decision needs a reason and `note` is empty.
   */
  async decideAll(actor: Actor, round: RoundRecord, document: DocumentRecord, annotationIds: readonly string[], input: { decision: Decision; note: string }): Promise<number> {
    if (!mayReviewRound(actor, document, round.scopePath)) throw forbidden('only drafters and secretaries decide on annotations');
    const note = normaliseText(input.note, 'note', textMax.decisionNote);
    const missing = missingReason(input.decision, note);
    if (missing) throw invalid(missing);
    const now = this.clock.now();
    const decided = await this.events.transaction(this.db, async (tx, writeEvent) => {
      const rows = await activeAnnotationsById(tx, round.id, annotationIds);
      const events: NewEvent[] = [];
      for (const row of rows) {
        if (!(await upsertDisposition(tx, { annotationId: row.id, decision: input.decision, note, decidedBy: actor.memberId, at: now }))) continue;
        // Each author hears of the decision on their annotation, as with one decision at a time.
        await this.notifications.decided(tx, notified(row), document.title, input.decision, actor.memberId);
        events.push(this.eventFor(round, row, 'disposition.set', actor.memberId, { annotationId: row.id, decision: input.decision, note, decidedBy: actor.memberId, decidedAt: now.toISOString() }));
      }
      if (events.length > 0) {
        const first = rows[0]!;
        const detail = `${lowerLabel(decisionLabels.vi[input.decision], 'vi')} (${rows.length} ý kiến)`;
        await this.audit.record(tx, { documentId: document.id, memberId: actor.memberId, action: 'decided', target: auditTargets.annotation(first.quote_exact, detail) });
      }
      // Events last: writing them takes the document's outbox lock until commit.
      await writeEvent(events);
      return rows.length;
    });
    return decided;
  }

  /**
   * Replaces the anchored text of an accepted suggestion with its replacement in the live draft,
   * as a CRDT edit every connected editor receives (apply-suggestion.ts says where and how).
   * 409 when it is not accepted, was applied already, or its text no longer reads as the quote
   * (then with `currentText`).
   *
   * Applied at most once, ever: the disposition row is claimed (`applied_at` set where it is
   * null, one statement, so of concurrent applies exactly one wins) before the draft is edited,
   * and released if the edit is refused. No connection is held while the draft is edited. The
   * edit also records the annotation in the draft itself (APPLIED_SUGGESTIONS, same Yjs update),
   * so a claim left by a process that died before its edit was committed is told apart from an
   * applied one: a claim older than APPLY_LEASE_MS whose edit is not in the draft is taken over.
   */
  async apply(actor: Actor, annotationId: string): Promise<PublicAnnotation> {
    const { row, round, document } = await this.visibleAnnotation(actor, annotationId);
    if (!mayManageDocument(actor, document)) throw forbidden('only drafters and secretaries of the document’s unit apply suggestions');
    if (row.kind !== 'suggestion' || row.replacement === null) throw conflict('only suggestions can be applied');
    const anchor = anchorOf(row);
    const replacement = row.replacement;
    const baseState = await this.versions.stateVector(document.id, round.baseVersion);
    const now = this.clock.now();
    if (!(await claimApplication(this.db, annotationId, actor.memberId, now))) {
      const disposition = (await dispositionsOf(this.db, [annotationId])).get(annotationId);
      if (!disposition?.appliedAt) throw conflict('accept the suggestion before applying it');
      if (!(await this.takeOverStaleClaim(document.id, annotationId, disposition.appliedAt, actor.memberId, now))) {
        throw conflict('this suggestion has already been applied');
      }
    }
    let outcome;
    try {
      outcome = await this.documents.editLive(document.id, { kind: 'applySuggestion', annotationId, anchor, replacement, base: baseState, at: now.toISOString() });
    } catch (error) {
      await releaseApplication(this.db, annotationId, now);
      throw error;
    }
    // The edit is in the draft already: the claim stands, whoever made it.
    if (outcome === 'appliedAlready') throw conflict('this suggestion has already been applied');
    await this.audit.record(undefined, { documentId: document.id, memberId: actor.memberId, action: 'applied', target: auditTargets.annotation(row.quote_exact, `“${row.replacement ?? ''}”`) });
    await this.events.transaction(this.db, (_tx, writeEvent) =>
      writeEvent(this.eventFor(round, row, 'suggestion.applied', actor.memberId, { annotationId, appliedAt: now.toISOString(), appliedBy: actor.memberId })),
    );
    return (await this.hydrate([row]))[0]!;
  }

  /**
   * A claim made at `claimedAt` and never completed — its process died between the claim and the
   * commit of the edit — is taken over (re-claimed at `now`, compare-and-set, so of concurrent
   * takers one wins) when it is older than APPLY_LEASE_MS and the draft does not hold its edit.
   * False when the claim is recent (an apply may be under way) or its edit is in the draft.
   */
  private async takeOverStaleClaim(documentId: string, annotationId: string, claimedAt: Date, by: string, now: Date): Promise<boolean> {
    if (now.getTime() - claimedAt.getTime() < APPLY_LEASE_MS) return false;
    if (await this.documents.readLive(documentId, { kind: 'applied', annotationId })) return false;
    return reclaimApplication(this.db, annotationId, claimedAt, by, now);
  }

  /** The state vector of each round's base version, for telling look-alikes from annotated text. */
  private async baseStates(documentId: string, rows: readonly AnnotationRow[]): Promise<Map<string, Uint8Array>> {
    const rounds = new Map((await listRounds(this.db, documentId)).map((r) => [r.id, r]));
    const states = new Map<string, Uint8Array>();
    for (const roundId of new Set(rows.map((r) => r.round_id))) {
      const round = rounds.get(roundId);
      if (round) states.set(roundId, await this.versions.stateVector(documentId, round.baseVersion));
    }
    return states;
  }

  /** An annotation the caller may see (author, reviewer, or participant of an open round). */
  async visibleAnnotation(actor: Actor, annotationId: string): Promise<{ row: AnnotationRow; round: RoundRecord; document: DocumentRecord }> {
    const row = await findAnnotation(this.db, annotationId);
    if (!row || row.status !== 'active') throw notFound('annotation');
    const { round, document } = await this.rounds.visibleRound(actor, row.round_id).catch(notFoundAs('annotation'));
    if (!maySeeAnnotation(actor, document, round, authorship(row))) throw notFound('annotation');
    return { row, round, document };
  }

  /** Undecided annotations of the rounds before `round`, re-anchored into its base version. */
  private async carriedForward(document: DocumentRecord, round: RoundRecord): Promise<PublicAnnotation[]> {
    const earlier = (await listRounds(this.db, document.id)).filter((r) => r.number < round.number);
    const rows = await activeAnnotations(this.db, earlier.map((r) => r.id));
    if (rows.length === 0) return [];
    const decided = await dispositionsOf(this.db, rows.map((r) => r.id));
    const undecided = rows.filter((r) => !decided.has(r.id));
    const baseStates = await this.baseStates(document.id, undecided);
    const placed = await placeWith(undecided, baseStates, (groups) => this.versions.placements(document.id, round.baseVersion, groups));
    const hydrated = await this.hydrate(undecided);
    return hydrated.map((a, i) => ({
      ...a,
      carriedForward: { fromRoundId: a.roundId, anchorStatus: placed[i]!.status, start: placed[i]!.start, end: placed[i]!.end, section: placed[i]!.section },
    }));
  }

  private async hydrate(rows: AnnotationRow[]): Promise<PublicAnnotation[]> {
    const ids = rows.map((r) => r.id);
    const general = rows.filter((r) => r.scope !== 'passage').map((r) => r.id);
    const [dispositions, replies, files] = await Promise.all([dispositionsOf(this.db, ids), repliesOf(this.db, ids), attachmentsOf(this.db, general)]);
    const people = new Set<string>();
    for (const r of rows) {
      if (r.author_id) people.add(r.author_id);
      if (r.recorded_by) people.add(r.recorded_by);
    }
    for (const thread of replies.values()) for (const reply of thread) people.add(reply.authorId);
    const names = await memberNames(this.db, [...people]);
    return rows.map((r) => toPublic(r, dispositions.get(r.id), replies.get(r.id) ?? [], names, files.get(r.id)));
  }

  /**
   * Who may receive an annotation's events: in an `open` round every participant (and reviewer);
   * otherwise reviewers and the author only. The higher level never receives raw annotations.
   */
  private eventFor(round: RoundRecord, row: AnnotationRow, type: NewEvent['type'], actorId: string, payload?: Record<string, unknown>): NewEvent {
    const audience: EventAudience = annotationAudience(round);
    return {
      documentId: row.document_id,
      type,
      payload: payload ?? { id: row.id, roundId: row.round_id },
      audience,
      roundId: round.id,
      subjectMemberId: row.author_id,
      actorId,
    };
  }
}

function toPublic(
  r: AnnotationRow,
  disposition: DispositionRecord | undefined,
  replies: ReplyRecord[],
  names: ReadonlyMap<string, string>,
  file: AttachmentInfo | undefined,
): PublicAnnotation {
  return {
    id: r.id,
    roundId: r.round_id,
    authorId: r.author_id,
    authorName: r.author_id ? (names.get(r.author_id) ?? '') : (r.group_name ?? ''),
    recordedBy: r.recorded_by ? { id: r.recorded_by, name: names.get(r.recorded_by) ?? '' } : null,
    source: r.source,
    group: r.group_name !== null && r.group_size !== null ? { name: r.group_name, size: r.group_size } : null,
    attachment: file ? { filename: file.filename, contentType: file.contentType, size: file.size } : null,
    kind: r.kind,
    body: r.body,
    replacement: r.replacement,
    anchor: publicAnchor(r),
    status: r.status,
    disposition: disposition
      ? {
          decision: disposition.decision,
          note: disposition.note,
          decidedBy: disposition.decidedBy,
          decidedAt: disposition.decidedAt.toISOString(),
          appliedAt: disposition.appliedAt?.toISOString() ?? null,
        }
      : null,
    replies: replies.map((reply) => publicReply(reply, names)),
    createdAt: r.created_at.toISOString(),
    updatedAt: r.updated_at.toISOString(),
  };
}

const publicReply = (r: ReplyRecord, names: ReadonlyMap<string, string>) => ({
  id: r.id,
  authorId: r.authorId,
  authorName: names.get(r.authorId) ?? '',
  body: r.body,
  createdAt: r.createdAt.toISOString(),
});

/**
 * Re-anchors rows, each with the state of its own round's base version, by `place`: a
 * `placements` read of the live draft (live-reads.ts, offsets of the text as typed) or of a
 * version (version-reads.ts, offsets of its NFC text, as `/content?version=n` serves it); either
 * runs on a worker thread for a big document. General comments stay with their section.
 */
async function placeWith(
  rows: readonly AnnotationRow[],
  baseStates: ReadonlyMap<string, Uint8Array>,
  place: (groups: PlacementGroup[]) => Promise<Reanchored[][]>,
): Promise<Reanchored[]> {
  const placed = new Array<Reanchored>(rows.length);
  placeGeneral(rows, placed);
  const byRound = [...passagesByRound(rows)];
  if (byRound.length === 0) return placed;
  const results = await place(byRound.map(([roundId, indexes]) => ({ anchors: indexes.map((i) => anchorOf(rows[i]!)), base: baseStates.get(roundId) })));
  byRound.forEach(([, indexes], g) => indexes.forEach((i, k) => (placed[i] = results[g]![k]!)));
  return placed;
}

/** A general comment has no passage to find: it stays with its section (or the document), never orphaned. */
function placeGeneral(rows: readonly AnnotationRow[], placed: Reanchored[]): void {
  rows.forEach((r, i) => {
    if (r.scope !== 'passage') placed[i] = { status: 'exact', start: null, end: null, section: r.section, quote: null };
  });
}

/** Indexes of the passage annotations of `rows`, per round, in order. */
function passagesByRound(rows: readonly AnnotationRow[]): Map<string, number[]> {
  const byRound = new Map<string, number[]>();
  rows.forEach((r, i) => {
    if (r.scope !== 'passage') return;
    const indexes = byRound.get(r.round_id);
    if (indexes) indexes.push(i);
    else byRound.set(r.round_id, [i]);
  });
  return byRound;
}

/**
 * What an annotation write stores, checked (API.md "Annotations"): the anchor in its scope, the
 * body within its scope's limit, a replacement exactly on suggestions, and suggestions only on a
 * passage, and a replacement that changes the quoted words. `anchored` is the input's anchor in the round's base (VersionDocs.anchors); its
 * refusal is thrown first. Throws 400 / 413 / 422 as `upsert` documents.
 */
function prepareWrite(
  anchored: AnchorOutcome,
  round: RoundRecord,
  document: DocumentRecord,
  speaker: { authorId: string | null; unitId: string; recorded: AnnotationWrite['recorded'] },
  annotationId: string,
  input: AnnotationInput,
): AnnotationWrite {
  const { scope, anchor } = anchorOrThrow(anchored);
  const body = normaliseText(input.body, 'body', maxBodyLength[scope]);
  const replacement = input.replacement === undefined ? null : normaliseText(input.replacement, 'replacement', textMax.replacement);
  if (input.kind === 'suggestion' && replacement === null) throw invalid('a suggestion needs a replacement text');
  if (input.kind !== 'suggestion' && replacement !== null) throw invalid('only a suggestion carries a replacement text');
  if (input.kind === 'suggestion' && scope !== 'passage') throw invalid('a suggestion rewords a passage; a whole section or the document takes a comment');
  // The form starts from the quoted words; sent unchanged they would travel up as a rewording that changes nothing.
  if (input.kind === 'suggestion' && anchor.quote && replacement !== null && rewordsNothing(anchor.quote.exact, replacement)) throw invalid('the replacement is the quoted text unchanged: a suggestion changes it');
  if (body.length === 0 && input.kind !== 'support' && input.kind !== 'suggestion') throw invalid('body must not be empty');
  return {
    id: annotationId,
    roundId: round.id,
    documentId: document.id,
    authorId: speaker.authorId,
    authorUnitId: speaker.unitId,
    kind: input.kind,
    body,
    replacement,
    recorded: speaker.recorded,
    scope,
    anchor,
  };
}

/** The anchor as answered: a passage's full anchor, or a section's / the document's with nulls. */
export function publicAnchor(r: AnnotationRow): PublicAnchor {
  if (r.scope === 'passage') return { scope: 'passage', ...anchorOf(r) };
  return { scope: r.scope, start: null, end: null, relStart: null, relEnd: null, quote: null, section: r.section };
}

function anchorOf(r: AnnotationRow): Anchor {
  return {
    start: r.anchor_start,
    end: r.anchor_end,
    relStart: r.rel_start,
    relEnd: r.rel_end,
    quote: { exact: r.quote_exact, prefix: r.quote_prefix, suffix: r.quote_suffix },
    section: r.section,
  };
}

/** The row a fresh insert of `write` at `at` stores (what the single-statement path returns). */
function rowOf(write: AnnotationWrite, at: Date): AnnotationRow {
  return {
    id: write.id,
    round_id: write.roundId,
    document_id: write.documentId,
    author_id: write.authorId,
    author_unit_id: write.authorUnitId,
    kind: write.kind,
    body: write.body,
    replacement: write.replacement,
    anchor_start: write.anchor.start,
    anchor_end: write.anchor.end,
    rel_start: write.anchor.relStart,
    rel_end: write.anchor.relEnd,
    quote_exact: write.anchor.quote.exact,
    quote_prefix: write.anchor.quote.prefix,
    quote_suffix: write.anchor.quote.suffix,
    section: write.anchor.section,
    scope: write.scope,
    recorded_by: write.recorded?.by ?? null,
    source: write.recorded?.source ?? null,
    group_name: write.recorded?.group?.name ?? null,
    group_size: write.recorded?.group?.size ?? null,
    status: 'active',
    created_at: at,
    updated_at: at,
  };
}

function sameContent(row: AnnotationRow, write: AnnotationWrite): boolean {
  return (
    row.status === 'active' &&
    row.kind === write.kind &&
    row.body === write.body &&
    row.replacement === write.replacement &&
    row.anchor_start === write.anchor.start &&
    row.anchor_end === write.anchor.end &&
    row.scope === write.scope &&
    row.section === write.anchor.section &&
    row.author_id === write.authorId &&
    row.recorded_by === (write.recorded?.by ?? null) &&
    row.source === (write.recorded?.source ?? null) &&
    row.group_name === (write.recorded?.group?.name ?? null) &&
    row.group_size === (write.recorded?.group?.size ?? null)
  );
}

async function storeAttachment(tx: Db, annotationId: string, file: CheckedAttachment): Promise<AttachmentInfo> {
  await putAttachment(tx, annotationId, file);
  return { filename: file.filename, contentType: file.contentType, size: file.size, sha256: file.sha256 };
}

/** Who wrote a row, as the permission rules read it. */
function authorship(row: AnnotationRow): AnnotationTarget {
  return { authorId: row.author_id, recordedBy: row.recorded_by };
}
