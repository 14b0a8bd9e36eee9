/**
 * One point of a round's summary (a cluster): kind, count, the wording most members used and the
 * decision tally; a box to select it for merging; a form deciding the whole point at once
 * (`PUT /rounds/:id/clusters/:clusterId/disposition`, no decision chosen in advance); and its
 * annotations, each with "split out" (`POST /rounds/:id/clusters/split`), a handle to drag it out
 * or onto another point (drag-annotation.tsx), and its own decision. The card is a drop target for
 * annotations dragged from the other points of its section.
 */
import { useState } from 'preact/hooks';
import type { Cluster } from '@schemas/aggregation';
import type { Annotation } from '@schemas/annotations';
import { decisions, decisionTallies, textMax, type Decision } from '@domain/vocabulary';
import { AnnotationCard } from '../annotations/annotation-card';
import { ErrorText, useAction } from '../ui/components';
import { t } from '../ui/i18n';
import { api, me } from '../ui/session';
import { DragHandle, type DropTarget } from './drag-annotation';
import { ReasonField } from '../ui/reason-field';

export function PointCard(props: {
  roundId: string;
  cluster: Cluster;
  annotations: Map<string, Annotation>;
  selected: boolean;
  onSelect: (selected: boolean) => void;
  onChanged: () => void;
  /** The key of its section in the view (drop targets take annotations of the same key only). */
  section: string;
  /** While an annotation of another point of the section is dragged: 'target', or 'over' when above it. */
  drop?: 'target' | 'over' | undefined;
  /** Dragging is offered (the section has another point, or this one has more than one annotation). */
  canDrag: boolean;
  onDropAnnotation: (annotationId: string, target: DropTarget) => void;
}) {
  const { cluster } = props;
  const mine = me.get()?.member.id;
  const tally = decisionTallies.filter((d) => cluster.decisions[d] > 0);
  const split = useAction(props.onChanged);
  // Where the point came from when staff recorded some of it (on paper, in a discussion group).
  const provenance = [
    cluster.recorded > 0 ? t('clusterRecorded', { n: cluster.recorded }) : '',
    cluster.groups.length > 0 ? t('groupsNote', { names: cluster.groups.join(', ') }) : '',
  ].filter(Boolean);
  return (
    <li
      class={`card cluster kind-${cluster.kind}${props.selected ? ' selected' : ''}${props.drop ? ` drop-${props.drop}` : ''}`}
      data-cluster-id={cluster.id}
      data-section={props.section}
      data-drop="point"
    >
      {props.drop && <p class="drop-note" aria-hidden="true">{t('dropOnPoint')}</p>}
      <div class="row spread wrap">
        <span>
          <span class={`pill kind-pill kind-${cluster.kind}`}>{t(`kind_${cluster.kind}`)}</span>{' '}
          <strong>{t('cluster', { count: cluster.count })}</strong>
        </span>
        <label class="select-point">
          {/* The point's wording in the name, so a screen reader tells the boxes apart. */}
          <input
            type="checkbox"
            aria-label={`${t('selectPoint')}: ${(cluster.representative.replacement ?? cluster.representative.body).slice(0, 80)}`}
            checked={props.selected}
            onChange={(e) => props.onSelect(e.currentTarget.checked)}
          />{' '}
          <span aria-hidden="true">{t('selectPoint')}</span>
        </label>
      </div>
      {tally.length > 0 && <p class="muted">{tally.map((d) => `${t(`decision_${d}`)}: ${cluster.decisions[d]}`).join(' · ')}</p>}
      {provenance.length > 0 && <p class="muted recorded">{provenance.join(' · ')}</p>}
      {cluster.representative.replacement && <p class="replacement">→ {cluster.representative.replacement}</p>}
      {cluster.representative.body && <p class="representative">{cluster.representative.body}</p>}
      <PointDecisionForm roundId={props.roundId} cluster={cluster} onChanged={props.onChanged} />
      <details>
        <summary>{t('decideEach')}</summary>
        <ErrorText error={split.error} />
        <ul class="annotations">
          {cluster.annotationIds.map((id) => {
            const annotation = props.annotations.get(id);
            return annotation ? (
              <AnnotationCard
                key={id}
                annotation={annotation}
                mine={annotation.authorId === mine}
                canEdit={false}
                canReview
                onChanged={props.onChanged}
                actions={
                  (props.canDrag || cluster.count > 1) && (
                  <>
                    {props.canDrag && (
                      <DragHandle
                        drag={{ annotationId: id, clusterId: cluster.id, section: props.section, alone: cluster.count === 1 }}
                        label={(annotation.replacement ?? annotation.body).slice(0, 60)}
                        disabled={split.busy}
                        onDrop={(target) => props.onDropAnnotation(id, target)}
                      />
                    )}
                    {cluster.count > 1 && (
                      <button type="button" disabled={split.busy} onClick={() => void split.run(() => api.editClusters(props.roundId, 'split', [id]))}>
                        {t('splitOut')}
                      </button>
                    )}
                  </>
                  )
                }
              />
            ) : null;
          })}
        </ul>
      </details>
    </li>
  );
}

/** One decision (and its reason) for every annotation of the point; nothing is preselected. */
function PointDecisionForm(props: { roundId: string; cluster: Cluster; onChanged: () => void }) {
  const [decision, setDecision] = useState<Decision | ''>('');
  const [note, setNote] = useState('');
  const [done, setDone] = useState<number | null>(null);
  const { busy, error, run } = useAction(props.onChanged);
  return (
    <form
      class="decision-form point-decision"
      onSubmit={(e) => {
        e.preventDefault();
        if (!decision) return;
        void run(async () => setDone((await api.decidePoint(props.roundId, props.cluster.id, decision, note.trim())).decided));
      }}
    >
      <div class="row wrap">
        <label>
          {t('decision')}{' '}
          <select name="point-decision" value={decision} onChange={(e) => setDecision(e.currentTarget.value as Decision)}>
            <option value="" disabled>{t('chooseDecision')}</option>
            {decisions.map((d) => (
              <option key={d} value={d}>{t(`decision_${d}`)}</option>
            ))}
          </select>
        </label>
        <label class="grow">
          {t('reason')} <ReasonField name="point-note" decision={decision} maxLength={textMax.decisionNote} value={note} onInput={setNote} />
        </label>
        <button type="submit" disabled={busy || !decision}>{props.cluster.count > 1 ? t('decidePoint', { n: props.cluster.count }) : t('decidePointOne')}</button>
      </div>
      {done !== null && <p class="muted" role="status">{t('pointDecided', { n: done })}</p>}
      <ErrorText error={error} />
    </form>
  );
}
