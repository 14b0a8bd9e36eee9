/**
 * What the subcommittee and the higher committee read: a round's annotations merged into clusters
 * per section, with participation; feedback packages a unit submits upward (immutable, hashed);
 * and the merged view of the packages a unit received ("raised by 9 of 13 units").
 *
 * Roll-up model: a package goes from a unit to its parent. A unit's package holds its own
 * members' annotations (clustered) plus the items of the latest packages its child units sent it,
 * merged; authors below a child that sent a package are counted through that package, not twice.
 * Every item keeps the ids of the original annotations it stands for, at every level.
 */
import { createHash, randomUUID } from 'node:crypto';
import type { Db } from '../db/connect.js';
import { annotationsForSummary, roundDecisions, sectionsOfAnnotations, type AnnotationForSummary } from '../db/annotations.repository.js';
import { listClusterEdits } from '../db/cluster-edits.repository.js';
import type { ClusterEdit } from '../domain/cluster-edits.js';
import type { DocumentRecord } from '../db/documents.repository.js';
import { latestEventId, roundClusterChangesSince, type NewEvent } from '../db/events.repository.js';
import { feedbackDispositions, findPackage, insertPackage, latestPackageHeadsTo, listPackages, packagesByIds, packagesFrom, upsertFeedbackDisposition, type PackageRecord } from '../db/packages.repository.js';
import { roundParticipation } from '../db/participation.repository.js';
import { lastManualReminders } from '../db/reminders.repository.js';
import { findRound, listRounds, type RoundRecord } from '../db/rounds.repository.js';
import type { Decision } from '../db/schema.js';
import { childrenOf, findUnit, lockUnit, type Unit } from '../db/units.repository.js';
import { findVersionContent } from '../db/versions.repository.js';
import { clusterAnnotations, CrossUnitMatching, matchAcrossUnits, matchedKind, type Cluster, type ClusterLike, type DecisionCounts, type MatchedItem, type SectionClusters } from '../domain/clustering.js';
import { contentHash } from '../domain/content-hash.js';
import { dispositionLookup, mergedItemId, quoteOf, sortedUnion, sourceKey } from '../domain/feedback-items.js';
import { defaultReceivingUnit, packageNamesAuthors, isUnitSecretary, isUnitStaff, maySendFeedbackFrom, mayReviewRound, roundTouchesUnit, type Actor } from '../domain/permissions.js';
import type { Section } from '../domain/sections.js';
import { formatPath } from '../domain/unit-path.js';
import { conflict, forbidden, invalid, notFound } from '../errors.js';
import { lruCache } from './cache.js';
import { systemClock, type Clock } from './clock.js';
import type { DocumentEvents } from './document-events.js';
import { clusterBySection, reclusterSections, type Computed as SectionMemo } from './section-clusters.js';
import type { DocumentsService } from './documents.service.js';
import type { RoundsService } from './rounds.service.js';
import type { AuditService } from './audit.service.js';
import type { NotificationsService } from './notifications.service.js';
import { auditTargets } from '../domain/notification-texts.js';
import { annotationKinds, decisionLabels, lowerLabel, missingReason } from '../domain/vocabulary.js';
import type {
  FeedbackPackage as PublicPackage,
  Feedback as MergedFeedback,
  FeedbackIndex,
  FeedbackItem as MergedFeedbackItem,
  FeedbackSectionCounts,
  PackageItem,
  PackagePreview,
  RoundSummary,
} from '../http/schemas/aggregation.js';


/** A merged item as remembered between package arrivals: the receiving unit's decision is added per read. */
type RememberedItem = Omit<MergedFeedbackItem, 'disposition'> & { sourceKeys: string[] };

/**
 * The merge as remembered between package arrivals: who sent and who did not, and the items, built
 * per section when a section is first asked for (a province's roll-up is 20,000 items in fifty
 * sections; a reader asks for one). Decisions are added per read.
 */
interface RememberedFeedback {
  readonly head: Omit<MergedFeedback, 'items'>;
  /** One section's items (`[]` for a section without any); do not mutate. */
  section(path: string): readonly RememberedItem[];
  /** Every item: sections by path (code-unit order), then as `section` orders them. */
  all(): RememberedItem[];
  /** Every section as counts, in the index's order (`FeedbackIndexSchema`), without building items; decisions are added per read. */
  index(): readonly CountedSection[];
  /** The section of the merged item with this id (`mergedItemId` of its sources), from the index's groups; undefined for none. */
  sectionOf(itemId: string): string | undefined;
}

/** A section of the index as remembered: its counts, and its items' source keys (to find the receiving unit's decisions on them). */
type CountedSection = Omit<FeedbackSectionCounts, 'dispositions'> & { readonly groups: readonly (readonly string[])[] };

const emptyDecisions = (): DecisionCounts => ({ accepted: 0, partially_accepted: 0, rejected: 0, noted: 0, undecided: 0 });

export class AggregationService {
  constructor(
    private readonly db: Db,
    private readonly documents: DocumentsService,
    private readonly rounds: RoundsService,
    private readonly events: DocumentEvents,
    private readonly clock: Clock,
    private readonly notifications: NotificationsService,
    private readonly audit: AuditService,
  ) {}

  /**
   * Computed results by key, each with the stamp it was computed at: the id of the latest outbox
   * event that could change it (a round's annotation events for its clusters, the document's
   * package events for a roll-up). Outbox ids are the same on every instance, so a stamp is exact.
   */
  private readonly memo = lruCache<string, { stamp: number; value: Promise<unknown> }>(systemClock, { max: 16 });

  /**
   * Per round, each section's clusters (section-clusters.ts), the outbox event they reflect (every
   * annotation and edit event up to `stamp`) and the annotations in each section (by section, so
   * that a new computation replaces the dirty sections' sets instead of copying 100,000 entries).
   */
  private readonly sectionMemo = lruCache<string, { stamp: number; computed: SectionMemo; document: Cluster[]; idsBySection: ReadonlyMap<string, ReadonlySet<string>> }>(systemClock, { max: 16 });

  /**
   * Packages by id, items parsed: a package never changes once sent, so what is read once is kept
   * (least recently used out); which packages count is asked of the database on every computation
   * (`latestPackageHeadsTo`), so a package sent or superseded since is never missed.
   */
  private readonly packageCache = lruCache<string, PackageRecord>(systemClock, { max: 64 });

  /**
   * Per receiving unit (`documentId:unitId`), the matching of the packages it received, extended as
   * packages arrive (clustering.ts `CrossUnitMatching`: always what matching them all at once
   * gives); started again when a package it holds no longer counts (superseded).
   */
  private readonly rollUps = lruCache<string, RollUp>(systemClock, { max: 8 });

  /** Sections and text of base versions (`documentId:number`): a version never changes once made. */
  private readonly bases = lruCache<string, Promise<{ sections: Section[]; text: string }>>(systemClock, { max: 16 });

  /** Each merged item as last built, by the matched item it was built from (the same object while its sources are). */
  private readonly mergedItems = new WeakMap<MatchedItem, MergedItem>();

  /** Each section of a summary as last handed out, by the clusters it was made from. */
  private readonly publicSections = new WeakMap<SectionClusters, RoundSummary['sections'][number]>();

  private remembered<T>(key: string, stamp: number, compute: () => Promise<T>): Promise<T> {
    const hit = this.memo.get(key);
    if (hit && hit.stamp === stamp) return hit.value as Promise<T>;
    const value = compute();
    const entry = { stamp, value };
    this.memo.set(key, entry);
    value.catch(() => {
      if (this.memo.get(key) === entry) this.memo.delete(key);
    });
    return value;
  }

  /** The latest event id of the given types, of a round or (without a round) of a document. */
  private stamp(where: { documentId: string; roundId?: string }, types: NewEvent['type'][]): Promise<number> {
    return latestEventId(this.db, where, types);
  }

  private clustersOf(round: RoundRecord): Promise<RoundClusters> {
    return this.stamp({ documentId: round.documentId, roundId: round.id }, ['annotation.upserted', 'annotation.withdrawn', 'clusters.edited']).then((stamp) =>
      this.remembered(`clusters:${round.id}`, stamp, () => this.clusterRound(round, stamp)),
    );
  }

  /**
   * Computes a round's clusters ahead of the first reader (called when a round closes: that is
   * when the subcommittee opens the summary, and its annotations no longer change).
   */
  async warmSummary(roundId: string): Promise<void> {
    const round = await findRound(this.db, roundId);
    if (round) await this.clustersOf(round);
  }

  /**
   * A round's merged annotations, for its reviewers (drafters and secretaries). With `section`
   * (a section's path), that section alone (404 when the summary has no such section): the
   * clusters are computed as for the whole summary, only the answer is smaller.
   */
  async summary(actor: Actor, roundId: string, only: { section?: string } = {}): Promise<RoundSummary> {
    return (await this.summaryWithDocument(actor, roundId, only)).summary;
  }

  /** The summary and its document (exports need the title), with one permission check. */
  async summaryWithDocument(actor: Actor, roundId: string, only: { section?: string } = {}): Promise<{ summary: RoundSummary; document: DocumentRecord }> {
    const { round, document } = await this.rounds.visibleRound(actor, roundId);
    if (!mayReviewRound(actor, document, round.scopePath)) throw forbidden('only the round’s drafters and secretaries read its summary');
    // Clusters change with annotations only; decisions and who was invited are read afresh.
    const [all, decisions, participation] = await Promise.all([
      this.clustersOf(round),
      roundDecisions(this.db, round.id, only.section === undefined ? undefined : { section: only.section }),
      roundParticipation(this.db, round.id, formatPath(round.scopePath)),
    ]);
    // Authors are left out: reviewers see them on each annotation, and at a province's scale the
    // lists would add megabytes to an answer read over weak connections.
    const sectionsShown = only.section === undefined ? all.sections : all.sections.filter((s) => s.path === only.section);
    if (only.section !== undefined && sectionsShown.length === 0) throw notFound(`section ${only.section}`);
    // A section whose clusters and decision counts are unchanged is the object handed out before
    // (the route keeps its JSON by object: aggregation.routes.ts). Nobody mutates these.
    const sections = sectionsShown.map((s) => {
      const counts = s.clusters.map((c) => countDecisions(c.annotationIds, decisions));
      const before = this.publicSections.get(s);
      if (before && before.clusters.every((c, i) => sameCounts(c.decisions, counts[i]!))) return before;
      const fresh = { ...s, clusters: s.clusters.map(({ authorIds: _, ...c }, i) => ({ ...c, decisions: counts[i]! })) };
      this.publicSections.set(s, fresh);
      return fresh;
    });
    // Comments on the whole draft belong to no section: a one-section answer leaves them out.
    const whole = only.section === undefined ? all.document.map(({ authorIds: _, ...c }) => ({ ...c, decisions: countDecisions(c.annotationIds, decisions) })) : [];
    return {
      document,
      summary: { documentId: document.id, roundId: round.id, roundNumber: round.number, baseVersion: round.baseVersion, participation, sections, document: { clusters: whole } },
    };
  }

  /**
   * A round's clusters as of outbox event `stamp` or later. The first time, every annotation is
   * read and every section clustered; after that only the sections the outbox names as changed
   * (the sections, before and after, of the annotations written, withdrawn or edited by hand
   * since the last computation) are read and clustered again. Comments on the whole draft are
   * stored under section "" and clustered on their own, again only when "" changed.
   */
  private async clusterRound(round: RoundRecord, stamp: number): Promise<RoundClusters> {
    const before = this.sectionMemo.get(round.id);
    const [base, edits, changes] = await Promise.all([
      this.baseOf(round),
      listClusterEdits(this.db, [round.id]),
      before ? roundClusterChangesSince(this.db, round.id, before.stamp) : undefined,
    ]);
    if (!before || !changes) {
      const annotations = await annotationsForSummary(this.db, [round.id]);
      const { whole, rest } = splitWhole(annotations);
      const { sections, computed } = clusterBySection(rest, base.sections, { text: base.text, edits }, undefined);
      const document = clusterWhole(whole, base.text, edits);
      this.sectionMemo.set(round.id, { stamp, computed, document, idsBySection: idsBySection(new Map(), annotations) });
      return { sections, document };
    }
    const now = await sectionsOfAnnotations(this.db, changes.annotationIds);
    const dirty = new Set(now.values());
    for (const id of changes.annotationIds) {
      for (const [path, ids] of before.idsBySection) if (ids.has(id)) dirty.add(path);
    }
    const annotations = await annotationsForSummary(this.db, [round.id], undefined, { sections: [...dirty] });
    const { whole, rest } = splitWhole(annotations);
    const { sections, computed } = reclusterSections(before.computed, dirty, rest, base.sections, { text: base.text, edits });
    const document = dirty.has('') ? clusterWhole(whole, base.text, edits) : before.document;
    const kept = new Map([...before.idsBySection].filter(([path]) => !dirty.has(path)));
    this.sectionMemo.set(round.id, { stamp: Math.max(stamp, changes.lastId), computed, document, idsBySection: idsBySection(kept, annotations) });
    return { sections, document };
  }

  /**
   * Exactly what a submission from `fromUnitId` would carry now (API.md: the package without `id`,
   * `contentHash` and `submittedAt`). `roundIds` defaults to every round of the document the unit
   * takes part in. Errors as `submitPackage`.
   */
  async previewPackage(actor: Actor, documentId: string, input: { fromUnitId: string; roundIds?: string[] | undefined }): Promise<PackagePreview> {
    const { document, from } = await this.senderOf(actor, documentId, input.fromUnitId);
    const rounds = await this.roundsFor(document, from, input.roundIds);
    const latest = (await packagesFrom(this.db, document.id, from.id)).at(-1);
    return {
      documentId: document.id,
      fromUnitId: from.id,
      toUnitId: from.parentId!,
      roundIds: rounds.map((r) => r.id),
      note: '',
      items: await this.packageItems(document, from, rounds, {}),
      submittedBy: actor.memberId,
      supersedes: latest?.id ?? null,
    };
  }

  /**
   * A unit's secretary sends its consolidated feedback on the document to the parent unit: the
   * unit's own members' points and its units' latest packages, merged, with a note on the whole
   * and on any item (`itemNotes`, by item id). `id` is the client's: the same request again is
   * the same package (`created: false`). A second package from the unit for any of the same rounds
   * is 409 `conflict` unless it names the unit's latest package in `supersedes` (both are kept,
   * the newer counts). Errors: 400 unknown unit, item or package, unit not under the document's
   * unit; 403 not the unit's secretary; 404 invisible document.
   */
  async submitPackage(
    actor: Actor,
    documentId: string,
    input: { id?: string | undefined; fromUnitId: string; roundIds: string[]; note?: string | undefined; itemNotes?: Record<string, string> | undefined; supersedes?: string | undefined },
  ): Promise<{ pkg: PublicPackage; created: boolean }> {
    const { document, from } = await this.senderOf(actor, documentId, input.fromUnitId);
    if (input.id) {
      const replay = await this.replayOf(input.id, document.id, from.id);
      if (replay) return { pkg: toPublicPackage(replay), created: false };
    }
    const rounds = await this.roundsFor(document, from, input.roundIds);
    if (input.supersedes) {
      const earlier = await findPackage(this.db, input.supersedes);
      if (!earlier || earlier.documentId !== document.id || earlier.fromUnitId !== from.id) {
        throw invalid(`supersedes: package ${input.supersedes} is not a package of ${from.name} on this document`);
      }
    }
    const itemNotes = Object.fromEntries(Object.entries(input.itemNotes ?? {}).map(([k, v]) => [k, v.normalize('NFC').trim()]));
    const items = await this.packageItems(document, from, rounds, itemNotes);
    const known = new Set(items.map((i) => i.id));
    const stray = Object.keys(itemNotes).find((k) => !known.has(k));
    if (stray) throw invalid(`itemNotes: ${stray} is not an item of the package (preview it again: the points changed)`);
    const submittedAt = this.clock.now();
    const id = input.id ?? randomUUID();
    const content = {
      id,
      documentId: document.id,
      fromUnitId: from.id,
      toUnitId: from.parentId!,
      roundIds: rounds.map((r) => r.id),
      note: (input.note ?? '').normalize('NFC').trim(),
      items,
      submittedBy: actor.memberId,
      submittedAt: submittedAt.toISOString(),
      supersedes: input.supersedes ?? null,
    };
    const hash = contentHash(content);
    const substance = substanceOf(content);
    const stored = await this.events.transaction(this.db, async (tx, writeEvent) => {
      // Submissions from one unit are serialised on its row: a double click cannot store twice.
      await lockUnit(tx, from.id);
      if (input.id) {
        const replay = await this.replayOf(input.id, document.id, from.id, tx);
        if (replay) return { record: replay, created: false };
      }
      const sent = await packagesFrom(tx, document.id, from.id);
      const latest = sent.at(-1);
      const overlapping = sent.filter((p) => p.roundIds.some((r) => content.roundIds.includes(r))).at(-1);
      // The same package again without a client id (a retried request from an older client).
      if (!input.id && latest && substanceOf(latest) === substance) return { record: latest, created: false };
      if (input.supersedes && latest && latest.id !== input.supersedes) {
        throw conflict(`package ${input.supersedes} was already superseded by ${latest.id}; supersede that one`);
      }
      if (!input.supersedes && overlapping) {
        throw conflict(`${from.name} already sent package ${overlapping.id} for these rounds; name it in supersedes to send a corrected one`);
      }
      const record = await insertPackage(tx, { ...content, submittedAt, contentHash: hash });
      await this.notifications.packageReceived(tx, { documentId: document.id, toUnitId: from.parentId!, fromUnitName: from.name, items: items.length }, document.title, actor.memberId);
      await this.audit.record(tx, { documentId: document.id, memberId: actor.memberId, action: 'submitted', target: auditTargets.package(from.name, items.length) });
      await writeEvent({
        documentId: document.id,
        type: 'package.submitted',
        payload: { id, fromUnitId: from.id, toUnitId: from.parentId, contentHash: hash, items: items.length, submittedAt: content.submittedAt, supersedes: content.supersedes },
        actorId: actor.memberId,
      });
      return { record, created: true };
    });
    if (stored.created) await this.matchOnArrival(document, stored.record);
    return { pkg: toPublicPackage(stored.record), created: stored.created };
  }

  /**
   * A package just stored: kept parsed (packages never change), and matched at once into the
   * receiving unit's roll-up when one is kept here and still holds only packages that count. The
   * sender then waits for its own items' comparisons (a district's 4,700 items: a fraction of a
   * second), so the receiver's next read only assembles the section it asks for; the index's counts
   * follow once the sender has its answer (`countSoon`). Otherwise (no roll-up kept, or the package
   * supersedes one it holds: matching starts afresh) the roll-up is computed in the background once
   * the burst of submissions has paused. Never fails the submission.
   */
  private async matchOnArrival(document: DocumentRecord, pkg: PackageRecord): Promise<void> {
    this.packageCache.set(pkg.id, pkg);
    const kept = this.rollUps.get(`${document.id}:${pkg.toUnitId}`);
    if (!kept || (pkg.supersedes !== null && kept.packageIds.has(pkg.supersedes))) {
      this.warmFeedbackSoon(document, pkg.toUnitId);
      return;
    }
    const merged = await this.feedbackOf(document, pkg.toUnitId).catch(() => undefined);
    if (merged) countSoon(merged);
    else this.warmFeedbackSoon(document, pkg.toUnitId);
  }

  /** The package stored under a client id, if it is this unit's on this document; 409 if the id is another's. */
  private async replayOf(id: string, documentId: string, fromUnitId: string, db: Db = this.db): Promise<PackageRecord | undefined> {
    const existing = await findPackage(db, id);
    if (!existing) return undefined;
    if (existing.documentId !== documentId || existing.fromUnitId !== fromUnitId) throw conflict(`package id ${id} is already used by another package`);
    return existing;
  }

  /** The document and the sending unit, after checking that the actor may send for it. */
  private async senderOf(actor: Actor, documentId: string, fromUnitId: string): Promise<{ document: DocumentRecord; from: Unit }> {
    const { document } = await this.documents.visible(actor, documentId);
    const from = await findUnit(this.db, fromUnitId);
    if (!from) throw invalid('fromUnitId does not name a unit');
    if (!isUnitSecretary(actor, from.id)) throw forbidden('only the unit’s secretary sends its feedback package');
    // The document's own unit sends on to its parent too (a district's consolidated feedback
    // on its own draft goes to the province).
    if (!maySendFeedbackFrom(document, from)) {
      throw invalid('a package goes from the document’s unit or a unit below it to that unit’s parent');
    }
    return { document, from };
  }

  private readonly warming = new Map<string, NodeJS.Timeout>();

  /**
   * Packages arrive in bursts (every district within hours of a deadline): recompute the receiving
   * unit's roll-up once the burst has paused, so its secretary does not wait for it.
   */
  private warmFeedbackSoon(document: DocumentRecord, receiver: string): void {
    const key = `${document.id}:${receiver}`;
    clearTimeout(this.warming.get(key));
    const timer = setTimeout(() => {
      this.warming.delete(key);
      void this.feedbackOf(document, receiver).then(countSoon, () => {});
    }, 1_000);
    timer.unref();
    this.warming.set(key, timer);
  }

  /** Packages the caller may see: those sent by or to a unit where they are a drafter or secretary. */
  async packages(actor: Actor, documentId: string): Promise<PublicPackage[]> {
    await this.documents.visible(actor, documentId);
    const all = await listPackages(this.db, documentId);
    return all.filter((p) => isUnitStaff(actor, p.fromUnitId) || isUnitStaff(actor, p.toUnitId)).map(toPublicPackage);
  }

  /**
   * The packages a unit received on the document, merged; defaults to the document's own unit.
   * With `section` (a section's path), only the items of that section (none when it has none):
   * computed as the whole roll-up is, only the answer is smaller.
   */
  async feedback(actor: Actor, documentId: string, unitId?: string, only: { section?: string } = {}): Promise<MergedFeedback> {
    return (await this.feedbackWithDocument(actor, documentId, unitId, only)).feedback;
  }

  /** The merged feedback and its document (exports need the title), with one permission check. */
  async feedbackWithDocument(actor: Actor, documentId: string, unitId?: string, only: { section?: string } = {}): Promise<{ feedback: MergedFeedback; document: DocumentRecord }> {
    const { document, merged, dispositionOf, head } = await this.received(actor, documentId, unitId);
    const shown = only.section === undefined ? merged.all() : merged.section(only.section);
    const items = shown.map(({ sourceKeys, ...item }) => {
      const d = dispositionOf(sourceKeys);
      return { ...item, disposition: d ? { decision: d.decision, note: d.note, by: d.decidedBy, at: d.decidedAt.toISOString() } : null };
    });
    return { document, feedback: { ...head, items } };
  }

  /**
   * The merged feedback's index: who sent and who did not, as `feedback` answers, and every
   * section as counts (`FeedbackIndexSchema`: the draft's sections in its order, then others with
   * items), for reading it section by section. Counted from the kept roll-up's groups: no item is
   * built. Errors as `feedback`.
   */
  async feedbackIndex(actor: Actor, documentId: string, unitId?: string): Promise<FeedbackIndex> {
    const { merged, dispositionOf, head } = await this.received(actor, documentId, unitId);
    const sections = merged.index().map(({ groups, ...counts }) => {
      const dispositions = emptyDecisions();
      for (const keys of groups) dispositions[dispositionOf(keys)?.decision ?? 'undecided']++;
      return { ...counts, dispositions };
    });
    return { ...head, sections };
  }

  /**
   * What a unit received on the document (default: `defaultReceivingUnit`, the caller's unit on the
   * document's chain), for its staff: the kept
   * merge, the head of the answer with reminders, and the unit's own decisions by source keys.
   * 404 invisible document; 403 not a drafter or secretary of the receiving unit.
   */
  private async received(actor: Actor, documentId: string, unitId: string | undefined) {
    const { document } = await this.documents.visible(actor, documentId);
    const receiver = unitId ?? defaultReceivingUnit(actor, document);
    if (!isUnitStaff(actor, receiver)) throw forbidden('only the receiving unit’s drafters and secretaries read its feedback');
    const [merged, decided, reminded] = await Promise.all([
      this.feedbackOf(document, receiver),
      feedbackDispositions(this.db, document.id, receiver),
      lastManualReminders(this.db, 'unit', document.id),
    ]);
    // Decisions change without a package arriving: read afresh, outside the remembered merge.
    const pending = merged.head.pending.map((p) => ({ ...p, remindedAt: reminded.get(p.unitId)?.toISOString() ?? null }));
    return { document, merged, dispositionOf: dispositionLookup(decided), head: { ...merged.head, pending } };
  }

  /**
   * The receiving unit's own decision on a merged item (drafters and secretaries of that unit;
   * defaults as `received`), with a `feedback.decided` event `{unitId, itemId, section}`.
   * 404 when no merged item has that id.
   */
  async decideFeedbackItem(actor: Actor, documentId: string, itemId: string, input: { unitId?: string | undefined; decision: Decision; note: string }): Promise<MergedFeedbackItem> {
    const { document } = await this.documents.visible(actor, documentId);
    const receiver = input.unitId ?? defaultReceivingUnit(actor, document);
    if (!isUnitStaff(actor, receiver)) throw forbidden('only the receiving unit’s drafters and secretaries decide on its feedback');
    const note = input.note.normalize('NFC').trim();
    // The rule of a decision on an annotation: rejecting or accepting in part says why.
    const missing = missingReason(input.decision, note);
    if (missing) throw invalid(missing);
    // Only the item's own section is built (a province's roll-up is 20,000 items).
    const merged = await this.feedbackOf(document, receiver);
    const path = merged.sectionOf(itemId);
    const item = path === undefined ? undefined : merged.section(path).find((i) => i.id === itemId);
    if (!item) throw notFound('feedback item');
    await this.events.transaction(this.db, async (tx, writeEvent) => {
      await upsertFeedbackDisposition(tx, {
        documentId: document.id,
        unitId: receiver,
        itemId,
        sources: item.sourceKeys,
        decision: input.decision,
        note,
        decidedBy: actor.memberId,
        decidedAt: this.clock.now(),
      });
      // The trail records the unit's decision on a merged point as it does one on an annotation.
      await this.audit.record(tx, { documentId: document.id, memberId: actor.memberId, action: 'decided', target: auditTargets.annotation(item.quote ?? '', lowerLabel(decisionLabels.vi[input.decision], 'vi')) });
      // Other staff of the unit reading it live refresh that section. Every viewer of the document
      // gets the event (as `package.submitted`): it says which item, not the decision or its reason.
      await writeEvent({ documentId: document.id, type: 'feedback.decided', payload: { unitId: receiver, itemId, section: item.section }, actorId: actor.memberId });
    });
    return (await this.feedback(actor, documentId, receiver, { section: item.section })).items.find((i) => i.id === itemId)!;
  }

  private async feedbackOf(document: DocumentRecord, receiver: string): Promise<RememberedFeedback> {
    const stamp = await this.stamp({ documentId: document.id }, ['package.submitted', 'round.opened']);
    return this.remembered(`feedback:${document.id}:${receiver}`, stamp, () => this.computeFeedback(document, receiver));
  }

  private async computeFeedback(document: DocumentRecord, receiver: string): Promise<RememberedFeedback> {
    const [received, children, rounds] = await Promise.all([this.latestPackagesTo(document.id, receiver), childrenOf(this.db, receiver), listRounds(this.db, document.id)]);
    const byUnit = new Map(received.map((p) => [p.fromUnitId, p]));
    // The units the draft went to: those that take part in one of its rounds (or sent anyway).
    const expected = children.filter(
      (c) => byUnit.has(c.id) || rounds.some((r) => roundTouchesUnit(r.scopePath, c.path)),
    );
    const names = new Map(expected.map((c) => [c.id, c.name]));
    const draftSections = await this.draftSections(document, rounds);
    const sectionTitles = new Map(draftSections.map((s) => [s.path, s.title]));
    const merged = this.mergePackages(`${document.id}:${receiver}`, received);
    const itemOf = (m: MergedItem): RememberedItem => ({
      id: m.id,
      section: m.section,
      sectionTitle: m.sectionTitle || sectionTitles.get(m.section) || '',
      quote: m.quote,
      kind: m.kind,
      representative: m.representative,
      count: m.count,
      unitCount: m.unitCount,
      unitIds: m.unitIds,
      units: m.units.map((u) => ({ ...u, name: names.get(u.unitId) ?? u.unitId })),
      annotationIds: m.annotationIds,
      ...(m.scope !== 'passage' ? { scope: m.scope } : {}),
      decisions: m.decisions,
      sourceKeys: m.sourceKeys,
    });
    const bySection = new Map<string, RememberedItem[]>();
    const section = (path: string) => bySection.get(path) ?? bySection.set(path, merged.section(path).map(itemOf)).get(path)!;
    let index: CountedSection[] | undefined;
    // The draft's order (never the paths' own: "IX" sorts before "V"), for the index and the whole
    // answer alike. Comments on the whole draft ("") come first unless the draft places "" (its
    // preamble); sections the draft no longer has come last.
    const sectionOrder = (): string[] => {
      const others = merged.sections().filter((path) => !sectionTitles.has(path));
      return [...others.filter((p) => p === ''), ...draftSections.map((s) => s.path), ...others.filter((p) => p !== '')];
    };
    const indexOf = (): CountedSection[] => {
      return sectionOrder().map((path) => {
        const { groups, titled } = merged.groups(path);
        return { section: path, sectionTitle: sectionTitles.get(path) || titled, ...countSection(groups, merged.source), groups };
      });
    };
    let sectionsById: Map<string, string> | undefined;
    const sectionOf = (itemId: string) => {
      sectionsById ??= new Map((index ??= indexOf()).flatMap((s) => s.groups.map((keys) => [mergedItemId(keys), s.section] as const)));
      return sectionsById.get(itemId);
    };
    return {
      index: () => (index ??= indexOf()),
      sectionOf,
      head: {
        documentId: document.id,
        unitId: receiver,
        units: expected.map((c) => ({
          unitId: c.id,
          name: c.name,
          packageId: byUnit.get(c.id)?.id ?? null,
          submittedAt: byUnit.get(c.id)?.submittedAt.toISOString() ?? null,
          note: byUnit.get(c.id)?.note || null,
        })),
        pending: expected.filter((c) => !byUnit.has(c.id)).map((c) => ({ unitId: c.id, name: c.name })),
      },
      section,
      all: () => sectionOrder().flatMap(section),
    };
  }

  /** The draft's sections in its order: the latest round's base version (or the live draft without rounds). */
  private async draftSections(document: DocumentRecord, rounds: RoundRecord[]): Promise<Section[]> {
    const latest = [...rounds].sort((a, b) => b.number - a.number)[0];
    return latest ? (await this.baseOf(latest)).sections : (await this.documents.liveContent(document.id)).sections;
  }

  /** The rounds a package covers: named ones (rounds of this document the unit takes part in), or all of those. */
  private async roundsFor(document: DocumentRecord, from: Unit, roundIds: string[] | undefined): Promise<RoundRecord[]> {
    const overlaps = (round: RoundRecord) => roundTouchesUnit(round.scopePath, from.path);
    if (roundIds === undefined || roundIds.length === 0) {
      const all = (await listRounds(this.db, document.id)).filter(overlaps);
      if (all.length === 0) throw invalid(`${from.name} takes part in no round of this document yet`);
      return all.sort((a, b) => a.number - b.number);
    }
    const rounds: RoundRecord[] = [];
    for (const id of new Set(roundIds)) {
      const round = await findRound(this.db, id);
      if (!round || round.documentId !== document.id) throw invalid(`round ${id} is not a round of this document`);
      if (!overlaps(round)) throw invalid(`unit ${from.name} did not take part in round ${round.number}`);
      rounds.push(round);
    }
    return rounds.sort((a, b) => a.number - b.number);
  }

  /**
   * The unit's own clusters plus its units' latest packages, matched into one list of items. For
   * an item carried from a unit below, this unit's decision is the one it recorded on the merged
   * item (counted once per annotation of the carried item); its own annotations count their own.
   */
  private async packageItems(document: DocumentRecord, from: Unit, rounds: RoundRecord[], itemNotes: Record<string, string>): Promise<PackageItem[]> {
    const [childPackages, decided] = await Promise.all([this.latestPackagesTo(document.id, from.id), feedbackDispositions(this.db, document.id, from.id)]);
    // Authors below a child that sent its own package are counted through that package.
    const reportedBelow = (await Promise.all(childPackages.map((p) => findUnit(this.db, p.fromUnitId)))).filter((u) => u !== undefined);
    const annotations = await annotationsForSummary(
      this.db,
      rounds.map((r) => r.id),
      { within: formatPath(from.path), outside: reportedBelow.map((u) => formatPath(u.path)) },
    );
    const allOpen = packageNamesAuthors(rounds);
    const latest = rounds[rounds.length - 1]!;
    const [base, edits] = await Promise.all([this.baseOf(latest), listClusterEdits(this.db, rounds.map((r) => r.id))]);
    const titles = new Map(base.sections.map((s) => [s.path, s.title]));
    // The reviewers' merges and splits count in what goes up, as in the round's summary.
    const own = clusterWithGeneral(annotations, base, edits);
    const ownItems = new Map<string, { cluster: Cluster; section: string }>();
    for (const section of own.sections) for (const cluster of section.clusters) ownItems.set(`own/${cluster.id}`, { cluster, section: section.path });
    for (const cluster of own.document) ownItems.set(`own/${cluster.id}`, { cluster, section: '' });
    const childItems = new Map<string, { item: PackageItem; fromUnitId: string }>();
    for (const p of childPackages) for (const item of p.items as PackageItem[]) childItems.set(`${p.id}/${item.id}`, { item, fromUnitId: p.fromUnitId });

    const matched = matchAcrossUnits(
      [
        // The unit's own points are final (clustered on their anchors, with the reviewers' merges
        // and splits): they meet other units' items but are never joined to one another again.
        {
          unitId: from.id,
          items: [...ownItems].map(([id, { cluster, section }]) => ({
            id,
            section,
            kind: cluster.kind,
            count: cluster.count,
            representative: cluster.representative,
            scope: cluster.scope,
            apart: 'own',
          })),
        },
        ...childPackages.map((p) => ({ unitId: p.fromUnitId, items: packageClusterLikes(p, (item) => `${p.id}/${item.id}`) })),
      ],
      { sections: base.sections.map((s) => s.path) },
    );
    // This unit's decision on a carried item is the one it sees on the merged item holding it (as
    // `GET …/feedback` shows it): a decision taken before another unit's matching point arrived
    // covers that point too, in what goes up as on the screen.
    const view = this.mergePackages(`${document.id}:${from.id}`, childPackages);
    const groupOf = new Map<string, readonly string[]>();
    for (const path of view.sections()) for (const keys of view.groups(path).groups) for (const key of keys) groupOf.set(key, keys);
    const lookup = dispositionLookup(decided);
    const decisionOf = (key: string) => lookup(groupOf.get(key) ?? [key]);
    return matched.map((m) => {
      const decisions = emptyDecisions();
      const annotationIds = new Set<string>();
      const unitIds = new Set<string>();
      const authorIds = new Set<string>();
      const groups = new Set<string>();
      let recorded = 0;
      const sources: string[] = [];
      let quote = '';
      let reason = '';
      for (const source of m.sourceItemIds) {
        const mine = ownItems.get(source);
        if (mine) {
          mine.cluster.annotationIds.forEach((id) => annotationIds.add(id));
          for (const [k, v] of Object.entries(mine.cluster.decisions)) decisions[k as keyof DecisionCounts] += v;
          mine.cluster.authorIds.forEach((id) => authorIds.add(id));
          mine.cluster.groups.forEach((g) => groups.add(g));
          recorded += mine.cluster.recorded;
          unitIds.add(from.id);
          quote ||= quoteOf(base.text, mine.cluster.anchor);
        } else {
          const { item: carried, fromUnitId } = childItems.get(source)!;
          carried.annotationIds.forEach((id) => annotationIds.add(id));
          carried.unitIds.forEach((id) => unitIds.add(id));
          carried.authorIds?.forEach((id) => authorIds.add(id));
          carried.groups?.forEach((g) => groups.add(g));
          recorded += carried.recorded ?? 0;
          const mineOnIt = decisionOf(sourceKey(fromUnitId, carried.id));
          decisions[mineOnIt ? mineOnIt.decision : 'undecided'] += carried.count;
          reason ||= mineOnIt?.note ?? '';
          quote ||= carried.quote ?? '';
          sources.push(source);
        }
      }
      const id = createHash('sha256').update(m.sourceItemIds.join('\n')).digest('hex').slice(0, 16);
      return {
        id,
        section: m.section,
        sectionTitle: titles.get(m.section) ?? '',
        quote,
        kind: m.kind,
        count: m.count,
        representative: m.representative,
        unitIds: [...unitIds].sort(),
        annotationIds: [...annotationIds].sort(),
        decisions,
        // Unless the sender says otherwise, a point carries the reason of this unit's decision on it.
        note: itemNotes[id] ?? reason,
        sources: sources.sort(),
        ...(allOpen ? { authorIds: [...authorIds].sort() } : {}),
        // Only where they say something, so packages of passage comments written by members stay as they were.
        ...(m.scope !== 'passage' ? { scope: m.scope } : {}),
        ...(recorded > 0 ? { recorded } : {}),
        ...(groups.size > 0 ? { groups: [...groups].sort() } : {}),
      };
    });
  }

  /** The latest package each unit sent to `toUnitId` about the document, items read only for packages not kept yet. */
  private async latestPackagesTo(documentId: string, toUnitId: string): Promise<PackageRecord[]> {
    const heads = await latestPackageHeadsTo(this.db, documentId, toUnitId);
    const kept = new Map(heads.flatMap((h) => (this.packageCache.has(h.id) ? [[h.id, this.packageCache.get(h.id)!] as const] : [])));
    for (const p of await packagesByIds(this.db, heads.filter((h) => !kept.has(h.id)).map((h) => h.id))) {
      this.packageCache.set(p.id, p);
      kept.set(p.id, p);
    }
    return heads.map((h) => kept.get(h.id)!);
  }

  /**
   * Merges received packages: items matched across the sending units, each with every sender's
   * count and note, the senders' decisions summed, and the source keys (`fromUnitId/itemId`) the
   * receiving unit's own decision is kept by. The roll-up kept for `key` is extended with the
   * packages it does not hold (equal to matching them all again, see `rollUps`), or started afresh
   * when it holds one that no longer counts. Merged items are built per section when asked for; one
   * whose sources did not change is the one built before.
   */
  private mergePackages(
    key: string,
    received: readonly PackageRecord[],
  ): { sections(): string[]; section(path: string): readonly MergedItem[]; groups(path: string): { groups: readonly (readonly string[])[]; titled: string }; source(key: string): RollUpSource } {
    const counted = new Set(received.map((p) => p.id));
    const before = this.rollUps.get(key);
    const state = before && [...before.packageIds].every((id) => counted.has(id)) ? before : new RollUp();
    state.add(received.filter((p) => !state.packageIds.has(p.id)));
    this.rollUps.set(key, state);
    // A package arriving later is matched into the same roll-up (`matchOnArrival`) before this
    // merge's sections may have been asked for: these then come from a matching of `received` alone.
    const size = state.packageIds.size;
    let own: RollUp | undefined;
    const current = (): RollUp => {
      if (state.packageIds.size === size) return state;
      if (!own) {
        own = new RollUp();
        own.add(received);
      }
      return own;
    };
    return {
      sections: () => current().matching.sections(),
      // A section's groups of source keys, and a title its packages give it (for a section the draft does not have).
      groups: (path) => {
        const rollUp = current();
        const groups = rollUp.matching.groupsOf(path);
        const first = groups[0]?.[0];
        return { groups, titled: first === undefined ? '' : rollUp.items.get(first)!.item.sectionTitle };
      },
      source: (sourceKey) => current().items.get(sourceKey)!,
      section: (path) => {
        const rollUp = current();
        return rollUp.matching.section(path).map((m) => {
          let merged = this.mergedItems.get(m);
          if (!merged) this.mergedItems.set(m, (merged = mergedItemOf(m, rollUp.items)));
          return merged;
        });
      },
    };
  }

  /** Sections and text of a round's base version (the coordinates of its anchors), kept: a version never changes. */
  private baseOf(round: RoundRecord): Promise<{ sections: Section[]; text: string }> {
    const key = `${round.documentId}:${round.baseVersion}`;
    let base = this.bases.get(key);
    if (!base) {
      base = findVersionContent<Section>(this.db, round.documentId, round.baseVersion).then((version) => {
        if (!version) throw notFound(`version ${round.baseVersion}`);
        return { sections: version.sections, text: version.text };
      });
      this.bases.set(key, base);
      base.catch(() => this.bases.delete(key));
    }
    return base;
  }
}

/**
 * The roll-up of the packages a unit received: their matching, extended as packages arrive, and
 * their items by source key (`fromUnitId/itemId`). Nothing is taken out: a superseded package
 * starts a new one.
 */
class RollUp {
  readonly packageIds = new Set<string>();
  readonly matching = new CrossUnitMatching();
  readonly items = new Map<string, RollUpSource>();

  add(packages: readonly PackageRecord[]): void {
    if (packages.length === 0) return;
    this.matching.add(packages.map((p) => ({ unitId: p.fromUnitId, items: packageClusterLikes(p, (item) => sourceKey(p.fromUnitId, item.id)) })));
    for (const p of packages) {
      this.packageIds.add(p.id);
      for (const item of p.items as PackageItem[]) this.items.set(sourceKey(p.fromUnitId, item.id), { item, fromUnitId: p.fromUnitId, packageId: p.id });
    }
  }
}

/** A received package's item in a roll-up, with who sent it in which package. */
interface RollUpSource {
  readonly item: PackageItem;
  readonly fromUnitId: string;
  readonly packageId: string;
}

/**
 * A section's counts for the index (`FeedbackSectionCountsSchema` but the receiving unit's
 * decisions) from its groups of source keys, as its merged items would have them: `count` the
 * sum of the sources' counts, `unitCount` the distinct senders, the kind by `matchedKind`, the
 * senders' decisions summed. `revision` names the packages speaking in it (packages never change).
 */
function countSection(groups: readonly (readonly string[])[], source: (key: string) => RollUpSource): Omit<FeedbackSectionCounts, 'section' | 'sectionTitle' | 'dispositions'> {
  const kinds = Object.fromEntries(annotationKinds.map((k) => [k, 0])) as FeedbackSectionCounts['kinds'];
  const decisions = emptyDecisions();
  const units = new Set<string>();
  const packages = new Set<string>();
  let annotations = 0;
  let maxUnitCount = 0;
  for (const keys of groups) {
    const sources = keys.map(source);
    const senders = new Set<string>();
    for (const { item, fromUnitId, packageId } of sources) {
      annotations += item.count;
      for (const [k, v] of Object.entries(item.decisions)) decisions[k as keyof DecisionCounts] += v;
      senders.add(fromUnitId);
      packages.add(packageId);
    }
    for (const unit of senders) units.add(unit);
    maxUnitCount = Math.max(maxUnitCount, senders.size);
    kinds[matchedKind(sources.map((s) => s.item))]++;
  }
  const revision = createHash('sha256').update([...packages].sort().join('\n')).digest('hex').slice(0, 16);
  return { items: groups.length, annotations, unitIds: [...units].sort(), maxUnitCount, kinds, decisions, revision };
}
/**
 * Counts a remembered roll-up's index after the current request is answered: every section's groups
 * (0.4 s of CPU for a province's 61,000 items after a 13th package), so the receiver's first index
 * read only adds its decisions. A failure is left for that read to meet.
 */
function countSoon(merged: RememberedFeedback): void {
  setImmediate(() => {
    try {
      merged.index();
    } catch {
      /* the next index read computes it again and answers the error */
    }
  });
}

/** A round's points: per section (passages and general comments on sections), and on the whole draft. */
interface RoundClusters {
  sections: SectionClusters[];
  document: Cluster[];
}

/** `kept` with each annotation's id added to its section's set (new sets for sections not in `kept`, which must not hold them). */
function idsBySection(kept: Map<string, ReadonlySet<string>>, annotations: readonly AnnotationForSummary[]): Map<string, ReadonlySet<string>> {
  const fresh = new Map<string, Set<string>>();
  for (const a of annotations) (fresh.get(a.section) ?? fresh.set(a.section, new Set()).get(a.section)!).add(a.id);
  for (const [path, ids] of fresh) kept.set(path, ids);
  return kept;
}

/** Comments on the whole draft apart from the rest (they are clustered on their own). */
function splitWhole(annotations: readonly AnnotationForSummary[]): { whole: AnnotationForSummary[]; rest: readonly AnnotationForSummary[] } {
  const whole = annotations.filter((a) => a.scope === 'document');
  return { whole, rest: whole.length === 0 ? annotations : annotations.filter((a) => a.scope !== 'document') };
}

/** The points of the comments on the whole draft (clustering.ts: only with one another, by meaning). */
function clusterWhole(whole: readonly AnnotationForSummary[], text: string, edits: readonly ClusterEdit[]): Cluster[] {
  return whole.length === 0 ? [] : clusterAnnotations(whole, [{ path: '', title: '' }], { text, edits })[0]!.clusters;
}

/**
 * Clusters passage and section comments per section, and comments on the whole draft on their own
 * (clustering.ts: general comments form points only with general comments of the same scope).
 */
function clusterWithGeneral(annotations: readonly AnnotationForSummary[], base: { sections: Section[]; text: string }, edits: readonly ClusterEdit[]): RoundClusters {
  const { whole, rest } = splitWhole(annotations);
  return { sections: clusterAnnotations(rest, base.sections, { text: base.text, edits }), document: clusterWhole(whole, base.text, edits) };
}

type MergedItem = MatchedItem & {
  sectionTitle: string;
  quote: string;
  units: Array<{ unitId: string; count: number; note: string }>;
  decisions: DecisionCounts;
  sourceKeys: string[];
  annotationIds: string[];
};

/**
 * One merged item of received packages: every sender's count and note, the senders' decisions
 * summed, and the source keys (`fromUnitId/itemId`) the receiving unit's own decision is kept by.
 * The first source is the smallest key, so the quote does not move with submission times.
 */
function mergedItemOf(m: MatchedItem, items: ReadonlyMap<string, RollUpSource>): MergedItem {
  const sources = m.sourceItemIds.map((s) => items.get(s)!);
  const decisions = emptyDecisions();
  const units = new Map<string, { unitId: string; count: number; note: string }>();
  for (const { item, fromUnitId } of sources) {
    for (const [k, v] of Object.entries(item.decisions)) decisions[k as keyof DecisionCounts] += v;
    const unit = units.get(fromUnitId) ?? { unitId: fromUnitId, count: 0, note: '' };
    unit.count += item.count;
    if (item.note) unit.note = unit.note ? `${unit.note}\n${item.note}` : item.note;
    units.set(fromUnitId, unit);
  }
  return {
    ...m,
    id: mergedItemId(m.sourceItemIds),
    sectionTitle: sources.find((s) => s.item.sectionTitle)?.item.sectionTitle ?? '',
    quote: sources.find((s) => s.item.quote)?.item.quote ?? '',
    units: [...units.values()].sort((a, b) => compareIds(a.unitId, b.unitId)),
    decisions,
    sourceKeys: [...m.sourceItemIds].sort(),
    annotationIds: sortedUnion(sources.map((s) => s.item.annotationIds)),
  };
}

const compareIds = (a: string, b: string) => (a < b ? -1 : a > b ? 1 : 0);

function sameCounts(a: DecisionCounts, b: DecisionCounts): boolean {
  return a.accepted === b.accepted && a.partially_accepted === b.partially_accepted && a.rejected === b.rejected && a.noted === b.noted && a.undecided === b.undecided;
}

function countDecisions(annotationIds: readonly string[], decisions: ReadonlyMap<string, string>): DecisionCounts {
  const counts = emptyDecisions();
  for (const id of annotationIds) counts[(decisions.get(id) ?? 'undecided') as keyof DecisionCounts]++;
  return counts;
}

function toPublicPackage(p: PackageRecord): PublicPackage {
  return {
    id: p.id,
    documentId: p.documentId,
    fromUnitId: p.fromUnitId,
    toUnitId: p.toUnitId,
    roundIds: p.roundIds,
    note: p.note,
    items: p.items as PackageItem[],
    contentHash: p.contentHash,
    submittedBy: p.submittedBy,
    submittedAt: p.submittedAt.toISOString(),
    supersedes: p.supersedes,
  };
}

/** What a package says, without its id, author and time: equal substance means the same package. */
function substanceOf(p: { documentId: string; fromUnitId: string; toUnitId: string; roundIds: readonly string[]; note: string; items: readonly unknown[]; supersedes: string | null }): string {
  const items: unknown = JSON.parse(JSON.stringify(p.items)); // as stored (jsonb keeps no undefined)
  return contentHash({ documentId: p.documentId, fromUnitId: p.fromUnitId, toUnitId: p.toUnitId, roundIds: [...p.roundIds].sort(), note: p.note, items, supersedes: p.supersedes });
}

/**
 * A received package's items as the cross-unit matching takes them, each named by `idOf`. A
 * package's items were grouped by the unit that sent it (its reviewers' edits included), so they
 * are kept apart from one another (`apart`): never joined again.
 */
function packageClusterLikes(p: PackageRecord, idOf: (item: PackageItem) => string): ClusterLike[] {
  return (p.items as PackageItem[]).map((item) => ({
    id: idOf(item),
    section: item.section,
    kind: item.kind,
    count: item.count,
    representative: item.representative,
    scope: item.scope ?? 'passage',
    apart: p.id,
  }));
}
