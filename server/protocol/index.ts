/**
 * The y-websocket wire protocol, pure: decode and validate client frames, encode server frames,
 * and stamp awareness with the connection's real identity. No I/O; imports only yjs, y-protocols
 * and lib0.
 */
export { ProtocolError } from './protocol-error.js';
export {
  MessageType,
  SyncMessageType,
  MAX_AWARENESS_STATE_BYTES,
  MAX_CLIENT_IDS_PER_CONNECTION,
  MAX_CLIENT_ID,
} from './constants.js';
export { decodeClientMessage, type ClientMessage } from './messages.js';
export { validateUpdate, validateStateVector } from './yjs-validation.js';
export { updateEffect, type UpdateEffect } from './update-dependencies.js';
export {
  decodeAwarenessUpdate,
  encodeAwarenessUpdate,
  awarenessRemoval,
  type AwarenessEntry,
  type AwarenessState,
} from './awareness.js';
export {
  stampAwareness,
  isShortCssColor,
  type ConnectionIdentity,
  type StampedAwareness,
} from './identity.js';
export { ClientIdOwnership } from './ownership.js';
export {
  encodeSyncStep1,
  encodeSyncStep2,
  encodeUpdate,
  encodeAwareness,
  encodeQueryAwareness,
  syncStep1FromDoc,
  answerSyncStep1,
} from './encoders.js';
export { KnownState } from './known-state.js';
