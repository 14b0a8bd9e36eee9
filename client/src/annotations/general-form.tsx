/**
 * "Góp ý chung cho mục/toàn văn": a member's opinion on a whole section or on the whole draft,
 * possibly a long written submission with an attached file (API.md "General comments"). Sent
 * straight to the server (not through the offline outbox: a file can be 10 MB).
 */
import { useState } from 'preact/hooks';
import { annotationBodyMax, annotationKinds, type AnnotationKind } from '@domain/vocabulary';
import type { Annotation, AnnotationWrite } from '@schemas/annotations';
import type { Section } from '@schemas/documents';
import type { Round } from '@schemas/rounds';
import { ErrorText, LengthCount } from '../ui/components';
import { t } from '../ui/i18n';
import { api } from '../ui/session';
import { acceptedFiles, attachmentOf, maxAttachmentBytes } from './attachment-file';

/** The select's value for the whole draft (a section path is never this). */
export const wholeDocument = '\u0000document';
/** Kinds a general comment can have: all but a suggestion, which rewords a passage. */
export const generalKinds = annotationKinds.filter((k): k is Exclude<AnnotationKind, 'suggestion'> => k !== 'suggestion');

/** Whether a target chosen in a section select is a section or the whole draft. */
const generalScope = (target: string): 'section' | 'document' => (target === wholeDocument ? 'document' : 'section');

/** The anchor of a target chosen in a section select. */
export const generalAnchor = (target: string): AnnotationWrite['anchor'] => (target === wholeDocument ? { scope: 'document' } : { scope: 'section', section: target });

/** Options of a section select: the whole draft, then each section of the round's base version. */
export function SectionOptions(props: { sections: readonly Section[]; withDocument?: boolean }) {
  return (
    <>
      {props.withDocument !== false && <option value={wholeDocument}>{t('wholeDocument')}</option>}
      {props.sections.map((s) => (
        <option key={s.path} value={s.path}>{s.title || s.path || t('preamble')}</option>
      ))}
    </>
  );
}

export function GeneralCommentForm(props: { round: Round; sections: readonly Section[]; editing?: Annotation | undefined; onDone: () => void; onCancel: () => void }) {
  const editing = props.editing;
  const [target, setTarget] = useState(editing?.anchor.scope === 'section' ? editing.anchor.section : wholeDocument);
  const [kind, setKind] = useState<AnnotationKind>(editing?.kind ?? 'comment');
  const [body, setBody] = useState(editing?.body ?? '');
  const [file, setFile] = useState<File | null>(null);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<unknown>(null);

  const submit = async (event: Event) => {
    event.preventDefault();
    setError(null);
    if (file && file.size > maxAttachmentBytes) {
      setError({ code: 'too_large' });
      return;
    }
    setBusy(true);
    try {
      const write: AnnotationWrite = { kind, body: body.trim(), anchor: generalAnchor(target), ...(file ? { attachment: await attachmentOf(file) } : {}) };
      await api.putAnnotation(props.round.id, editing?.id ?? crypto.randomUUID(), write);
      props.onDone();
    } catch (failure) {
      setError(failure);
    } finally {
      setBusy(false);
    }
  };

  return (
    <form class="general-form stack" onSubmit={(e) => void submit(e)} aria-label={t('generalCommentForm')}>
      <h3>{t('generalCommentForm')}</h3>
      <label>
        {t('generalTarget')}
        <select name="target" value={target} onChange={(e) => setTarget(e.currentTarget.value)}>
          <SectionOptions sections={props.sections} />
        </select>
      </label>
      <label>
        {t('kind')}
        <select name="kind" value={kind} onChange={(e) => setKind(e.currentTarget.value as AnnotationKind)}>
          {generalKinds.map((k) => <option key={k} value={k}>{t(`kind_${k}`)}</option>)}
        </select>
      </label>
      <label>
        {t('body')}
        <textarea name="body" rows={6} maxLength={annotationBodyMax[generalScope(target)]} required={kind !== 'support'} value={body} onInput={(e) => setBody(e.currentTarget.value)} />
        <LengthCount value={body} max={annotationBodyMax[generalScope(target)]} />
      </label>
      <label>
        {t('attachment')}
        <input type="file" name="attachment" accept={acceptedFiles} onChange={(e) => setFile(e.currentTarget.files?.[0] ?? null)} />
        <small class="muted">{t('attachmentHint')}</small>
      </label>
      <ErrorText error={error} />
      <div class="row">
        <button type="submit" class="primary" disabled={busy}>{editing ? t('update') : t('send')}</button>
        <button type="button" onClick={props.onCancel}>{t('cancel')}</button>
      </div>
    </form>
  );
}
