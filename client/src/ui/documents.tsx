/** The documents the caller may see, each with its unit, rounds and deadlines. */
import { useEffect, useState } from 'preact/hooks';
import type { DocumentInfo, Round, Unit } from '../api/types';
import { api, roleOn } from './session';
import { ErrorText, Link, Loading } from './components';
import { formatDate, t, tk } from './i18n';

interface Row {
  document: DocumentInfo;
  unit: Unit | null;
  rounds: Round[];
}

export function DocumentsView() {
  const [rows, setRows] = useState<Row[] | null>(null);
  const [error, setError] = useState<unknown>(null);

  useEffect(() => {
    let cancelled = false;
    (async () => {
      const documents = await api.documents();
      const loaded = await Promise.all(
        documents.map(async (document) => ({
          document,
          unit: await api.unit(document.unitId).catch(() => null),
          rounds: await api.rounds(document.id).catch(() => []),
        })),
      );
      if (!cancelled) setRows(loaded);
    })().catch((failure) => !cancelled && setError(failure));
    return () => {
      cancelled = true;
    };
  }, []);

  if (error) return <main id="main"><ErrorText error={error} /></main>;
  if (!rows) return <main id="main"><Loading /></main>;
  return (
    <main id="main">
      <h1>{t('documentsTitle')}</h1>
      {rows.length === 0 && <p class="muted">{t('noDocuments')}</p>}
      <ul class="cards">
        {rows.map(({ document, unit, rounds }) => {
          const role = roleOn(document.unitId);
          return (
            <li class="card" key={document.id}>
              <h2>
                <Link href={`/d/${document.id}/draft`}>{document.title}</Link>
              </h2>
              <p class="muted">
                {unit?.name}
                {role && <> · {t('yourRole', { role: tk(`role_${role}`) })}</>}
                {' · '}
                {t('currentRound', { n: document.currentRound, max: document.maxRounds })}
              </p>
              <RoundList rounds={rounds} />
            </li>
          );
        })}
      </ul>
    </main>
  );
}

export function RoundList(props: { rounds: Round[] }) {
  if (props.rounds.length === 0) return <p class="muted">{t('noRounds')}</p>;
  return (
    <ul class="rounds">
      {props.rounds.map((round) => (
        <li key={round.id} class={`round round-${round.status}`}>
          <strong>{t('roundN', { n: round.number })}</strong>{' '}
          <span class={`pill pill-${round.status}`}>{round.status === 'open' ? t('roundOpen') : t('roundClosed')}</span>{' '}
          <span>{round.status === 'open' || !round.closedAt ? t('closesAt', { date: formatDate(round.closesAt) }) : t('closedAt', { date: formatDate(round.closedAt) })}</span>
          <span class="muted"> · {t('baseVersion', { n: round.baseVersion })} · {round.visibility === 'open' ? t('visibilityOpen') : t('visibilityPrivate')}</span>
        </li>
      ))}
    </ul>
  );
}
