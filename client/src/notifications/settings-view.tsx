/** The member's notification settings: an e-mail address and whether notifications are e-mailed to it (`PUT /api/v1/me`). */
import { useEffect, useState } from 'preact/hooks';
import { ErrorText, Loading } from '../ui/components';
import { t } from '../ui/i18n';
import { api } from '../ui/session';

export function SettingsView() {
  const [email, setEmail] = useState<string | null>(null);
  const [notify, setNotify] = useState(true);
  const [error, setError] = useState<unknown>(null);
  const [saved, setSaved] = useState(false);
  const [busy, setBusy] = useState(false);

  useEffect(() => {
    api
      .contact()
      .then((c) => {
        setEmail(c.email ?? '');
        setNotify(c.notifyByEmail);
      })
      .catch(setError);
  }, []);

  const save = async (event: Event) => {
    event.preventDefault();
    setBusy(true);
    setError(null);
    setSaved(false);
    try {
      const c = await api.setContact({ email: email?.trim() ? email.trim() : null, notifyByEmail: notify });
      setEmail(c.email ?? '');
      setNotify(c.notifyByEmail);
      setSaved(true);
    } catch (failure) {
      setError(failure);
    } finally {
      setBusy(false);
    }
  };

  return (
    <main id="main" class="narrow">
      <h1>{t('notificationSettings')}</h1>
      {email === null && !error ? (
        <Loading />
      ) : (
        <form class="stack card settings-form" onSubmit={(event) => void save(event)}>
          <label>
            {t('emailAddress')}
            <input type="email" name="email" autocomplete="email" inputMode="email" value={email ?? ''} onInput={(event) => setEmail((event.target as HTMLInputElement).value)} />
          </label>
          <p class="muted">{t('emailHint')}</p>
          <label class="inline">
            <input type="checkbox" name="notifyByEmail" checked={notify} onChange={(event) => setNotify((event.target as HTMLInputElement).checked)} />
            {t('notifyByEmail')}
          </label>
          <ErrorText error={error} />
          <div class="row">
            <button type="submit" class="primary" disabled={busy}>{t('save')}</button>
            {saved && <span role="status" class="muted">{t('saved')}</span>}
          </div>
        </form>
      )}
    </main>
  );
}
