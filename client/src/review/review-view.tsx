/**
 * The merged comments of a round, read section by section (summary-sections.ts): the index lists
 * the sections with their counts; a section opens on demand (all of them at once in a small
 * round) and shows passage by passage ("17 ý kiến về đoạn này") its points (point-card.tsx).
 * Reviewers select two or more points of a section and merge them, split annotations out with
 * the button or by dragging one out of its point or onto another point (drag-annotation.tsx),
 * see who merged or split what and undo it (`/rounds/:id/clusters/…`), and decide a whole point
 * at once. Exports as Markdown or DOCX.
 */
import { useEffect, useState } from 'preact/hooks';
import type { ClusterEdit } from '@schemas/aggregation';
import type { Annotation } from '@schemas/annotations';
import type { DocumentInfo } from '@schemas/documents';
import type { Round } from '@schemas/rounds';
import type { Unit } from '@schemas/directory';
import { ApiError } from '../api/http';
import type { OnDocumentEvent } from '../api/events';
import { ErrorText, Link, Loading, saveBlob, useAction } from '../ui/components';
import { formatDate, lang, t } from '../ui/i18n';
import { api } from '../ui/session';
import { useSignal } from '../ui/signal';
import { isSearching, noSearch, SearchForm, SearchResults } from './annotation-search';
import { dragging, dropOver, SplitTarget, type DropTarget } from './drag-annotation';
import { PointCard } from './point-card';
import { sectionOf, type SectionState, type SummarySection } from './summary-events';
import { useSectionedSummary } from './summary-sections';

/** A route the server does not have yet answers 404 "no route …" (not a hidden resource). */
export function isMissingRoute(error: unknown): boolean {
  return error instanceof ApiError && error.status === 404 && /^no route/.test(error.problem.detail ?? '');
}

/** The selection key of the summary's document part (no section path is this). */
const wholeDraft = '\u0000document';
/** Where the annotations of a part of the view are stored: the comments on the whole draft under "". */
const storedIn = (key: string) => (key === wholeDraft ? '' : key);

type Cluster = SummarySection['clusters'][number];

export function ReviewView(props: { document: DocumentInfo; rounds: Round[]; eventTick: number; onEvent: OnDocumentEvent }) {
  const { rounds } = props;
  const [roundId, setRoundId] = useState<string>(rounds.find((r) => r.status === 'open')?.id ?? rounds[rounds.length - 1]?.id ?? '');
  const summary = useSectionedSummary(roundId, props.onEvent);
  const { index, sections } = summary;
  /** Points selected for merging: all in one section (selecting in another starts again there). */
  const [selection, setSelection] = useState<{ section: string; points: Map<string, string[]> }>({ section: '', points: new Map() });
  const [error, setError] = useState<unknown>(null);
  const [search, setSearch] = useState(noSearch);
  const [units, setUnits] = useState<Unit[]>([]);
  const [moved, setMoved] = useState('');
  const drag = useSignal(dragging);
  const over = useSignal(dropOver);
  const round = rounds.find((r) => r.id === roundId);

  /** After an edit in a part of the view: that part, the counts and the list of edits. */
  const changed = (key: string) => summary.refresh({ sections: [storedIn(key)], index: true, edits: true });
  const merge = useAction(() => {
    const key = selection.section;
    setSelection({ section: '', points: new Map() });
    changed(key);
  });
  const move = useAction(() => undefined);

  // The author-unit filter offers the document's unit and the units directly below it.
  useEffect(() => {
    Promise.all([api.unit(props.document.unitId), api.children(props.document.unitId)])
      .then(([own, children]) => setUnits([own, ...children]))
      .catch(() => setUnits([]));
  }, [props.document.unitId]);

  // The passage filter lists the chosen section's passages: read it if it is not yet.
  useEffect(() => {
    if (search.section && index?.sections.some((s) => s.path === search.section)) summary.ensure(search.section);
  }, [search.section, index]);

  // Keep only selected points that still exist as they were.
  useEffect(() => {
    setSelection((current) => {
      if (current.points.size === 0) return current;
      const clusters = current.section === wholeDraft ? (index?.document.clusters ?? []) : (sections.get(current.section)?.section?.clusters ?? []);
      const now = new Map(clusters.map((c) => [c.id, c.annotationIds.join()]));
      const kept = new Map([...current.points].filter(([id, ids]) => now.get(id) === ids.join()));
      return kept.size === current.points.size ? current : { section: current.section, points: kept };
    });
  }, [index, sections]);

  const download = async (format: 'md' | 'docx') => {
    try {
      const { blob, filename } = await api.export('summary', roundId, format, lang.get());
      saveBlob(blob, filename ?? `round-${round?.number ?? ''}-summary.${format}`);
    } catch (failure) {
      setError(failure);
    }
  };

  const select = (section: string, clusterId: string, annotationIds: string[], selected: boolean) =>
    setSelection((current) => {
      const points = new Map(current.section === section ? current.points : []);
      if (selected) points.set(clusterId, annotationIds);
      else points.delete(clusterId);
      return { section, points };
    });

  /**
   * An annotation dropped out of its point: split out alone, or moved onto another point (a split,
   * then a merge with that point: the API's two edits, each in the history and undone on its own).
   */
  const dropAnnotation = (key: string, clusters: Cluster[], annotationId: string, target: DropTarget) => {
    const from = clusters.find((c) => c.annotationIds.includes(annotationId));
    const to = target.kind === 'point' ? clusters.find((c) => c.id === target.clusterId) : undefined;
    if (!from || (target.kind === 'point' && !to)) return;
    setMoved('');
    void move.run(async () => {
      try {
        if (from.count > 1) await api.editClusters(roundId, 'split', [annotationId]);
        if (to) await api.editClusters(roundId, 'merge', [annotationId, to.annotationIds[0]!]);
        setMoved(t(to ? 'movedToPoint' : 'movedOut'));
      } finally {
        changed(key);
      }
    });
  };

  /** One point card of the part `key` of the view (a section's path, or the whole draft's). */
  const card = (key: string, cluster: Cluster, clusters: Cluster[], annotations: Map<string, Annotation>) => (
    <PointCard
      key={cluster.id}
      roundId={roundId}
      cluster={cluster}
      annotations={annotations}
      selected={selection.section === key && selection.points.has(cluster.id)}
      onSelect={(selected) => select(key, cluster.id, cluster.annotationIds, selected)}
      onChanged={() => changed(key)}
      section={key}
      drop={drag && drag.section === key && drag.clusterId !== cluster.id ? (over === cluster.id ? 'over' : 'target') : undefined}
      canDrag={clusters.length > 1 || cluster.count > 1}
      onDropAnnotation={(annotationId, target) => dropAnnotation(key, clusters, annotationId, target)}
    />
  );

  const failure = error ?? summary.error;
  if (rounds.length === 0) return <p class="muted">{t('noRounds')}</p>;
  const shown = index?.sections.filter((s) => s.annotations > 0) ?? [];
  const searchSection = search.section ? sections.get(search.section)?.section : undefined;
  const allAnnotations = new Map([...sections.values()].flatMap((s) => [...s.annotations]));
  return (
    <section class="stack">
      <SplitTarget drag={drag} over={over} />
      <div class="row wrap spread">
        <h2>{t('reviewTitle', { n: round?.number ?? '' })}</h2>
        <label>
          {t('chooseRound')}{' '}
          <select value={roundId} onChange={(e) => setRoundId(e.currentTarget.value)}>
            {rounds.map((r) => <option key={r.id} value={r.id}>{t('roundN', { n: r.number })}</option>)}
          </select>
        </label>
      </div>
      <div class="row wrap">
        <button type="button" onClick={() => void download('md')}>{t('downloadMd')}</button>
        <button type="button" onClick={() => void download('docx')}>{t('downloadDocx')}</button>
      </div>
      {failure ? isMissingRoute(failure) ? <p class="muted">{t('notAvailable')}</p> : <ErrorText error={failure} /> : null}
      {failure instanceof ApiError && failure.code === 'forbidden' && (
        // A secretary of a unit below: the round's summary is the drafting unit's; theirs is the package.
        <p class="muted">
          {t('reviewNotYours')} <Link href={`/d/${props.document.id}/feedback`}>{t('tabSendUp')}</Link>
        </p>
      )}
      {!index && !failure && <Loading />}
      <SearchForm query={search} onChange={setSearch} sections={index?.sections ?? []} passages={searchSection?.passages ?? []} units={units} />
      {isSearching(search) && <SearchResults documentId={props.document.id} query={{ ...search, roundId }} eventTick={props.eventTick} section={searchSection ?? null} />}
      {index && !isSearching(search) && (
        <>
          <p class="muted">{t('participation', { invited: index.participation.invited, commented: index.participation.commented, annotations: index.participation.annotations })}</p>
          {index.participation.groups.length > 0 && (
            <p class="muted">{t('groupsNote', { names: index.participation.groups.map((g) => t('groupOf', { name: g.name, size: g.size })).join(', ') })}</p>
          )}
          {shown.length === 0 && index.document.clusters.length === 0 && <p class="muted">{t('noClusters')}</p>}
          {(move.error || moved) && (
            <div role="status" class="moved-status">
              {moved && <p class="muted">{moved}</p>}
              <ErrorText error={move.error} />
            </div>
          )}
          {index.document.clusters.length > 0 && (
            <section class="review-section">
              <h3>{t('scope_document')}</h3>
              <ul class="clusters">
                {index.document.clusters.map((cluster) => card(wholeDraft, cluster, index.document.clusters, sections.get('')?.annotations ?? new Map()))}
              </ul>
            </section>
          )}
          {shown.map((counts) => {
            const opened = summary.open.has(counts.path);
            const title = counts.title || counts.path || t('preamble');
            const panelId = `section-${encodeURIComponent(counts.path) || 'preamble'}`;
            return (
              <section key={counts.path} class="review-section" data-section-path={counts.path}>
                <h3 class="section-toggle">
                  <button type="button" aria-expanded={opened} aria-controls={panelId} onClick={() => summary.toggle(counts.path, !opened)}>
                    <span class="chevron" aria-hidden="true">{opened ? '▾' : '▸'}</span> {title}
                  </button>
                </h3>
                <p class="muted section-counts">
                  {t('sectionCounts', { annotations: counts.annotations, points: counts.points, passages: counts.passages })}
                  {counts.decisions.undecided > 0 && <> · {t('sectionUndecided', { n: counts.decisions.undecided })}</>}
                </p>
                {opened && (
                  <div id={panelId}>
                    <SectionBody state={sections.get(counts.path)} card={(cluster, clusters, annotations) => card(counts.path, cluster, clusters, annotations)} />
                  </div>
                )}
              </section>
            );
          })}
          <EditHistory roundId={roundId} edits={summary.edits} annotations={allAnnotations} onChanged={(edit) => summary.refresh({ index: true, edits: true, sections: edit.annotationIds.map((id) => sectionOf(sections, id) ?? '') })} />
          {selection.points.size > 0 && (
            <div class="merge-bar" role="region" aria-label={t('mergePoints')}>
              <span>
                {t('mergeHint', { n: selection.points.size })}
                {selection.points.size < 2 && <> {t('mergeNeedsTwo')}</>}
              </span>
              <button
                type="button"
                class="primary"
                disabled={merge.busy || selection.points.size < 2}
                onClick={() => void merge.run(() => api.editClusters(roundId, 'merge', [...selection.points.values()].flat()))}
              >
                {t('mergePoints')}
              </button>
              <ErrorText error={merge.error} />
            </div>
          )}
        </>
      )}
    </section>
  );
}

/** An open section: its passages, each with its points, then the points on the whole section. */
function SectionBody(props: { state: SectionState | undefined; card: (cluster: Cluster, clusters: Cluster[], annotations: Map<string, Annotation>) => preact.JSX.Element }) {
  const { state } = props;
  if (state?.error) return <ErrorText error={state.error} />;
  const section = state?.section;
  if (!section) return <p class="muted" role="status">{t('sectionLoading')}</p>;
  const byId = new Map(section.clusters.map((c) => [c.id, c]));
  const general = section.clusters.filter((c) => c.scope === 'section');
  return (
    <>
      {section.passages.map((passage) => (
        <section key={`${passage.start}-${passage.end}`} class="passage" aria-label={t('passageCount', { count: passage.count })}>
          <p class="passage-head"><strong>{t('passageCount', { count: passage.count })}</strong></p>
          {passage.quote && <blockquote class="quote">{passage.quote}</blockquote>}
          <ul class="clusters">
            {passage.clusterIds.map((id) => {
              const cluster = byId.get(id);
              return cluster ? props.card(cluster, section.clusters, state.annotations) : null;
            })}
          </ul>
        </section>
      ))}
      {general.length > 0 && (
        // General comments on the whole section belong to no passage.
        <section class="passage" aria-label={t('scope_section')}>
          <p class="passage-head"><strong>{t('scope_section')}</strong></p>
          <ul class="clusters">{general.map((cluster) => props.card(cluster, section.clusters, state.annotations))}</ul>
        </section>
      )}
    </>
  );
}

/** Who merged or split what, when, with "undo" on each (later edits win, so any may be undone). */
function EditHistory(props: { roundId: string; edits: ClusterEdit[]; annotations: Map<string, Annotation>; onChanged: (edit: ClusterEdit) => void }) {
  const [undone, setUndone] = useState<ClusterEdit | null>(null);
  const undo = useAction(() => undone && props.onChanged(undone));
  return (
    <section class="cluster-edits stack">
      <h3>{t('clusterEditsTitle')}</h3>
      {props.edits.length === 0 && <p class="muted">{t('noClusterEdits')}</p>}
      <ErrorText error={undo.error} />
      <ul class="edits">
        {[...props.edits].reverse().map((edit) => {
          const first = edit.annotationIds.map((id) => props.annotations.get(id)).find(Boolean);
          return (
            <li key={edit.id} class="card row spread wrap" data-edit-id={edit.id}>
              <span>
                {t(edit.kind === 'merge' ? 'editMerge' : 'editSplit', { name: edit.by.name, n: edit.annotationIds.length })}
                {first && <span class="muted"> — “{first.replacement ?? first.body}”</span>}{' '}
                <time class="muted" dateTime={edit.at}>{formatDate(edit.at)}</time>
              </span>
              <button type="button" disabled={undo.busy} onClick={() => void undo.run(() => (setUndone(edit), api.undoClusterEdit(props.roundId, edit.id)))}>
                {t('undoEdit')}
              </button>
            </li>
          );
        })}
      </ul>
    </section>
  );
}
