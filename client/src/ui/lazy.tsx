/**
 * A view fetched as a chunk of its own on first render (a dynamic `import()`), for screens only
 * some people open (reviewers' and secretaries' tabs, the versions diff): a member's first screen
 * never downloads them. Shows "Loading…" meanwhile and the error text if the chunk cannot be
 * fetched (offline before the service worker cached it), with a retry.
 */
import { h, type ComponentType } from 'preact';
import { useEffect, useState } from 'preact/hooks';
import { ErrorText, Loading } from './components';
import { t } from './i18n';

export function lazyView<P extends object>(load: () => Promise<ComponentType<P>>): ComponentType<P> {
  let loaded: ComponentType<P> | null = null;
  let loading: Promise<ComponentType<P>> | null = null;
  return function LazyView(props: P) {
    const [, setReady] = useState(false);
    const [error, setError] = useState<unknown>(null);
    const [attempt, setAttempt] = useState(0);
    useEffect(() => {
      if (loaded) return;
      let cancelled = false;
      loading ??= load().then((view) => (loaded = view));
      loading.then(
        () => !cancelled && setReady(true),
        (failure: unknown) => {
          loading = null;
          if (!cancelled) setError({ code: 'network', cause: failure });
        },
      );
      return () => {
        cancelled = true;
      };
    }, [attempt]);
    if (loaded) return h(loaded, props);
    if (error)
      return (
        <div>
          <ErrorText error={error} />
          <button type="button" onClick={() => (setError(null), setAttempt((n) => n + 1))}>{t('retry')}</button>
        </div>
      );
    return <Loading />;
  };
}
