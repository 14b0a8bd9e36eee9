/**
 * Versions: the list, naming the current draft as a version, and comparing any two (or a version
 * with the live draft) inline or side by side. The server's `html` is already escaped; side by
 * side is built from `ops` as text nodes, so nothing here parses markup from the text.
 */
import { useEffect, useState } from 'preact/hooks';
import type { DocumentInfo } from '@schemas/documents';
import type { Diff, Version, VersionRef } from '@schemas/versions';
import { ErrorText, Loading } from '../ui/components';
import { formatDate, t } from '../ui/i18n';
import { api } from '../ui/session';

export function DiffView(props: { document: DocumentInfo; versions: Version[]; canName: boolean; onChanged: () => void }) {
  const { document: doc, versions } = props;
  const [from, setFrom] = useState<VersionRef>(versions[0]?.number ?? 1);
  const [to, setTo] = useState<VersionRef>('live');
  const [mode, setMode] = useState<'inline' | 'side'>('inline');
  const [diff, setDiff] = useState<Diff | null>(null);
  const [error, setError] = useState<unknown>(null);
  const [label, setLabel] = useState('');

  useEffect(() => {
    if (versions.length === 0) return;
    setDiff(null);
    setError(null);
    api.diff(doc.id, from, to).then(setDiff).catch(setError);
  }, [doc.id, from, to, versions.length]);

  const options = [...versions.map((v) => ({ value: String(v.number), label: `${t('versionN', { n: v.number })} — ${v.label}` })), { value: 'live', label: t('live') }];
  const parse = (value: string): VersionRef => (value === 'live' ? 'live' : Number(value));

  return (
    <section class="stack">
      <h2>{t('versionsTitle')}</h2>
      <ul class="versions">
        {versions.map((v) => (
          <li key={v.number}>
            <strong>{t('versionN', { n: v.number })}</strong> {v.label} <span class="muted">{formatDate(v.createdAt)} {v.roundNumber ? t('versionOfRound', { n: v.roundNumber }) : ''}</span>
          </li>
        ))}
      </ul>
      {props.canName && (
        <form
          class="row wrap"
          onSubmit={async (e) => {
            e.preventDefault();
            try {
              await api.nameVersion(doc.id, label.trim());
              setLabel('');
              props.onChanged();
            } catch (failure) {
              setError(failure);
            }
          }}
        >
          <label class="grow">
            {t('nameVersion')}
            <input name="label" required maxLength={200} value={label} onInput={(e) => setLabel(e.currentTarget.value)} />
          </label>
          <button type="submit">{t('save')}</button>
        </form>
      )}
      {versions.length > 0 && (
        <>
          <div class="row wrap compare-controls">
            <label>
              {t('compareFrom')}{' '}
              <select name="from" value={String(from)} onChange={(e) => setFrom(parse(e.currentTarget.value))}>
                {options.map((o) => <option key={o.value} value={o.value}>{o.label}</option>)}
              </select>
            </label>
            <label>
              {t('compareTo')}{' '}
              <select name="to" value={String(to)} onChange={(e) => setTo(parse(e.currentTarget.value))}>
                {options.map((o) => <option key={o.value} value={o.value}>{o.label}</option>)}
              </select>
            </label>
            <div class="segmented" role="group" aria-label={t('compare')}>
              <button type="button" aria-pressed={mode === 'inline'} onClick={() => setMode('inline')}>{t('inline')}</button>
              <button type="button" aria-pressed={mode === 'side'} onClick={() => setMode('side')}>{t('sideBySide')}</button>
            </div>
          </div>
          <ErrorText error={error} />
          {!diff && !error && <Loading />}
          {diff && <DiffResult diff={diff} mode={mode} />}
        </>
      )}
    </section>
  );
}

function DiffResult(props: { diff: Diff; mode: 'inline' | 'side' }) {
  const { diff } = props;
  const changed = diff.sections.filter((s) => s.inserted > 0 || s.deleted > 0);
  return (
    <div class="diff-result">
      <p class="diff-stats">
        <span class="ins-count">{t('inserted', { n: diff.stats.inserted })}</span> · <span class="del-count">{t('deleted', { n: diff.stats.deleted })}</span>
      </p>
      {changed.length > 0 && (
        <details>
          <summary>{t('changedSections')} ({changed.length})</summary>
          <ul>
            {changed.map((s) => (
              <li key={s.path}>{s.path || t('preamble')}: +{s.inserted} −{s.deleted}</li>
            ))}
          </ul>
        </details>
      )}
      {diff.stats.inserted === 0 && diff.stats.deleted === 0 && <p class="muted">{t('noChanges')}</p>}
      {props.mode === 'inline' ? (
        // The server escapes the text and adds only <ins>/<del> (API.md, diff route).
        <div class="diff diff-inline" dangerouslySetInnerHTML={{ __html: diff.html }} />
      ) : (
        <div class="diff-side">
          <div class="diff" aria-label={t('compareFrom')}>
            {diff.ops.map(([op, text], i) => (op === 1 ? null : op === -1 ? <del key={i}>{text}</del> : <span key={i}>{text}</span>))}
          </div>
          <div class="diff" aria-label={t('compareTo')}>
            {diff.ops.map(([op, text], i) => (op === -1 ? null : op === 1 ? <ins key={i}>{text}</ins> : <span key={i}>{text}</span>))}
          </div>
        </div>
      )}
    </div>
  );
}
