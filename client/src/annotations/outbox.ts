/**
 * The offline outbox of annotation writes. Every write is stored in IndexedDB (idb-keyval) under
 * its client-made UUID *before* it is sent, and removed only when the server has answered 2xx.
 * PUT and DELETE are idempotent (API.md), so replaying after a lost answer is harmless.
 *
 * A write the server refuses (round closed, anchor no longer valid…) stays in the outbox with the
 * refusal shown next to it until the person edits or discards it: nothing is dropped silently.
 *
 * Each write belongs to the member who made it: on a shared device only theirs are shown and
 * sent, so another member signing in never sends (or reads) someone else's unsent comments under
 * their own name; the writes wait for their author to sign in again.
 */
import { createStore, del, entries, set } from 'idb-keyval';
import type { AnnotationWrite } from '@schemas/annotations';
import { ApiError, NetworkError } from '../api/http';
import { api, me } from '../ui/session';
import { signal } from '../ui/signal';

export interface OutboxEntry {
  /** The annotation's id (client-made UUID). */
  id: string;
  roundId: string;
  documentId: string;
  op: 'put' | 'delete';
  write?: AnnotationWrite;
  /** The selected text, to show the pending annotation where it was made. */
  quote: string;
  queuedAt: string;
  /** The server's refusal code, when it refused (network failures leave it unset). */
  error?: string;
  /** Who made the write (entries queued before this field existed have none). */
  memberId?: string;
}

/** True when `entry` is the signed-in member's to show and send. */
function isMine(entry: OutboxEntry): boolean {
  const member = me.get()?.member.id;
  return member !== undefined && (entry.memberId === undefined || entry.memberId === member);
}

const store = typeof indexedDB !== 'undefined' ? createStore('draftroom', 'outbox') : undefined;
/** The pending writes, newest last; the panel shows them as "not yet sent". */
export const pending = signal<OutboxEntry[]>([]);
/** Fired with each annotation id the server confirmed (the panel reloads). */
export const delivered = signal<{ id: string; at: number } | null>(null);

async function reload(): Promise<void> {
  if (!store) return;
  const all = (await entries<string, OutboxEntry>(store)).map(([, value]) => value).filter(isMine);
  all.sort((a, b) => a.queuedAt.localeCompare(b.queuedAt));
  pending.set(all);
}

let flushing: Promise<void> | null = null;

/** Sends everything queued, oldest first; stops at the first network failure. */
export function flush(): Promise<void> {
  if (flushing) return flushing;
  flushing = (async () => {
    await reload();
    for (const entry of pending.get()) {
      if (entry.error) continue; // refused: waits for the person to edit or discard it
      try {
        if (entry.op === 'put') await api.putAnnotation(entry.roundId, entry.id, entry.write!);
        else await api.withdrawAnnotation(entry.roundId, entry.id);
        await del(entry.id, store);
        delivered.set({ id: entry.id, at: Date.now() });
      } catch (error) {
        if (error instanceof NetworkError || (error instanceof ApiError && (error.status >= 500 || error.status === 429 || error.status === 401))) break;
        const code = error instanceof ApiError ? error.code : 'internal';
        await set(entry.id, { ...entry, error: code }, store);
      }
    }
    await reload();
  })().finally(() => (flushing = null));
  return flushing;
}

/** Queues a write (replacing an unsent one of the same annotation) and tries to send it now. */
export async function enqueue(entry: Omit<OutboxEntry, 'queuedAt' | 'memberId'>): Promise<void> {
  const queued: OutboxEntry = { ...entry, queuedAt: new Date().toISOString(), memberId: me.get()?.member.id };
  if (store) {
    await set(entry.id, queued, store);
    await reload();
    await flush();
  } else {
    // No IndexedDB (private mode in old browsers): send directly; errors reach the caller.
    if (entry.op === 'put') await api.putAnnotation(entry.roundId, entry.id, entry.write!);
    else await api.withdrawAnnotation(entry.roundId, entry.id);
    delivered.set({ id: entry.id, at: Date.now() });
  }
}

export async function discard(id: string): Promise<void> {
  if (store) await del(id, store);
  await reload();
}

let started = false;
export function startOutbox(): void {
  if (started) return;
  started = true;
  window.addEventListener('online', () => void flush());
  setInterval(() => {
    if (navigator.onLine && api.http.getToken() && pending.get().some((e) => !e.error)) void flush();
  }, 10_000);
  // Whoever signs in sees and sends their own pending writes, and only those.
  me.subscribe(() => void reload().then(() => (api.http.getToken() && me.get() ? flush() : undefined)));
  void reload().then(() => (api.http.getToken() && me.get() ? flush() : undefined));
}
