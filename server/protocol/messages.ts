import { MessageType, SyncMessageType } from './constants.js';
import { decodeAwarenessUpdate, type AwarenessEntry } from './awareness.js';
import { ProtocolError } from './protocol-error.js';
import { copyBytes, Reader } from './reader.js';
import { validateStateVector, validateUpdate } from './yjs-validation.js';

/**
 * A fully decoded and validated client → server frame. Every byte array is an owned copy of
 * exactly the bytes received (never a view on the socket buffer), so `update` can be stored and
 * relayed verbatim.
 */
export type ClientMessage =
  | { readonly type: 'sync-step1'; readonly stateVector: Uint8Array }
  | { readonly type: 'sync-step2'; readonly update: Uint8Array }
  | { readonly type: 'update'; readonly update: Uint8Array }
  | { readonly type: 'awareness'; readonly update: Uint8Array; readonly entries: AwarenessEntry[] }
  | { readonly type: 'query-awareness' };

/**
 * Decodes one binary WebSocket frame from a client and validates it completely: framing, no
 * trailing bytes, and the payload itself (a state vector, a Yjs v1 update, or an awareness update
 * with JSON object/null states).
 *
 * Invariants: on any input it either returns or throws ProtocolError, nothing else; it touches no
 * document; a claimed length is checked against the bytes present before anything is allocated,
 * so its cost is linear in the frame size. Callers must apply nothing from a frame that threw.
 */
export function decodeClientMessage(data: Uint8Array): ClientMessage {
  try {
    return decode(data);
  } catch (error) {
    if (error instanceof ProtocolError) throw error;
    // Defence in depth: every decoder above is written to throw only ProtocolError, but a
    // stack overflow or an engine error must still surface as "malformed", not crash the room.
    throw new ProtocolError('undecodable frame', { cause: error });
  }
}

function decode(data: Uint8Array): ClientMessage {
  if (data.length === 0) throw new ProtocolError('empty message');
  const reader = new Reader(data);
  const messageType = reader.readVarUint('message type');
  switch (messageType) {
    case MessageType.sync:
      return decodeSync(reader);
    case MessageType.awareness: {
      const update = reader.readVarUint8Array('awareness update');
      reader.expectEnd('awareness message');
      const entries = decodeAwarenessUpdate(update);
      return { type: 'awareness', update: copyBytes(update), entries };
    }
    case MessageType.queryAwareness:
      reader.expectEnd('query-awareness message');
      return { type: 'query-awareness' };
    case MessageType.auth:
      throw new ProtocolError('auth messages are server-to-client only');
    default:
      throw new ProtocolError(`unknown message type ${messageType}`);
  }
}

function decodeSync(reader: Reader): ClientMessage {
  const syncType = reader.readVarUint('sync message type');
  switch (syncType) {
    case SyncMessageType.step1: {
      const stateVector = reader.readVarUint8Array('state vector');
      reader.expectEnd('sync step 1');
      validateStateVector(stateVector);
      return { type: 'sync-step1', stateVector: copyBytes(stateVector) };
    }
    case SyncMessageType.step2:
    case SyncMessageType.update: {
      const update = reader.readVarUint8Array('update');
      reader.expectEnd(syncType === SyncMessageType.step2 ? 'sync step 2' : 'sync update');
      validateUpdate(update);
      const type = syncType === SyncMessageType.step2 ? 'sync-step2' : 'update';
      return { type, update: copyBytes(update) };
    }
    default:
      throw new ProtocolError(`unknown sync message type ${syncType}`);
  }
}
