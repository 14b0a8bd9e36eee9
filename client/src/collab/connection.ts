/**
 * One live connection to a document: a Y.Doc and the stock y-websocket provider on
 * `/collab/<id>?token=` (API.md). Close codes become a `status` the UI shows as a banner. After a
 * code that reconnecting would only repeat (server/errors.ts `terminalCloseCodes`: a change too
 * large, a refused change, too many connections, no access) the provider stops: the Y.Doc and the
 * editor keep the unsent change, and the banner says what happened. Other codes reconnect with
 * backoff.
 *
 * The Y.Doc is also kept on this device (y-indexeddb, ui/offline.ts): an opened draft shows with
 * no connection, and edits made offline survive a reload until the provider has sent them.
 */
import { CloseCode, terminalCloseCodes } from '@errors';
import * as Y from 'yjs';
import { WebsocketProvider } from 'y-websocket';
import { IndexeddbPersistence } from 'y-indexeddb';
import { localDocName } from '../ui/offline';
import { signal, type Signal } from '../ui/signal';
import { colorFor } from './awareness';

export type ConnectionStatus =
  | { state: 'connecting' }
  | { state: 'connected'; synced: boolean }
  | { state: 'closed'; code: number; terminal: boolean }
  /** No network, or the socket dropped without a close frame (1006): changes wait in the Y.Doc. */
  | { state: 'offline' };

export interface Connection {
  ydoc: Y.Doc;
  fragment: Y.XmlFragment;
  provider: WebsocketProvider;
  status: Signal<ConnectionStatus>;
  /** True once the copy kept on this device has been read into the Y.Doc (at once if none is kept). */
  localLoaded: Signal<boolean>;
  destroy(): void;
}

/** The name of a close code in server/errors.ts (`unauthenticated` for `CloseCode.unauthenticated`), if it has one. */
export function closeName(code: number): keyof typeof CloseCode | undefined {
  return (Object.keys(CloseCode) as (keyof typeof CloseCode)[]).find((name) => CloseCode[name] === code);
}

/** True when the server's close code means reconnecting would only repeat the refusal. */
export function isTerminal(code: number): boolean {
  return terminalCloseCodes.includes(code);
}

/** The browser's code for a socket that dropped without a close frame (RFC 6455 §7.4.1). */
const abnormalClosure = 1006;

export function collabUrl(): string {
  return `${location.protocol === 'https:' ? 'wss' : 'ws'}://${location.host}/collab`;
}

export function connect(documentId: string, token: string, user: { id: string; name: string }): Connection {
  const ydoc = new Y.Doc();
  const provider = new WebsocketProvider(collabUrl(), documentId, ydoc, {
    params: { token },
    maxBackoffTime: 5000,
    shouldReconnect: (event) => !isTerminal(event.code),
    // Tabs would relay each other's unsent edits to the server, which then sees one clientID
    // written from two connections (refused with CloseCode.clientIdInUse); each tab talks to the server alone.
    disableBc: true,
  });
  const status = signal<ConnectionStatus>({ state: 'connecting' });
  const localLoaded = signal(false);
  const local = typeof indexedDB === 'undefined' ? null : new IndexeddbPersistence(localDocName(documentId), ydoc);
  if (local) void local.whenSynced.then(() => localLoaded.set(true), () => localLoaded.set(true));
  else localLoaded.set(true);
  // The server overwrites id and name with the real identity; the colour is ours to choose.
  provider.awareness.setLocalStateField('user', { name: user.name, color: colorFor(user.id) });

  provider.on('status', ({ status: state }: { status: string }) => {
    if (state === 'connected') status.set({ state: 'connected', synced: provider.synced });
    else if (state === 'connecting' && status.get().state !== 'closed' && status.get().state !== 'offline') status.set({ state: 'connecting' });
  });
  provider.on('sync', (synced: boolean) => {
    if (status.get().state === 'connected') status.set({ state: 'connected', synced });
  });
  provider.on('connection-close', (event: CloseEvent | null) => {
    if (!event) return;
    const terminal = isTerminal(event.code);
    // A drop with no close frame (1006) or with the browser offline is the network, not the
    // server: say so in words, and keep reconnecting.
    if (!terminal && (!navigator.onLine || event.code === abnormalClosure || closeName(event.code) === undefined)) status.set({ state: 'offline' });
    else status.set({ state: 'closed', code: event.code, terminal });
  });
  provider.on('connection-error', () => {
    if (!navigator.onLine && status.get().state !== 'closed') status.set({ state: 'offline' });
  });
  // The browser knows at once when the network goes; y-websocket alone notices a dead socket only
  // after its 30 s message timeout. Going offline drops the socket now (the provider keeps
  // retrying with backoff); coming back reconnects at once instead of waiting out the backoff.
  const onOffline = () => {
    const current = status.get();
    if (current.state === 'closed' && current.terminal) return;
    status.set({ state: 'offline' });
    provider.ws?.close();
  };
  const onOnline = () => {
    const current = status.get();
    if (current.state === 'closed' && current.terminal) return;
    if (!provider.wsconnected) {
      provider.disconnect();
      provider.connect();
    }
  };
  window.addEventListener('offline', onOffline);
  window.addEventListener('online', onOnline);

  return {
    ydoc,
    fragment: ydoc.getXmlFragment('default'),
    provider,
    status,
    localLoaded,
    destroy() {
      window.removeEventListener('offline', onOffline);
      window.removeEventListener('online', onOnline);
      provider.destroy();
      void local?.destroy();
      ydoc.destroy();
    },
  };
}
