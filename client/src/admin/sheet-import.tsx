/**
 * Bulk import from a spreadsheet (administrators): choose a CSV or XLSX file, see what it would
 * import with a clear problem per bad row, then import. Activation codes of the new members are
 * printed as letters from each unit's member list.
 */
import { useState } from 'preact/hooks';
import type { ImportSheetResult } from '@schemas/import';
import { ErrorText, saveBlob } from '../ui/components';
import { lang, t } from '../ui/i18n';
import { sheetProblemText } from '@domain/import-sheet';
import { api } from '../ui/session';

/** Rows of each kind shown in the preview. */
const SHOWN = 20;

const TEMPLATE = [
  'unit_key,unit_name,level,parent_key,login,display_name,role',
  'xa-minh-son,Đảng ủy xã Minh Sơn,commune,huyen-dong-son,,,',
  'xa-minh-son,,,,nguyen.van.a,Nguyễn Văn A,member',
  'xa-minh-son,,,,tran.thi.b,Trần Thị B,secretary',
].join('\r\n');

function toBase64(buffer: ArrayBuffer): string {
  const bytes = new Uint8Array(buffer);
  let binary = '';
  for (let i = 0; i < bytes.length; i += 0x8000) binary += String.fromCharCode(...bytes.subarray(i, i + 0x8000));
  return btoa(binary);
}

export function SheetImport(props: { onImported: () => void }) {
  const [file, setFile] = useState<{ name: string; data: string } | null>(null);
  const [preview, setPreview] = useState<ImportSheetResult | null>(null);
  const [error, setError] = useState<unknown>(null);
  const [busy, setBusy] = useState(false);

  const check = async (chosen: File) => {
    setBusy(true);
    setError(null);
    setPreview(null);
    try {
      const data = toBase64(await chosen.arrayBuffer());
      setFile({ name: chosen.name, data });
      setPreview(await api.importSheet({ filename: chosen.name, dataBase64: data, dryRun: true }));
    } catch (failure) {
      setError(failure);
    } finally {
      setBusy(false);
    }
  };

  const run = async () => {
    if (!file) return;
    setBusy(true);
    setError(null);
    try {
      setPreview(await api.importSheet({ filename: file.name, dataBase64: file.data, dryRun: false }));
      props.onImported();
    } catch (failure) {
      setError(failure);
    } finally {
      setBusy(false);
    }
  };

  const done = preview?.imported ?? null;
  return (
    <section class="card sheet-import" aria-label={t('importTitle')}>
      <h2>{t('importTitle')}</h2>
      <p class="muted">{t('importHint')}</p>
      <div class="row wrap">
        <label class="file-pick">
          {t('importChoose')}
          <input type="file" accept=".csv,.xlsx,text/csv,application/vnd.openxmlformats-officedocument.spreadsheetml.sheet" disabled={busy}
            onChange={(event) => {
              const chosen = (event.target as HTMLInputElement).files?.[0];
              if (chosen) void check(chosen);
            }}
          />
        </label>
        <button type="button" class="link" onClick={() => saveBlob(new Blob(['\uFEFF' + TEMPLATE], { type: 'text/csv' }), 'mau-nhap-danh-sach.csv')}>
          {t('importTemplate')}
        </button>
      </div>
      <ErrorText error={error} />
      {busy && <p class="muted" role="status">{t('loading')}</p>}
      {preview && !done && (
        <div class="stack">
          <p role="status">{t('importCounts', { units: preview.counts.units, members: preview.counts.members })}</p>
          {preview.problems.length > 0 ? (
            <div class="import-problems" role="alert">
              <strong>{t('importProblems', { count: preview.problems.length })}</strong>
              <ul>
                {preview.problems.map((p, i) => (
                  <li key={i}>
                    {t('importRow', { row: p.row })}
                    {p.column ? ` (${p.column})` : ''}: {sheetProblemText(p, lang.get())}
                  </li>
                ))}
              </ul>
            </div>
          ) : (
            <button type="button" class="primary" disabled={busy} onClick={() => void run()}>{t('importRun')}</button>
          )}
          {preview.units.length > 0 && (
            <div class="table-scroll">
              <table class="import-table">
                <caption>{t('importUnits')}</caption>
                <thead><tr><th>#</th><th>unit_key</th><th>unit_name</th><th>level</th><th>parent_key</th></tr></thead>
                <tbody>
                  {preview.units.slice(0, SHOWN).map((u) => (
                    <tr key={u.row} class={preview.problems.some((p) => p.row === u.row) ? 'bad' : ''}><td>{u.row}</td><td>{u.key}</td><td>{u.name}</td><td>{u.level}</td><td>{u.parentKey ?? ''}</td></tr>
                  ))}
                </tbody>
              </table>
            </div>
          )}
          {preview.members.length > 0 && (
            <div class="table-scroll">
              <table class="import-table">
                <caption>{t('importMembers')}</caption>
                <thead><tr><th>#</th><th>login</th><th>display_name</th><th>unit_key</th><th>role</th></tr></thead>
                <tbody>
                  {preview.members.slice(0, SHOWN).map((m) => (
                    <tr key={m.row} class={preview.problems.some((p) => p.row === m.row) ? 'bad' : ''}><td>{m.row}</td><td>{m.login}</td><td>{m.displayName}</td><td>{m.unitKey}</td><td>{t(`role_${m.role}`)}</td></tr>
                  ))}
                </tbody>
              </table>
            </div>
          )}
          {(preview.counts.units > SHOWN || preview.counts.members > SHOWN) && <p class="muted">{t('importMore', { shown: SHOWN })}</p>}
        </div>
      )}
      {done && (
        <p role="status" class="import-done">
          {t('importDone', { units: done.units.created + done.units.updated, members: done.members.created + done.members.updated, codes: done.activations.length })}
        </p>
      )}
    </section>
  );
}
