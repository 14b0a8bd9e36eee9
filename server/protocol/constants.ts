/** Top-level y-websocket message types (first varuint of every binary frame). */
export const MessageType = {
  sync: 0,
  awareness: 1,
  /** Server → client only (permission denied); a client sending it is a protocol error. */
  auth: 2,
  queryAwareness: 3,
} as const;

/** Sub-types of a `sync` message (second varuint), as in y-protocols/sync. */
export const SyncMessageType = {
  step1: 0,
  step2: 1,
  update: 2,
} as const;

/** Largest JSON state (UTF-8 bytes, as received) a connection may announce for one of its clients. */
export const MAX_AWARENESS_STATE_BYTES = 8 * 1024;

/** How many awareness client ids one connection may own (the stock provider uses exactly one). */
export const MAX_CLIENT_IDS_PER_CONNECTION = 8;

/** Yjs generates client ids with `random.uint32()`; anything larger is not a real client. */
export const MAX_CLIENT_ID = 0xffff_ffff;
