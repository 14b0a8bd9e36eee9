/** One annotation: its passage, kind, text, replies, and — for reviewers — decision and apply. */
import type { ComponentChildren } from 'preact';
import { useState } from 'preact/hooks';
import { decisions, textMax, type Decision } from '@domain/vocabulary';
import type { Annotation, PlacedAnnotation } from '@schemas/annotations';
import { ErrorText, useAction } from '../ui/components';
import { formatDate, t } from '../ui/i18n';
import { api } from '../ui/session';
import { AttachmentLink, RecordedNote, ScopeNote } from './provenance';
import { ReasonField } from '../ui/reason-field';


export function AnnotationCard(props: {
  annotation: Annotation | PlacedAnnotation;
  mine: boolean;
  active?: boolean;
  canEdit: boolean;
  /** Withdraw without editing: a comment staff recorded in this member's name. */
  canWithdraw?: boolean;
  canReview: boolean;
  /** The number of the earlier round it was made in, when shown beside the current round's. */
  fromRound?: number | string | undefined;
  onActivate?: () => void;
  onEdit?: () => void;
  onWithdraw?: () => void;
  onChanged: () => void;
  /** The title of a section comment's section, when the view knows the outline. */
  sectionTitle?: string | undefined;
  /** Extra buttons for this annotation (the summary's "split out"). */
  actions?: ComponentChildren;
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
          <span class={`pill kind-pill kind-${a.kind}`}>{t(`kind_${a.kind}`)}</span>
          {props.mine && <span class="pill">{t('mine')}</span>}
          {props.fromRound !== undefined && <span class="pill">{t('fromRound', { n: props.fromRound })}</span>}
          {placed && placed.anchorStatus !== 'exact' && <span class="pill pill-warn">{t(`anchor_${placed.anchorStatus}`)}</span>}
        </span>
        <time class="muted" dateTime={a.updatedAt}>{formatDate(a.updatedAt)}</time>
      </div>
      <RecordedNote annotation={a} showAuthor={!props.mine} />
      {a.anchor.quote ? (
        <button type="button" class="quote quote-button" onClick={props.onActivate} title={a.anchor.section || t('preamble')}>
          {a.anchor.quote.exact || (
            // A comment on a point quotes nothing: the words either side say where it is.
            <>
              <span class="muted">{t('atPoint')}:</span> …{wordsBefore(a.anchor.quote.prefix)}<strong aria-hidden="true">‸</strong>{wordsAfter(a.anchor.quote.suffix)}…
            </>
          )}
        </button>
      ) : (
        <ScopeNote annotation={a} sectionTitle={props.sectionTitle} />
      )}
      {a.replacement !== null && <p class="replacement">→ {a.replacement}</p>}
      {a.body && <p class="body">{a.body}</p>}
      <AttachmentLink annotation={a} />
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
          <strong>{t(`decision_${a.disposition.decision}`)}</strong>
          {a.disposition.note && <> — {a.disposition.note}</>}
          {a.disposition.appliedAt && <span class="muted"> · {t('applied', { date: formatDate(a.disposition.appliedAt) })}</span>}
        </p>
      )}
      {(props.canEdit || props.canWithdraw) && (
        <div class="row">
          {props.canEdit && <button type="button" onClick={props.onEdit}>{t('edit')}</button>}
          <button type="button" onClick={props.onWithdraw}>{t('withdraw')}</button>
        </div>
      )}
      {props.actions && <div class="row wrap">{props.actions}</div>}
      {props.canReview && <DecisionForm annotation={a} onChanged={props.onChanged} />}
      <ReplyForm annotation={a} onChanged={props.onChanged} />
    </li>
  );
}

export function DecisionForm(props: { annotation: Annotation; onChanged: () => void }) {
  const a = props.annotation;
  // Nothing preselected: one careless click must not accept a point (issue 15).
  const [decision, setDecision] = useState<Decision | ''>(a.disposition?.decision ?? '');
  const [note, setNote] = useState(a.disposition?.note ?? '');
  const { busy, error, run } = useAction(props.onChanged);
  const canApply = a.kind === 'suggestion' && a.disposition?.decision === 'accepted' && !a.disposition.appliedAt;
  return (
    <form
      class="decision-form"
      onSubmit={(e) => {
        e.preventDefault();
        if (decision) void run(() => api.decide(a.id, decision, note.trim()));
      }}
    >
      <div class="row wrap">
        <label>
          {t('decision')}{' '}
          <select name="decision" required value={decision} onChange={(e) => setDecision(e.currentTarget.value as Decision | '')}>
            <option value="" disabled>{t('chooseDecision')}</option>
            {decisions.map((d) => (
              <option key={d} value={d}>{t(`decision_${d}`)}</option>
            ))}
          </select>
        </label>
        <label class="grow">
          {t('reason')}{' '}
          <ReasonField name="note" decision={decision} maxLength={textMax.decisionNote} value={note} onInput={setNote} />
        </label>
        <button type="submit" disabled={busy || !decision}>{t('recordDecision')}</button>
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
      <input class="grow" aria-label={t('replyPlaceholder')} placeholder={t('replyPlaceholder')} required maxLength={textMax.reply} value={body} onInput={(e) => setBody(e.currentTarget.value)} />
      <button type="submit">{t('replyButton')}</button>
      <ErrorText error={error} />
    </form>
  );
}

// The server keeps 32 characters either side of a quote (CONTEXT_LENGTH, domain/anchoring.ts): a
// context that long was cut, likely inside a word, which is left out.
const CONTEXT_KEPT = 32;

/** The words before a point, without a word the context cut. */
function wordsBefore(text: string): string {
  return text.length < CONTEXT_KEPT ? text : text.slice(text.indexOf(' ') + 1);
}

/** The words after a point, without a word the context cut. */
function wordsAfter(text: string): string {
  const end = text.lastIndexOf(' ');
  return text.length < CONTEXT_KEPT || end <= 0 ? text : text.slice(0, end);
}
