/**
 * Consolidated feedback. A secretary of a unit below submits the unit's package for this document
 * (`POST /documents/:id/packages`); the document's own unit reads every package received, merged
 * (`GET /documents/:id/feedback`), and downloads it as DOCX or Markdown.
 */
import { useEffect, useState } from 'preact/hooks';
import type { DocumentInfo, Feedback, FeedbackPackage, Round, Unit } from '../api/types';
import { ErrorText, Loading, saveBlob } from '../ui/components';
import { formatDate, lang, t, tk } from '../ui/i18n';
import { api, me, roleOn } from '../ui/session';
import { isMissingRoute } from './review-view';

export function FeedbackView(props: { document: DocumentInfo; rounds: Round[]; eventTick: number }) {
  const { document: doc } = props;
  const ownUnit = roleOn(doc.unitId) === 'secretary';
  const fromUnits = (me.get()?.memberships ?? []).filter((m) => m.role === 'secretary' && m.unitId !== doc.unitId).map((m) => m.unitId);
  return (
    <section class="stack">
      {fromUnits.length > 0 && <SubmitPackage document={doc} rounds={props.rounds} fromUnits={fromUnits} />}
      {ownUnit && <MergedFeedback document={doc} eventTick={props.eventTick} />}
    </section>
  );
}

function SubmitPackage(props: { document: DocumentInfo; rounds: Round[]; fromUnits: string[] }) {
  const [units, setUnits] = useState<Unit[]>([]);
  const [fromUnitId, setFrom] = useState(props.fromUnits[0] ?? '');
  const [roundIds, setRoundIds] = useState<string[]>([]);
  const [note, setNote] = useState('');
  const [result, setResult] = useState<FeedbackPackage | null>(null);
  const [error, setError] = useState<unknown>(null);
  useEffect(() => {
    Promise.all(props.fromUnits.map((id) => api.unit(id))).then(setUnits).catch(() => undefined);
  }, [props.fromUnits.join()]);
  const scoped = props.rounds.filter((r) => r.scopeUnitId === fromUnitId || props.rounds.length <= 3);
  return (
    <form
      class="card stack"
      onSubmit={async (e) => {
        e.preventDefault();
        setError(null);
        try {
          setResult(await api.submitPackage(props.document.id, { fromUnitId, roundIds, ...(note.trim() ? { note: note.trim() } : {}) }));
        } catch (failure) {
          setError(failure);
        }
      }}
    >
      <h2>{t('packagesTitle')}</h2>
      <label>
        {t('scope')}
        <select value={fromUnitId} onChange={(e) => setFrom(e.currentTarget.value)}>
          {props.fromUnits.map((id) => <option key={id} value={id}>{units.find((u) => u.id === id)?.name ?? id}</option>)}
        </select>
      </label>
      <fieldset>
        <legend>{t('packageRounds')}</legend>
        {scoped.map((r) => (
          <label class="inline" key={r.id}>
            <input
              type="checkbox"
              checked={roundIds.includes(r.id)}
              onChange={(e) => setRoundIds(e.currentTarget.checked ? [...roundIds, r.id] : roundIds.filter((id) => id !== r.id))}
            />{' '}
            {t('roundN', { n: r.number })}
          </label>
        ))}
      </fieldset>
      <label>
        {t('packageNote')}
        <textarea rows={2} value={note} onInput={(e) => setNote(e.currentTarget.value)} />
      </label>
      <button type="submit" class="primary" disabled={roundIds.length === 0}>{t('submitPackage')}</button>
      {result && <p role="status">{t('packageSubmitted', { date: formatDate(result.submittedAt), hash: result.contentHash.slice(0, 12) })}</p>}
      {error ? isMissingRoute(error) ? <p class="muted">{t('notAvailable')}</p> : <ErrorText error={error} /> : null}
    </form>
  );
}

function MergedFeedback(props: { document: DocumentInfo; eventTick: number }) {
  const [feedback, setFeedback] = useState<Feedback | null>(null);
  const [packages, setPackages] = useState<FeedbackPackage[]>([]);
  const [units, setUnits] = useState<Map<string, string>>(new Map());
  const [error, setError] = useState<unknown>(null);
  useEffect(() => {
    setError(null);
    Promise.all([api.feedback(props.document.id), api.packages(props.document.id)])
      .then(async ([f, p]) => {
        setFeedback(f);
        setPackages(p);
        const ids = [...new Set(p.map((x) => x.fromUnitId))];
        const named = await Promise.all(ids.map((id) => api.unit(id).then((u) => [id, u.name] as const).catch(() => [id, id] as const)));
        setUnits(new Map(named));
      })
      .catch(setError);
  }, [props.document.id, props.eventTick]);

  const download = async (format: 'md' | 'docx') => {
    try {
      const { blob, filename } = await api.export('feedback', props.document.id, format, lang.get());
      saveBlob(blob, filename ?? `feedback.${format}`);
    } catch (failure) {
      setError(failure);
    }
  };

  return (
    <div class="stack">
      <h2>{t('feedbackTitle')}</h2>
      <div class="row wrap">
        <button type="button" onClick={() => void download('md')}>{t('downloadMd')}</button>
        <button type="button" onClick={() => void download('docx')}>{t('downloadDocx')}</button>
      </div>
      {error ? isMissingRoute(error) ? <p class="muted">{t('notAvailable')}</p> : <ErrorText error={error} /> : null}
      {!feedback && !error && <Loading />}
      {feedback && feedback.units.length > 0 && (
        <>
          <h3>{t('packagesReceived')}</h3>
          <ul>
            {feedback.units.map((u) => {
              const received = packages.find((p) => p.id === u.packageId);
              return (
                <li key={u.unitId}>
                  {u.name || units.get(u.unitId) || u.unitId} —{' '}
                  {u.submittedAt ? formatDate(u.submittedAt) : <span class="muted">{t('notSent')}</span>}
                  {received && <code class="muted"> {received.contentHash.slice(0, 12)}</code>}
                </li>
              );
            })}
          </ul>
        </>
      )}
      {feedback && feedback.items.length === 0 && <p class="muted">{t('noFeedback')}</p>}
      {feedback && feedback.items.length > 0 && (
        <ul class="clusters">
          {feedback.items.map((item, i) => (
            <li key={i} class={`card cluster kind-${item.kind ?? 'comment'}`}>
              <div class="row spread wrap">
                <span>{item.kind && <span class={`pill kind-pill kind-${item.kind}`}>{tk(`kind_${item.kind}`)}</span>} {item.section ?? item.path ?? ''}</span>
                <strong>{t('raisedBy', { units: item.unitCount, count: item.count })}</strong>
              </div>
              {(item.representative?.body ?? item.body) && <p>{item.representative?.body ?? item.body}</p>}
              {item.representative?.replacement && <p class="replacement">→ {item.representative.replacement}</p>}
            </li>
          ))}
        </ul>
      )}
    </div>
  );
}
