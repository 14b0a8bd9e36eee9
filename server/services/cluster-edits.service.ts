/**
 * What a round's reviewers do to its points by hand (API.md "Aggregation"): merge points, split
 * annotations out, undo an edit, and decide a whole point at once. Edits are stored as intentions
 * (cluster_edits) and replayed over the automatic clustering on every read (domain/cluster-edits.ts),
 * so the summary and the packages built from it carry them. Each edit and undo writes a
 * `clusters.edited` event (reviewers only) in the same transaction.
 */
import type { Db } from '../db/connect.js';
import { annotationPlaces, deleteClusterEdit, insertClusterEdit, listClusterEdits, type ClusterEditRecord } from '../db/cluster-edits.repository.js';
import type { DocumentRecord } from '../db/documents.repository.js';
import type { RoundRecord } from '../db/rounds.repository.js';
import { mayReviewRound, type Actor } from '../domain/permissions.js';
import type { Decision } from '../domain/vocabulary.js';
import { forbidden, invalid, notFound } from '../errors.js';
import type { AggregationService } from './aggregation.service.js';
import type { AnnotationsService } from './annotations.service.js';
import type { Clock } from './clock.js';
import type { DocumentEvents } from './document-events.js';
import type { RoundsService } from './rounds.service.js';
import type { ClusterEdit as PublicClusterEdit } from '../http/schemas/aggregation.js';

/** Who made an edit: the caller, with the name others see. */
export type Editor = Actor & { readonly displayName: string };

export class ClusterEditsService {
  constructor(
    private readonly db: Db,
    private readonly rounds: RoundsService,
    private readonly aggregation: AggregationService,
    private readonly annotations: AnnotationsService,
    private readonly events: DocumentEvents,
    private readonly clock: Clock,
  ) {}

  /**
   * Records a merge (`annotationIds` form one point from now on: the points holding them join) or
   * a split (they leave their points and form one of their own). 404 when the round is not the
   * caller's to see; 403 for anyone but its reviewers (drafters and secretaries of the document's
   * unit or of the round's scope unit); 400 `validation_failed` when an id is not an active
   * annotation of this round, when the ids lie in more than one section, or a merge names fewer
   * than two annotations.
   */
  async edit(actor: Editor, roundId: string, kind: 'merge' | 'split', annotationIds: readonly string[]): Promise<PublicClusterEdit> {
    const { round } = await this.reviewable(actor, roundId, 'only the round’s drafters and secretaries merge and split its points');
    const ids = [...new Set(annotationIds)];
    if (kind === 'merge' && ids.length < 2) throw invalid('a merge needs at least two different annotations');
    if (ids.length === 0) throw invalid('a split needs at least one annotation');
    const places = await annotationPlaces(this.db, ids);
    for (const id of ids) {
      // One message for unknown, withdrawn and other rounds' ids: nothing about other rounds leaks.
      if (places.get(id)?.roundId !== round.id) throw invalid(`annotation ${id} is not an annotation of this round`);
    }
    if (new Set(ids.map((id) => places.get(id)!.section)).size > 1) throw invalid(`a ${kind} takes annotations of one section`);
    const at = this.clock.now();
    const edit = await this.events.transaction(this.db, async (tx, writeEvent) => {
      const { id } = await insertClusterEdit(tx, { roundId: round.id, kind, annotationIds: ids, madeBy: actor.memberId, madeAt: at });
      const edit: PublicClusterEdit = { id, kind, annotationIds: ids, by: { id: actor.memberId, name: actor.displayName }, at: at.toISOString() };
      await writeEvent(this.eventOf(round, actor, { action: kind, edit }));
      return edit;
    });
    return edit;
  }

  /** The round's edits in the order they were made (and are applied: later ones win). */
  async list(actor: Actor, roundId: string): Promise<PublicClusterEdit[]> {
    const { round } = await this.reviewable(actor, roundId, 'only the round’s drafters and secretaries see its edits');
    return (await listClusterEdits(this.db, [round.id])).map(toPublic);
  }

  /** Undoes one edit: the points are as if it had never been made. 404 for an unknown edit id. */
  async undo(actor: Editor, roundId: string, editId: string): Promise<void> {
    const { round } = await this.reviewable(actor, roundId, 'only the round’s drafters and secretaries undo its edits');
    await this.events.transaction(this.db, async (tx, writeEvent) => {
      const removed = await deleteClusterEdit(tx, round.id, editId);
      if (!removed) throw notFound('cluster edit');
      await writeEvent(this.eventOf(round, actor, { action: 'undo', editId: removed.id, kind: removed.kind, annotationIds: removed.annotationIds, by: { id: actor.memberId, name: actor.displayName } }));
    });
  }

  /**
   * Records one decision on every annotation of the point `clusterId` (its id in the round's
   * summary now) → how many annotations it holds. The per-annotation rules and events apply
   * (AnnotationsService.decideAll); 404 for a cluster id the summary does not have.
   */
  async decidePoint(actor: Actor, roundId: string, clusterId: string, input: { decision: Decision; note: string }): Promise<{ decided: number }> {
    const { round, document } = await this.reviewable(actor, roundId, 'only drafters and secretaries decide on annotations');
    const summary = await this.aggregation.summary(actor, round.id);
    const point = [...summary.sections.flatMap((s) => s.clusters), ...summary.document.clusters].find((c) => c.id === clusterId);
    if (!point) throw notFound('cluster');
    return { decided: await this.annotations.decideAll(actor, round, document, point.annotationIds, input) };
  }

  private async reviewable(actor: Actor, roundId: string, refusal: string): Promise<{ round: RoundRecord; document: DocumentRecord }> {
    const { round, document } = await this.rounds.visibleRound(actor, roundId);
    if (!mayReviewRound(actor, document, round.scopePath)) throw forbidden(refusal);
    return { round, document };
  }

  /** `clusters.edited`: for the round's reviewers only (audience `staff`, no subject member). */
  private eventOf(round: RoundRecord, actor: Actor, payload: Record<string, unknown>) {
    return { documentId: round.documentId, type: 'clusters.edited' as const, payload: { roundId: round.id, ...payload }, audience: 'staff' as const, roundId: round.id, actorId: actor.memberId };
  }
}

function toPublic(r: ClusterEditRecord): PublicClusterEdit {
  return { id: r.id, kind: r.kind, annotationIds: r.annotationIds, by: r.madeBy, at: r.madeAt.toISOString() };
}
