/**
 * The bell in the header: the unread count, kept live by polling `/me/notifications?unread=1`
 * (every 20 s while the tab is visible, at once when it becomes visible again, and whenever a
 * document's event stream says something changed), and a list that marks an item read and opens
 * what it is about.
 */
import { useEffect, useRef, useState } from 'preact/hooks';
import { notificationPath } from '@domain/notification-texts';
import type { Notification } from '@schemas/notifications';
import { ErrorText, Link } from '../ui/components';
import { formatDate, t } from '../ui/i18n';
import { navigate, path } from '../ui/router';
import { api } from '../ui/session';
import { signal, useSignal } from '../ui/signal';

/** The unread count the badge shows. */
export const unreadCount = signal(0);

/** Asks the server for the unread count now (after a document event, after reading). */
export async function refreshUnread(): Promise<void> {
  try {
    unreadCount.set((await api.notifications(true)).unread);
  } catch {
    /* offline or logged out: keep the last count */
  }
}

const POLL_MS = 20_000;

export function NotificationBell() {
  const count = useSignal(unreadCount);
  const [open, setOpen] = useState(false);
  const [items, setItems] = useState<Notification[] | null>(null);
  const [error, setError] = useState<unknown>(null);
  const root = useRef<HTMLDivElement>(null);
  const location = useSignal(path);
  useEffect(() => setOpen(false), [location]);

  useEffect(() => {
    void refreshUnread();
    const timer = setInterval(() => {
      if (document.visibilityState === 'visible') void refreshUnread();
    }, POLL_MS);
    const onVisible = () => {
      if (document.visibilityState === 'visible') void refreshUnread();
    };
    document.addEventListener('visibilitychange', onVisible);
    return () => {
      clearInterval(timer);
      document.removeEventListener('visibilitychange', onVisible);
    };
  }, []);

  const load = async () => {
    setError(null);
    try {
      const answer = await api.notifications();
      setItems(answer.items);
      unreadCount.set(answer.unread);
    } catch (failure) {
      setError(failure);
    }
  };

  useEffect(() => {
    if (!open) return;
    void load();
    const onKey = (event: KeyboardEvent) => {
      if (event.key === 'Escape') setOpen(false);
    };
    const onClick = (event: MouseEvent) => {
      if (root.current && !root.current.contains(event.target as Node)) setOpen(false);
    };
    document.addEventListener('keydown', onKey);
    document.addEventListener('click', onClick);
    return () => {
      document.removeEventListener('keydown', onKey);
      document.removeEventListener('click', onClick);
    };
  }, [open]);

  // A new unread one while the list is open: show it.
  useEffect(() => {
    if (open) void load();
  }, [count]);

  const openItem = async (item: Notification) => {
    setOpen(false);
    if (!item.readAt) {
      try {
        unreadCount.set((await api.markRead([item.id])).unread);
      } catch {
        /* reading it matters more than the mark */
      }
    }
    navigate(notificationPath(item));
  };

  const markAll = async () => {
    const unread = (items ?? []).filter((i) => !i.readAt).map((i) => i.id);
    if (unread.length === 0) return;
    try {
      unreadCount.set((await api.markRead(unread)).unread);
      await load();
    } catch (failure) {
      setError(failure);
    }
  };

  const label = count > 0 ? t('notificationsUnread', { count }) : t('notifications');
  return (
    <div class="bell" ref={root}>
      <button type="button" class="ghost bell-button" aria-expanded={open} aria-haspopup="true" aria-label={label} title={label} onClick={() => setOpen(!open)}>
        <svg viewBox="0 0 24 24" width="20" height="20" aria-hidden="true" focusable="false">
          <path fill="currentColor" d="M12 22a2.5 2.5 0 0 0 2.45-2h-4.9A2.5 2.5 0 0 0 12 22Zm7-6V11a7 7 0 0 0-5.5-6.84V3a1.5 1.5 0 0 0-3 0v1.16A7 7 0 0 0 5 11v5l-2 2v1h18v-1l-2-2Z" />
        </svg>
        {count > 0 && <span class="bell-count" aria-hidden="true">{count > 99 ? '99+' : count}</span>}
      </button>
      {open && (
        <div class="bell-panel" role="region" aria-label={t('notifications')}>
          <div class="row spread bell-head">
            <h2>{t('notifications')}</h2>
            {(items ?? []).some((i) => !i.readAt) && (
              <button type="button" class="link" onClick={() => void markAll()}>{t('markAllRead')}</button>
            )}
          </div>
          <ErrorText error={error} />
          {items === null && !error && <p class="muted">{t('loading')}</p>}
          {items !== null && items.length === 0 && <p class="muted">{t('noNotifications')}</p>}
          {items !== null && items.length > 0 && (
            <ul class="bell-list">
              {items.map((item) => (
                <li key={item.id} class={item.readAt ? 'read' : 'unread'}>
                  <a
                    href={notificationPath(item)}
                    onClick={(event) => {
                      if (event.button !== 0 || event.metaKey || event.ctrlKey) return;
                      event.preventDefault();
                      void openItem(item);
                    }}
                  >
                    <span class="bell-kind">
                      {!item.readAt && <span class="dot" aria-label={t('unread')} />}
                      {t(`notificationKind_${item.kind}`)}
                    </span>
                    <span class="bell-text">{item.text}</span>
                    <time class="muted" dateTime={item.createdAt}>{formatDate(item.createdAt)}</time>
                  </a>
                </li>
              ))}
            </ul>
          )}
          <p class="bell-foot">
            <Link href="/settings">{t('notificationSettings')}</Link>
          </p>
        </div>
      )}
    </div>
  );
}
