/**
 * A lightweight y-websocket client on a raw `ws` socket: just enough of the protocol to sync and
 * read update frames. A thousand stock WebsocketProviders (each with a Y.Doc, awareness and
 * timers) in the load generator's process would measure the generator, not the server.
 *
 * With `doc`, it syncs like the stock provider (sends sync step 1 with its state vector, answers
 * the server's step 1 with a step 2) and applies what it receives. Without `doc`, it asks for
 * everything (empty state vector), answers with an empty step 2 and only hands frames to
 * `onUpdate`. With `handshake: false` it sends nothing on open (the bare relay has no server side
 * to sync with).
 */
import * as decoding from 'lib0/decoding';
import * as encoding from 'lib0/encoding';
import WebSocket from 'ws';
import * as Y from 'yjs';

const messageSync = 0;
const syncStep1 = 0;
const syncStep2 = 1;
const syncUpdate = 2;
const emptyStateVector = Y.encodeStateVector(new Y.Doc());
const emptyUpdate = Y.encodeStateAsUpdate(new Y.Doc());

export function syncFrame(type: number, payload: Uint8Array): Uint8Array {
  const encoder = encoding.createEncoder();
  encoding.writeVarUint(encoder, messageSync);
  encoding.writeVarUint(encoder, type);
  encoding.writeVarUint8Array(encoder, payload);
  return encoding.toUint8Array(encoder);
}

export const updateFrame = (update: Uint8Array): Uint8Array => syncFrame(syncUpdate, update);

export interface ClientOptions {
  doc?: Y.Doc;
  handshake?: boolean;
  /** Every update received after the first sync (live updates; also step 2 answers). */
  onUpdate?(update: Uint8Array, frame: Buffer): void;
}

export class YwsClient {
  readonly socket: WebSocket;
  readonly opened: Promise<void>;
  /** Resolves once the server's sync step 2 arrived (at open when there is no handshake). */
  readonly synced: Promise<void>;
  closeCode: number | undefined;
  framesReceived = 0;
  private resolveSynced!: () => void;

  constructor(url: string, private readonly options: ClientOptions = {}) {
    this.socket = new WebSocket(url, { perMessageDeflate: false });
    this.socket.binaryType = 'nodebuffer';
    this.synced = new Promise((resolve) => (this.resolveSynced = resolve));
    const handshake = options.handshake ?? true;
    this.opened = new Promise((resolve, reject) => {
      this.socket.once('open', () => {
        if (handshake) this.send(syncFrame(syncStep1, options.doc ? Y.encodeStateVector(options.doc) : emptyStateVector));
        else this.resolveSynced();
        resolve();
      });
      this.socket.once('error', reject);
    });
    this.socket.on('error', () => {});
    this.socket.on('close', (code) => (this.closeCode = code));
    this.socket.on('message', (data: Buffer) => this.receive(data));
  }

  send(frame: Uint8Array): void {
    this.socket.send(frame);
  }

  sendUpdate(update: Uint8Array): void {
    this.socket.send(updateFrame(update));
  }

  close(): void {
    this.socket.terminate();
  }

  private receive(data: Buffer): void {
    this.framesReceived++;
    const decoder = decoding.createDecoder(data);
    if (decoding.readVarUint(decoder) !== messageSync) return; // awareness and others: ignored
    const type = decoding.readVarUint(decoder);
    const payload = decoding.readVarUint8Array(decoder);
    const doc = this.options.doc;
    if (type === syncStep1) {
      this.send(syncFrame(syncStep2, doc ? Y.encodeStateAsUpdate(doc, payload) : emptyUpdate));
      return;
    }
    if (doc) Y.applyUpdate(doc, payload, this);
    this.options.onUpdate?.(payload, data);
    if (type === syncStep2) this.resolveSynced();
  }
}
