/**
 * Who is calling. The token comes from `Authorization: Bearer …`, or from `?token=` where a
 * browser cannot set headers (WebSocket, EventSource). Routes that need a caller call
 * `callerOf(request)`; the auth decision itself is in the services and domain/permissions.
 */
import type { FastifyInstance, FastifyRequest } from 'fastify';
import type { AuthService, Authenticated } from '../services/auth.service.js';
import { AppError } from '../errors.js';

declare module 'fastify' {
  interface FastifyRequest {
    caller: Authenticated | null;
  }
}

export function tokenOf(request: FastifyRequest): string | undefined {
  const header = request.headers.authorization;
  if (header) {
    const match = /^Bearer\s+(\S+)$/i.exec(header);
    return match?.[1] ?? '';
  }
  const query = request.query as Record<string, unknown> | undefined;
  return typeof query?.token === 'string' ? query.token : undefined;
}

export function installAuthentication(app: FastifyInstance, auth: AuthService): void {
  app.decorateRequest('caller', null);
  app.addHook('onRequest', async (request) => {
    // An unknown route answers 404 whoever asks; there is nothing behind it to protect.
    if (request.routeOptions.config?.public || request.is404) return;
    request.caller = await auth.authenticate(tokenOf(request));
  });
}

export function callerOf(request: FastifyRequest): Authenticated {
  if (!request.caller) throw new AppError('unauthenticated', 'a bearer token is required');
  return request.caller;
}

declare module 'fastify' {
  interface FastifyContextConfig {
    /** The route answers without a token (login, health, docs). */
    public?: boolean;
  }
}
