/**
 * Search and filters over a round's annotations for reviewers (API.md
 * `GET /documents/:id/annotations/search`): words (accent- and typo-tolerant, ranked by the
 * server), kind, decision, section, a passage of that section (everything said about one
 * stretch of text, from the round summary's passages) and the author's unit. While any is set, the
 * matches replace the merged clusters; each match has the decision form.
 */
import { useEffect, useState } from 'preact/hooks';
import { annotationKinds, decisionTallies } from '@domain/vocabulary';
import type { FoundAnnotation } from '@schemas/annotations';
import type { RoundSummary, SummaryIndex } from '@schemas/aggregation';
import type { Unit } from '@schemas/directory';
import type { AnnotationSearch } from '../api/api';
import { AnnotationCard } from '../annotations/annotation-card';
import { ErrorText, Loading } from '../ui/components';
import { t } from '../ui/i18n';
import { api, me } from '../ui/session';

export const noSearch: AnnotationSearch = { q: '', kind: '', decision: '', section: '', roundId: '', unitId: '', passage: '' };

type Section = RoundSummary['sections'][number];
type Passage = Section['passages'][number];

const passageKey = (p: Passage) => `${p.start}-${p.end}`;

/** The annotation ids of a section's passage, or null when no passage is chosen (or it is gone). */
function passageAnnotations(section: Section | null, query: AnnotationSearch): Set<string> | null {
  if (!query.passage || !section || section.path !== query.section) return null;
  const passage = section.passages.find((p) => passageKey(p) === query.passage);
  if (!section || !passage) return null;
  const ids = new Set<string>();
  for (const cluster of section.clusters) if (passage.clusterIds.includes(cluster.id)) cluster.annotationIds.forEach((id) => ids.add(id));
  return ids;
}

/** True while the reviewer searches or filters (the view then lists matches instead of clusters). */
export function isSearching(query: AnnotationSearch): boolean {
  return Boolean(query.q.trim() || query.kind || query.decision || query.section || query.unitId || query.passage);
}

/** `sections`: the summary's index; `passages`: those of the chosen section, once it is read. */
export function SearchForm(props: { query: AnnotationSearch; onChange: (query: AnnotationSearch) => void; sections: SummaryIndex['sections']; passages: Passage[]; units: Unit[] }) {
  const { query, sections, passages } = props;
  const set = (patch: Partial<AnnotationSearch>) => props.onChange({ ...query, ...patch });
  return (
    <form class="search-form card" role="search" aria-label={t('searchTitle')} onSubmit={(e) => e.preventDefault()}>
      <label class="search-words">
        {t('searchWords')}
        <input type="search" name="q" value={query.q} maxLength={200} placeholder={t('searchPlaceholder')} onInput={(e) => set({ q: e.currentTarget.value })} />
      </label>
      <div class="filters">
        <label>
          {t('kind')}
          <select name="kind" value={query.kind} onChange={(e) => set({ kind: e.currentTarget.value })}>
            <option value="">{t('all')}</option>
            {annotationKinds.map((k) => <option key={k} value={k}>{t(`kind_${k}`)}</option>)}
          </select>
        </label>
        <label>
          {t('decision')}
          <select name="decision" value={query.decision} onChange={(e) => set({ decision: e.currentTarget.value })}>
            <option value="">{t('all')}</option>
            {decisionTallies.map((d) => <option key={d} value={d}>{t(`decision_${d}`)}</option>)}
          </select>
        </label>
        <label>
          {t('section')}
          <select name="section" value={query.section} onChange={(e) => set({ section: e.currentTarget.value, passage: '' })}>
            <option value="">{t('all')}</option>
            {sections.map((s) => <option key={s.path} value={s.path}>{s.title || s.path || t('preamble')}</option>)}
          </select>
        </label>
        {query.section && passages.length > 0 && (
          <label>
            {t('passage')}
            <select name="passage" value={query.passage} onChange={(e) => set({ passage: e.currentTarget.value })}>
              <option value="">{t('all')}</option>
              {passages.map((p) => (
                <option key={passageKey(p)} value={passageKey(p)}>
                  {`“${p.quote.length > 60 ? `${p.quote.slice(0, 57)}…` : p.quote}” (${t('passageCount', { count: p.count })})`}
                </option>
              ))}
            </select>
          </label>
        )}
        <label>
          {t('authorUnit')}
          <select name="unitId" value={query.unitId} onChange={(e) => set({ unitId: e.currentTarget.value })}>
            <option value="">{t('all')}</option>
            {props.units.map((u) => <option key={u.id} value={u.id}>{u.name}</option>)}
          </select>
        </label>
      </div>
      {isSearching(query) && (
        <button type="button" class="link" onClick={() => props.onChange({ ...noSearch, roundId: query.roundId })}>{t('clearSearch')}</button>
      )}
    </form>
  );
}

/** The matches of a search, best first, as cards with the decision form. */
export function SearchResults(props: { documentId: string; query: AnnotationSearch; eventTick: number; section: Section | null }) {
  const [results, setResults] = useState<FoundAnnotation[] | null>(null);
  const [error, setError] = useState<unknown>(null);
  const [tick, setTick] = useState(0);
  const mine = me.get()?.member.id;
  const { query } = props;
  useEffect(() => {
    let cancelled = false;
    // Typing waits a moment so each keystroke does not cost a request.
    const timer = setTimeout(() => {
      api
        .searchAnnotations(props.documentId, query)
        .then((found) => {
          if (cancelled) return;
          setResults(found);
          setError(null);
        })
        .catch((failure) => !cancelled && setError(failure));
    }, 250);
    return () => {
      cancelled = true;
      clearTimeout(timer);
    };
  }, [props.documentId, query.q, query.kind, query.decision, query.section, query.roundId, query.unitId, props.eventTick, tick]);

  if (error) return <ErrorText error={error} />;
  if (!results) return <Loading />;
  const inPassage = passageAnnotations(props.section, query);
  const shown = inPassage ? results.filter((a) => inPassage.has(a.id)) : results;
  return (
    <section aria-label={t('searchResults')}>
      <p class="muted" role="status">{t('searchCount', { n: shown.length })}</p>
      <ul class="annotations">
        {shown.map((a) => (
          <AnnotationCard key={a.id} annotation={a} mine={a.authorId === mine} canEdit={false} canReview onChanged={() => setTick((n) => n + 1)} />
        ))}
      </ul>
    </section>
  );
}
