/** History-API routing: `/` the documents, `/d/<id>/<tab>` a document. The server falls back to
 * index.html for these paths, so links and reloads work. */
import { signal } from './signal';

export const path = signal(location.pathname + location.search);

export function navigate(to: string): void {
  if (to === path.get()) return;
  history.pushState(null, '', to);
  path.set(to);
  window.scrollTo(0, 0);
}

/** Shows `to` in place of the current address (a tab not offered becomes the draft): no new history entry. */
export function redirect(to: string): void {
  if (to === path.get()) return;
  history.replaceState(null, '', to);
  path.set(to);
}

window.addEventListener('popstate', () => path.set(location.pathname + location.search));

export type Route =
  | { name: 'documents' }
  | { name: 'document'; id: string; tab: Tab }
  | { name: 'settings' }
  | { name: 'admin' }
  | { name: 'unsubscribe'; token: string | null }
  | { name: 'notFound' };

export const TABS = ['draft', 'rounds', 'versions', 'review', 'people', 'feedback', 'audit'] as const;
export type Tab = (typeof TABS)[number];

export function parse(current: string): Route {
  const [pathname = '/', query = ''] = current.split('?');
  if (pathname === '/settings') return { name: 'settings' };
  if (pathname === '/admin') return { name: 'admin' };
  if (pathname === '/unsubscribe') return { name: 'unsubscribe', token: new URLSearchParams(query).get('token') };
  const match = /^\/d\/([0-9a-f-]{36})(?:\/(\w+))?\/?$/i.exec(pathname);
  if (match) {
    if (match[2] === undefined) return { name: 'document', id: match[1]!, tab: 'draft' };
    return (TABS as readonly string[]).includes(match[2]) ? { name: 'document', id: match[1]!, tab: match[2] as Tab } : { name: 'notFound' };
  }
  // An address that is no page says so, rather than showing the list as if it were one.
  return pathname === '/' || pathname === '' ? { name: 'documents' } : { name: 'notFound' };
}
