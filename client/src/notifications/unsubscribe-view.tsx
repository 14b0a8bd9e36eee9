/**
 * The page of an e-mail's unsubscribe link (`/unsubscribe?token=…`), open without login: one
 * button posts the signed token (a link alone changes nothing, so mail scanners that follow
 * links do not unsubscribe anyone).
 */
import { useState } from 'preact/hooks';
import { ErrorText } from '../ui/components';
import { t } from '../ui/i18n';
import { api } from '../ui/session';

export function UnsubscribeView(props: { token: string | null }) {
  const [done, setDone] = useState(false);
  const [error, setError] = useState<unknown>(null);
  const [busy, setBusy] = useState(false);
  const stop = async () => {
    if (!props.token) return;
    setBusy(true);
    setError(null);
    try {
      await api.unsubscribe(props.token);
      setDone(true);
    } catch (failure) {
      setError(failure);
    } finally {
      setBusy(false);
    }
  };
  return (
    <main id="main" class="narrow">
      <h1>{t('unsubscribeTitle')}</h1>
      {done ? (
        <p role="status">{t('unsubscribed')}</p>
      ) : !props.token ? (
        <p class="error" role="alert">{t('error_validation_failed')}</p>
      ) : (
        <div class="stack">
          <p>{t('unsubscribeExplain')}</p>
          <ErrorText error={error} />
          <button type="button" class="primary" disabled={busy} onClick={() => void stop()}>{t('unsubscribeButton')}</button>
        </div>
      )}
    </main>
  );
}
