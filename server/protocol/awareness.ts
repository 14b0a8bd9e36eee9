import * as encoding from 'lib0/encoding';
import { MAX_CLIENT_ID } from './constants.js';
import { ProtocolError } from './protocol-error.js';
import { Reader } from './reader.js';

/** A present client's awareness state: always a plain JSON object (never an array). */
export type AwarenessState = { [key: string]: unknown };

/** One entry of an awareness update (y-protocols/awareness wire format). */
export interface AwarenessEntry {
  /** The Yjs client id the entry is about (uint32). */
  readonly clientId: number;
  /** Lamport-ish clock; receivers keep the state with the highest clock. */
  readonly clock: number;
  /** `null` means "this client is gone". */
  readonly state: AwarenessState | null;
  /** Size in bytes of the state's JSON as received (for the per-state cap). */
  readonly stateBytes: number;
}

// lib0's TextDecoder is also fatal; ours is explicit so invalid UTF-8 can never become U+FFFD.
const utf8 = new TextDecoder('utf-8', { fatal: true, ignoreBOM: true });

/**
 * Decodes an awareness update (the payload of message type 1): varuint count, then per entry
 * varuint clientID, varuint clock, varString JSON state. Throws ProtocolError when it is truncated,
 * has trailing bytes, a client id above uint32, a state that is not UTF-8 JSON, or a state that is
 * neither an object nor `null`.
 */
export function decodeAwarenessUpdate(update: Uint8Array): AwarenessEntry[] {
  const reader = new Reader(update);
  const count = reader.readVarUint('awareness entry count');
  // Each entry is at least 3 bytes (id, clock, empty string length): refuse impossible counts up front.
  if (count * 3 > reader.remaining) throw new ProtocolError('truncated awareness update');
  const entries: AwarenessEntry[] = [];
  for (let i = 0; i < count; i++) {
    const clientId = reader.readVarUint('awareness client id');
    if (clientId > MAX_CLIENT_ID) throw new ProtocolError('awareness client id out of range');
    const clock = reader.readVarUint('awareness clock');
    const raw = reader.readVarUint8Array('awareness state');
    entries.push({ clientId, clock, state: parseState(raw), stateBytes: raw.length });
  }
  reader.expectEnd('awareness update');
  return entries;
}

function parseState(raw: Uint8Array): AwarenessState | null {
  let parsed: unknown;
  try {
    parsed = JSON.parse(utf8.decode(raw));
  } catch {
    throw new ProtocolError('awareness state is not UTF-8 JSON');
  }
  if (parsed === null) return null;
  if (typeof parsed !== 'object' || Array.isArray(parsed)) {
    throw new ProtocolError('awareness state is neither an object nor null');
  }
  return parsed as AwarenessState;
}

/**
 * Encodes entries as an awareness update, byte-compatible with y-protocols'
 * `encodeAwarenessUpdate` (the state is written with JSON.stringify, `null` for removed).
 */
export function encodeAwarenessUpdate(
  entries: ReadonlyArray<Pick<AwarenessEntry, 'clientId' | 'clock' | 'state'>>,
): Uint8Array {
  const encoder = encoding.createEncoder();
  encoding.writeVarUint(encoder, entries.length);
  for (const { clientId, clock, state } of entries) {
    encoding.writeVarUint(encoder, clientId);
    encoding.writeVarUint(encoder, clock);
    encoding.writeVarString(encoder, JSON.stringify(state));
  }
  return encoding.toUint8Array(encoder);
}

/**
 * An awareness update that marks `clientIds` as gone, for when their connection closes.
 * Each entry carries state `null` and clock = last seen clock + 1, so every peer applies it
 * (y-protocols applies a removal only when its clock is newer, or equal while the state is known).
 * A client id with no known clock is sent with clock 1. Trade-off: a client that reconnects with
 * the same id stays hidden from peers until its own clock passes that value (its next two local
 * changes, at most about 30 s with the provider's renewal).
 */
export function awarenessRemoval(
  clientIds: Iterable<number>,
  clocks: ReadonlyMap<number, number>,
): Uint8Array {
  const entries = [...clientIds].map((clientId) => ({
    clientId,
    clock: (clocks.get(clientId) ?? 0) + 1,
    state: null,
  }));
  return encodeAwarenessUpdate(entries);
}
