/**
 * Browser hardening (@fastify/helmet) and who may read `/metrics`.
 *
 * The Content-Security-Policy is what the Vite-built client needs and no more: its own scripts,
 * styles (inline style attributes too: the editor's carets set them), images, and fetch /
 * WebSocket / EventSource to its own origin. Framing is refused (clickjacking), MIME sniffing
 * off, the referrer never leaves the origin. HSTS and upgrade-insecure-requests are left to the
 * TLS-terminating proxy: draftroom is often reached over plain HTTP on a local network.
 */
import { timingSafeEqual } from 'node:crypto';
import helmet from '@fastify/helmet';
import type { FastifyInstance, FastifyRequest } from 'fastify';

export async function installSecurityHeaders(app: FastifyInstance): Promise<void> {
  await app.register(helmet, {
    contentSecurityPolicy: {
      useDefaults: false,
      directives: {
        defaultSrc: ["'self'"],
        scriptSrc: ["'self'"],
        styleSrc: ["'self'", "'unsafe-inline'"],
        imgSrc: ["'self'", 'data:', 'blob:'],
        fontSrc: ["'self'", 'data:'],
        connectSrc: ["'self'"],
        objectSrc: ["'none'"],
        baseUri: ["'self'"],
        formAction: ["'self'"],
        frameAncestors: ["'none'"],
      },
    },
    frameguard: { action: 'deny' },
    referrerPolicy: { policy: 'same-origin' },
    strictTransportSecurity: false,
    crossOriginEmbedderPolicy: false,
  });
}

const loopback = new Set(['127.0.0.1', '::1', '::ffff:127.0.0.1']);

/**
 * Who may read `/metrics`: with `METRICS_TOKEN` set, whoever sends it as a bearer token (from
 * anywhere, e.g. Prometheus in another container); without it, only callers on this machine.
 */
export function metricsAccess(token: string | undefined): (request: FastifyRequest) => 'ok' | 'unauthenticated' | 'forbidden' {
  return (request) => {
    if (token === undefined) return loopback.has(request.socket.remoteAddress ?? '') ? 'ok' : 'forbidden';
    const given = /^Bearer\s+(\S+)$/i.exec(request.headers.authorization ?? '')?.[1] ?? '';
    const a = Buffer.from(given);
    const b = Buffer.from(token);
    return a.length === b.length && timingSafeEqual(a, b) ? 'ok' : 'unauthenticated';
  };
}
