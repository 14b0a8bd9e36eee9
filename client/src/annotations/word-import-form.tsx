/**
 * "Nộp tệp Word có góp ý": a member sends their copy of the draft with Word comments and tracked
 * changes, and each becomes one of their annotations (API.md `POST /rounds/:id/imports`). Staff
 * use it from the entry form for the member or group chosen there.
 */
import { useState } from 'preact/hooks';
import type { AnnotationWrite, WordImportResult } from '@schemas/annotations';
import type { Round } from '@schemas/rounds';
import { ErrorText } from '../ui/components';
import { t } from '../ui/i18n';
import { api } from '../ui/session';
import { attachmentOf, maxAttachmentBytes } from './attachment-file';

export function WordImportForm(props: {
  round: Round;
  onDone: () => void;
  /** For whom, when staff enter a member's or group's file (with its source). */
  onBehalf?: { onBehalfOf: NonNullable<AnnotationWrite['onBehalfOf']>; source: NonNullable<AnnotationWrite['source']> } | null;
}) {
  const [file, setFile] = useState<File | null>(null);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<unknown>(null);
  const [result, setResult] = useState<WordImportResult | null>(null);

  const submit = async (event: Event) => {
    event.preventDefault();
    if (!file) return;
    setError(null);
    setResult(null);
    if (file.size > maxAttachmentBytes) return setError({ code: 'too_large' });
    setBusy(true);
    try {
      const { filename, dataBase64 } = await attachmentOf(file);
      setResult(await api.importWord(props.round.id, { filename, dataBase64, ...(props.onBehalf ?? {}) }));
      props.onDone();
    } catch (failure) {
      setError(failure);
    } finally {
      setBusy(false);
    }
  };

  return (
    <form class="word-import-form stack" onSubmit={(e) => void submit(e)} aria-label={t('wordImport')}>
      <label>
        {t('wordImport')}
        <input type="file" name="wordFile" accept=".docx" required onChange={(e) => setFile(e.currentTarget.files?.[0] ?? null)} />
        <small class="muted">{t('wordImportHint')}</small>
      </label>
      <ErrorText error={error} />
      {result && (
        <p role="status" class="muted">
          {result.created.length === 0 && result.unplaced === 0 ? t('wordImportNothing') : t('wordImportDone', { n: result.created.length, unplaced: result.unplaced })}
        </p>
      )}
      <div class="row">
        <button type="submit" disabled={busy || !file}>{t('wordImportSend')}</button>
      </div>
    </form>
  );
}
