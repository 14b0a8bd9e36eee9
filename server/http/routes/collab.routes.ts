import type { FastifyInstance } from 'fastify';
import type { CollabServer } from '../../collab/collab-server.js';
import { tokenOf } from '../authentication.js';
import { originGuard } from '../origin.js';

/**
 * The y-websocket endpoint: `new WebsocketProvider('ws://host/collab', documentId, ydoc,
 * {params: {token}})` connects to `/collab/<documentId>?token=…`. Authentication happens after
 * the upgrade so that refusals arrive as close codes (4401, 4403, 4404) a browser can read.
 */
export function collabRoutes(app: FastifyInstance, deps: { collab: CollabServer; allowedOrigins: readonly string[] }): void {
  app.get<{ Params: { documentId: string } }>(
    '/collab/:documentId',
    // The Origin check answers 403 before the upgrade: a cross-site page never gets a socket.
    { websocket: true, config: { public: true }, schema: { hide: true }, preValidation: originGuard(deps.allowedOrigins) },
    (socket, request) => deps.collab.accept(socket, request.params.documentId, tokenOf(request)),
  );
}
