import * as encoding from 'lib0/encoding';
import * as Y from 'yjs';
import { MessageType, SyncMessageType } from './constants.js';

/*
 * Server → client frames. Byte-identical to what y-websocket's provider builds: the outer
 * message type varuint, then for sync messages y-protocols' writeSyncStep1/writeSyncStep2/
 * writeUpdate, for awareness a varUint8Array holding the awareness update.
 */

/**
 * The frame is allocated once at its final size and the payload copied into it once: lib0's
 * encoder copies a big payload twice (into its chunks, then into the result), which for a 16 MiB
 * state is a long pause of the event loop. Same bytes as y-protocols writes.
 */
function syncFrame(syncType: number, payload: Uint8Array): Uint8Array {
  const header = encoding.createEncoder();
  encoding.writeVarUint(header, MessageType.sync);
  encoding.writeVarUint(header, syncType);
  encoding.writeVarUint(header, payload.byteLength);
  const head = encoding.toUint8Array(header);
  const frame = new Uint8Array(head.byteLength + payload.byteLength);
  frame.set(head, 0);
  frame.set(payload, head.byteLength);
  return frame;
}

/** Sync step 1 carrying the server's state vector (`Y.encodeStateVector(doc)`). */
export function encodeSyncStep1(stateVector: Uint8Array): Uint8Array {
  return syncFrame(SyncMessageType.step1, stateVector);
}

/** Sync step 2 carrying a v1 update (what the receiver is missing). */
export function encodeSyncStep2(update: Uint8Array): Uint8Array {
  return syncFrame(SyncMessageType.step2, update);
}

/** A live v1 update, relayed as the exact bytes that were validated and stored. */
export function encodeUpdate(update: Uint8Array): Uint8Array {
  return syncFrame(SyncMessageType.update, update);
}

/** An awareness frame carrying an encoded awareness update (see encodeAwarenessUpdate). */
export function encodeAwareness(awarenessUpdate: Uint8Array): Uint8Array {
  const encoder = encoding.createEncoder();
  encoding.writeVarUint(encoder, MessageType.awareness);
  encoding.writeVarUint8Array(encoder, awarenessUpdate);
  return encoding.toUint8Array(encoder);
}

/** A query-awareness frame (no payload): asks the peer to send all awareness states it knows. */
export function encodeQueryAwareness(): Uint8Array {
  return Uint8Array.of(MessageType.queryAwareness);
}

/**
 * The server's step 1 for a freshly opened connection: the document's state vector.
 */
export function syncStep1FromDoc(doc: Y.Doc): Uint8Array {
  return encodeSyncStep1(Y.encodeStateVector(doc));
}

/**
 * The server's answer to a client's sync step 1: a step 2 with everything in `doc` the client's
 * `stateVector` lacks. `stateVector` must come from a validated `sync-step1` message.
 */
export function answerSyncStep1(doc: Y.Doc, stateVector: Uint8Array): Uint8Array {
  return encodeSyncStep2(Y.encodeStateAsUpdate(doc, stateVector));
}
