import * as Y from 'yjs';
import type * as decoding from 'lib0/decoding';
import { ProtocolError } from './protocol-error.js';
import { Reader } from './reader.js';

/*
 * Y.decodeUpdate parses a v1 update without touching any document, but it does not tell whether
 * the whole buffer was consumed: `decodeUpdate(update)` is `decodeUpdateV2(update, UpdateDecoderV1)`
 * and keeps its lib0 decoder private. decodeUpdateV2 accepts the decoder *class*, so a subclass
 * whose constructor records the lib0 decoder lets us read its final position afterwards.
 * Decoding is synchronous and never re-entrant, so one module-level slot is enough.
 */
let capturedDecoder: decoding.Decoder | null = null;

class CapturingUpdateDecoderV1 extends Y.UpdateDecoderV1 {
  constructor(decoder: decoding.Decoder) {
    super(decoder);
    capturedDecoder = decoder;
  }
}

const isSafeId = (id: Y.ID | null): boolean =>
  id === null || (Number.isSafeInteger(id.client) && Number.isSafeInteger(id.clock));

/**
 * Throws ProtocolError unless `update` is exactly one complete Yjs v1 update.
 *
 * Checks: it decodes with Yjs' own reader (unknown content/type refs, bad UTF-8, bad embedded
 * JSON, reads past the end all land here); no bytes are left over (and none were read past the end,
 * which lib0's `readUint8` allows silently); every id, clock and length is a safe integer (lib0's
 * readVarUint can return imprecise values above 2^53); no Item or GC has length 0 (Yjs never writes
 * one; zero-length structs would break the struct store's clock ordering). Skip structs may be 0
 * long: mergeUpdates can shrink one to 0 and they are never applied. No delete range has length 0.
 * No item refers (origin, right origin, parent) to its own client at or after its own clock.
 *
 * Invariant: it never touches a document. It proves the bytes are a well-formed update, so
 * Y.applyUpdate cannot fail part-way on a parse error. It does NOT prove the update applies
 * cleanly to a given document. Fuzzing found well-formed updates that make Y.applyUpdate throw
 * after integrating part of them (self/future references, zero-length delete ranges); those are
 * rejected above, and 200k further byte-flip mutations applied to a document produced no throw, but
 * Yjs gives no such guarantee. The caller must still treat a throw from applyUpdate as a corrupted
 * in-memory document (drop it, reload from storage) and never store or relay that update.
 *
 * Why a truncated valid update can never pass: the v1 format is self-delimiting — every count and
 * length is read before the data it governs and the parser's choices depend only on bytes already
 * read — so parsing a proper prefix follows the full update's parse until it needs a byte that is not
 * there, and then throws (or, for lib0's unchecked readUint8, runs past the end, which the position
 * check rejects). The property tests exercise this.
 */
export function validateUpdate(update: Uint8Array): void {
  let decoded: ReturnType<typeof Y.decodeUpdate>;
  capturedDecoder = null;
  try {
    decoded = Y.decodeUpdateV2(update, CapturingUpdateDecoderV1);
  } catch (error) {
    throw new ProtocolError(`update does not decode: ${describe(error)}`, { cause: error });
  }
  const pos = capturedDecoder === null ? -1 : (capturedDecoder as decoding.Decoder).pos;
  capturedDecoder = null;
  if (pos > update.length) throw new ProtocolError('update is truncated');
  if (pos !== update.length) {
    throw new ProtocolError(`${update.length - pos} trailing bytes after update`);
  }
  for (const struct of decoded.structs) {
    const { id, length } = struct;
    if (!isSafeId(id) || !Number.isSafeInteger(length) || !Number.isSafeInteger(id.clock + length)) {
      throw new ProtocolError('update has an id or length out of range');
    }
    if (length === 0 && !(struct instanceof Y.Skip)) {
      throw new ProtocolError('update has a zero-length struct');
    }
    if (struct instanceof Y.Item) {
      const parent = struct.parent;
      const parentId = parent instanceof Y.ID ? parent : null;
      if (!isSafeId(struct.origin) || !isSafeId(struct.rightOrigin) || !isSafeId(parentId)) {
        throw new ProtocolError('update has an id out of range');
      }
      // An item can only reference what existed when it was created, and a client's own earlier
      // items have lower clocks: a same-client reference at or after the item's clock is forged
      // (a self-reference makes Y.applyUpdate throw "Unexpected case" part-way).
      for (const ref of [struct.origin, struct.rightOrigin, parentId]) {
        if (ref !== null && ref.client === id.client && ref.clock >= id.clock) {
          throw new ProtocolError('update has an item referring to itself or its future');
        }
      }
    }
  }
  for (const [client, deletes] of decoded.ds.clients) {
    if (!Number.isSafeInteger(client)) throw new ProtocolError('delete set client out of range');
    for (const { clock, len } of deletes) {
      if (!Number.isSafeInteger(clock) || !Number.isSafeInteger(len) || !Number.isSafeInteger(clock + len)) {
        throw new ProtocolError('delete set range out of range');
      }
      // Yjs' own v2 encoder refuses len 0 ("Unexpected case"), so applying one would throw later.
      if (len === 0) throw new ProtocolError('update has a zero-length delete range');
    }
  }
}

/**
 * Throws ProtocolError unless `stateVector` is exactly one encoded state vector: a varuint count,
 * then that many (client, clock) varuint pairs, nothing after. Stricter than Y.decodeStateVector,
 * which ignores trailing bytes; anything accepted here decodes identically with Y.decodeStateVector.
 */
export function validateStateVector(stateVector: Uint8Array): void {
  const reader = new Reader(stateVector);
  const count = reader.readVarUint('state vector size');
  // Each entry takes at least two bytes: reject an impossible count before looping on it.
  if (count * 2 > reader.remaining) throw new ProtocolError('truncated state vector');
  for (let i = 0; i < count; i++) {
    reader.readVarUint('state vector client');
    reader.readVarUint('state vector clock');
  }
  reader.expectEnd('state vector');
}

/** A short reason that never echoes attacker bytes (JSON.parse messages quote the input). */
function describe(error: unknown): string {
  if (error instanceof Error && error.message === 'Unexpected end of array') return 'truncated';
  if (error instanceof RangeError) return 'RangeError';
  if (error instanceof SyntaxError) return 'invalid embedded JSON';
  if (error instanceof TypeError) return 'invalid content or encoding';
  return error instanceof Error ? error.name : 'unknown error';
}
