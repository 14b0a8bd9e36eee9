/**
 * Serves the built web client (`client/dist`, `npm run build:client`) at `/`.
 *
 * - Files under the dist folder are sent as they are; Vite's hashed `/assets/*` get a year-long
 *   immutable cache, everything else (index.html) `no-cache` so a new build is picked up at once.
 * - Any other GET that accepts HTML and is not an API path answers index.html (the client routes
 *   `/d/<id>/…` itself).
 * - `/api`, `/collab`, `/docs`, `/openapi.json`, `/healthz`, `/readyz`, `/metrics` are never
 *   touched: their own routes answer, and unknown paths below them keep the problem+json 404.
 * - Without a build, `/` answers a short page saying to run `npm run build:client`.
 *
 * One wildcard route does all of it, so the app's not-found handler (problem.ts) stays as it is.
 */
import { existsSync, statSync } from 'node:fs';
import { resolve, sep } from 'node:path';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import fastifyStatic from '@fastify/static';
import { sendProblem } from './problem.js';

const RESERVED = ['/api', '/collab', '/docs', '/openapi.json', '/healthz', '/readyz', '/metrics'];

function isReserved(path: string): boolean {
  return RESERVED.some((prefix) => path === prefix || path.startsWith(`${prefix}/`) || path.startsWith(`${prefix}?`));
}

const MISSING_BUILD = `<!doctype html><html lang="en"><meta charset="utf-8"><title>draftroom</title>
<body style="font-family:system-ui,sans-serif;max-width:40rem;margin:3rem auto;padding:0 1rem">
<h1>draftroom</h1><p>The web client is not built. Run <code>npm run build:client</code>, then start the server again.</p>
<p>The API is running: see <a href="/docs">/docs</a>.</p></body></html>`;

export async function serveClient(app: FastifyInstance, distDir: string): Promise<void> {
  const root = resolve(distDir);
  const built = existsSync(resolve(root, 'index.html'));
  // preCompressed: the .br / .gz files `npm run build:client` wrote at the best levels.
  if (built) await app.register(fastifyStatic, { root, serve: false, index: false, preCompressed: true });

  const notFound = (request: FastifyRequest, reply: FastifyReply) =>
    sendProblem(reply, 'not_found', `no route ${request.method} ${request.url.split('?')[0]}`);

  app.get('/*', { config: { public: true }, schema: { hide: true } }, async (request, reply) => {
    const path = decodeURIComponent(request.url.split('?')[0] ?? '/');
    if (isReserved(path)) return notFound(request, reply);
    if (!built) {
      if (path !== '/' && !acceptsHtml(request)) return notFound(request, reply);
      return reply.type('text/html; charset=utf-8').header('cache-control', 'no-store').send(MISSING_BUILD);
    }
    const file = resolve(root, `.${path}`);
    if (path !== '/' && (file === root || file.startsWith(root + sep)) && isFile(file)) {
      reply.header('cache-control', path.startsWith('/assets/') ? 'public, max-age=31536000, immutable' : 'no-cache');
      return reply.sendFile(path.slice(1), root, { cacheControl: false });
    }
    if (path !== '/' && (!acceptsHtml(request) || /\.[a-z0-9]{1,8}$/i.test(path))) return notFound(request, reply);
    return reply.header('cache-control', 'no-cache').sendFile('index.html', root, { cacheControl: false });
  });
}

/** A browser navigation asks for text/html by name; API clients (and a bare wildcard accept) keep their 404s. */
function acceptsHtml(request: FastifyRequest): boolean {
  return (request.headers.accept ?? '').includes('text/html');
}

function isFile(path: string): boolean {
  try {
    return statSync(path).isFile();
  } catch {
    return false;
  }
}
