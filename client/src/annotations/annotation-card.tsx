/** One annotation: its passage, kind, text, replies, and — for reviewers — decision and apply. */
import { useState } from 'preact/hooks';
import type { Annotation, Decision, PlacedAnnotation } from '../api/types';
import { ErrorText, useAction } from '../ui/components';
import { formatDate, t, tk } from '../ui/i18n';
import { api } from '../ui/session';

export const DECISIONS: Decision[] = ['accepted', 'partially_accepted', 'rejected', 'noted'];

export function AnnotationCard(props: {
  annotation: Annotation | PlacedAnnotation;
  mine: boolean;
  active?: boolean;
  canEdit: boolean;
  canReview: boolean;
  onActivate?: () => void;
  onEdit?: () => void;
  onWithdraw?: () => void;
  onChanged: () => void;
}) {
  const a = props.annotation;
  const placed = 'anchorStatus' in a ? a : null;
  return (
    <li
      class={`card annotation kind-${a.kind}${props.active ? ' active' : ''}${props.mine ? ' mine' : ''}`}
      data-annotation-id={a.id}
      aria-current={props.active ? 'true' : undefined}
    >
      <div class="row spread">
        <span>
          <span class={`pill kind-pill kind-${a.kind}`}>{tk(`kind_${a.kind}`)}</span>
          {props.mine && <span class="pill">{t('mine')}</span>}
          {placed && placed.anchorStatus !== 'exact' && <span class="pill pill-warn">{tk(`anchor_${placed.anchorStatus}`)}</span>}
        </span>
        <time class="muted" dateTime={a.updatedAt}>{formatDate(a.updatedAt)}</time>
      </div>
      {!props.mine && a.authorName && <p class="muted author">{a.authorName}</p>}
      <button type="button" class="quote quote-button" onClick={props.onActivate} title={a.anchor.section || t('preamble')}>
        {a.anchor.quote.exact}
      </button>
      {a.replacement !== null && <p class="replacement">→ {a.replacement}</p>}
      {a.body && <p class="body">{a.body}</p>}
      {a.replies.length > 0 && (
        <ul class="replies" aria-label={t('replies')}>
          {a.replies.map((r) => (
            <li key={r.id}>
              <strong>{r.authorName}</strong>: {r.body} <time class="muted">{formatDate(r.createdAt)}</time>
            </li>
          ))}
        </ul>
      )}
      {a.disposition && (
        <p class={`disposition decision-${a.disposition.decision}`}>
          <strong>{tk(`decision_${a.disposition.decision}`)}</strong>
          {a.disposition.note && <> — {a.disposition.note}</>}
          {a.disposition.appliedAt && <span class="muted"> · {t('applied', { date: formatDate(a.disposition.appliedAt) })}</span>}
        </p>
      )}
      {props.canEdit && (
        <div class="row">
          <button type="button" onClick={props.onEdit}>{t('edit')}</button>
          <button type="button" onClick={props.onWithdraw}>{t('withdraw')}</button>
        </div>
      )}
      {props.canReview && <DecisionForm annotation={a} onChanged={props.onChanged} />}
      <ReplyForm annotation={a} onChanged={props.onChanged} />
    </li>
  );
}

export function DecisionForm(props: { annotation: Annotation; onChanged: () => void }) {
  const a = props.annotation;
  const [decision, setDecision] = useState<Decision>(a.disposition?.decision ?? 'accepted');
  const [note, setNote] = useState(a.disposition?.note ?? '');
  const { busy, error, run } = useAction(props.onChanged);
  const canApply = a.kind === 'suggestion' && a.disposition?.decision === 'accepted' && !a.disposition.appliedAt;
  return (
    <form
      class="decision-form"
      onSubmit={(e) => {
        e.preventDefault();
        void run(() => api.decide(a.id, decision, note.trim()));
      }}
    >
      <div class="row wrap">
        <label>
          {t('decision')}{' '}
          <select name="decision" value={decision} onChange={(e) => setDecision(e.currentTarget.value as Decision)}>
            {DECISIONS.map((d) => (
              <option key={d} value={d}>{tk(`decision_${d}`)}</option>
            ))}
          </select>
        </label>
        <label class="grow">
          {t('reason')}{' '}
          <input name="note" value={note} onInput={(e) => setNote(e.currentTarget.value)} />
        </label>
        <button type="submit" disabled={busy}>{t('recordDecision')}</button>
        {canApply && (
          <button type="button" class="primary" disabled={busy} onClick={() => void run(() => api.apply(a.id))}>
            {t('applySuggestion')}
          </button>
        )}
      </div>
      <ErrorText error={error} />
    </form>
  );
}

function ReplyForm(props: { annotation: Annotation; onChanged: () => void }) {
  const [body, setBody] = useState('');
  const [open, setOpen] = useState(false);
  const [error, setError] = useState<unknown>(null);
  if (!open) {
    return (
      <button type="button" class="link" onClick={() => setOpen(true)}>
        {t('replyButton')}
      </button>
    );
  }
  return (
    <form
      class="row"
      onSubmit={async (e) => {
        e.preventDefault();
        try {
          await api.reply(props.annotation.id, body.trim());
          setBody('');
          setOpen(false);
          props.onChanged();
        } catch (failure) {
          setError(failure);
        }
      }}
    >
      <input class="grow" aria-label={t('replyPlaceholder')} placeholder={t('replyPlaceholder')} required value={body} onInput={(e) => setBody(e.currentTarget.value)} />
      <button type="submit">{t('replyButton')}</button>
      <ErrorText error={error} />
    </form>
  );
}
