/**
 * What this device keeps for use without a connection, and forgets at sign-out:
 * - the service worker (written by vite-plugin-pwa, see client/vite.config.ts): the app shell, and
 *   the API reads a member last made (cache `draftroom-api`);
 * - the drafts opened here, as Yjs updates in IndexedDB (y-indexeddb, one database per document,
 *   named `draftroom-doc:<documentId>`), so an opened draft shows with no network and a drafter's
 *   edits made offline survive a reload until the server has them.
 * Drafts are confidential: signing out deletes both.
 */
export const API_CACHE = 'draftroom-api';
const DOC_PREFIX = 'draftroom-doc:';
const KNOWN_DOCS = 'draftroom.offlineDocs';

/**
 * Registers the service worker (production builds only: Vite's dev server has none). A new build's
 * worker takes over by itself (skipWaiting + clientsClaim in vite.config.ts).
 */
export function registerServiceWorker(): void {
  if (!('serviceWorker' in navigator) || import.meta.env.DEV) return;
  navigator.serviceWorker.register('/sw.js').catch((error: unknown) => console.warn('service worker not registered:', error));
}

/** The IndexedDB name of a document's local copy; remembered so sign-out can delete it. */
export function localDocName(documentId: string): string {
  const known = new Set<string>(JSON.parse(localStorage.getItem(KNOWN_DOCS) ?? '[]') as string[]);
  if (!known.has(documentId)) {
    known.add(documentId);
    localStorage.setItem(KNOWN_DOCS, JSON.stringify([...known]));
  }
  return DOC_PREFIX + documentId;
}

/** Deletes the cached API reads and every local draft copy (sign-out). */
export async function forgetDevice(): Promise<void> {
  const known = JSON.parse(localStorage.getItem(KNOWN_DOCS) ?? '[]') as string[];
  localStorage.removeItem(KNOWN_DOCS);
  for (const id of known) indexedDB.deleteDatabase(DOC_PREFIX + id);
  if ('caches' in window) await caches.delete(API_CACHE);
}
