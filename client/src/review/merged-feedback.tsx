/**
 * What a unit received from the units below (`GET /documents/:id/feedback?unitId=`): which units
 * sent (date, hash) and which are still pending with the deadline; per section each point with its
 * quoted passage, "Nêu bởi N/M đơn vị", the units by name with their notes; filters by section,
 * kind and number of units; the unit's own decision per point
 * (`PUT /documents/:id/feedback/items/:itemId/disposition`); exports; for the unit's secretaries,
 * a button reminding the pending units (`POST /documents/:id/feedback/reminders`, once per 12 h each).
 */
import { useEffect, useState } from 'preact/hooks';
import type { Feedback, FeedbackItem } from '@schemas/aggregation';
import type { DocumentInfo } from '@schemas/documents';
import type { Round } from '@schemas/rounds';
import { annotationKinds, decisions, type Decision } from '@domain/vocabulary';
import { ErrorText, Loading, saveBlob } from '../ui/components';
import { formatDate, lang, t } from '../ui/i18n';
import { api, me } from '../ui/session';
import { RemindButton, remindedRecently } from './remind-button';
import { bySection, decisionsText, Quote, Representative } from './feedback-parts';

export function MergedFeedback(props: { document: DocumentInfo; unitId: string; rounds: Round[]; eventTick: number; canDecide: boolean; hideWhenEmpty: boolean; onDecided?: () => void }) {
  const { document: doc, unitId } = props;
  const [feedback, setFeedback] = useState<Feedback | null>(null);
  const [unitName, setUnitName] = useState('');
  const [error, setError] = useState<unknown>(null);
  const [section, setSection] = useState('');
  const [kind, setKind] = useState('');
  const [minUnits, setMinUnits] = useState(1);

  const load = () =>
    Promise.all([api.feedback(doc.id, unitId), api.unit(unitId)])
      .then(([f, u]) => {
        setFeedback(f);
        setUnitName(u.name);
      })
      .catch(setError);
  useEffect(() => {
    void load();
  }, [doc.id, unitId, props.eventTick]);

  if (error) return <ErrorText error={error} />;
  if (!feedback) return <Loading />;
  if (props.hideWhenEmpty && feedback.units.length === 0 && feedback.items.length === 0) return null;

  const download = async (format: 'md' | 'docx' | 'pdf') => {
    try {
      const { blob, filename } = await api.export('feedback', doc.id, format, lang.get(), unitId);
      saveBlob(blob, filename ?? `feedback.${format}`);
    } catch (failure) {
      setError(failure);
    }
  };
  const total = feedback.units.length;
  const sent = feedback.units.filter((u) => u.packageId);
  // Pending units are due by the deadline of the open round (or of the latest one).
  const due = props.rounds.find((r) => r.status === 'open') ?? props.rounds[props.rounds.length - 1];
  const sections = bySection(feedback.items);
  const isSecretary = (me.get()?.memberships ?? []).some((m) => m.unitId === unitId && m.role === 'secretary');
  const remindable = feedback.pending.filter((p) => !remindedRecently(p.remindedAt));
  const lastReminded = feedback.pending.map((p) => p.remindedAt).filter((at): at is string => !!at).sort().pop() ?? null;
  const shown = feedback.items.filter((i) => (!section || i.section === section) && (!kind || i.kind === kind) && i.unitCount >= minUnits);
  const maxUnits = Math.max(1, ...feedback.items.map((i) => i.unitCount));

  return (
    <section class="stack merged-feedback" aria-labelledby={`merged-${unitId}`}>
      <h2 id={`merged-${unitId}`}>{t('feedbackTitle')}</h2>
      <p class="muted">{unitName}</p>
      <div class="row wrap">
        <button type="button" onClick={() => void download('docx')}>{t('downloadDocx')}</button>
        <button type="button" onClick={() => void download('pdf')}>{t('downloadPdf2')}</button>
        <button type="button" onClick={() => void download('md')}>{t('downloadMd')}</button>
      </div>
      {total > 0 && (
        <div class="card stack">
          <h3>{t('unitsSent', { sent: sent.length, total })}</h3>
          <ul class="unit-status">
            {feedback.units.map((u) => (
              <li key={u.unitId}>
                <strong>{u.name}</strong> —{' '}
                {u.submittedAt ? (
                  formatDate(u.submittedAt)
                ) : (
                  <>
                    <span class="pill pill-warn">{due ? t('pendingUntil', { date: formatDate(due.closesAt) }) : t('pendingUnits')}</span>
                    {feedback.pending.find((p) => p.unitId === u.unitId)?.remindedAt && (
                      <span class="muted"> · {t('remindedAt', { date: formatDate(feedback.pending.find((p) => p.unitId === u.unitId)!.remindedAt!) })}</span>
                    )}
                  </>
                )}
              </li>
            ))}
          </ul>
          {isSecretary && feedback.pending.length > 0 && (
            <RemindButton
              count={remindable.length}
              lastAt={lastReminded}
              label={t('remindPending', { n: remindable.length })}
              doneLabel={t('remindPendingDone')}
              confirmText={t('remindPendingConfirm', { n: remindable.length })}
              send={() => api.remindPendingUnits(doc.id, unitId)}
              done={(outcome) => t('remindedUnits', { n: remindable.length - outcome.alreadyReminded })}
              onSent={() => void load()}
            />
          )}
        </div>
      )}
      {feedback.items.length === 0 && <p class="muted">{t('noFeedback')}</p>}
      {feedback.items.length > 0 && (
        <fieldset class="filters row wrap">
          <legend>{t('filters')}</legend>
          <label>
            {t('filterSection')}
            <select aria-label={t('filterSection')} value={section} onChange={(e) => setSection(e.currentTarget.value)}>
              <option value="">{t('filterAll')}</option>
              {sections.map((s) => <option key={s.section} value={s.section}>{s.title}</option>)}
            </select>
          </label>
          <label>
            {t('filterKind')}
            <select aria-label={t('filterKind')} value={kind} onChange={(e) => setKind(e.currentTarget.value)}>
              <option value="">{t('filterAll')}</option>
              {annotationKinds.map((k) => <option key={k} value={k}>{t(`kind_${k}`)}</option>)}
            </select>
          </label>
          <label>
            {t('filterUnits')}
            <select aria-label={t('filterUnits')} value={String(minUnits)} onChange={(e) => setMinUnits(Number(e.currentTarget.value))}>
              {Array.from({ length: maxUnits }, (_, i) => i + 1).map((n) => (
                <option key={n} value={String(n)}>{n === 1 ? t('filterAll') : t('filterAtLeast', { n })}</option>
              ))}
            </select>
          </label>
        </fieldset>
      )}
      {feedback.items.length > 0 && shown.length === 0 && <p class="muted">{t('noMatches')}</p>}
      {bySection(shown).map((group) => (
        <div key={group.section} class="stack">
          <h3>{group.title}</h3>
          <ul class="clusters">
            {group.items.map((item) => (
              <MergedItem key={item.id} item={item} total={total} unitName={unitName} canDecide={props.canDecide} onDecide={(d, note) => api.decideFeedbackItem(doc.id, item.id, unitId, d, note).then(load).then(() => props.onDecided?.())} />
            ))}
          </ul>
        </div>
      ))}
    </section>
  );
}

function MergedItem(props: { item: FeedbackItem; total: number; unitName: string; canDecide: boolean; onDecide: (decision: Decision, note: string) => Promise<unknown> }) {
  const { item } = props;
  // Nothing preselected: one careless click must not accept a point (issue 15).
  const [decision, setDecision] = useState<Decision | ''>(item.disposition?.decision ?? '');
  const [note, setNote] = useState(item.disposition?.note ?? '');
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<unknown>(null);
  const senders = item.decisions ? decisionsText(item.decisions) : '';
  return (
    <li class={`card cluster kind-${item.kind}`}>
      <div class="row spread wrap">
        <span class={`pill kind-pill kind-${item.kind}`}>{t(`kind_${item.kind}`)}</span>
        <strong class="raised-by">{t('raisedBy', { units: item.unitCount, total: props.total || item.unitCount })}</strong>
      </div>
      <Quote quote={item.quote} />
      <Representative representative={item.representative} />
      <p class="muted small">{t('countComments', { count: item.count })}{senders && ` · ${senders}`}</p>
      <ul class="unit-notes" aria-label={t('raisedByUnits')}>
        {item.units.map((u) => (
          <li key={u.unitId}>
            <strong>{u.name}</strong> ({t('countComments', { count: u.count })}){u.note && <>: <span class="unit-note">{u.note}</span></>}
          </li>
        ))}
      </ul>
      {item.disposition && (
        <p class="decided">
          <strong>{t('ownDecisionOf')}:</strong> {t('decidedBy', { decision: t(`decision_${item.disposition.decision}`), name: item.disposition.by.name, date: formatDate(item.disposition.at) })}
          {item.disposition.note && <> — {item.disposition.note}</>}
        </p>
      )}
      {props.canDecide && (
        <form
          class="row wrap decide"
          onSubmit={(e) => {
            e.preventDefault();
            setBusy(true);
            setError(null);
            if (!decision) return;
            props.onDecide(decision, note).catch(setError).finally(() => setBusy(false));
          }}
        >
          <label>
            {t('ownDecision', { unit: props.unitName })}
            <select required value={decision} onChange={(e) => setDecision(e.currentTarget.value as Decision | '')}>
              <option value="" disabled>{t('chooseDecision')}</option>
              {decisions.map((d) => <option key={d} value={d}>{t(`decision_${d}`)}</option>)}
            </select>
          </label>
          <label class="grow">
            {t('decisionNote')}
            <input type="text" value={note} onInput={(e) => setNote(e.currentTarget.value)} />
          </label>
          <button type="submit" disabled={busy || !decision}>{t('recordDecision')}</button>
          <ErrorText error={error} />
        </form>
      )}
    </li>
  );
}
