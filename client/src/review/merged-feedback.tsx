/**
 * What a unit received from the units below, read section by section (feedback-sections.ts: the
 * index `GET /documents/:id/feedback/sections?unitId=`, then `?section=` for each section opened):
 * which units sent (date, hash) and which are still pending with the deadline; the sections with
 * their counts, each opening to its points with the quoted passage, "Nêu bởi N/M đơn vị", the units
 * by name with their notes; filters by section, kind and number of units; the unit's own decision
 * per point (`PUT /documents/:id/feedback/items/:itemId/disposition`); exports; for the unit's
 * secretaries, a button reminding the pending units (`POST /documents/:id/feedback/reminders`,
 * once per 12 h each). The whole roll-up is never read (a province's is tens of megabytes).
 */
import { useEffect, useRef, useState } from 'preact/hooks';
import type { FeedbackIndex, FeedbackItem } from '@schemas/aggregation';
import type { DocumentInfo } from '@schemas/documents';
import type { Round } from '@schemas/rounds';
import { FEEDBACK_DECISION_NOTE_MAX } from '@schemas/limits';
import { annotationKinds, decisions, type AnnotationKind, type Decision } from '@domain/vocabulary';
import type { OnDocumentEvent } from '../api/events';
import { ErrorText, Loading, saveBlob } from '../ui/components';
import { formatDate, lang, t } from '../ui/i18n';
import { api, me } from '../ui/session';
import { RemindButton, remindedRecently } from './remind-button';
import { decisionsText, Quote, Representative } from './feedback-parts';
import { useSectionedFeedback, type FeedbackSectionState } from './feedback-sections';
import { ReasonField } from '../ui/reason-field';

type SectionCounts = FeedbackIndex['sections'][number];

export function MergedFeedback(props: {
  document: DocumentInfo;
  unitId: string;
  rounds: Round[];
  onEvent: OnDocumentEvent;
  canDecide: boolean;
  hideWhenEmpty: boolean;
  onDecided?: () => void;
}) {
  const { document: doc, unitId } = props;
  const feedback = useSectionedFeedback(doc.id, unitId, props.onEvent);
  const { index } = feedback;
  const [unitName, setUnitName] = useState('');
  const [error, setError] = useState<unknown>(null);
  const [section, setSection] = useState('');
  const [kind, setKind] = useState<AnnotationKind | ''>('');
  const [minUnits, setMinUnits] = useState(1);

  useEffect(() => {
    api.unit(unitId).then((u) => setUnitName(u.name), setError);
  }, [unitId]);

  // Choosing a section in the filter opens it (reads it if it is not yet).
  useEffect(() => {
    if (section && !feedback.open.has(section)) feedback.toggle(section, true);
  }, [section]);

  const failure = error ?? feedback.error;
  if (failure && !index) return <ErrorText error={failure} />;
  if (!index) return <Loading />;
  const totalItems = index.sections.reduce((n, s) => n + s.items, 0);
  if (props.hideWhenEmpty && index.units.length === 0 && totalItems === 0) return null;

  const download = async (format: 'md' | 'docx' | 'pdf') => {
    try {
      const { blob, filename } = await api.export('feedback', doc.id, format, lang.get(), unitId);
      saveBlob(blob, filename ?? `feedback.${format}`);
    } catch (failure) {
      setError(failure);
    }
  };
  const total = index.units.length;
  const sent = index.units.filter((u) => u.packageId);
  // Pending units are due by the deadline of the open round (or of the latest one).
  const due = props.rounds.find((r) => r.status === 'open') ?? props.rounds[props.rounds.length - 1];
  const withItems = index.sections.filter((s) => s.items > 0);
  const isSecretary = (me.get()?.memberships ?? []).some((m) => m.unitId === unitId && m.role === 'secretary');
  const remindable = index.pending.filter((p) => !remindedRecently(p.remindedAt));
  const lastReminded = index.pending.map((p) => p.remindedAt).filter((at): at is string => !!at).sort().pop() ?? null;
  // The index says which sections hold an item passing the filters; the items of the open ones are filtered here.
  const listed = withItems.filter((s) => (!section || s.section === section) && (!kind || s.kinds[kind] > 0) && s.maxUnitCount >= minUnits);
  const passes = (i: FeedbackItem) => (!kind || i.kind === kind) && i.unitCount >= minUnits;
  const maxUnits = Math.max(1, ...index.sections.map((s) => s.maxUnitCount));
  const titleOf = (s: SectionCounts) => s.sectionTitle || s.section || t('sectionUntitled');

  return (
    <section class="stack merged-feedback" aria-labelledby={`merged-${unitId}`}>
      <h2 id={`merged-${unitId}`}>{t('feedbackTitle')}</h2>
      <p class="muted">{unitName}</p>
      <div class="row wrap">
        <button type="button" onClick={() => void download('docx')}>{t('downloadDocx')}</button>
        <button type="button" onClick={() => void download('pdf')}>{t('downloadPdf2')}</button>
        <button type="button" onClick={() => void download('md')}>{t('downloadMd')}</button>
      </div>
      {failure ? <ErrorText error={failure} /> : null}
      {total > 0 && (
        <div class="card stack">
          <h3>{t('unitsSent', { sent: sent.length, total })}</h3>
          <ul class="unit-status">
            {index.units.map((u) => {
              const remindedAt = index.pending.find((p) => p.unitId === u.unitId)?.remindedAt;
              return (
                <li key={u.unitId}>
                  <strong>{u.name}</strong> —{' '}
                  {u.submittedAt ? (
                    formatDate(u.submittedAt)
                  ) : (
                    <>
                      {/* A round's deadline binds the units it was sent to; the document's own unit reporting up has none here. */}
                      <span class="pill pill-warn">{due && u.unitId !== props.document.unitId ? t('pendingUntil', { date: formatDate(due.closesAt) }) : t('pendingUnits')}</span>
                      {remindedAt && <span class="muted"> · {t('remindedAt', { date: formatDate(remindedAt) })}</span>}
                    </>
                  )}
                  {u.note && (
                    <p class="unit-note">
                      <span class="muted">{t('packageNote')}:</span> {u.note}
                    </p>
                  )}
                </li>
              );
            })}
          </ul>
          {isSecretary && index.pending.length > 0 && (
            <RemindButton
              count={remindable.length}
              lastAt={lastReminded}
              label={t('remindPending', { n: remindable.length })}
              doneLabel={t('remindPendingDone')}
              confirmText={t('remindPendingConfirm', { n: remindable.length })}
              send={() => api.remindPendingUnits(doc.id, unitId)}
              done={(outcome) => t('remindedUnits', { n: remindable.length - outcome.alreadyReminded })}
              onSent={() => feedback.readIndex()}
            />
          )}
        </div>
      )}
      {totalItems === 0 && <p class="muted">{t('noFeedback')}</p>}
      {totalItems > 0 && (
        <fieldset class="filters row wrap">
          <legend>{t('filters')}</legend>
          <label>
            {t('filterSection')}
            <select aria-label={t('filterSection')} value={section} onChange={(e) => setSection(e.currentTarget.value)}>
              <option value="">{t('filterAll')}</option>
              {withItems.map((s) => <option key={s.section} value={s.section}>{titleOf(s)}</option>)}
            </select>
          </label>
          <label>
            {t('filterKind')}
            <select aria-label={t('filterKind')} value={kind} onChange={(e) => setKind(e.currentTarget.value as AnnotationKind | '')}>
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
      {totalItems > 0 && listed.length === 0 && <p class="muted">{t('noMatches')}</p>}
      {listed.map((counts) => {
        const opened = feedback.open.has(counts.section);
        const panelId = `feedback-${unitId}-${encodeURIComponent(counts.section) || 'preamble'}`;
        return (
          <section key={counts.section} class="review-section feedback-section" data-section-path={counts.section}>
            <h3 class="section-toggle">
              <button type="button" aria-expanded={opened} aria-controls={panelId} onClick={() => feedback.toggle(counts.section, !opened)}>
                <span class="chevron" aria-hidden="true">{opened ? '▾' : '▸'}</span> {titleOf(counts)}
              </button>
            </h3>
            <p class="muted section-counts">
              {t('feedbackSectionCounts', { items: kind ? counts.kinds[kind] : counts.items, annotations: counts.annotations, units: counts.unitIds.length, total: total || counts.unitIds.length })}
              {counts.dispositions.undecided > 0 && <> · {t('sectionUndecided', { n: counts.dispositions.undecided })}</>}
            </p>
            {opened && (
              <div id={panelId}>
                <SectionItems
                  state={feedback.sections.get(counts.section)}
                  passes={passes}
                  item={(item) => (
                    <MergedItem
                      key={item.id}
                      item={item}
                      total={total}
                      unitName={unitName}
                      canDecide={props.canDecide}
                      onDecide={(d, note) =>
                        api.decideFeedbackItem(doc.id, item.id, unitId, d, note).then((fresh) => {
                          feedback.decided(fresh);
                          props.onDecided?.();
                          return fresh;
                        })
                      }
                    />
                  )}
                />
              </div>
            )}
          </section>
        );
      })}
    </section>
  );
}

/** An open section's items passing the filters, or that it is being read. */
function SectionItems(props: { state: FeedbackSectionState | undefined; passes: (item: FeedbackItem) => boolean; item: (item: FeedbackItem) => preact.JSX.Element }) {
  const { state } = props;
  if (state?.error) return <ErrorText error={state.error} />;
  if (!state?.items) return <p class="muted" role="status">{t('sectionLoading')}</p>;
  const shown = state.items.filter(props.passes);
  if (shown.length === 0) return <p class="muted">{t('noMatches')}</p>;
  return <ul class="clusters">{shown.map(props.item)}</ul>;
}

/** The form's values: what the person chose and typed, or the decision it was last set from. */
interface DecisionForm {
  decision: Decision | '';
  note: string;
}

function MergedItem(props: { item: FeedbackItem; total: number; unitName: string; canDecide: boolean; onDecide: (decision: Decision, note: string) => Promise<FeedbackItem> }) {
  const { item } = props;
  const recorded = item.disposition;
  // Nothing preselected: one careless click must not accept a point (issue 15).
  const [decision, setDecision] = useState<Decision | ''>(recorded?.decision ?? '');
  const [note, setNote] = useState(recorded?.note ?? '');
  // What the form was last set from (the recorded decision, or one saved here): the form differs
  // from it only by what the person changed and has not saved.
  const [basis, setBasis] = useState<DecisionForm>({ decision: recorded?.decision ?? '', note: recorded?.note ?? '' });
  // A decision recorded elsewhere while this form held unsaved changes: shown, not applied.
  const [theirs, setTheirs] = useState<NonNullable<FeedbackItem['disposition']> | null>(null);
  const savedHere = useRef<string | null>(null);
  const adopt = (d: NonNullable<FeedbackItem['disposition']>) => {
    setDecision(d.decision);
    setNote(d.note);
    setBasis({ decision: d.decision, note: d.note });
    setTheirs(null);
  };
  // A decision recorded meanwhile (here or by another of the unit's staff) is what an untouched
  // form shows next; a form with unsaved changes keeps them, and says someone else decided.
  useEffect(() => {
    if (!recorded) return;
    const unsaved = decision !== basis.decision || note !== basis.note;
    const same = recorded.decision === decision && recorded.note === note;
    if (!unsaved || same || recorded.at === savedHere.current) adopt(recorded);
    else setTheirs(recorded);
  }, [recorded?.at]);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<unknown>(null);
  const senders = item.decisions ? decisionsText(item.decisions) : '';
  const decisionLabel = t('ownDecision', { unit: props.unitName });
  return (
    <li class={`card cluster kind-${item.kind}`}>
      <div class="row spread wrap">
        <span class={`pill kind-pill kind-${item.kind}`}>{t(`kind_${item.kind}`)}</span>
        <strong class="raised-by">{t('raisedBy', { units: item.unitCount, total: props.total || item.unitCount })}</strong>
      </div>
      <Quote quote={item.quote} scope={item.scope} />
      <Representative representative={item.representative} />
      <p class="muted small">{t('countComments', { count: item.count })}{senders && ` · ${senders}`}</p>
      <ul class="unit-notes" aria-label={t('raisedByUnits')}>
        {item.units.map((u) => (
          <li key={u.unitId}>
            <strong>{u.name}</strong> ({t('countComments', { count: u.count })}){u.note && <>: <span class="unit-note">{u.note}</span></>}
          </li>
        ))}
      </ul>
      {recorded && (
        <p class="decided">
          <strong>{t('ownDecisionOf')}:</strong> {t('decidedBy', { decision: t(`decision_${recorded.decision}`), name: recorded.by.name, date: formatDate(recorded.at) })}
          {recorded.note && <> — {recorded.note}</>}
        </p>
      )}
      {props.canDecide && theirs && (
        <div class="banner banner-warn notice-taken" role="status">
          <span>
            {theirs.by.name
              ? t('otherDecided', { name: theirs.by.name, decision: t(`decision_${theirs.decision}`) })
              : t('otherDecidedUnknown', { decision: t(`decision_${theirs.decision}`) })}
            {theirs.note && <> — {theirs.note}</>}
          </span>
          <span class="row wrap">
            <button type="button" onClick={() => adopt(theirs)}>{t('takeTheirs')}</button>
            <button type="button" onClick={() => setTheirs(null)}>{t('keepMine')}</button>
          </span>
        </div>
      )}
      {props.canDecide && (
        <form
          class="row wrap decide"
          onSubmit={(e) => {
            e.preventDefault();
            if (!decision) return;
            setBusy(true);
            setError(null);
            props
              .onDecide(decision, note)
              .then((fresh) => {
                savedHere.current = fresh.disposition?.at ?? null;
                setBasis({ decision, note });
                setTheirs(null);
              })
              .catch(setError)
              .finally(() => setBusy(false));
          }}
        >
          <label>
            {decisionLabel}
            <select required value={decision} onChange={(e) => setDecision(e.currentTarget.value as Decision | '')}>
              <option value="" disabled>{t('chooseDecision')}</option>
              {decisions.map((d) => <option key={d} value={d}>{t(`decision_${d}`)}</option>)}
            </select>
          </label>
          <label class="grow decision-note">
            {t('decisionNote')}
            <ReasonField decision={decision} rows={2} maxLength={FEEDBACK_DECISION_NOTE_MAX} value={note} onInput={setNote} />
          </label>
          <button type="submit" disabled={busy || !decision}>{t('recordDecision')}</button>
          <ErrorText error={error} fields={{ note: t('decisionNote'), decision: decisionLabel }} />
        </form>
      )}
    </li>
  );
}
