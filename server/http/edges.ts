/**
 * The server's edges, before any route runs: how long a connection may stay silent or drip its
 * headers and body, and how large a body may be. Every route gets a small body limit; routes
 * marked `config: { upload: true }` (bulk import, documents with content) get the large one, and
 * they are never public, so a large body is read only after the token was checked (authentication
 * runs in `onRequest`, before the body is read).
 */
import type { Server } from 'node:http';
import type { FastifyHttpOptions, FastifyInstance } from 'fastify';

export interface HttpTimeouts {
  /** A new connection must start a request (or a WebSocket upgrade) within this, in ms. */
  connectMs: number;
  /** A request's headers must be complete within this, in ms (node's `headersTimeout`). */
  headersMs: number;
  /** A request (headers and body) must be received whole within this, in ms. */
  requestMs: number;
  /** An idle keep-alive connection is closed after this, in ms. */
  keepAliveMs: number;
}

export const defaultHttpTimeouts: HttpTimeouts = { connectMs: 10_000, headersMs: 10_000, requestMs: 120_000, keepAliveMs: 30_000 };

/** Body limit of every route not marked `upload`, in bytes (an annotation of 50,000 characters fits). */
export const defaultBodyLimitBytes = 1024 * 1024;

declare module 'fastify' {
  interface FastifyContextConfig {
    /** The route takes large bodies (`MAX_BODY_BYTES`); only for authenticated routes. */
    upload?: boolean;
  }
}

/** Fastify constructor options for the timeouts and the default body limit. */
export function edgeServerOptions(timeouts: HttpTimeouts): FastifyHttpOptions<Server> {
  return {
    bodyLimit: defaultBodyLimitBytes,
    requestTimeout: timeouts.requestMs,
    keepAliveTimeout: timeouts.keepAliveMs,
    // Node checks the headers and request deadlines on this interval (default 30 s).
    http: { headersTimeout: timeouts.headersMs, connectionsCheckingInterval: Math.min(1000, timeouts.headersMs) },
  };
}

/**
 * Node's own deadlines start with the first byte of a request: a connection that never sends one
 * would stay open for ever. It gets `connectMs` to start; the timer is lifted as the request (or
 * upgrade) arrives, so slow handlers, event streams and WebSockets are not cut by it.
 */
export function installEdges(app: FastifyInstance, timeouts: HttpTimeouts, uploadBodyBytes: number): void {
  const server: Server = app.server;
  server.on('connection', (socket) => socket.setTimeout(timeouts.connectMs));
  server.on('request', (request) => request.socket.setTimeout(0));
  server.prependListener('upgrade', (request) => request.socket.setTimeout(0));
  app.addHook('onRoute', (route) => {
    if (!route.config?.upload) return;
    if (route.config.public) throw new Error(`${route.method} ${route.url}: an upload route must require a token`);
    route.bodyLimit = uploadBodyBytes;
  });
}
