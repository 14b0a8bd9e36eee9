/**
 * The side panel next to the draft: the form for a new (or edited, or refused) annotation on the
 * selected passage, the round's annotations (own, and others' where the server shows them), the
 * unsent ones from the outbox, earlier rounds' history, and for drafters and secretaries the
 * decision and apply buttons.
 *
 * On phones (≤ 600 px, `PHONE_QUERY`) the form and the comments of a tapped highlight open in a
 * bottom sheet over the draft, where the passage was selected, instead of far below it.
 * Nothing typed is lost (issue 15): the form is kept in localStorage (drafts.ts) on every
 * keystroke, stays with its text when the round closes, and a refused write can be corrected and
 * re-anchored by selecting a passage again.
 */
import { useEffect, useRef, useState } from 'preact/hooks';
import { annotationBodyMax, annotationKinds, rewordsNothing, textMax } from '@domain/vocabulary';
import type { Annotation, AnnotationWrite, PlacedAnnotation } from '@schemas/annotations';
import type { DocumentInfo, Section } from '@schemas/documents';
import type { Round } from '@schemas/rounds';
import type { SelectionAnchor } from '../editor/anchors';
import { ErrorText, LengthCount } from '../ui/components';
import { errorMessage, formatDate, t } from '../ui/i18n';
import { lazyView } from '../ui/lazy';
import { PHONE_QUERY, useMedia } from '../ui/media';
import { mayRecordInRoundOf, takesPartInRoundOf } from '../ui/may';
import { api, me } from '../ui/session';
import { useSignal } from '../ui/signal';
import { AnnotationCard } from './annotation-card';
import { forgetDraft, loadDraft, saveDraft, type AnnotationDraft as Draft } from './drafts';
import { delivered, discard, enqueue, pending, type OutboxEntry } from './outbox';

// Opened by a button, and the entry form only by staff: chunks of their own, off the member's first screen.
const GeneralCommentForm = lazyView(() => import('./general-form').then((m) => m.GeneralCommentForm));
const WordImportForm = lazyView(() => import('./word-import-form').then((m) => m.WordImportForm));
const RecordingForm = lazyView(() => import('./recording-form').then((m) => m.RecordingForm));

export function AnnotationPanel(props: {
  document: DocumentInfo;
  rounds: Round[];
  round: Round | null;
  openRound: Round | null;
  canReview: boolean;
  selection: SelectionAnchor | null;
  /** Every visible annotation of the document, placed in the live draft (all rounds). */
  placed: PlacedAnnotation[];
  active: string | null;
  /** The annotations at the tapped highlight (several where passages overlap), `active` first. */
  activeGroup: string[];
  onActivate: (id: string | null) => void;
  onChanged: () => void;
  clearSelection: () => void;
}) {
  const user = useSignal(me)!;
  const phone = useMedia(PHONE_QUERY);
  const queue = useSignal(pending).filter((e) => e.documentId === props.document.id);
  const lastDelivered = useSignal(delivered);
  const [draft, setDraftState] = useState<Draft | null>(() => loadDraft(user.member.id, props.document.id, props.openRound?.id));
  const [error, setError] = useState<unknown>(null);
  const [copied, setCopied] = useState(false);
  // Phones: the sheet can be folded down to its title to read the draft behind it.
  const [folded, setFolded] = useState(false);
  const formRef = useRef<HTMLFormElement>(null);
  const docId = props.document.id;
  // The other forms: a general comment and a Word file (any participant), entering collected comments (staff).
  const [general, setGeneral] = useState<{ editing?: Annotation } | null>(null);
  const [recording, setRecording] = useState(false);
  const [wordImport, setWordImport] = useState(false);
  const [sections, setSections] = useState<Section[]>([]);
  // What the open round lets the caller do, by the server's rules: comment (its participants), enter
  // collected comments (staff of a unit inside its scope). A reader from above does neither.
  const comments = !!props.openRound && takesPartInRoundOf(user, props.openRound);
  const staff = !!props.openRound && mayRecordInRoundOf(user, props.openRound);

  // The round's base version outline: what a section comment can be about.
  useEffect(() => {
    if (!props.openRound) return;
    let cancelled = false;
    api
      .sections(docId, props.openRound.baseVersion)
      .then((outline) => !cancelled && setSections(outline.sections))
      .catch(() => undefined);
    return () => {
      cancelled = true;
    };
  }, [docId, props.openRound?.id]);
  const titleOf = (path: string) => sections.find((s) => s.path === path)?.title;

  /** Every change of the form is kept at once (a reload or a crash loses nothing). */
  const setDraft = (next: Draft | null) => {
    setDraftState(next);
    if (next) saveDraft(user.member.id, docId, next);
  };
  const dropDraft = () => {
    if (draft) forgetDraft(user.member.id, docId, draft.roundId);
    setDraftState(null);
    setError(null);
    props.clearSelection();
  };

  useEffect(() => setFolded(false), [props.selection?.relStart, props.selection?.relEnd]);

  useEffect(() => {
    if (lastDelivered) props.onChanged();
  }, [lastDelivered?.at]);

  // A new selection starts a new annotation, unless the form holds typed text; a refused one
  // being corrected takes the new passage as its anchor (re-anchoring).
  useEffect(() => {
    const selection = props.selection;
    const round = props.openRound;
    // While staff enter collected comments, a selection is what the entry form's next comment is about.
    if (!selection || !round || recording || !comments) return;
    const anchor = { relStart: selection.relStart, relEnd: selection.relEnd };
    if (draft?.mode === 'refused' && draft.roundId === round.id) {
      setDraft({ ...draft, anchor, quote: selection.text });
      return;
    }
    if (draft && (draft.mode === 'editing' || draft.body.trim() || draft.replacement.trim())) return;
    // Only when the sheet first opens: later selection changes are the person dragging the
    // selection's handles, and the page must not move under their finger.
    if (phone && !draft) keepSelectionAboveSheet();
    const kind = draft?.kind ?? 'comment';
    setDraft({
      id: crypto.randomUUID(),
      roundId: round.id,
      kind,
      body: '',
      replacement: kind === 'suggestion' ? selection.text : '',
      anchor,
      quote: selection.text,
      mode: 'new',
    });
  }, [props.selection?.relStart, props.selection?.relEnd, props.openRound?.id]);

  // The rewording starts from the quoted words: unchanged, it would be refused (the server's rule).
  const unchanged = !!draft && draft.kind === 'suggestion' && rewordsNothing(draft.quote, draft.replacement);
  const draftRoundOpen = !!draft && props.openRound?.id === draft.roundId;

  const submit = async (event: Event) => {
    event.preventDefault();
    if (!draft || !draftRoundOpen) return;
    const write: AnnotationWrite = {
      kind: draft.kind,
      body: draft.body.trim(),
      anchor: draft.anchor,
      ...(draft.kind === 'suggestion' ? { replacement: draft.replacement.trim() } : {}),
    };
    setError(null);
    try {
      await enqueue({ id: draft.id, roundId: draft.roundId, documentId: docId, op: 'put', write, quote: draft.quote });
      forgetDraft(user.member.id, docId, draft.roundId);
      setDraftState(null);
      props.clearSelection();
    } catch (failure) {
      setError(failure);
    }
  };

  // Not on phones: the keyboard would cover the draft the person may want to select in.
  const focusForm = () => !phone && setTimeout(() => formRef.current?.querySelector('textarea')?.focus(), 0);

  const edit = (annotation: Annotation) => {
    const { anchor } = annotation;
    if (anchor.scope !== 'passage' || anchor.relStart === null || anchor.relEnd === null || anchor.quote === null) {
      setGeneral({ editing: annotation });
      return;
    }
    setDraft({
      id: annotation.id,
      roundId: annotation.roundId,
      kind: annotation.kind,
      body: annotation.body,
      replacement: annotation.replacement ?? '',
      anchor: { relStart: anchor.relStart, relEnd: anchor.relEnd },
      quote: anchor.quote.exact,
      mode: 'editing',
    });
    props.onActivate(null);
    focusForm();
  };

  /** A refused write back into the form, to correct its text or select its passage again. */
  const correct = (entry: OutboxEntry) => {
    if (!entry.write || !('relStart' in entry.write.anchor)) return;
    setDraft({
      id: entry.id,
      roundId: entry.roundId,
      kind: entry.write.kind,
      body: entry.write.body,
      replacement: entry.write.replacement ?? '',
      anchor: entry.write.anchor,
      quote: entry.quote,
      mode: 'refused',
      ...(entry.error ? { refusal: entry.error } : {}),
    });
    // Phones: folded to its title and the hint, so the draft shows for selecting the passage again.
    setFolded(phone);
    focusForm();
  };

  const withdraw = async (annotation: Annotation) => {
    if (!confirm(t('withdrawConfirm'))) return;
    const quote = annotation.anchor.quote?.exact ?? t(`scope_${annotation.anchor.scope}`);
    await enqueue({ id: annotation.id, roundId: annotation.roundId, documentId: docId, op: 'delete', quote });
  };

  const copyText = async () => {
    if (!draft) return;
    const text = [draft.quote && `«${draft.quote}»`, draft.replacement && `→ ${draft.replacement}`, draft.body].filter(Boolean).join('\n');
    try {
      await navigator.clipboard.writeText(text);
      setCopied(true);
    } catch {
      setCopied(false);
    }
  };

  const queuedIds = new Set(queue.map((e) => e.id));
  const focusRoundId = props.round?.id;
  const active = props.placed.filter((a) => a.status === 'active' && !queuedIds.has(a.id));
  const byPosition = (a: PlacedAnnotation, b: PlacedAnnotation) => (a.position.start ?? Infinity) - (b.position.start ?? Infinity);
  // This round's, plus (for reviewers) the undecided ones of earlier rounds, which carry forward.
  const carried = props.canReview ? active.filter((a) => a.roundId !== focusRoundId && !a.disposition) : [];
  const list = [...active.filter((a) => a.roundId === focusRoundId), ...carried].sort(byPosition);
  // Members: what they said in earlier rounds, with the committee's replies and decisions.
  const shown = new Set(list.map((a) => a.id));
  const history = active.filter((a) => a.roundId !== focusRoundId && !shown.has(a.id)).sort(byPosition);
  const roundNumber = (id: string) => props.rounds.find((r) => r.id === id)?.number ?? '?';
  const roundOpen = props.round?.status === 'open';
  const tapped = props.activeGroup
    .map((id) => props.placed.find((a) => a.id === id && a.status === 'active'))
    .filter((a): a is PlacedAnnotation => a !== undefined);

  const card = (annotation: PlacedAnnotation) => (
    <AnnotationCard
      key={annotation.id}
      annotation={annotation}
      mine={annotation.authorId === user.member.id}
      active={props.active === annotation.id}
      // A comment recorded on someone's behalf is changed by withdrawing and entering it again
      // (the member's form would make it the recorder's own); the member may withdraw it.
      canEdit={roundOpen && annotation.roundId === props.openRound?.id && !annotation.recordedBy && annotation.authorId === user.member.id}
      canWithdraw={
        roundOpen &&
        annotation.roundId === props.openRound?.id &&
        annotation.recordedBy !== null &&
        (annotation.authorId === user.member.id || annotation.recordedBy.id === user.member.id)
      }
      sectionTitle={titleOf(annotation.anchor.section)}
      canReview={props.canReview}
      fromRound={annotation.roundId !== focusRoundId ? roundNumber(annotation.roundId) : undefined}
      onActivate={() => props.onActivate(annotation.id)}
      onEdit={() => edit(annotation)}
      onWithdraw={() => void withdraw(annotation)}
      onChanged={props.onChanged}
    />
  );

  const form = draft && (
    <form
      ref={formRef}
      class={`annotation-form stack${phone ? ' sheet' : ''}${phone && folded ? ' folded' : ''}`}
      onSubmit={submit}
      aria-label={draft.mode === 'editing' ? t('edit') : t('newAnnotation')}
    >
      <div class="row spread sheet-head">
        <h3>{draft.mode === 'editing' ? t('edit') : draft.mode === 'refused' ? t('correctRefused') : t('newAnnotation')}</h3>
        {phone && (
          <button type="button" class="link" aria-expanded={!folded} onClick={() => setFolded(!folded)}>
            {folded ? t('unfold') : t('fold')}
          </button>
        )}
      </div>
      <blockquote class="quote">{draft.quote}</blockquote>
      {draft.mode === 'refused' && (
        <p class="hint sheet-hint" role="status">
          {t('sendFailed', { reason: errorMessage({ code: draft.refusal ?? 'internal' }) })} {t('reanchorHint')}
        </p>
      )}
      {!draftRoundOpen && (
        <div class="banner banner-warn" role="alert">
          <span>{t('draftRoundClosed', { n: roundNumber(draft.roundId) })}</span>
          <span class="row wrap">
            <button type="button" onClick={() => void copyText()}>{copied ? t('copied') : t('copyText')}</button>
          </span>
        </div>
      )}
      <fieldset class="kinds">
        <legend>{t('kind')}</legend>
        {annotationKinds.map((kind) => (
          <label key={kind} class={`kind-choice kind-${kind}`}>
            <input
              type="radio"
              name="kind"
              value={kind}
              checked={draft.kind === kind}
              // A rewording usually starts from the words it replaces.
              onChange={() => setDraft({ ...draft, kind, replacement: kind === 'suggestion' && !draft.replacement ? draft.quote : draft.replacement })}
            />
            {t(`kind_${kind}`)}
          </label>
        ))}
      </fieldset>
      {draft.kind === 'suggestion' && (
        <label>
          {t('replacement')}
          <textarea name="replacement" required rows={3} maxLength={textMax.replacement} value={draft.replacement} onInput={(e) => setDraft({ ...draft, replacement: e.currentTarget.value })} />
          <LengthCount value={draft.replacement} max={textMax.replacement} />
          {unchanged && <small class="error">{t('replacementUnchanged')}</small>}
        </label>
      )}
      <label>
        {t('body')}
        <textarea
          name="body"
          rows={3}
          required={draft.kind !== 'support' && draft.kind !== 'suggestion'}
          maxLength={annotationBodyMax.passage}
          value={draft.body}
          onInput={(e) => setDraft({ ...draft, body: e.currentTarget.value })}
        />
        <LengthCount value={draft.body} max={annotationBodyMax.passage} />
      </label>
      <ErrorText error={error} />
      <div class="row wrap">
        <button type="submit" class="primary" disabled={!draftRoundOpen || unchanged}>{draft.mode === 'editing' ? t('update') : t('send')}</button>
        <button type="button" onClick={dropDraft}>{draftRoundOpen ? t('cancel') : t('discardDraft')}</button>
      </div>
    </form>
  );

  return (
    <aside class="panel" aria-label={t('annotationsTitle')}>
      <h2>{t('annotationsTitle')}</h2>
      {props.openRound ? (
        <p class="muted">{t('roundOpenUntil', { n: props.openRound.number, date: formatDate(props.openRound.closesAt) })}</p>
      ) : (
        <p class="muted">{t('noOpenRound')}</p>
      )}

      {props.openRound && !comments && !staff && <p class="muted">{t('notInRound', { n: props.openRound.number })}</p>}
      {props.openRound && (comments || staff) && (
        <div class="row wrap panel-actions">
          {comments && <button type="button" aria-expanded={general !== null} onClick={() => setGeneral(general ? null : {})}>{t('generalCommentForm')}</button>}
          {comments && <button type="button" aria-expanded={wordImport} onClick={() => setWordImport(!wordImport)}>{t('wordImport')}</button>}
          {staff && (
            <button type="button" aria-expanded={recording} onClick={() => { setRecording(!recording); if (draft && draft.mode !== 'editing') dropDraft(); }}>
              {t('recordTitle')}
            </button>
          )}
        </div>
      )}
      {props.openRound && general && (
        <GeneralCommentForm
          key={general.editing?.id ?? 'new'}
          round={props.openRound}
          sections={sections}
          editing={general.editing}
          onDone={() => { setGeneral(null); props.onChanged(); }}
          onCancel={() => setGeneral(null)}
        />
      )}
      {props.openRound && wordImport && <WordImportForm round={props.openRound} onDone={props.onChanged} />}
      {props.openRound && recording && <RecordingForm round={props.openRound} sections={sections} selection={props.selection} onSaved={props.onChanged} />}
      {props.openRound && comments && !draft && !recording && <p class="hint">{t('selectToComment')}</p>}
      {!recording && form}

      {phone && tapped.length > 0 && !draft && (
        <section class="sheet thread-sheet" role="dialog" aria-label={t('commentsHere')}>
          <div class="row spread">
            <h3>{t('commentsHere')}{tapped.length > 1 ? ` (${tapped.length})` : ''}</h3>
            <button type="button" class="link" onClick={() => props.onActivate(null)}>{t('close')}</button>
          </div>
          <ul class="annotations">{tapped.map(card)}</ul>
        </section>
      )}

      {queue.length > 0 && (
        <ul class="annotations pending" aria-label={t('notSent')}>
          {queue
            .filter((entry) => entry.id !== draft?.id)
            .map((entry) => (
              <li key={entry.id} class="card annotation unsent">
                <span class="pill pill-warn">{t('notSent')}</span>{' '}
                {entry.op === 'delete' ? <strong>{t('withdraw')}</strong> : <strong>{t(`kind_${entry.write?.kind ?? 'comment'}`)}</strong>}
                <blockquote class="quote">{entry.quote}</blockquote>
                {entry.write?.replacement && <p class="replacement">→ {entry.write.replacement}</p>}
                {entry.write?.body && <p>{entry.write.body}</p>}
                {entry.error ? (
                  <div class="error" role="alert">
                    <p>{t('sendFailed', { reason: errorMessage({ code: entry.error }) })}</p>
                    <div class="row wrap">
                      {entry.op === 'put' && props.openRound?.id === entry.roundId && (
                        <button type="button" onClick={() => correct(entry)}>{t('editAndReanchor')}</button>
                      )}
                      <button type="button" onClick={() => void discard(entry.id)}>{t('discard')}</button>
                    </div>
                  </div>
                ) : (
                  <p class="muted">{t('notSentHint')}</p>
                )}
              </li>
            ))}
        </ul>
      )}

      {list.length === 0 && queue.length === 0 && history.length === 0 && <p class="muted">{t('noAnnotations')}</p>}
      <ul class="annotations">{list.map(card)}</ul>

      {history.length > 0 && (
        <section class="history" aria-label={t('earlierRounds')}>
          <h3>{t('earlierRounds')}</h3>
          <ul class="annotations">{history.map(card)}</ul>
        </section>
      )}
    </aside>
  );
}

/** Phones: scrolls the selected passage into the top of the screen, above the sheet that opens. */
function keepSelectionAboveSheet(): void {
  const selection = window.getSelection();
  if (!selection || selection.rangeCount === 0) return;
  const rect = selection.getRangeAt(0).getBoundingClientRect();
  const room = window.innerHeight * 0.36;
  if (rect.top < 8 || rect.bottom > room) window.scrollBy({ top: rect.top - 56, behavior: 'instant' as ScrollBehavior });
}
