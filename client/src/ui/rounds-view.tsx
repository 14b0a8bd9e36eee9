/** Rounds: the list with deadlines, and for drafters and secretaries opening and closing them. */
import { useEffect, useState } from 'preact/hooks';
import type { DocumentInfo, Round, Unit } from '../api/types';
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

export function RoundsView(props: { document: DocumentInfo; rounds: Round[]; canManage: boolean; onChanged: () => void }) {
  const { document: doc, rounds } = props;
  const [deadline, setDeadline] = useState(defaultDeadline());
  const [visibility, setVisibility] = useState<'private' | 'open'>('private');
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
              <input type="radio" name="visibility" checked={visibility === 'private'} onChange={() => setVisibility('private')} /> {t('visibilityPrivate')}
            </label>
            <label class="inline">
              <input type="radio" name="visibility" checked={visibility === 'open'} onChange={() => setVisibility('open')} /> {t('visibilityOpen')}
            </label>
          </fieldset>
          <button type="submit" class="primary" disabled={busy}>{t('openRound', { n: next })}</button>
        </form>
      )}
      <ErrorText error={error} />
    </section>
  );
}
