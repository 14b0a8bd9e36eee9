/**
 * Member annotations on a round's base version: idempotent writes with client-made ids, the
 * visibility rules of private and open rounds, replies, dispositions (the decision register),
 * applying accepted suggestions into the live draft, and re-anchoring into any version.
 */
import type { Db } from '../db/connect.js';
import {
  activeAnnotations,
  insertAnnotationWhileOpen,
  dispositionsOf,
  findAnnotation,
  insertAnnotation,
  insertReply,
  markApplied,
  repliesOf,
  setWithdrawn,
  updateAnnotation,
  upsertDisposition,
  type AnnotationRow,
  type AnnotationWrite,
  type DispositionRecord,
  type ReplyRecord,
} from '../db/annotations.repository.js';
import type { DocumentRecord } from '../db/documents.repository.js';
import { memberNames } from '../db/members.repository.js';
import { insertEvent, type NewEvent } from '../db/events.repository.js';
import { findRound, listRounds, type RoundRecord } from '../db/rounds.repository.js';
import type { AnnotationKind, Decision, EventAudience } from '../db/schema.js';
import { anchorInBase, reanchorAll, type Anchor, type Reanchored } from '../domain/anchoring.js';
import { replaceAnchoredText } from '../domain/apply-suggestion.js';
import { isRoundParticipant, mayManageDocument, mayReviewRound, maySeeRound, type Actor } from '../domain/permissions.js';
import { projectFragment } from '../domain/projection.js';
import { assertAcceptingAnnotations } from '../domain/rounds.js';
import { AppError, conflict, forbidden, invalid, notFound } from '../errors.js';
import type { Clock } from './clock.js';
import type { DocumentEvents } from './document-events.js';
import type { DocumentsService } from './documents.service.js';
import type { RoundsService } from './rounds.service.js';
import type { VersionDocs } from './version-docs.js';
import { isAncestorOrSelf } from '../domain/unit-path.js';

export interface AnnotationInput {
  kind: AnnotationKind;
  body: string;
  replacement?: string | undefined;
  anchor: { start: number; end: number } | { relStart: string; relEnd: string };
}

/** Who writes: an actor with the name others will see. */
export type Author = Actor & { readonly displayName: string };

export interface PublicAnnotation {
  id: string;
  roundId: string;
  authorId: string;
  /** Shown to those who may see the annotation: its author, the reviewers, an open round's participants. */
  authorName: string;
  kind: AnnotationKind;
  body: string;
  replacement: string | null;
  anchor: Anchor;
  status: 'active' | 'withdrawn';
  disposition: { decision: Decision; note: string; decidedBy: string; decidedAt: string; appliedAt: string | null } | null;
  replies: Array<{ id: string; authorId: string; authorName: string; body: string; createdAt: string }>;
  createdAt: string;
  updatedAt: string;
}

export interface ReanchoredAnnotation extends PublicAnnotation {
  anchorStatus: Reanchored['status'];
  /** Where the annotation is in the requested text (null when orphaned). */
  position: { start: number | null; end: number | null; section: string | null };
}

const maxBodyLength = 10_000;
const decisionsNeedingReason: ReadonlySet<Decision> = new Set(['rejected', 'partially_accepted']);

export class AnnotationsService {
  constructor(
    private readonly db: Db,
    private readonly documents: DocumentsService,
    private readonly rounds: RoundsService,
    private readonly versions: VersionDocs,
    private readonly events: DocumentEvents,
    private readonly clock: Clock,
  ) {}

  /**
   * Creates (201) or updates (200) an annotation. Idempotent: replaying the same request changes
   * nothing. The round row is share-locked while writing, so a write racing the round's close
   * either commits first (and is in the round) or sees the round closed — never both.
   */
  async upsert(actor: Author, roundId: string, annotationId: string, input: AnnotationInput): Promise<{ created: boolean; annotation: PublicAnnotation }> {
    const { round, document } = await this.roundForWriting(actor, roundId);
    if (!isRoundParticipant(actor, round.scopePath)) throw forbidden('only participants of the round can comment on it');
    const authorUnitId = authorUnitOf(actor, round);
    const body = normaliseText(input.body, 'body');
    const replacement = input.replacement === undefined ? null : normaliseText(input.replacement, 'replacement');
    if (input.kind === 'suggestion' && replacement === null) throw invalid('a suggestion needs a replacement text');
    if (input.kind !== 'suggestion' && replacement !== null) throw invalid('only a suggestion carries a replacement text');
    if (body.length === 0 && input.kind !== 'support' && input.kind !== 'suggestion') throw invalid('body must not be empty');
    const base = await this.versions.get(document.id, round.baseVersion);
    const anchor = anchorInBase(base, input.anchor);
    const write: AnnotationWrite = { id: annotationId, roundId, documentId: document.id, authorId: actor.memberId, authorUnitId, kind: input.kind, body, replacement, anchor };

    // Most writes are new annotations: one statement does it. Replays and edits take the path below.
    const now = this.clock.now();
    const fresh = rowOf(write, now);
    const ownName = new Map([[actor.memberId, actor.displayName]]);
    const event = this.eventFor(round, fresh, 'annotation.upserted', actor.memberId, { ...toPublic(fresh, undefined, [], ownName) });
    const outcome = await insertAnnotationWhileOpen(this.db, write, now, { type: event.type, payload: event.payload, audience: event.audience! });
    if (outcome === 'closed') assertAcceptingAnnotations({ status: 'closed', closesAt: round.closesAt, number: round.number }, now);
    if (outcome === 'inserted') {
      this.events.committed(document.id);
      return { created: true, annotation: toPublic(fresh, undefined, [], ownName) };
    }

    const result = await this.db.transaction().execute(async (tx) => {
      const locked = await tx.selectFrom('rounds').select(['status', 'closes_at', 'number']).where('id', '=', roundId).forShare().executeTakeFirstOrThrow();
      assertAcceptingAnnotations({ status: locked.status, closesAt: locked.closes_at, number: locked.number }, this.clock.now());
      const inserted = await insertAnnotation(tx, write);
      if (inserted) {
        await insertEvent(tx, this.eventFor(round, inserted, 'annotation.upserted', actor.memberId, { ...toPublic(inserted, undefined, [], ownName) }));
        return { created: true, row: inserted };
      }
      const existing = (await findAnnotation(tx, annotationId, { forUpdate: true }))!;
      if (existing.author_id !== actor.memberId) throw forbidden('this annotation id belongs to another author');
      if (existing.round_id !== roundId) throw conflict('this annotation id is already used in another round');
      if (sameContent(existing, write)) return { created: false, row: existing };
      const updated = await updateAnnotation(tx, write);
      await insertEvent(tx, this.eventFor(round, updated, 'annotation.upserted', actor.memberId, { ...toPublic(updated, undefined, [], ownName) }));
      return { created: false, row: updated };
    });
    this.events.committed(document.id);
    // A row inserted just now has no disposition or reply yet (both reference it): skip the two reads.
    const annotation = result.created ? toPublic(result.row, undefined, [], ownName) : (await this.hydrate([result.row]))[0]!;
    return { created: result.created, annotation };
  }

  /**
   * The round and its document for a write, remembered for a few seconds: in a busy round every
   * member writes to the same round. Safe because what a write needs of them does not go stale
   * in a way that matters — the round's status and deadline are checked again by the database in
   * the write itself, and the caller's memberships come fresh from authentication.
   */
  private async roundForWriting(actor: Actor, roundId: string): Promise<{ round: RoundRecord; document: DocumentRecord }> {
    const hit = this.recentRounds.get(roundId);
    if (hit && hit.until > Date.now()) {
      if (!maySeeRound(actor, hit.value.document, hit.value.round.scopePath)) throw notFound('round');
      return hit.value;
    }
    const value = await this.rounds.visibleRound(actor, roundId);
    if (this.recentRounds.size > 1000) this.recentRounds.clear();
    this.recentRounds.set(roundId, { value, until: Date.now() + 5_000 });
    return value;
  }

  private readonly recentRounds = new Map<string, { value: { round: RoundRecord; document: DocumentRecord }; until: number }>();

  async withdraw(actor: Actor, roundId: string, annotationId: string): Promise<void> {
    const { round, document } = await this.rounds.visibleRound(actor, roundId);
    await this.db.transaction().execute(async (tx) => {
      const locked = await tx.selectFrom('rounds').select(['status', 'closes_at', 'number']).where('id', '=', roundId).forShare().executeTakeFirstOrThrow();
      const existing = await findAnnotation(tx, annotationId, { forUpdate: true });
      if (!existing || existing.round_id !== roundId) throw notFound('annotation');
      if (existing.author_id !== actor.memberId) throw forbidden('only its author can withdraw an annotation');
      assertAcceptingAnnotations({ status: locked.status, closesAt: locked.closes_at, number: locked.number }, this.clock.now());
      if (existing.status === 'withdrawn') return;
      const row = await setWithdrawn(tx, annotationId);
      await insertEvent(tx, this.eventFor(round, row, 'annotation.withdrawn', actor.memberId, { id: row.id, roundId }));
    });
    this.events.committed(document.id);
  }

  /**
   * What the caller may see of a round: everything for its reviewers (drafters and secretaries of
   * the document's unit and of the scope unit), every participant's in an `open` round, otherwise
   * only their own. Reviewers also get the undecided annotations of earlier rounds carried forward.
   */
  async listForRound(actor: Actor, roundId: string): Promise<PublicAnnotation[]> {
    const { round, document } = await this.rounds.visibleRound(actor, roundId);
    const reviewer = mayReviewRound(actor, document, round.scopePath);
    const seesAll = reviewer || (round.visibility === 'open' && isRoundParticipant(actor, round.scopePath));
    const rows = await activeAnnotations(this.db, [roundId], seesAll ? undefined : actor.memberId);
    const own = await this.hydrate(rows);
    if (!reviewer) return own;
    return [...own, ...(await this.carriedForward(document, round))];
  }

  /** Every annotation the caller may see on a document, re-anchored into version n or the live draft. */
  async reanchored(actor: Actor, documentId: string, version: number | 'live'): Promise<ReanchoredAnnotation[]> {
    const { document } = await this.documents.visible(actor, documentId);
    // Rounds where the caller sees everyone's annotations, and rounds where only their own.
    const allOf: string[] = [];
    const ownOf: string[] = [];
    for (const round of await listRounds(this.db, documentId)) {
      const participant = isRoundParticipant(actor, round.scopePath);
      if (mayReviewRound(actor, document, round.scopePath) || (round.visibility === 'open' && participant)) allOf.push(round.id);
      else if (participant) ownOf.push(round.id);
    }
    const [everyone, own] = await Promise.all([activeAnnotations(this.db, allOf), activeAnnotations(this.db, ownOf, actor.memberId)]);
    const visibleRows = [...everyone, ...own];
    const anchors = visibleRows.map(anchorOf);
    const placed =
      version === 'live'
        ? await this.documents.readLive(documentId, (doc) => reanchorAll(anchors, { doc, projection: projectFragment(doc.getXmlFragment('default')) }))
        : reanchorAll(anchors, await this.versions.get(documentId, version));
    const hydrated = await this.hydrate(visibleRows);
    return hydrated.map((a, i) => ({
      ...a,
      anchorStatus: placed[i]!.status,
      position: { start: placed[i]!.start, end: placed[i]!.end, section: placed[i]!.section },
    }));
  }

  async reply(actor: Author, annotationId: string, body: string): Promise<PublicAnnotation['replies'][number]> {
    const { row, round } = await this.visibleAnnotation(actor, annotationId);
    const text = normaliseText(body, 'body');
    if (text.length === 0) throw invalid('body must not be empty');
    const names = new Map([[actor.memberId, actor.displayName]]);
    const reply = await this.db.transaction().execute(async (tx) => {
      const reply = await insertReply(tx, { annotationId, authorId: actor.memberId, body: text });
      await insertEvent(tx, this.eventFor(round, row, 'reply.created', actor.memberId, { annotationId, ...publicReply(reply, names) }));
      return reply;
    });
    this.events.committed(row.document_id);
    return publicReply(reply, names);
  }

  async setDisposition(actor: Actor, annotationId: string, input: { decision: Decision; note: string }): Promise<PublicAnnotation> {
    const { row, round, document } = await this.visibleAnnotation(actor, annotationId);
    if (!mayReviewRound(actor, document, round.scopePath)) throw forbidden('only drafters and secretaries decide on annotations');
    const note = normaliseText(input.note, 'note');
    if (decisionsNeedingReason.has(input.decision) && note.length === 0) throw invalid(`a ${input.decision.replace('_', ' ')} decision needs a reason in note`);
    const now = this.clock.now();
    await this.db.transaction().execute(async (tx) => {
      await upsertDisposition(tx, { annotationId, decision: input.decision, note, decidedBy: actor.memberId, at: now });
      await insertEvent(tx, this.eventFor(round, row, 'disposition.set', actor.memberId, { annotationId, decision: input.decision, note, decidedBy: actor.memberId, decidedAt: now.toISOString() }));
    });
    this.events.committed(document.id);
    return (await this.hydrate([row]))[0]!;
  }

  /**
   * Replaces the anchored text of an accepted suggestion with its replacement in the live draft,
   * as a CRDT edit every connected editor receives. 409 when the anchored text changed since.
   */
  async apply(actor: Actor, annotationId: string): Promise<PublicAnnotation> {
    const { row, round, document } = await this.visibleAnnotation(actor, annotationId);
    if (!mayManageDocument(actor, document)) throw forbidden('only drafters and secretaries of the document’s unit apply suggestions');
    if (row.kind !== 'suggestion' || row.replacement === null) throw conflict('only suggestions can be applied');
    const disposition = (await dispositionsOf(this.db, [annotationId])).get(annotationId);
    if (!disposition || (disposition.decision !== 'accepted' && disposition.decision !== 'partially_accepted')) {
      throw conflict('accept the suggestion before applying it');
    }
    if (disposition.appliedAt) throw conflict('this suggestion has already been applied');
    const anchor = anchorOf(row);
    const replacement = row.replacement;
    await this.documents.editLive(document.id, (doc) => replaceAnchoredText(doc, anchor, replacement));
    const now = this.clock.now();
    await this.db.transaction().execute(async (tx) => {
      await markApplied(tx, annotationId, actor.memberId, now);
      await insertEvent(tx, this.eventFor(round, row, 'suggestion.applied', actor.memberId, { annotationId, appliedAt: now.toISOString(), appliedBy: actor.memberId }));
    });
    this.events.committed(document.id);
    return (await this.hydrate([row]))[0]!;
  }

  /** An annotation the caller may see (author, reviewer, or participant of an open round). */
  async visibleAnnotation(actor: Actor, annotationId: string): Promise<{ row: AnnotationRow; round: RoundRecord; document: DocumentRecord }> {
    const row = await findAnnotation(this.db, annotationId);
    if (!row || row.status !== 'active') throw notFound('annotation');
    const { round, document } = await this.rounds.visibleRound(actor, row.round_id).catch(() => {
      throw notFound('annotation');
    });
    const visible =
      row.author_id === actor.memberId ||
      mayReviewRound(actor, document, round.scopePath) ||
      (round.visibility === 'open' && isRoundParticipant(actor, round.scopePath));
    if (!visible) throw notFound('annotation');
    return { row, round, document };
  }

  /** Undecided annotations of the rounds before `round`, re-anchored into its base version. */
  private async carriedForward(document: DocumentRecord, round: RoundRecord): Promise<PublicAnnotation[]> {
    const earlier = (await listRounds(this.db, document.id)).filter((r) => r.number < round.number);
    const rows = await activeAnnotations(this.db, earlier.map((r) => r.id));
    if (rows.length === 0) return [];
    const decided = await dispositionsOf(this.db, rows.map((r) => r.id));
    const undecided = rows.filter((r) => !decided.has(r.id));
    const base = await this.versions.get(document.id, round.baseVersion);
    const placed = reanchorAll(undecided.map(anchorOf), base);
    const hydrated = await this.hydrate(undecided);
    return hydrated.map((a, i) => ({
      ...a,
      carriedForward: { fromRoundId: a.roundId, anchorStatus: placed[i]!.status, start: placed[i]!.start, end: placed[i]!.end, section: placed[i]!.section },
    }));
  }

  private async hydrate(rows: AnnotationRow[]): Promise<PublicAnnotation[]> {
    const ids = rows.map((r) => r.id);
    const [dispositions, replies] = await Promise.all([dispositionsOf(this.db, ids), repliesOf(this.db, ids)]);
    const authors = new Set(rows.map((r) => r.author_id));
    for (const thread of replies.values()) for (const reply of thread) authors.add(reply.authorId);
    const names = await memberNames(this.db, [...authors]);
    return rows.map((r) => toPublic(r, dispositions.get(r.id), replies.get(r.id) ?? [], names));
  }

  /**
   * Who may receive an annotation's events: in an `open` round every participant (and reviewer);
   * otherwise reviewers and the author only. The higher level never receives raw annotations.
   */
  private eventFor(round: RoundRecord, row: AnnotationRow, type: string, actorId: string, payload?: Record<string, unknown>): NewEvent {
    const audience: EventAudience = round.visibility === 'open' ? 'round' : 'staff';
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

function toPublic(r: AnnotationRow, disposition: DispositionRecord | undefined, replies: ReplyRecord[], names: ReadonlyMap<string, string>): PublicAnnotation {
  return {
    id: r.id,
    roundId: r.round_id,
    authorId: r.author_id,
    authorName: names.get(r.author_id) ?? '',
    kind: r.kind,
    body: r.body,
    replacement: r.replacement,
    anchor: anchorOf(r),
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
    row.anchor_end === write.anchor.end
  );
}

/** The author's unit within the round's scope: their deepest membership inside it. */
function authorUnitOf(actor: Actor, round: RoundRecord): string {
  const inside = actor.memberships.filter((m) => isAncestorOrSelf(round.scopePath, m.path));
  inside.sort((a, b) => b.path.length - a.path.length);
  return inside[0]!.unitId;
}

/** NFC, trimmed, length-limited. Stored as text; escaped wherever it is rendered. */
function normaliseText(value: string, field: string): string {
  const text = value.normalize('NFC').trim();
  if (text.length > maxBodyLength) throw new AppError('too_large', `${field} is longer than ${maxBodyLength} characters`);
  return text;
}
