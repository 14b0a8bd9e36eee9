/**
 * One live connection to a document: a Y.Doc and the stock y-websocket provider on
 * `/collab/<id>?token=` (API.md). Close codes become a `status` the UI shows as a banner; the
 * 44xx codes stop reconnecting (y-websocket's default), the others reconnect with backoff.
 */
import * as Y from 'yjs';
import { WebsocketProvider } from 'y-websocket';
import { signal, type Signal } from '../ui/signal';
import { colorFor } from './awareness';

export type ConnectionStatus =
  | { state: 'connecting' }
  | { state: 'connected'; synced: boolean }
  | { state: 'closed'; code: number; terminal: boolean };

export interface Connection {
  ydoc: Y.Doc;
  fragment: Y.XmlFragment;
  provider: WebsocketProvider;
  status: Signal<ConnectionStatus>;
  destroy(): void;
}

export function collabUrl(): string {
  return `${location.protocol === 'https:' ? 'wss' : 'ws'}://${location.host}/collab`;
}

export function connect(documentId: string, token: string, user: { id: string; name: string }): Connection {
  const ydoc = new Y.Doc();
  const provider = new WebsocketProvider(collabUrl(), documentId, ydoc, { params: { token }, maxBackoffTime: 5000 });
  const status = signal<ConnectionStatus>({ state: 'connecting' });
  // The server overwrites id and name with the real identity; the colour is ours to choose.
  provider.awareness.setLocalStateField('user', { name: user.name, color: colorFor(user.id) });

  provider.on('status', ({ status: state }: { status: string }) => {
    if (state === 'connected') status.set({ state: 'connected', synced: provider.synced });
    else if (state === 'connecting' && status.get().state !== 'closed') status.set({ state: 'connecting' });
  });
  provider.on('sync', (synced: boolean) => {
    if (status.get().state === 'connected') status.set({ state: 'connected', synced });
  });
  provider.on('connection-close', (event: CloseEvent | null) => {
    if (!event) return;
    const terminal = event.code >= 4400 && event.code < 4500 && event.code !== 4429;
    status.set({ state: 'closed', code: event.code, terminal });
  });

  return {
    ydoc,
    fragment: ydoc.getXmlFragment('default'),
    provider,
    status,
    destroy() {
      provider.destroy();
      ydoc.destroy();
    },
  };
}
