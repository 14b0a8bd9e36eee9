/** The documents the caller may see, each with its unit, rounds and deadlines. */
import { useEffect, useState } from 'preact/hooks';
import type { Unit } from '@schemas/directory';
import type { DocumentInfo } from '@schemas/documents';
import type { Round } from '@schemas/rounds';
import { api, me, roleOn } from './session';
import { lazyView } from './lazy';
import { ErrorText, Link, Loading } from './components';
import { formatDate, t } from './i18n';

// Only drafters and secretaries start drafts: the form is a chunk of its own.
const NewDraft = lazyView(() => import('./new-draft').then((m) => m.NewDraft));

interface Row {
  document: DocumentInfo;
  unit: Unit | null;
  rounds: Round[];
}

export function DocumentsView() {
  const [rows, setRows] = useState<Row[] | null>(null);
  const [draftingUnits, setDraftingUnits] = useState<Unit[]>([]);
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
      const drafting = (me.get()?.memberships ?? []).filter((m) => m.role !== 'member');
      const units = await Promise.all(drafting.map((m) => api.unit(m.unitId).catch(() => null)));
      if (!cancelled) setDraftingUnits(units.filter((u): u is Unit => u !== null));
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
      {draftingUnits.length > 0 && <NewDraft units={draftingUnits} />}
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
                {role && <> · {t('yourRole', { role: t(`role_${role}`) })}</>}
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
          <span class={`pill pill-${round.status}`}>{t(`roundStatus_${round.status}`)}</span>{' '}
          <span>{round.status === 'open' || !round.closedAt ? t('closesAt', { date: formatDate(round.closesAt) }) : t('closedAt', { date: formatDate(round.closedAt) })}</span>
          <span class="muted"> · {t('baseVersion', { n: round.baseVersion })} · {t(`visibility_${round.visibility}`)}</span>
        </li>
      ))}
    </ul>
  );
}
