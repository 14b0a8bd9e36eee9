/**
 * "Tạo dự thảo mới": a drafter or secretary starts a draft of one of their units from a title and
 * a Word file ("Tải lên tệp Word": `content: {format: "docx", value: <base64>}`, whose headings,
 * lists, bold, italic and tables the server keeps) or pasted text or Markdown (`POST /documents`
 * with `content`). A draft from Word opens on its text, to check how the file came out; any other
 * lands on its rounds, where the draft is distributed for comment. Every refusal of a Word file is
 * worded by what is wrong with it (`fileProblem` of the problem answer), and a file over the limit
 * is refused here before it is sent.
 */
import { useState } from 'preact/hooks';
import type { Unit } from '@schemas/directory';
import { ApiError } from '../api/http';
import { ErrorText } from './components';
import { isMessageKey, t } from './i18n';
import { navigate } from './router';
import { api } from './session';

/** The server's limit (server/domain/docx-package.ts MAX_DOCX_BYTES). */
const MAX_WORD_BYTES = 20 * 1024 * 1024;

/** A refusal the form words itself (not an API answer). */
class FileRefusal extends Error {}

export function NewDraft(props: { units: Unit[] }) {
  const [chosen, setUnitId] = useState('');
  // The units arrive after the first render: the first one until the person picks another.
  const unitId = chosen || (props.units[0]?.id ?? '');
  const [title, setTitle] = useState('');
  const [format, setFormat] = useState<'text' | 'markdown'>('markdown');
  const [value, setValue] = useState('');
  const [file, setFile] = useState<File | null>(null);
  const [fileInput, setFileInput] = useState(0); // bumped to clear the file input
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<unknown>(null);
  if (props.units.length === 0) return null;

  const choose = (picked: File | null) => {
    setError(null);
    setFile(picked);
    // A Word file's name is usually its title ("Du thao Bao cao chinh tri.docx").
    if (picked && title.trim() === '') setTitle(picked.name.replace(/\.docx$/i, '').replace(/_+/g, ' ').trim());
  };

  const submit = async () => {
    setBusy(true);
    setError(null);
    try {
      if (file && file.size > MAX_WORD_BYTES) throw new FileRefusal(t('docxProblem_file_too_large'));
      const content = file ? { format: 'docx' as const, value: await base64Of(file) } : value.trim() ? { format, value } : undefined;
      const created = await api.createDocument({ unitId, title: title.trim(), ...(content ? { content } : {}) });
      navigate(`/d/${created.id}/${file ? 'draft' : 'rounds'}`);
    } catch (failure) {
      setError(failure);
    } finally {
      setBusy(false);
    }
  };

  return (
    <details class="card new-draft">
      <summary>{t('createDraft')}</summary>
      <form
        class="stack"
        onSubmit={(e) => {
          e.preventDefault();
          if (!busy) void submit();
        }}
      >
        <label>
          {t('draftUnit')}
          <select value={unitId} onChange={(e) => setUnitId(e.currentTarget.value)}>
            {props.units.map((u) => <option key={u.id} value={u.id}>{u.name}</option>)}
          </select>
        </label>
        <label>
          {t('uploadWord')}
          <input
            key={fileInput}
            type="file"
            name="file"
            accept=".docx,application/vnd.openxmlformats-officedocument.wordprocessingml.document"
            onChange={(e) => choose(e.currentTarget.files?.[0] ?? null)}
          />
          <small class="muted">{t('uploadWordHint')}</small>
        </label>
        <label>
          {t('draftTitle')}
          <input type="text" required maxLength={300} value={title} onInput={(e) => setTitle(e.currentTarget.value)} />
        </label>
        {file ? (
          <p class="row">
            <span class="muted">{t('wordChosen')}</span>
            <button
              type="button"
              onClick={() => {
                choose(null);
                setFileInput((n) => n + 1);
              }}
            >
              {t('removeWordFile')}
            </button>
          </p>
        ) : (
          <>
            <fieldset>
              <legend>{t('draftFormat')}</legend>
              <label class="inline">
                <input type="radio" name="format" checked={format === 'markdown'} onChange={() => setFormat('markdown')} /> {t('formatMarkdown')}
              </label>
              <label class="inline">
                <input type="radio" name="format" checked={format === 'text'} onChange={() => setFormat('text')} /> {t('formatText')}
              </label>
            </fieldset>
            <label>
              {t('draftText')}
              <textarea rows={8} value={value} onInput={(e) => setValue(e.currentTarget.value)} />
            </label>
          </>
        )}
        <button type="submit" class="primary" disabled={busy || !title.trim()}>
          {busy ? (file ? t('uploadingWord') : t('creatingDraft')) : t('createDraftButton')}
        </button>
        <DraftError error={error} />
      </form>
    </details>
  );
}

/** The Word file's problem in words when the server named one, else the usual error text. */
function DraftError(props: { error: unknown }) {
  const { error } = props;
  if (!error) return null;
  if (error instanceof FileRefusal) return <p class="error" role="alert">{error.message}</p>;
  const problem = error instanceof ApiError ? error.problem.fileProblem : undefined;
  const key = problem ? `docxProblem_${problem}` : '';
  if (isMessageKey(key)) return <p class="error" role="alert">{t(key)}</p>;
  return <ErrorText error={error} />;
}

/** The file's bytes in base64 (a data: URL without its prefix). */
function base64Of(file: File): Promise<string> {
  return new Promise((resolve, reject) => {
    const reader = new FileReader();
    reader.onload = () => resolve(String(reader.result).replace(/^data:[^,]*,/, ''));
    reader.onerror = () => reject(new FileRefusal(t('docxReadFailed')));
    reader.readAsDataURL(file);
  });
}
