/** The shell: header (who, language, log out), the login form or the routed view. */
import { useEffect, useState } from 'preact/hooks';
import { DocumentView } from './document-view';
import { DocumentsView } from './documents';
import { Link, Loading } from './components';
import { LoginView } from './login';
import { lang, setLang, t } from './i18n';
import { me, restoreSession, sessionExpired, signOut } from './session';
import { navigate, parse, path } from './router';
import { useSignal } from './signal';

export function App() {
  useSignal(lang);
  const current = useSignal(me);
  const expired = useSignal(sessionExpired);
  const location = useSignal(path);
  const [ready, setReady] = useState(false);

  useEffect(() => {
    document.documentElement.lang = lang.get();
    void restoreSession().finally(() => setReady(true));
  }, []);

  const route = parse(location);
  return (
    <>
      <a class="skip" href="#main">{lang.get() === 'vi' ? 'Bỏ qua tới nội dung' : 'Skip to content'}</a>
      <header class="top">
        <Link href="/" class="brand">{t('appName')}</Link>
        <div class="top-actions">
          {current && <span class="who" title={current.member.login}>{current.member.displayName}</span>}
          <button type="button" class="ghost" onClick={() => setLang(lang.get() === 'vi' ? 'en' : 'vi')} lang={lang.get() === "vi" ? "en" : "vi"} title={t("language")}>
            {t('switchLanguage')}
          </button>
          {current && (
            <button type="button" class="ghost" onClick={() => void signOut().then(() => navigate('/'))}>
              {t('logout')}
            </button>
          )}
        </div>
      </header>
      {!ready ? (
        <main id="main"><Loading /></main>
      ) : !current || expired ? (
        <LoginView expired={expired} />
      ) : route.name === 'document' ? (
        <DocumentView key={route.id} id={route.id} tab={route.tab} />
      ) : (
        <DocumentsView />
      )}
    </>
  );
}
