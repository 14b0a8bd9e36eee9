import type { FastifyInstance } from 'fastify';
import type { CollabServer } from '../../collab/collab-server.js';
import { tokenOf } from '../authentication.js';

/**
 * The y-websocket endpoint: `new WebsocketProvider('ws://host/collab', documentId, ydoc,
 * {params: {token}})` connects to `/collab/<documentId>?token=…`. Authentication happens after
 * the upgrade so that refusals arrive as close codes (4401, 4403, 4404) a browser can read.
 */
export function collabRoutes(app: FastifyInstance, deps: { collab: CollabServer }): void {
  app.get<{ Params: { documentId: string } }>(
    '/collab/:documentId',
    { websocket: true, config: { public: true }, schema: { hide: true } },
    (socket, request) => deps.collab.accept(socket, request.params.documentId, tokenOf(request)),
  );
}
