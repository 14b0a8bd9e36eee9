import { encodeUtf8 } from 'lib0/string';
import { MAX_AWARENESS_STATE_BYTES } from './constants.js';
import { encodeAwarenessUpdate, type AwarenessEntry, type AwarenessState } from './awareness.js';
import { ProtocolError } from './protocol-error.js';

/** Who a connection really is, as decided at the WebSocket upgrade. */
export interface ConnectionIdentity {
  readonly memberId: string;
  readonly name: string;
}

/** The result of stamping one incoming awareness update. */
export interface StampedAwareness {
  /** Encoded awareness update to relay (payload of message type 1), or null when nothing is left. */
  readonly update: Uint8Array | null;
  /** The entries in `update`, with their stamped states. */
  readonly relayed: AwarenessEntry[];
  /** Client ids whose entries were dropped because this connection does not own them. */
  readonly refused: number[];
}

// Hex (#rgb, #rgba, #rrggbb, #rrggbbaa), rgb()/rgba()/hsl()/hsla() with numbers only, or a
// keyword. Cursor renderers (y-prosemirror) paste `user.color` into a style attribute, so
// nothing that could close the declaration or load a URL may pass.
const HEX_COLOR = /^#(?:[0-9a-f]{3,4}|[0-9a-f]{6}|[0-9a-f]{8})$/i;
const FUNCTION_ARGS = /^(?:rgba?|hsla?)\((?:[0-9.%\s,/]|deg|turn)+\)$/i;
const KEYWORD_COLOR = /^[a-z]{3,20}$/i;

/** True for a short, inert CSS colour string a client may choose for its cursor. */
export function isShortCssColor(value: unknown): value is string {
  if (typeof value !== 'string' || value.length > 40) return false;
  if (HEX_COLOR.test(value) || KEYWORD_COLOR.test(value)) return true;
  return FUNCTION_ARGS.test(value);
}

/**
 * Prepares a connection's awareness entries for relay under its real identity.
 *
 * - Entries for client ids not in `ownClientIds` are dropped and listed in `refused`, never relayed.
 *   They are not an error: the stock y-websocket provider echoes every awareness change it
 *   receives — other clients' entries included — back to the server.
 * - An owned entry whose state JSON (as received) exceeds MAX_AWARENESS_STATE_BYTES throws
 *   ProtocolError.
 * - In every relayed non-null state, `user` is replaced by `{id: memberId, name}` plus the
 *   client's `user.color` only if it is a short CSS colour; other fields (`cursor`, ...) are kept.
 *   Removals (`null`) are relayed as they are.
 *
 * Invariant: a relayed state can name no one but the connection's member.
 */
export function stampAwareness(
  entries: readonly AwarenessEntry[],
  identity: ConnectionIdentity,
  ownClientIds: { has(clientId: number): boolean },
): StampedAwareness {
  const relayed: AwarenessEntry[] = [];
  const refused: number[] = [];
  for (const entry of entries) {
    if (!ownClientIds.has(entry.clientId)) {
      refused.push(entry.clientId);
      continue;
    }
    if (entry.stateBytes > MAX_AWARENESS_STATE_BYTES) {
      throw new ProtocolError(`awareness state larger than ${MAX_AWARENESS_STATE_BYTES} bytes`);
    }
    const state = entry.state === null ? null : stampState(entry.state, identity);
    relayed.push({ ...entry, state, stateBytes: encodeUtf8(JSON.stringify(state)).length });
  }
  return {
    update: relayed.length === 0 ? null : encodeAwarenessUpdate(relayed),
    relayed,
    refused,
  };
}

function stampState(state: AwarenessState, identity: ConnectionIdentity): AwarenessState {
  const { user, ...rest } = state;
  const chosen = typeof user === 'object' && user !== null ? (user as { color?: unknown }).color : undefined;
  const stampedUser: { id: string; name: string; color?: string } = {
    id: identity.memberId,
    name: identity.name,
  };
  if (isShortCssColor(chosen)) stampedUser.color = chosen;
  return { ...rest, user: stampedUser };
}
