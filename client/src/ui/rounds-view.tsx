/** Rounds: the list with deadlines, and for drafters and secretaries opening and closing them. */
import { useEffect, useState } from 'preact/hooks';
import type { Unit } from '@schemas/directory';
import type { Visibility } from '@domain/vocabulary';
import type { DocumentInfo } from '@schemas/documents';
import type { Round } from '@schemas/rounds';
import { RoundList } from './documents';
import { ErrorText, useAction } from './components';
import { t } from './i18n';
import { api } from './session';

function defaultDeadline(): string {
  const date = new Date(Date.now() + 7 * 24 * 3600 * 1000);
  date.setMinutes(0, 0, 0);
  const pad = (n: number) => String(n).padStart(2, '0');
  return `${date.getFullYear()}-${pad(date.getMonth() + 1)}-${pad(date.getDate())}T${pad(date.getHours())}:${pad(date.getMinutes())}`;
}

export function RoundsView(props: { document: DocumentInfo; rounds: Round[]; canManage: boolean; onChanged: () => void; eventTick: number }) {
  const { document: doc, rounds } = props;
  const [deadline, setDeadline] = useState(defaultDeadline());
  const [visibility, setVisibility] = useState<Visibility>('private');
  const [scope, setScope] = useState('');
  const [units, setUnits] = useState<Unit[]>([]);
  const { busy, error, run } = useAction(props.onChanged);
  const open = rounds.find((r) => r.status === 'open');
  const next = rounds.length + 1;

  useEffect(() => {
    if (props.canManage) api.children(doc.unitId).then(setUnits).catch(() => setUnits([]));
  }, [doc.unitId, props.canManage]);


  return (
    <section class="stack">
      <h2>{t('roundsTitle')}</h2>
      <RoundList rounds={rounds} />
      {props.canManage && rounds.length > 0 && <Participation round={open ?? rounds[rounds.length - 1]!} eventTick={props.eventTick} />}
      {props.canManage && open && (
        <button type="button" disabled={busy} onClick={() => confirm(t('closeRoundConfirm')) && void run(() => api.closeRound(open.id))}>
          {t('closeRound')}
        </button>
      )}
      {props.canManage && !open && next <= doc.maxRounds && (
        <form
          class="card stack"
          onSubmit={(e) => {
            e.preventDefault();
            void run(() =>
              api.openRound(doc.id, { closesAt: new Date(deadline).toISOString(), visibility, ...(scope ? { scopeUnitId: scope } : {}) }),
            );
          }}
        >
          <h3>{t('roundsManage')}</h3>
          <label>
            {t('deadline')}
            <input type="datetime-local" name="closesAt" required value={deadline} onInput={(e) => setDeadline(e.currentTarget.value)} />
          </label>
          <label>
            {t('scope')}
            <select name="scope" value={scope} onChange={(e) => setScope(e.currentTarget.value)}>
              <option value="">{t('scopeOwn')}</option>
              {units.map((u) => (
                <option key={u.id} value={u.id}>{u.name}</option>
              ))}
            </select>
          </label>
          <fieldset>
            <legend>{t('visibility')}</legend>
            <label class="inline">
              <input type="radio" name="visibility" checked={visibility === 'private'} onChange={() => setVisibility('private')} /> {t('visibility_private')}
            </label>
            <label class="inline">
              <input type="radio" name="visibility" checked={visibility === 'open'} onChange={() => setVisibility('open')} /> {t('visibility_open')}
            </label>
          </fieldset>
          <button type="submit" class="primary" disabled={busy}>{t('openRound', { n: next })}</button>
        </form>
      )}
      <ErrorText error={error} />
    </section>
  );
}

/**
 * Which units below have members commenting in the round (`participation.byUnit` of the round's
 * summary's index), so the drafters see where to remind people before the deadline.
 */
function Participation(props: { round: Round; eventTick: number }) {
  const [rows, setRows] = useState<Array<{ unitId: string; name: string; invited: number; commented: number }> | null>(null);
  useEffect(() => {
    let cancelled = false;
    (async () => {
      const summary = await api.summaryIndex(props.round.id);
      const byUnit = summary.participation.byUnit.filter((u) => u.invited > 0);
      const named = await Promise.all(byUnit.map(async (u) => ({ ...u, name: (await api.unit(u.unitId).catch(() => null))?.name ?? u.unitId })));
      if (!cancelled) setRows(named.sort((a, b) => b.commented - a.commented || a.name.localeCompare(b.name, 'vi')));
    })().catch(() => !cancelled && setRows(null));
    return () => {
      cancelled = true;
    };
  }, [props.round.id, props.eventTick]);
  if (!rows || rows.length === 0) return null;
  return (
    <div class="card stack participation">
      <h3>{t('participationTitle')}</h3>
      <ul class="unit-status">
        {rows.map((u) => (
          <li key={u.unitId} class={u.commented > 0 ? 'commenting' : 'silent'}>
            <span class={`pill ${u.commented > 0 ? 'pill-open' : ''}`}>{u.commented > 0 ? '●' : '○'}</span>{' '}
            {t('participationUnit', { name: u.name, commented: u.commented, invited: u.invited })}
          </li>
        ))}
      </ul>
    </div>
  );
}
