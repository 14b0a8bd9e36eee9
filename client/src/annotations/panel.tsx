/**
 * The side panel next to the draft: the form for a new (or edited) annotation on the selected
 * passage, the round's annotations (own, and others' where the server shows them), the unsent
 * ones from the outbox, and for drafters and secretaries the decision and apply buttons.
 */
import { useEffect, useRef, useState } from 'preact/hooks';
import type { Annotation, AnnotationWrite, DocumentInfo, Kind, PlacedAnnotation, Round } from '../api/types';
import type { SelectionAnchor } from '../editor/anchors';
import { ErrorText } from '../ui/components';
import { formatDate, t, tk } from '../ui/i18n';
import { me } from '../ui/session';
import { useSignal } from '../ui/signal';
import { AnnotationCard } from './annotation-card';
import { delivered, discard, enqueue, pending } from './outbox';

export const KINDS: Kind[] = ['comment', 'question', 'objection', 'support', 'suggestion'];

interface Draft {
  id: string;
  kind: Kind;
  body: string;
  replacement: string;
  anchor: { relStart: string; relEnd: string };
  quote: string;
  editing: boolean;
}

export function AnnotationPanel(props: {
  document: DocumentInfo;
  round: Round | null;
  openRound: Round | null;
  canReview: boolean;
  selection: SelectionAnchor | null;
  placed: PlacedAnnotation[];
  active: string | null;
  onActivate: (id: string | null) => void;
  onChanged: () => void;
  clearSelection: () => void;
}) {
  const user = useSignal(me)!;
  const queue = useSignal(pending).filter((e) => e.documentId === props.document.id);
  const lastDelivered = useSignal(delivered);
  const [draft, setDraft] = useState<Draft | null>(null);
  const [error, setError] = useState<unknown>(null);
  const formRef = useRef<HTMLFormElement>(null);

  useEffect(() => {
    if (lastDelivered) props.onChanged();
  }, [lastDelivered?.at]);

  // A new selection starts a new annotation (unless one is being edited).
  useEffect(() => {
    if (!props.selection || !props.openRound) return;
    setDraft((current) =>
      current && (current.editing || current.body || current.replacement)
        ? current
        : {
            id: crypto.randomUUID(),
            kind: current?.kind ?? 'comment',
            body: '',
            replacement: '',
            anchor: { relStart: props.selection!.relStart, relEnd: props.selection!.relEnd },
            quote: props.selection!.text,
            editing: false,
          },
    );
  }, [props.selection?.relStart, props.selection?.relEnd, props.openRound?.id]);

  const submit = async (event: Event) => {
    event.preventDefault();
    if (!draft || !props.openRound) return;
    const write: AnnotationWrite = {
      kind: draft.kind,
      body: draft.body.trim(),
      anchor: draft.anchor,
      ...(draft.kind === 'suggestion' ? { replacement: draft.replacement.trim() } : {}),
    };
    setError(null);
    try {
      await enqueue({ id: draft.id, roundId: props.openRound.id, documentId: props.document.id, op: 'put', write, quote: draft.quote });
      setDraft(null);
      props.clearSelection();
    } catch (failure) {
      setError(failure);
    }
  };

  const edit = (annotation: Annotation) => {
    setDraft({
      id: annotation.id,
      kind: annotation.kind,
      body: annotation.body,
      replacement: annotation.replacement ?? '',
      anchor: { relStart: annotation.anchor.relStart, relEnd: annotation.anchor.relEnd },
      quote: annotation.anchor.quote.exact,
      editing: true,
    });
    setTimeout(() => formRef.current?.querySelector('textarea')?.focus(), 0);
  };

  const withdraw = async (annotation: Annotation) => {
    if (!confirm(t('withdrawConfirm'))) return;
    await enqueue({ id: annotation.id, roundId: annotation.roundId, documentId: props.document.id, op: 'delete', quote: annotation.anchor.quote.exact });
  };

  const queuedIds = new Set(queue.map((e) => e.id));
  const list = props.placed
    .filter((a) => a.status === 'active' && !queuedIds.has(a.id))
    .sort((a, b) => (a.position.start ?? Infinity) - (b.position.start ?? Infinity));
  const roundOpen = props.round?.status === 'open';

  return (
    <aside class="panel" aria-label={t('annotationsTitle')}>
      <h2>{t('annotationsTitle')}</h2>
      {props.openRound ? (
        <p class="muted">{t('roundOpenUntil', { n: props.openRound.number, date: formatDate(props.openRound.closesAt) })}</p>
      ) : (
        <p class="muted">{t('noOpenRound')}</p>
      )}

      {props.openRound && !draft && <p class="hint">{t('selectToComment')}</p>}
      {props.openRound && draft && (
        <form ref={formRef} class="annotation-form stack" onSubmit={submit} aria-label={t('newAnnotation')}>
          <h3>{draft.editing ? t('edit') : t('newAnnotation')}</h3>
          <blockquote class="quote">{draft.quote}</blockquote>
          <fieldset class="kinds">
            <legend>{t('kind')}</legend>
            {KINDS.map((kind) => (
              <label key={kind} class={`kind-choice kind-${kind}`}>
                <input type="radio" name="kind" value={kind} checked={draft.kind === kind} onChange={() => setDraft({ ...draft, kind })} />
                {tk(`kind_${kind}`)}
              </label>
            ))}
          </fieldset>
          {draft.kind === 'suggestion' && (
            <label>
              {t('replacement')}
              <textarea name="replacement" required rows={3} value={draft.replacement} onInput={(e) => setDraft({ ...draft, replacement: e.currentTarget.value })} />
            </label>
          )}
          <label>
            {t('body')}
            <textarea
              name="body"
              rows={3}
              required={draft.kind !== 'support' && draft.kind !== 'suggestion'}
              value={draft.body}
              onInput={(e) => setDraft({ ...draft, body: e.currentTarget.value })}
            />
          </label>
          <ErrorText error={error} />
          <div class="row">
            <button type="submit" class="primary">{draft.editing ? t('update') : t('send')}</button>
            <button type="button" onClick={() => { setDraft(null); props.clearSelection(); }}>{t('cancel')}</button>
          </div>
        </form>
      )}

      {queue.length > 0 && (
        <ul class="annotations pending" aria-label={t('notSent')}>
          {queue.map((entry) => (
            <li key={entry.id} class="card annotation unsent">
              <span class="pill pill-warn">{t('notSent')}</span>{' '}
              {entry.op === 'delete' ? <strong>{t('withdraw')}</strong> : <strong>{tk(`kind_${entry.write?.kind ?? 'comment'}`)}</strong>}
              <blockquote class="quote">{entry.quote}</blockquote>
              {entry.write?.replacement && <p class="replacement">→ {entry.write.replacement}</p>}
              {entry.write?.body && <p>{entry.write.body}</p>}
              {entry.error ? (
                <p class="error" role="alert">
                  {t('sendFailed', { reason: tk(`error_${entry.error}`) })}{' '}
                  <button type="button" onClick={() => void discard(entry.id)}>{t('discard')}</button>
                </p>
              ) : (
                <p class="muted">{t('notSentHint')}</p>
              )}
            </li>
          ))}
        </ul>
      )}

      {list.length === 0 && queue.length === 0 && <p class="muted">{t('noAnnotations')}</p>}
      <ul class="annotations">
        {list.map((annotation) => (
          <AnnotationCard
            key={annotation.id}
            annotation={annotation}
            mine={annotation.authorId === user.member.id}
            active={props.active === annotation.id}
            canEdit={roundOpen && annotation.authorId === user.member.id}
            canReview={props.canReview}
            onActivate={() => props.onActivate(annotation.id)}
            onEdit={() => edit(annotation)}
            onWithdraw={() => void withdraw(annotation)}
            onChanged={props.onChanged}
          />
        ))}
      </ul>
    </aside>
  );
}
