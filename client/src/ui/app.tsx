/** The shell: header (who, language, log out), the login form or the routed view. */
import type { ComponentType } from 'preact';
import { useEffect, useState } from 'preact/hooks';
import { DocumentView } from './document-view';
import { DocumentsView } from './documents';
import { ErrorText, Link, Loading } from './components';
import { LoginView } from './login';
import { lang, setLang, t } from './i18n';
import { me, restoreSession, sessionExpired, signOut } from './session';
import { navigate, parse, path } from './router';
import { useSignal } from './signal';
import { NotificationBell } from '../notifications/bell';
import { SettingsView } from '../notifications/settings-view';
import { UnsubscribeView } from '../notifications/unsubscribe-view';

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
        <div class="top-id">
          <Link href="/" class="brand">{t('appName')}</Link>
          {current && <span class="who" title={current.member.login}>{current.member.displayName}</span>}
        </div>
        {/* On a phone the actions are icons with their words kept for screen readers, so the header stays one row. */}
        <div class="top-actions">
          {current && !expired && (current.isAdmin || current.memberships.some((m) => m.role === 'secretary')) && (
            <Link href="/admin" class="top-link">
              <svg class="top-icon" viewBox="0 0 24 24" width="20" height="20" aria-hidden="true" focusable="false">
                <path fill="currentColor" d="M16 11a3 3 0 1 0 0-6 3 3 0 0 0 0 6Zm-8 0a3 3 0 1 0 0-6 3 3 0 0 0 0 6Zm0 2c-2.7 0-8 1.3-8 4v3h7v-3c0-1.3.6-2.4 1.7-3.3A10 10 0 0 0 8 13Zm8 0c-2.7 0-7 1.3-7 4v3h14v-3c0-2.7-4.3-4-7-4Z" />
              </svg>
              <span class="top-label">{t('adminTitle')}</span>
            </Link>
          )}
          {current && !expired && <NotificationBell />}
          <button type="button" class="ghost" onClick={() => setLang(lang.get() === 'vi' ? 'en' : 'vi')} lang={lang.get() === 'vi' ? 'en' : 'vi'} title={t('language')}>
            <span class="top-label">{t('switchLanguage')}</span>
            <span class="top-short" aria-hidden="true">{lang.get() === 'vi' ? 'EN' : 'VI'}</span>
          </button>
          {current && (
            <button type="button" class="ghost" onClick={() => void signOut().then(() => navigate('/'))}>
              <svg class="top-icon" viewBox="0 0 24 24" width="20" height="20" aria-hidden="true" focusable="false">
                <path fill="currentColor" d="M10 3h9a2 2 0 0 1 2 2v14a2 2 0 0 1-2 2h-9v-2h9V5h-9V3Zm1.6 5.4L13 7l5 5-5 5-1.4-1.4 2.6-2.6H3v-2h11.2l-2.6-2.6Z" />
              </svg>
              <span class="top-label">{t('logout')}</span>
            </button>
          )}
        </div>
      </header>
      {route.name === 'unsubscribe' ? (
        // An e-mail's link works without logging in: its signed token is enough.
        <UnsubscribeView token={route.token} />
      ) : !ready ? (
        <main id="main"><Loading /></main>
      ) : !current || expired ? (
        <LoginView expired={expired} />
      ) : route.name === 'document' ? (
        <DocumentView key={route.id} id={route.id} tab={route.tab} />
      ) : route.name === 'notFound' ? (
        <main id="main" class="stack">
          <h1>{t('pageNotFound')}</h1>
          <p>
            <Link href="/">{t('backToDocuments')}</Link>
          </p>
        </main>
      ) : route.name === 'settings' ? (
        <SettingsView />
      ) : route.name === 'admin' || (route.name === 'documents' && current.isAdmin && current.memberships.length === 0) ? (
        // An administrator who belongs to no unit has no documents: they start at the unit tree.
        <AdminRoute />
      ) : (
        <DocumentsView />
      )}
    </>
  );
}

/** Administration is for few people: its code is a separate chunk, fetched when opened. */
function AdminRoute() {
  const [View, setView] = useState<ComponentType | null>(null);
  const [error, setError] = useState<unknown>(null);
  useEffect(() => {
    import('../admin/admin-view').then((m) => setView(() => m.AdminView)).catch(setError);
  }, []);
  if (error) return <main id="main"><ErrorText error={error} /></main>;
  return View ? <View /> : <main id="main"><Loading /></main>;
}
