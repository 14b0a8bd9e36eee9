/**
 * "Ai đã góp ý / Who has commented": for a round and a unit, the members who have commented (how
 * many comments, when last) and those who have not yet (API.md `GET /rounds/:id/participation`),
 * for the unit's secretaries and drafters and the round's reviewers; while the round is open, a
 * button reminds the silent ones (`POST /rounds/:id/participation/reminders`, once per 12 h each).
 */
import { useEffect, useState } from 'preact/hooks';
import type { Unit } from '@schemas/directory';
import type { DocumentInfo } from '@schemas/documents';
import type { Participation } from '@schemas/participation';
import type { Round } from '@schemas/rounds';
import { ErrorText, Loading } from '../ui/components';
import { formatDate, t } from '../ui/i18n';
import { followsParticipationOf, participationUnitsOf } from '../ui/may';
import { api, me } from '../ui/session';
import { RemindButton, remindedRecently } from './remind-button';

export function ParticipationView(props: { document: DocumentInfo; rounds: Round[]; eventTick: number }) {
  // Only the rounds where the caller follows some unit (document-view offers the tab when one is).
  const rounds = props.rounds.filter((r) => followsParticipationOf(me.get(), props.document, r));
  const [roundId, setRoundId] = useState<string>(rounds.find((r) => r.status === 'open')?.id ?? rounds[rounds.length - 1]?.id ?? '');
  const [units, setUnits] = useState<Unit[]>([]);
  const [names, setNames] = useState<Map<string, string>>(new Map());
  const [unitId, setUnitId] = useState('');
  const [result, setResult] = useState<Participation | null>(null);
  const [error, setError] = useState<unknown>(null);
  const chosenRound = rounds.find((r) => r.id === roundId);

  // The units the caller may follow in the chosen round: for its reviewers the scope unit and the
  // units right below it, for others the units inside the scope where they are staff. The one
  // chosen before stays chosen when the new round offers it.
  useEffect(() => {
    if (!chosenRound) return;
    let cancelled = false;
    const followed = participationUnitsOf(me.get(), props.document, chosenRound);
    const load: Promise<Unit[]> =
      followed === 'all'
        ? Promise.all([api.unit(chosenRound.scopeUnitId), api.children(chosenRound.scopeUnitId)]).then(([scope, children]) => [scope, ...children])
        : Promise.all(followed.map((id) => api.unit(id)));
    load
      .then((list) => {
        if (cancelled) return;
        setUnits(list);
        const staffOf = (me.get()?.memberships ?? []).filter((m) => m.role !== 'member').map((m) => m.unitId);
        setUnitId((current) => (list.some((u) => u.id === current) ? current : (list.find((u) => staffOf.includes(u.id)) ?? list[0])?.id ?? ''));
      })
      .catch((failure) => !cancelled && setError(failure));
    return () => {
      cancelled = true;
    };
  }, [props.document.id, chosenRound?.id]);

  // Names of the chosen unit and of the units right below it, to say where each listed member is.
  useEffect(() => {
    if (!unitId) return;
    let cancelled = false;
    api
      .children(unitId)
      .then((children) => !cancelled && setNames(new Map([...units, ...children].map((u) => [u.id, u.name]))))
      .catch(() => !cancelled && setNames(new Map(units.map((u) => [u.id, u.name]))));
    return () => {
      cancelled = true;
    };
  }, [unitId, units]);

  // After a reminder: the list again in place (no spinner), so the result stays on screen.
  const refresh = () => {
    api.participation(roundId, unitId).then(setResult).catch(setError);
  };

  useEffect(() => {
    if (!roundId || !unitId) return;
    let cancelled = false;
    setResult(null);
    setError(null);
    api
      .participation(roundId, unitId)
      .then((answer) => !cancelled && setResult(answer))
      .catch((failure) => !cancelled && setError(failure));
    return () => {
      cancelled = true;
    };
  }, [roundId, unitId, props.eventTick]);

  if (rounds.length === 0) return <p class="muted">{t('noRounds')}</p>;
  const unitName = (id: string) => names.get(id) ?? units.find((u) => u.id === id)?.name;
  const commented = result?.members.filter((m) => m.commented) ?? [];
  const silent = result?.members.filter((m) => !m.commented) ?? [];
  const round = chosenRound;
  const open = round?.status === 'open' && Date.parse(round.closesAt) > Date.now();
  // The server does not remind the one who asks (server/services/reminders.service.ts).
  const others = silent.filter((m) => m.id !== me.get()?.member.id);
  const remindable = others.filter((m) => !remindedRecently(m.remindedAt));
  const lastReminded = others.map((m) => m.remindedAt).filter((at): at is string => !!at).sort().pop() ?? null;
  return (
    <section class="stack participation">
      <h2>{t('peopleTitle')}</h2>
      <div class="row wrap">
        <label>
          {t('chooseRound')}
          <select name="round" value={roundId} onChange={(e) => setRoundId(e.currentTarget.value)}>
            {rounds.map((r) => <option key={r.id} value={r.id}>{t('roundN', { n: r.number })}</option>)}
          </select>
        </label>
        <label class="grow">
          {t('unit')}
          <select name="unit" value={unitId} onChange={(e) => setUnitId(e.currentTarget.value)}>
            {units.map((u) => <option key={u.id} value={u.id}>{u.name}</option>)}
          </select>
        </label>
      </div>
      <ErrorText error={error} />
      {!result && !error && <Loading />}
      {result && (
        <>
          {/* Members of the units below count here, not in the round's line for the unit itself: say so. */}
          <p class="muted" role="status">
            {t(result.members.some((m) => m.unitId !== unitId) ? 'peopleCountBelow' : 'peopleCount', { commented: commented.length, invited: result.members.length })}
          </p>
          <div class="people-columns">
            <section aria-label={t('peopleSilent')}>
              <h3>{t('peopleSilent')} ({silent.length})</h3>
              {open && others.length > 0 && (
                <RemindButton
                  key={`${roundId}:${unitId}`}
                  count={remindable.length}
                  lastAt={lastReminded}
                  label={t('remindSilent', { n: remindable.length })}
                  doneLabel={t('remindSilentDone')}
                  confirmText={t('remindSilentConfirm', { n: remindable.length, unit: unitName(unitId) ?? '' })}
                  send={() => api.remindSilent(roundId, unitId)}
                  done={(outcome) => t('remindedMembers', { n: outcome.notified })}
                  onSent={refresh}
                />
              )}
              {silent.length === 0 ? <p class="muted">{t('peopleNoneSilent')}</p> : (
                <ul class="people">
                  {silent.map((m) => (
                    <li key={m.id} class="card person silent">
                      <strong>{m.displayName}</strong>
                      {m.unitId !== unitId && <span class="muted"> · {unitName(m.unitId) ?? ''}</span>}
                      {m.remindedAt && <span class="muted"> · {t('remindedAt', { date: formatDate(m.remindedAt) })}</span>}
                    </li>
                  ))}
                </ul>
              )}
            </section>
            <section aria-label={t('peopleCommented')}>
              <h3>{t('peopleCommented')} ({commented.length})</h3>
              {commented.length === 0 ? <p class="muted">{t('peopleNoneCommented')}</p> : (
                <ul class="people">
                  {commented.map((m) => (
                    <li key={m.id} class="card person">
                      <strong>{m.displayName}</strong>
                      {m.unitId !== unitId && <span class="muted"> · {unitName(m.unitId) ?? ''}</span>}
                      <br />
                      <span class="muted">
                        {t('peopleAnnotations', { n: m.annotations })}
                        {m.lastAt && <> · {t('peopleLast', { date: formatDate(m.lastAt) })}</>}
                      </span>
                    </li>
                  ))}
                </ul>
              )}
            </section>
          </div>
        </>
      )}
    </section>
  );
}
