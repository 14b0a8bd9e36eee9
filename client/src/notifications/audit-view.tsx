/** The document's audit trail for the secretary of its unit: who opened, exported, decided, applied, distributed and sent what, when. */
import { useEffect, useState } from 'preact/hooks';
import type { AuditItem } from '@schemas/notifications';
import type { DocumentInfo } from '@schemas/documents';
import { ErrorText, Loading } from '../ui/components';
import { formatDate, t } from '../ui/i18n';
import { api } from '../ui/session';

export function AuditView(props: { document: DocumentInfo; eventTick: number }) {
  const [items, setItems] = useState<AuditItem[] | null>(null);
  const [error, setError] = useState<unknown>(null);
  useEffect(() => {
    api
      .audit(props.document.id)
      .then((a) => setItems(a.items))
      .catch(setError);
  }, [props.document.id, props.eventTick]);

  if (error) return <ErrorText error={error} />;
  if (!items) return <Loading />;
  return (
    <section class="audit stack">
      <h2>{t('tabAudit')}</h2>
      <p class="muted">{t('auditExplain')}</p>
      {items.length === 0 ? (
        <p class="muted">{t('auditEmpty')}</p>
      ) : (
        <ol class="audit-list">
          {items.map((item, i) => (
            <li key={`${item.at}-${i}`} class="card">
              <time dateTime={item.at}>{formatDate(item.at)}</time>
              <span class="audit-who">{item.name ?? t('auditUnknownMember')}</span>
              <span class={`pill audit-${item.action}`}>{t(`audit_${item.action}`)}</span>
              <span class="audit-target">{item.target}</span>
            </li>
          ))}
        </ol>
      )}
    </section>
  );
}
