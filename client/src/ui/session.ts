/** Who is logged in: the token (localStorage, so a reload keeps the session), `/me`, and the API. */
import { Api } from '../api/api';
import { Http, NetworkError } from '../api/http';
import type { Role } from '@domain/vocabulary';
import type { Me } from '@schemas/auth';
import { forgetDevice } from './offline';
import { signal } from './signal';

const TOKEN_KEY = 'draftroom.token';

export const http = new Http('', localStorage.getItem(TOKEN_KEY));
export const api = new Api(http);
export const me = signal<Me | null>(null);
/** Set when the server said 401 (or a socket closed with `CloseCode.unauthenticated`): the shell shows the login form. */
export const sessionExpired = signal(false);

http.onUnauthenticated(() => {
  if (http.getToken()) sessionExpired.set(true);
});

export async function signIn(token: string): Promise<void> {
  http.setToken(token);
  localStorage.setItem(TOKEN_KEY, token);
  sessionExpired.set(false);
  me.set(await api.me());
}

export async function restoreSession(): Promise<void> {
  if (!http.getToken()) return;
  try {
    me.set(await api.me());
  } catch (error) {
    // No network and nothing cached: keep the token, so the session resumes once online.
    if (error instanceof NetworkError) return;
    forget();
  }
}

export function forget(): void {
  http.setToken(null);
  localStorage.removeItem(TOKEN_KEY);
  me.set(null);
}

export async function signOut(): Promise<void> {
  try {
    await api.logout();
  } catch {
    /* the token may already be gone, or the device is offline */
  }
  forget();
  await forgetDevice();
}

/** The caller's role on a unit, from `/me` — for showing buttons only; the server's 403 decides. */
export function roleOn(unitId: string): Role | null {
  return me.get()?.memberships.find((m) => m.unitId === unitId)?.role ?? null;
}

export function canDraft(unitId: string): boolean {
  const role = roleOn(unitId);
  return role === 'drafter' || role === 'secretary';
}
