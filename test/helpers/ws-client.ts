/** Real y-websocket clients (the stock WebsocketProvider over `ws`) and raw sockets for tests. */
import * as Y from 'yjs';
import WebSocket from 'ws';
import { WebsocketProvider } from 'y-websocket';

// Each WebsocketProvider adds a process 'exit' listener in Node; tests open dozens at once.
process.setMaxListeners(200);

export interface TestClient {
  doc: Y.Doc;
  provider: WebsocketProvider;
  /** Resolves when the first sync with the server completed. */
  synced: Promise<void>;
  /** Close events seen so far (code, reason). */
  closes: Array<{ code: number; reason: string }>;
  /** Resolves with the next close event's code. */
  nextClose(): Promise<number>;
  destroy(): void;
}

export function connectClient(baseUrl: string, documentId: string, token: string | undefined, options: { doc?: Y.Doc } = {}): TestClient {
  const doc = options.doc ?? new Y.Doc();
  const provider = new WebsocketProvider(`${baseUrl.replace(/^http/, 'ws')}/collab`, documentId, doc, {
    params: token === undefined ? {} : { token },
    WebSocketPolyfill: WebSocket as unknown as typeof globalThis.WebSocket,
    disableBc: true,
    maxBackoffTime: 200,
  });
  const closes: TestClient['closes'] = [];
  let waiters: Array<(code: number) => void> = [];
  provider.on('connection-close', (event) => {
    const code = event?.code ?? 0;
    closes.push({ code, reason: String(event?.reason ?? '') });
    for (const resolve of waiters) resolve(code);
    waiters = [];
  });
  const synced = new Promise<void>((resolve) => {
    if (provider.synced) resolve();
    provider.once('sync', (isSynced: boolean) => isSynced && resolve());
  });
  return {
    doc,
    provider,
    synced,
    closes,
    nextClose: () => new Promise((resolve) => waiters.push(resolve)),
    destroy() {
      provider.shouldConnect = false;
      provider.destroy();
    },
  };
}

/** Waits until `predicate` holds, polling; fails with `what` after `timeoutMs`. */
export async function eventually(predicate: () => boolean | Promise<boolean>, what: string, timeoutMs = 5000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await predicate())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for: ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
}

/** A raw WebSocket, for frames no well-behaved client would send. */
export function rawSocket(baseUrl: string, documentId: string, token: string): Promise<{ socket: WebSocket; received: Uint8Array[]; closed: Promise<number> }> {
  const socket = new WebSocket(`${baseUrl.replace(/^http/, 'ws')}/collab/${documentId}?token=${encodeURIComponent(token)}`);
  const received: Uint8Array[] = [];
  socket.on('message', (data) => received.push(new Uint8Array(data as Buffer)));
  const closed = new Promise<number>((resolve) => socket.on('close', (code) => resolve(code)));
  return new Promise((resolve, reject) => {
    socket.once('open', () => resolve({ socket, received, closed }));
    socket.once('error', reject);
  });
}

/** Plain text of the `default` fragment's paragraphs, one per line (tests only). */
export function paragraphsOf(doc: Y.Doc): string[] {
  return doc
    .getXmlFragment('default')
    .toArray()
    .map((node) => (node instanceof Y.XmlElement ? node.toArray().map((t) => (t instanceof Y.XmlText ? t.toString() : '')).join('') : ''));
}

/** Appends a paragraph with `text`, as an editor would. */
/** A paste of `bytes` ASCII letters, different per `seed` (nothing shared between pastes, so Yjs cannot shrink it). */
export function pasteText(bytes: number, seed: number): string {
  let state = seed + 1;
  const chars: string[] = [];
  for (let i = 0; i < bytes; i++) {
    state = (state * 1103515245 + 12345) % 2 ** 31;
    chars.push(String.fromCharCode(97 + (state % 26)));
  }
  return chars.join('');
}

export function appendParagraph(doc: Y.Doc, text: string): void {
  doc.transact(() => {
    const paragraph = new Y.XmlElement('paragraph');
    paragraph.insert(0, [new Y.XmlText(text)]);
    const fragment = doc.getXmlFragment('default');
    fragment.insert(fragment.length, [paragraph]);
  });
}

/**
 * Random concurrent editing as in yjs's own tests: `steps` edits by randomly chosen clients
 * (append a paragraph, type or delete a character somewhere), pausing now and then so updates
 * interleave on the wire. Seeded, so a failure replays.
 */
export async function editRandomly(clients: readonly { doc: Y.Doc }[], steps: number, seed: number): Promise<void> {
  let state = seed;
  const random = () => (state = (state * 1103515245 + 12345) % 2 ** 31) / 2 ** 31;
  for (let step = 0; step < steps; step++) {
    const doc = clients[Math.floor(random() * clients.length)]!.doc;
    const fragment = doc.getXmlFragment('default');
    if (fragment.length === 0 || random() < 0.3) appendParagraph(doc, `p${step}`);
    else {
      const paragraph = fragment.get(Math.floor(random() * fragment.length)) as Y.XmlElement;
      const text = paragraph.get(0) as Y.XmlText | undefined;
      if (text && random() < 0.7) text.insert(Math.floor(random() * (text.length + 1)), String.fromCharCode(97 + Math.floor(random() * 26)));
      else if (text && text.length > 0) text.delete(Math.floor(random() * text.length), 1);
    }
    if (step % 10 === 0) await new Promise((resolve) => setTimeout(resolve, 5));
  }
}
