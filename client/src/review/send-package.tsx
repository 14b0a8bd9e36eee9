/**
 * "Gửi ý kiến lên cấp trên": a unit's secretary sees exactly what will be sent
 * (`GET /documents/:id/packages/preview`), adds a note per point and an overall note, and sends it
 * once (`POST /documents/:id/packages` with a client id, so a double click or a retry is the same
 * package). Afterwards the packages sent are listed with their date and full hash; a later send
 * names the one it corrects (`supersedes`).
 */
import { useEffect, useRef, useState } from 'preact/hooks';
import { textMax } from '@domain/vocabulary';
import type { FeedbackPackage, PackagePreview } from '@schemas/aggregation';
import type { DocumentInfo } from '@schemas/documents';
import { ApiError } from '../api/http';
import { ErrorText, LengthCount, Loading, saveBlob } from '../ui/components';
import { formatDate, lang, t } from '../ui/i18n';
import { api } from '../ui/session';
import { bySection, decisionsText, Quote, Representative } from './feedback-parts';

const newId = () => crypto.randomUUID();

export function SendPackage(props: { document: DocumentInfo; fromUnitId: string; eventTick: number }) {
  const { document: doc, fromUnitId } = props;
  const [preview, setPreview] = useState<PackagePreview | null>(null);
  const [sent, setSent] = useState<FeedbackPackage[]>([]);
  const [names, setNames] = useState<{ from: string; to: string }>({ from: '', to: '' });
  const [note, setNote] = useState('');
  const [itemNotes, setItemNotes] = useState<Record<string, string>>({});
  const [clientId, setClientId] = useState(newId);
  const [busy, setBusy] = useState(false);
  const sending = useRef(false);
  const [error, setError] = useState<unknown>(null);
  const [notApplicable, setNotApplicable] = useState(false);
  const [justSent, setJustSent] = useState<FeedbackPackage | null>(null);
  const sentStatus = useRef<HTMLParagraphElement>(null);
  // The list of packages above grows after a send: the confirmation stays where the person looks.
  useEffect(() => {
    if (justSent && !busy) sentStatus.current?.scrollIntoView({ block: 'nearest' });
  }, [justSent, busy, sent.length]);
  // A correction starts from what was sent: its notes fill the form once per package sent.
  const prefilledFrom = useRef<string | null>(null);

  const load = async () => {
    try {
      // The top of the tree sends nothing up: not even asked (its preview would answer 400).
      const from = await api.unit(fromUnitId);
      if (from.parentId === null) return setNotApplicable(true);
      // A package goes to the unit's parent (the preview's toUnitId).
      const [p, all, to] = await Promise.all([api.previewPackage(doc.id, fromUnitId), api.packages(doc.id), api.unit(from.parentId)]);
      setNames({ from: from.name, to: to.name });
      setPreview(p);
      const mine = all.filter((x) => x.fromUnitId === fromUnitId).reverse();
      setSent(mine);
      // The notes start from the package sent last, or from the preview (a point the unit decided
      // on carries the reason of its decision).
      const latest = mine[0];
      const basis = latest ? latest.id : `preview:${p.items.map((i) => `${i.id}=${i.note}`).join()}`;
      if (prefilledFrom.current !== basis) {
        prefilledFrom.current = basis;
        setNote(latest?.note ?? '');
        setItemNotes(Object.fromEntries((latest ?? p).items.filter((i) => i.note).map((i) => [i.id, i.note])));
      }
    } catch (failure) {
      // A unit that sends nothing on this document (no parent, not under the document's unit).
      if (failure instanceof ApiError && (failure.code === 'validation_failed' || failure.code === 'forbidden')) setNotApplicable(true);
      else setError(failure);
    }
  };
  useEffect(() => {
    void load();
  }, [doc.id, fromUnitId, props.eventTick]);

  if (notApplicable) return null;
  if (!preview) return error ? <ErrorText error={error} /> : <Loading />;

  const submit = async (event: Event) => {
    event.preventDefault();
    if (sending.current) return; // a second click while the first is on its way
    sending.current = true;
    setBusy(true);
    setError(null);
    try {
      // Every point's note is sent, empty ones too: what the form shows is what goes.
      const notes = Object.fromEntries(preview.items.map((i) => [i.id, (itemNotes[i.id] ?? '').trim()]));
      const pkg = await api.submitPackage(doc.id, {
        id: clientId,
        fromUnitId,
        roundIds: preview.roundIds,
        ...(note.trim() ? { note: note.trim() } : {}),
        ...(Object.keys(notes).length ? { itemNotes: notes } : {}),
        ...(preview.supersedes ? { supersedes: preview.supersedes } : {}),
      });
      setJustSent(pkg);
      setClientId(newId());
      await load();
    } catch (failure) {
      setError(failure);
    } finally {
      sending.current = false;
      setBusy(false);
    }
  };

  const download = async (pkg: FeedbackPackage) => {
    try {
      const { blob, filename } = await api.exportPackage(doc.id, pkg.id, 'docx', lang.get());
      saveBlob(blob, filename ?? 'goi-y-kien.docx');
    } catch (failure) {
      setError(failure);
    }
  };

  const sentAt = new Map(sent.map((p) => [p.id, p.submittedAt]));
  const superseded = new Set(sent.map((p) => p.supersedes).filter((id): id is string => id !== null));
  return (
    <section class="stack send-package" aria-labelledby={`send-${fromUnitId}`}>
      <h2 id={`send-${fromUnitId}`}>{t('packagesTitle')}</h2>
      <p class="muted">
        {t('packageFrom')}: <strong>{names.from}</strong> · {t('packageTo', { unit: names.to })}
      </p>
      {sent.length > 0 && (
        <div class="card stack" aria-label={t('packagesSent')}>
          <h3>{t('packagesSent')}</h3>
          <ul class="sent-packages">
            {sent.map((p) => (
              <li key={p.id} class={superseded.has(p.id) ? 'superseded' : 'current'}>
                <div class="row wrap">
                  <strong>{t('packageSubmitted', { date: formatDate(p.submittedAt) })}</strong>
                  <span class={`pill ${superseded.has(p.id) ? '' : 'pill-open'}`}>{superseded.has(p.id) ? t('packageSuperseded') : t('packageCurrent')}</span>
                  <span class="muted">{t('packageItems', { n: p.items.length })}</span>
                </div>
                {/* A package of the note alone (a unit that agrees) is that note: show it. */}
                {p.items.length === 0 && p.note && <p class="small unit-note">{p.note}</p>}
                {p.supersedes && <p class="muted small">{t('packageSupersedes', { date: formatDate(sentAt.get(p.supersedes) ?? p.submittedAt) })}</p>}
                <p class="small">
                  {t('packageHash')}: <code class="hash">{p.contentHash}</code>
                </p>
                <button type="button" onClick={() => void download(p)}>{t('downloadPackage')}</button>
              </li>
            ))}
          </ul>
        </div>
      )}
      <form class="card stack" onSubmit={(e) => void submit(e)}>
        <p class="muted">{t('packagePreviewHint')}</p>
        {preview.items.length === 0 && <p class="muted">{t('packageEmpty')}</p>}
        {bySection(preview.items).map((group) => (
          <div key={group.section} class="stack">
            <h3>{group.title}</h3>
            <ul class="clusters">
              {group.items.map((item) => (
                <li key={item.id} class={`card cluster kind-${item.kind}`}>
                  <div class="row spread wrap">
                    <span class={`pill kind-pill kind-${item.kind}`}>{t(`kind_${item.kind}`)}</span>
                    <strong>{t('countComments', { count: item.count })}</strong>
                  </div>
                  <Quote quote={item.quote} scope={item.scope} />
                  <Representative representative={item.representative} />
                  <p class="muted small">{t('decisionsSummary', { unit: names.from, list: decisionsText(item.decisions) })}</p>
                  <label>
                    {t('itemNote')}
                    <textarea rows={2} maxLength={textMax.packageItemNote} value={itemNotes[item.id] ?? ''} onInput={(e) => setItemNotes({ ...itemNotes, [item.id]: e.currentTarget.value })} />
                    <LengthCount value={itemNotes[item.id] ?? ''} max={textMax.packageItemNote} />
                  </label>
                </li>
              ))}
            </ul>
          </div>
        ))}
        <label>
          {t('packageNote')}
          {/* With no points the note is the report ("nhất trí với dự thảo"): it must say something. */}
          <textarea rows={3} required={preview.items.length === 0} maxLength={textMax.packageNote} value={note} onInput={(e) => setNote(e.currentTarget.value)} />
          <LengthCount value={note} max={textMax.packageNote} />
        </label>
        <button type="submit" class="primary" disabled={busy || (preview.items.length === 0 && !note.trim())}>
          {busy ? t('sending') : preview.supersedes ? t('submitCorrection') : t('submitPackage')}
        </button>
        {/* Next to the button, where a phone's screen is after sending: the list above is out of sight. */}
        {justSent && !busy && (
          <p role="status" class="banner banner-info package-sent" ref={sentStatus}>
            {t('packageSentStatus', { unit: names.to, date: formatDate(justSent.submittedAt) })}
          </p>
        )}
        <ErrorText error={error} />
      </form>
    </section>
  );
}
