/** Log in, or activate an imported account with its one-time code. */
import { useState } from 'preact/hooks';
import { api, signIn } from './session';
import { ErrorText } from './components';
import { t } from './i18n';

export function LoginView(props: { expired?: boolean }) {
  const [mode, setMode] = useState<'login' | 'activate'>('login');
  const [login, setLogin] = useState('');
  const [password, setPassword] = useState('');
  const [code, setCode] = useState('');
  const [error, setError] = useState<unknown>(null);
  const [busy, setBusy] = useState(false);

  const submit = async (event: Event) => {
    event.preventDefault();
    setBusy(true);
    setError(null);
    try {
      const result = mode === 'login' ? await api.login(login.trim(), password) : await api.activate(login.trim(), code.trim(), password);
      await signIn(result.token);
    } catch (failure) {
      setError(failure);
    } finally {
      setBusy(false);
    }
  };

  return (
    <main class="narrow" id="main">
      <h1>{mode === 'login' ? t('loginTitle') : t('activateTitle')}</h1>
      {props.expired && <p class="banner banner-warn" role="alert">{t('close_unauthenticated')}</p>}
      {mode === 'activate' && <p class="muted">{t('activateHint')}</p>}
      <form onSubmit={submit} class="stack" aria-busy={busy}>
        <label>
          {t('loginName')}
          <input name="login" autocomplete="username" required value={login} onInput={(e) => setLogin(e.currentTarget.value)} />
        </label>
        {mode === 'activate' && (
          <label>
            {t('activationCode')}
            <input name="code" autocomplete="one-time-code" required value={code} onInput={(e) => setCode(e.currentTarget.value)} />
          </label>
        )}
        <label>
          {mode === 'login' ? t('password') : t('newPassword')}
          <input
            name="password"
            type="password"
            autocomplete={mode === 'login' ? 'current-password' : 'new-password'}
            minLength={mode === 'activate' ? 8 : undefined}
            required
            value={password}
            onInput={(e) => setPassword(e.currentTarget.value)}
          />
        </label>
        <ErrorText error={error} />
        <button type="submit" class="primary" disabled={busy}>
          {mode === 'login' ? t('loginButton') : t('activateButton')}
        </button>
      </form>
      <p>
        <button type="button" class="link" onClick={() => { setMode(mode === 'login' ? 'activate' : 'login'); setError(null); }}>
          {mode === 'login' ? t('haveCode') : t('haveAccount')}
        </button>
      </p>
    </main>
  );
}
