/**
 * Cross-site WebSocket hijacking and cross-site event streams: a browser sends the page's
 * `Origin` with a WebSocket upgrade and with EventSource requests, and a page on another site
 * could otherwise ride a member's token (a `?token=` left in its reach). /collab and the event
 * streams accept a browser only from ALLOWED_ORIGINS (config.ts) or the server's own origin;
 * requests without `Origin` (non-browser clients) pass, as API.md says.
 */
import type { FastifyReply, FastifyRequest } from 'fastify';
import { AppError } from '../errors.js';

/**
 * True when a request with this `Origin` (and `Host`) may proceed: no Origin, an allowed origin,
 * or the server's own origin as the browser reached it (the Origin's host equals the Host header:
 * same-origin, whatever name or proxy the member used). Origins compare as URL origins
 * (scheme, lower-case host, port), so `https://X.org:443` equals `https://x.org`.
 */
export function originAllowed(origin: string | undefined, host: string | undefined, allowed: readonly string[]): boolean {
  if (origin === undefined) return true;
  let parsed: URL;
  try {
    parsed = new URL(origin);
  } catch {
    return false; // "null" (sandboxed frames, file: pages) and garbage
  }
  if (allowed.includes(parsed.origin)) return true;
  return host !== undefined && parsed.host === host.toLowerCase();
}

/** A route hook refusing a browser from another origin with 403 `forbidden` (before any upgrade). */
export function originGuard(allowed: readonly string[]) {
  return async (request: FastifyRequest, _reply: FastifyReply): Promise<void> => {
    if (!originAllowed(request.headers.origin, request.headers.host, allowed)) {
      throw new AppError('forbidden', 'this origin may not open live connections (ALLOWED_ORIGINS)');
    }
  };
}
