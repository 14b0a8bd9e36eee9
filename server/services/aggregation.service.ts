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
import { annotationsForSummary, roundDecisions } from '../db/annotations.repository.js';
import type { DocumentRecord } from '../db/documents.repository.js';
import { insertEvent } from '../db/events.repository.js';
import { latestPackagesTo, listPackages, insertPackage, type PackageRecord } from '../db/packages.repository.js';
import { roundParticipation, type Participation } from '../db/participation.repository.js';
import { findRound, type RoundRecord } from '../db/rounds.repository.js';
import { childrenOf, findUnit, type Unit } from '../db/units.repository.js';
import { findVersionContent } from '../db/versions.repository.js';
import { clusterAnnotations, matchAcrossUnits, type Cluster, type ClusterLike, type DecisionCounts, type SectionClusters } from '../domain/clustering.js';
import { contentHash } from '../domain/content-hash.js';
import { isUnitStaff, mayReviewRound, roleIn, type Actor } from '../domain/permissions.js';
import type { Section } from '../domain/sections.js';
import { formatPath, isAncestorOrSelf } from '../domain/unit-path.js';
import { conflict, forbidden, invalid, notFound } from '../errors.js';
import type { Clock } from './clock.js';
import type { DocumentEvents } from './document-events.js';
import type { DocumentsService } from './documents.service.js';
import type { RoundsService } from './rounds.service.js';

export interface RoundSummary {
  documentId: string;
  roundId: string;
  roundNumber: number;
  baseVersion: number;
  participation: Participation;
  sections: Array<{ path: string; title: string; clusters: Array<Omit<Cluster, 'authorIds'>> }>;
}

/** An item of a feedback package: a point raised, how often, by which units, from which annotations. */
export interface PackageItem {
  id: string;
  section: string;
  kind: Cluster['kind'];
  count: number;
  representative: { body: string; replacement: string | null };
  /** Units the point came from (this unit and/or the child units whose packages carried it). */
  unitIds: string[];
  /** The original annotations, however many levels below. */
  annotationIds: string[];
  /** This unit's decisions on its own annotations in the item. */
  decisions: DecisionCounts;
  /** Items of child packages merged in: `packageId/itemId`. */
  sources: string[];
  /** Only when every round behind it was open; otherwise the higher level sees counts, not names. */
  authorIds?: string[];
}

export interface PublicPackage {
  id: string;
  documentId: string;
  fromUnitId: string;
  toUnitId: string;
  roundIds: string[];
  note: string;
  items: PackageItem[];
  contentHash: string;
  submittedBy: string;
  submittedAt: string;
}

export interface MergedFeedback {
  documentId: string;
  unitId: string;
  /** The units below that could send a package, with the package each sent (if any). */
  units: Array<{ unitId: string; name: string; packageId: string | null; submittedAt: string | null }>;
  items: Array<{
    id: string;
    section: string;
    kind: Cluster['kind'];
    representative: { body: string; replacement: string | null };
    count: number;
    unitCount: number;
    unitIds: string[];
    annotationIds: string[];
  }>;
}

const emptyDecisions = (): DecisionCounts => ({ accepted: 0, partially_accepted: 0, rejected: 0, noted: 0, undecided: 0 });

export class AggregationService {
  constructor(
    private readonly db: Db,
    private readonly documents: DocumentsService,
    private readonly rounds: RoundsService,
    private readonly events: DocumentEvents,
    private readonly clock: Clock,
  ) {}

  /**
   * Computed results by key, each with the stamp it was computed at: the id of the latest outbox
   * event that could change it (a round's annotation events for its clusters, the document's
   * package events for a roll-up). Outbox ids are the same on every instance, so a stamp is exact.
   */
  private readonly memo = new Map<string, { stamp: number; value: Promise<unknown> }>();

  private remembered<T>(key: string, stamp: number, compute: () => Promise<T>): Promise<T> {
    const hit = this.memo.get(key);
    if (hit && hit.stamp === stamp) return hit.value as Promise<T>;
    const value = compute();
    this.memo.delete(key);
    if (this.memo.size >= 16) this.memo.delete(this.memo.keys().next().value!);
    this.memo.set(key, { stamp, value });
    value.catch(() => this.memo.delete(key));
    return value;
  }

  /** The latest event id of the given types, of a round or (without a round) of a document. */
  private async stamp(where: { documentId: string; roundId?: string }, types: string[]): Promise<number> {
    let query = this.db.selectFrom('events').select((eb) => eb.fn.max('id').as('max')).where('type', 'in', types);
    query = where.roundId ? query.where('round_id', '=', where.roundId) : query.where('document_id', '=', where.documentId);
    return Number((await query.executeTakeFirst())?.max ?? 0);
  }

  private clustersOf(round: RoundRecord): Promise<SectionClusters[]> {
    return this.stamp({ documentId: round.documentId, roundId: round.id }, ['annotation.upserted', 'annotation.withdrawn']).then((stamp) =>
      this.remembered(`clusters:${round.id}`, stamp, () => this.clusterRound(round)),
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

  /** A round's merged annotations, for its reviewers (drafters and secretaries). */
  async summary(actor: Actor, roundId: string): Promise<RoundSummary> {
    return (await this.summaryWithDocument(actor, roundId)).summary;
  }

  /** The summary and its document (exports need the title), with one permission check. */
  async summaryWithDocument(actor: Actor, roundId: string): Promise<{ summary: RoundSummary; document: DocumentRecord }> {
    const { round, document } = await this.rounds.visibleRound(actor, roundId);
    if (!mayReviewRound(actor, document, round.scopePath)) throw forbidden('only the round’s drafters and secretaries read its summary');
    // Clusters change with annotations only; decisions and who was invited are read afresh.
    const [clusters, decisions, participation] = await Promise.all([
      this.clustersOf(round),
      roundDecisions(this.db, round.id),
      roundParticipation(this.db, round.id, formatPath(round.scopePath)),
    ]);
    // Authors are left out: reviewers see them on each annotation, and at a province's scale the
    // lists would add megabytes to an answer read over weak connections.
    const sections = clusters.map((s) => ({
      ...s,
      clusters: s.clusters.map(({ authorIds: _, ...c }) => ({ ...c, decisions: countDecisions(c.annotationIds, decisions) })),
    }));
    return { document, summary: { documentId: document.id, roundId: round.id, roundNumber: round.number, baseVersion: round.baseVersion, participation, sections } };
  }

  private async clusterRound(round: RoundRecord): Promise<SectionClusters[]> {
    const [base, annotations] = await Promise.all([this.baseOf(round), annotationsForSummary(this.db, [round.id])]);
    const sections = clusterAnnotations(annotations, base.sections, { paragraphStarts: base.paragraphStarts });
    return sections.map((s) => ({ path: s.path, title: s.title, clusters: s.clusters }));
  }

  /**
   * A unit's secretary sends its consolidated feedback on the document to the parent unit. The
   * rounds must be closed rounds of this document that the unit took part in.
   */
  async submitPackage(actor: Actor, documentId: string, input: { fromUnitId: string; roundIds: string[]; note?: string | undefined }): Promise<PublicPackage> {
    const { document } = await this.documents.visible(actor, documentId);
    const from = await findUnit(this.db, input.fromUnitId);
    if (!from) throw invalid('fromUnitId does not name a unit');
    if (roleIn(actor, from.id) !== 'secretary') throw forbidden('only the unit’s secretary submits its feedback package');
    if (!isAncestorOrSelf(document.unitPath, from.path) || from.path.length === document.unitPath.length || !from.parentId) {
      throw invalid('a package goes from a unit below the document’s unit to its parent');
    }
    const rounds = await this.roundsFor(document, from, [...new Set(input.roundIds)]);
    const childPackages = await latestPackagesTo(this.db, document.id, from.id);
    const items = await this.packageItems(from, rounds, childPackages);
    const submittedAt = this.clock.now();
    const id = randomUUID();
    const content = {
      id,
      documentId: document.id,
      fromUnitId: from.id,
      toUnitId: from.parentId,
      roundIds: rounds.map((r) => r.id),
      note: (input.note ?? '').normalize('NFC').trim(),
      items,
      submittedBy: actor.memberId,
      submittedAt: submittedAt.toISOString(),
    };
    const hash = contentHash(content);
    const stored = await this.db.transaction().execute(async (tx) => {
      const record = await insertPackage(tx, { ...content, submittedAt, contentHash: hash });
      await insertEvent(tx, {
        documentId: document.id,
        type: 'package.submitted',
        payload: { id, fromUnitId: from.id, toUnitId: from.parentId, contentHash: hash, items: items.length, submittedAt: content.submittedAt },
        actorId: actor.memberId,
      });
      return record;
    });
    this.events.committed(document.id);
    this.warmFeedbackSoon(document, from.parentId);
    return toPublicPackage(stored);
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
      void this.feedbackOf(document, receiver).catch(() => {});
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

  /** The packages a unit received on the document, merged; defaults to the document's own unit. */
  async feedback(actor: Actor, documentId: string, unitId?: string): Promise<MergedFeedback> {
    return (await this.feedbackWithDocument(actor, documentId, unitId)).feedback;
  }

  /** The merged feedback and its document (exports need the title), with one permission check. */
  async feedbackWithDocument(actor: Actor, documentId: string, unitId?: string): Promise<{ feedback: MergedFeedback; document: DocumentRecord }> {
    const { document } = await this.documents.visible(actor, documentId);
    const receiver = unitId ?? document.unitId;
    if (!isUnitStaff(actor, receiver)) throw forbidden('only the receiving unit’s drafters and secretaries read its feedback');
    return { document, feedback: await this.feedbackOf(document, receiver) };
  }

  private async feedbackOf(document: DocumentRecord, receiver: string): Promise<MergedFeedback> {
    const stamp = await this.stamp({ documentId: document.id }, ['package.submitted']);
    return this.remembered(`feedback:${document.id}:${receiver}`, stamp, () => this.computeFeedback(document, receiver));
  }

  private async computeFeedback(document: DocumentRecord, receiver: string): Promise<MergedFeedback> {
    const [received, children] = await Promise.all([latestPackagesTo(this.db, document.id, receiver), childrenOf(this.db, receiver)]);
    const merged = mergePackages(received);
    const byUnit = new Map(received.map((p) => [p.fromUnitId, p]));
    return {
      documentId: document.id,
      unitId: receiver,
      units: children.map((c) => ({
        unitId: c.id,
        name: c.name,
        packageId: byUnit.get(c.id)?.id ?? null,
        submittedAt: byUnit.get(c.id)?.submittedAt.toISOString() ?? null,
      })),
      items: merged.map((m) => ({
        id: m.id,
        section: m.section,
        kind: m.kind,
        representative: m.representative,
        count: m.count,
        unitCount: m.unitCount,
        unitIds: m.unitIds,
        annotationIds: m.annotationIds,
      })),
    };
  }

  private async roundsFor(document: DocumentRecord, from: Unit, roundIds: string[]): Promise<RoundRecord[]> {
    if (roundIds.length === 0) throw invalid('roundIds must name at least one round');
    const rounds: RoundRecord[] = [];
    for (const id of roundIds) {
      const round = await findRound(this.db, id);
      if (!round || round.documentId !== document.id) throw invalid(`round ${id} is not a round of this document`);
      const overlaps = isAncestorOrSelf(round.scopePath, from.path) || isAncestorOrSelf(from.path, round.scopePath);
      if (!overlaps) throw invalid(`unit ${from.name} did not take part in round ${round.number}`);
      if (this.rounds.toPublic(round).status !== 'closed') throw conflict(`round ${round.number} is still open; close it before sending its feedback`);
      rounds.push(round);
    }
    return rounds.sort((a, b) => a.number - b.number);
  }

  /** The unit's own clusters plus its children's latest packages, matched into one list of items. */
  private async packageItems(from: Unit, rounds: RoundRecord[], childPackages: PackageRecord[]): Promise<PackageItem[]> {
    // Authors below a child that sent its own package are counted through that package.
    const reportedBelow = (await Promise.all(childPackages.map((p) => findUnit(this.db, p.fromUnitId)))).filter((u) => u !== undefined);
    const annotations = await annotationsForSummary(
      this.db,
      rounds.map((r) => r.id),
      { within: formatPath(from.path), outside: reportedBelow.map((u) => formatPath(u.path)) },
    );
    const allOpen = rounds.every((r) => r.visibility === 'open');
    const latest = rounds[rounds.length - 1]!;
    const base = await this.baseOf(latest);
    const own = clusterAnnotations(annotations, base.sections, { paragraphStarts: base.paragraphStarts });
    const ownItems = new Map<string, { cluster: Cluster; section: string }>();
    for (const section of own) for (const cluster of section.clusters) ownItems.set(`own/${cluster.id}`, { cluster, section: section.path });
    const childItems = new Map<string, PackageItem>();
    for (const p of childPackages) for (const item of p.items as PackageItem[]) childItems.set(`${p.id}/${item.id}`, item);

    const matched = matchAcrossUnits(
      [
        { unitId: from.id, items: [...ownItems].map(([id, { cluster, section }]) => ({ id, section, kind: cluster.kind, count: cluster.count, representative: cluster.representative })) },
        ...childPackages.map((p) => ({
          unitId: p.fromUnitId,
          items: (p.items as PackageItem[]).map((item): ClusterLike => ({ id: `${p.id}/${item.id}`, section: item.section, kind: item.kind, count: item.count, representative: item.representative })),
        })),
      ],
      { sections: base.sections.map((s) => s.path) },
    );
    return matched.map((m) => {
      const decisions = emptyDecisions();
      const annotationIds = new Set<string>();
      const unitIds = new Set<string>();
      const authorIds = new Set<string>();
      const sources: string[] = [];
      for (const source of m.sourceItemIds) {
        const mine = ownItems.get(source);
        if (mine) {
          mine.cluster.annotationIds.forEach((id) => annotationIds.add(id));
          for (const [k, v] of Object.entries(mine.cluster.decisions)) decisions[k as keyof DecisionCounts] += v;
          mine.cluster.authorIds.forEach((id) => authorIds.add(id));
          unitIds.add(from.id);
        } else {
          const carried = childItems.get(source)!;
          carried.annotationIds.forEach((id) => annotationIds.add(id));
          carried.unitIds.forEach((id) => unitIds.add(id));
          carried.authorIds?.forEach((id) => authorIds.add(id));
          sources.push(source);
        }
      }
      const ids = [...annotationIds].sort();
      return {
        id: createHash('sha256').update(m.sourceItemIds.join('\n')).digest('hex').slice(0, 16),
        section: m.section,
        kind: m.kind,
        count: m.count,
        representative: m.representative,
        unitIds: [...unitIds].sort(),
        annotationIds: ids,
        decisions,
        sources: sources.sort(),
        ...(allOpen ? { authorIds: [...authorIds].sort() } : {}),
      };
    });
  }

  /** Sections and paragraph starts of a round's base version (the coordinates of its anchors). */
  private async baseOf(round: RoundRecord): Promise<{ sections: Section[]; paragraphStarts: number[] }> {
    const version = await findVersionContent<Section>(this.db, round.documentId, round.baseVersion);
    if (!version) throw notFound(`version ${round.baseVersion}`);
    const paragraphStarts = [0];
    for (let i = version.text.indexOf('\n'); i >= 0 && i + 1 < version.text.length; i = version.text.indexOf('\n', i + 1)) paragraphStarts.push(i + 1);
    return { sections: version.sections, paragraphStarts };
  }
}

/** Merges received packages: items matched across the sending units. */
function mergePackages(received: PackageRecord[]) {
  const items = new Map<string, PackageItem>();
  for (const p of received) for (const item of p.items as PackageItem[]) items.set(`${p.id}/${item.id}`, item);
  const matched = matchAcrossUnits(
    received.map((p) => ({
      unitId: p.fromUnitId,
      items: (p.items as PackageItem[]).map((item) => ({ id: `${p.id}/${item.id}`, section: item.section, kind: item.kind, count: item.count, representative: item.representative })),
    })),
    {},
  );
  return matched.map((m) => ({
    ...m,
    annotationIds: [...new Set(m.sourceItemIds.flatMap((s) => items.get(s)!.annotationIds))].sort(),
  }));
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
  };
}

