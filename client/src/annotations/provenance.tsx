/**
 * What a card says besides the comment itself: what it is about when it quotes nothing (a whole
 * section or the draft), who it speaks for when staff recorded it ("ghi thay bởi …", a discussion
 * group), and its attached file.
 */
import { useState } from 'preact/hooks';
import type { Annotation } from '@schemas/annotations';
import { ErrorText, saveBlob } from '../ui/components';
import { t } from '../ui/i18n';
import { api } from '../ui/session';

/** "Góp ý chung cho mục: II. Xã hội" — for a section or document comment; null for a passage. */
export function ScopeNote(props: { annotation: Annotation; sectionTitle?: string | undefined }) {
  const { anchor } = props.annotation;
  if (anchor.scope === 'passage') return null;
  return (
    <p class="scope-note">
      <strong>{t(`scope_${anchor.scope}`)}</strong>
      {anchor.scope === 'section' && <>: {props.sectionTitle || anchor.section || t('preamble')}</>}
    </p>
  );
}

/** The author as shown: the member's or group's name, and who recorded it from what source. */
export function RecordedNote(props: { annotation: Annotation; showAuthor: boolean }) {
  const a = props.annotation;
  const who = a.group ? t('groupOf', { name: a.group.name, size: a.group.size }) : a.authorName;
  if (!a.recordedBy) return props.showAuthor && who ? <p class="muted author">{who}</p> : null;
  return (
    <p class="muted author recorded">
      {props.showAuthor && who && <>{who} · </>}
      {t('recordedBy', { name: a.recordedBy.name })}
      {a.source && <> · {t(`source_${a.source}`)}</>}
    </p>
  );
}

const size = (bytes: number) => (bytes >= 1024 * 1024 ? `${(bytes / 1024 / 1024).toFixed(1)} MB` : `${Math.max(1, Math.round(bytes / 1024))} KB`);

/** A button that downloads the attached file (with the token in a header). */
export function AttachmentLink(props: { annotation: Annotation }) {
  const [error, setError] = useState<unknown>(null);
  const file = props.annotation.attachment;
  if (!file) return null;
  const download = async () => {
    setError(null);
    try {
      const { blob, filename } = await api.attachment(props.annotation.id);
      saveBlob(blob, filename ?? file.filename);
    } catch (failure) {
      setError(failure);
    }
  };
  return (
    <>
      <button type="button" class="link attachment-link" onClick={() => void download()}>
        {t('attachmentOf', { name: file.filename, size: size(file.size) })}
      </button>
      <ErrorText error={error} />
    </>
  );
}
