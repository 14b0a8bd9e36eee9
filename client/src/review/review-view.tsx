/**
 * The merged comments of a round (`GET /rounds/:id/summary`), section by section: each cluster
 * with its count, kind, representative text and decision tally; opening it lists its annotations
 * with the decision form (and apply for accepted suggestions). Exports as Markdown or DOCX.
 */
import { useEffect, useState } from 'preact/hooks';
import type { Annotation, Cluster, DocumentInfo, Round, RoundSummary } from '../api/types';
import { ApiError } from '../api/http';
import { AnnotationCard } from '../annotations/annotation-card';
import { ErrorText, Loading, saveBlob } from '../ui/components';
import { lang, t, tk } from '../ui/i18n';
import { api, me } from '../ui/session';

/** A route the server does not have yet answers 404 "no route …" (not a hidden resource). */
export function isMissingRoute(error: unknown): boolean {
  return error instanceof ApiError && error.status === 404 && /^no route/.test(error.problem.detail ?? '');
}

export function ReviewView(props: { document: DocumentInfo; rounds: Round[]; eventTick: number }) {
  const { document: doc, rounds } = props;
  const [roundId, setRoundId] = useState<string>(rounds.find((r) => r.status === 'open')?.id ?? rounds[rounds.length - 1]?.id ?? '');
  const [summary, setSummary] = useState<RoundSummary | null>(null);
  const [annotations, setAnnotations] = useState<Map<string, Annotation>>(new Map());
  const [error, setError] = useState<unknown>(null);
  const [tick, setTick] = useState(0);
  const round = rounds.find((r) => r.id === roundId);

  useEffect(() => {
    if (!roundId) return;
    let cancelled = false;
    setError(null);
    Promise.all([api.summary(roundId), api.roundAnnotations(roundId)])
      .then(([s, list]) => {
        if (cancelled) return;
        setSummary(s);
        setAnnotations(new Map(list.map((a) => [a.id, a])));
      })
      .catch((failure) => !cancelled && setError(failure));
    return () => {
      cancelled = true;
    };
  }, [roundId, props.eventTick, tick]);

  const download = async (format: 'md' | 'docx') => {
    try {
      const { blob, filename } = await api.export('summary', roundId, format, lang.get());
      saveBlob(blob, filename ?? `round-${round?.number ?? ''}-summary.${format}`);
    } catch (failure) {
      setError(failure);
    }
  };

  if (rounds.length === 0) return <p class="muted">{t('noRounds')}</p>;
  return (
    <section class="stack">
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
      {error ? isMissingRoute(error) ? <p class="muted">{t('notAvailable')}</p> : <ErrorText error={error} /> : null}
      {!summary && !error && <Loading />}
      {summary && (
        <>
          <p class="muted">{t('participation', { invited: summary.participation.invited, commented: summary.participation.commented, annotations: summary.participation.annotations })}</p>
          {summary.sections.every((s) => s.clusters.length === 0) && <p class="muted">{t('noClusters')}</p>}
          {summary.sections
            .filter((s) => s.clusters.length > 0)
            .map((section) => (
              <section key={section.path} class="review-section">
                <h3>{section.title || section.path || t('preamble')}</h3>
                <ul class="clusters">
                  {section.clusters.map((cluster) => (
                    <ClusterItem key={cluster.id} cluster={cluster} annotations={annotations} onChanged={() => setTick((n) => n + 1)} />
                  ))}
                </ul>
              </section>
            ))}
        </>
      )}
    </section>
  );
}

function ClusterItem(props: { cluster: Cluster; annotations: Map<string, Annotation>; onChanged: () => void }) {
  const { cluster } = props;
  const mine = me.get()?.member.id;
  const quote = cluster.annotationIds.map((id) => props.annotations.get(id)?.anchor.quote.exact).find(Boolean);
  const tally = (['accepted', 'partially_accepted', 'rejected', 'noted', 'undecided'] as const).filter((d) => (cluster.decisions[d] ?? 0) > 0);
  return (
    <li class={`card cluster kind-${cluster.kind}`}>
      <div class="row spread wrap">
        <span>
          <span class={`pill kind-pill kind-${cluster.kind}`}>{tk(`kind_${cluster.kind}`)}</span>{' '}
          <strong>{t('cluster', { count: cluster.count })}</strong>
        </span>
        <span class="muted">{tally.map((d) => `${tk(`decision_${d}`)}: ${cluster.decisions[d]}`).join(' · ')}</span>
      </div>
      {quote && <blockquote class="quote">{quote}</blockquote>}
      {cluster.representative.replacement && <p class="replacement">→ {cluster.representative.replacement}</p>}
      {cluster.representative.body && <p>{cluster.representative.body}</p>}
      <details>
        <summary>{t('decideEach')}</summary>
        <ul class="annotations">
          {cluster.annotationIds.map((id) => {
            const annotation = props.annotations.get(id);
            return annotation ? (
              <AnnotationCard key={id} annotation={annotation} mine={annotation.authorId === mine} canEdit={false} canReview onChanged={props.onChanged} />
            ) : null;
          })}
        </ul>
      </details>
    </li>
  );
}
