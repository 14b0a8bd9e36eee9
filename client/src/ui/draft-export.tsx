/**
 * "Tải xuống / In": the draft as Word or PDF (the server's export, in the Party-document frame,
 * with the downloader's name in the footer), or printed from the page (the print stylesheet
 * prints the draft alone).
 */
import { useState } from 'preact/hooks';
import type { DraftExportFormat } from '@schemas/documents';
import { ErrorText } from './components';
import { lang, t } from './i18n';
import { http } from './session';

/** Fetches the export with the session's token and hands it to the browser as a download. */
async function download(documentId: string, format: Exclude<DraftExportFormat, 'md'>): Promise<void> {
  const response = await fetch(`/api/v1/documents/${documentId}/export?format=${format}&lang=${lang.get()}`, {
    headers: { authorization: `Bearer ${http.getToken() ?? ''}` },
  });
  if (!response.ok) throw Object.assign(new Error(response.statusText), await response.json().catch(() => ({})));
  const name = /filename="([^"]+)"/.exec(response.headers.get('content-disposition') ?? '')?.[1] ?? `draft.${format}`;
  const url = URL.createObjectURL(await response.blob());
  const link = Object.assign(document.createElement('a'), { href: url, download: name });
  link.click();
  setTimeout(() => URL.revokeObjectURL(url), 10_000);
}

export function DraftExport(props: { documentId: string }) {
  const [error, setError] = useState<unknown>(null);
  const [busy, setBusy] = useState(false);
  const get = (format: 'docx' | 'pdf') => {
    setBusy(true);
    setError(null);
    download(props.documentId, format)
      .catch(setError)
      .finally(() => setBusy(false));
  };
  return (
    <details class="draft-export no-print">
      <summary>{t('downloadOrPrint')}</summary>
      <div class="draft-export-menu">
        <button type="button" class="ghost" disabled={busy} onClick={() => get('docx')}>{t('downloadWord')}</button>
        <button type="button" class="ghost" disabled={busy} onClick={() => get('pdf')}>{t('downloadPdf')}</button>
        <button type="button" class="ghost" onClick={() => window.print()}>{t('printDraft')}</button>
      </div>
      {error !== null && <ErrorText error={error} />}
    </details>
  );
}
