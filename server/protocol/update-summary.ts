/**
 * The summary of a Yjs v1 update (its state vector and delete set) read straight from its bytes,
 * without building a struct object, decoding a string or allocating per struct: what a room
 * needs of a stored snapshot (KnownState.fromSummary) before it can take updates. Yjs's own
 * `encodeStateVectorFromUpdate` + `diffUpdate` decode every struct and its content (≈ 1 s for a
 * 16 MiB snapshot); this walks the same bytes in tens of milliseconds and gives the same answer.
 */
import { isUtf8 } from 'node:buffer';
import * as encoding from 'lib0/encoding';

/** What `summarizeUpdate` gives: both in Yjs v1 encoding. */
export interface UpdateSummary {
  /** As `Y.encodeStateVectorFromUpdate(update)`. */
  stateVector: Uint8Array;
  /**
   * An update without structs carrying the update's delete set: for a whole state (a snapshot),
   * byte for byte what `Y.diffUpdate(update, stateVector)` gives.
   */
  deleteSet: Uint8Array;
}

/** Thrown for bytes that are not a whole v1 update (truncated, or an unknown struct or value). */
export class MalformedUpdateError extends Error {
  constructor(message: string) {
    super(`malformed Yjs update: ${message}`);
    this.name = 'MalformedUpdateError';
  }
}

const decoder = new TextDecoder();

class Reader {
  pos = 0;
  /** Set once a string was not valid UTF-8 (Yjs decodes such bytes to replacement characters). */
  invalidUtf8 = false;
  constructor(readonly bytes: Uint8Array) {}

  byte(): number {
    if (this.pos >= this.bytes.length) throw new MalformedUpdateError('unexpected end');
    return this.bytes[this.pos++]!;
  }

  /** lib0 varuint (7 bits a byte, least significant first; up to 53 bits). */
  uint(): number {
    let value = 0;
    let scale = 1;
    for (;;) {
      const b = this.byte();
      value += (b & 0x7f) * scale;
      if (b < 0x80) return value;
      scale *= 128;
      if (scale > 2 ** 53) throw new MalformedUpdateError('integer too large');
    }
  }

  /** Skips a lib0 varint or varuint (ends at the first byte without the continuation bit). */
  skipVarInt(): void {
    while (this.byte() >= 0x80);
  }

  skip(n: number): void {
    if (n > this.bytes.length - this.pos) throw new MalformedUpdateError('unexpected end');
    this.pos += n;
  }

  /** Skips a lib0 var string; returns its length in UTF-16 code units (a Yjs string's length). */
  string(): number {
    const n = this.uint();
    const start = this.pos;
    this.skip(n);
    const bytes = this.bytes;
    // A unit per code point (every byte but continuation bytes), two for those past U+FFFF.
    let continuations = 0;
    let fourByteLeads = 0;
    let any = 0;
    for (let i = start; i < start + n; i++) {
      const b = bytes[i]!;
      continuations += b >> 6 === 2 ? 1 : 0;
      fourByteLeads += b >= 0xf0 ? 1 : 0;
      any |= b;
    }
    const text = bytes.subarray(start, start + n);
    // Invalid UTF-8 counts as what Yjs's decoding makes of it (replacement characters).
    if (any >= 0x80 && !isUtf8(text)) {
      this.invalidUtf8 = true;
      return decoder.decode(text).length;
    }
    return n - continuations + fourByteLeads;
  }

  /** Skips one value of lib0's `writeAny` encoding. */
  any(): void {
    const tag = this.byte();
    switch (tag) {
      case 127: // undefined
      case 126: // null
      case 121: // false
      case 120: // true
        return;
      case 125: // integer
        return this.skipVarInt();
      case 124: // float32
        return this.skip(4);
      case 123: // float64
      case 122: // bigint64
        return this.skip(8);
      case 119: // string
        this.string();
        return;
      case 118: {
        // object: keys and values
        const n = this.uint();
        for (let i = 0; i < n; i++) {
          this.string();
          this.any();
        }
        return;
      }
      case 117: {
        // array
        const n = this.uint();
        for (let i = 0; i < n; i++) this.any();
        return;
      }
      case 116: // Uint8Array
        return this.skip(this.uint());
      default:
        throw new MalformedUpdateError(`unknown value type ${tag}`);
    }
  }
}

/** Type refs (Yjs's typeRefs) whose content carries a node name. */
const XML_ELEMENT = 3;
const XML_HOOK = 5;

/**
 * Skips one Item's content (the low 5 bits of its info byte say which kind) and returns the
 * Item's length in clocks.
 */
function skipContent(reader: Reader, kind: number): number {
  switch (kind) {
    case 1: // ContentDeleted
      return reader.uint();
    case 2: {
      // ContentJSON: strings
      const n = reader.uint();
      for (let i = 0; i < n; i++) reader.string();
      return n;
    }
    case 3: // ContentBinary
      reader.skip(reader.uint());
      return 1;
    case 4: // ContentString
      return reader.string();
    case 5: // ContentEmbed
      reader.string();
      return 1;
    case 6: // ContentFormat: key, value
      reader.string();
      reader.string();
      return 1;
    case 7: {
      // ContentType
      const ref = reader.uint();
      if (ref === XML_ELEMENT || ref === XML_HOOK) reader.string();
      else if (ref > 6) throw new MalformedUpdateError(`unknown type ${ref}`);
      return 1;
    }
    case 8: {
      // ContentAny
      const n = reader.uint();
      for (let i = 0; i < n; i++) reader.any();
      return n;
    }
    case 9: // ContentDoc: guid, options
      reader.string();
      reader.any();
      return 1;
    default:
      throw new MalformedUpdateError(`unknown content ${kind}`);
  }
}

/** What `walkUpdate` reports of an update, in the order of its bytes. */
export interface UpdateVisitor {
  /**
   * Each struct: its client, first clock and length in clocks; `skip` for a Skip (a gap in the
   * update); `at`, where its bytes are and what its header says (one object, refilled for each
   * struct: copy what is kept).
   */
  struct?(client: number, clock: number, length: number, skip: boolean, at: StructAt): void;
  /** Each range of the delete set. */
  deleted?(client: number, clock: number, length: number): void;
}

/** A struct's bytes and header, as `walkUpdate` reads them (offsets in the bytes walked). */
export interface StructAt {
  /** Its info byte (the low 5 bits: 0 a GC struct, 10 a Skip, else an Item's content kind). */
  info: number;
  /** Offsets of its info byte, of its content (for a GC struct or Skip: its length), and of its end. */
  start: number;
  content: number;
  end: number;
  /** An Item's origin and right origin (client -1 when it has none). */
  originClient: number;
  originClock: number;
  rightClient: number;
  rightClock: number;
}

/**
 * Walks a v1 update's struct headers and delete set without decoding content (UpdateVisitor) and
 * answers the byte offset where its delete set begins; `text.invalidUtf8` is set when a string was
 * not UTF-8. The update is `bytes` from `from` to `to` (a row of packed rows), by default all of
 * them. Throws MalformedUpdateError when they are not a whole v1 update.
 */
export function walkUpdate(bytes: Uint8Array, visit: UpdateVisitor, from = 0, to = bytes.length, text: { invalidUtf8: boolean } = { invalidUtf8: false }): number {
  const reader = new Reader(bytes);
  reader.pos = from;
  const at: StructAt = { info: 0, start: 0, content: 0, end: 0, originClient: -1, originClock: 0, rightClient: -1, rightClock: 0 };
  const sections = reader.uint();
  for (let s = 0; s < sections; s++) {
    const structs = reader.uint();
    const client = reader.uint();
    let clock = reader.uint();
    for (let i = 0; i < structs; i++) {
      at.start = reader.pos;
      const info = reader.byte();
      at.info = info;
      at.originClient = -1;
      at.rightClient = -1;
      let length: number;
      const skip = info === 10;
      if (skip) {
        at.content = reader.pos;
        length = reader.uint();
      } else if ((info & 0x1f) !== 0) {
        if (info & 0x80) {
          at.originClient = reader.uint();
          at.originClock = reader.uint();
        }
        if (info & 0x40) {
          at.rightClient = reader.uint();
          at.rightClock = reader.uint();
        }
        if ((info & 0xc0) === 0) {
          // Parent: a root type's name, or the id of the type's item; then the map key, if any.
          if (reader.uint() === 1) reader.string();
          else {
            reader.uint();
            reader.uint();
          }
          if (info & 0x20) reader.string();
        }
        at.content = reader.pos;
        length = skipContent(reader, info & 0x1f);
      } else {
        at.content = reader.pos;
        length = reader.uint(); // GC
      }
      at.end = reader.pos;
      visit.struct?.(client, clock, length, skip, at);
      clock += length;
    }
  }
  const deleteSetStart = reader.pos;
  const clients = reader.uint();
  for (let c = 0; c < clients; c++) {
    const client = reader.uint();
    const deletes = reader.uint();
    for (let d = 0; d < deletes; d++) {
      const clock = reader.uint();
      const length = reader.uint();
      visit.deleted?.(client, clock, length);
    }
  }
  if (reader.pos !== to) throw new MalformedUpdateError('bytes after the delete set');
  if (reader.invalidUtf8) text.invalidUtf8 = true;
  return deleteSetStart;
}

/**
 * The state vector and delete set of a v1 update, as Yjs reads them (UpdateSummary).
 * Throws MalformedUpdateError when the bytes are not a whole v1 update.
 */
export function summarizeUpdate(update: Uint8Array): UpdateSummary {
  // The state vector as Yjs counts it: per client from clock 0, up to the first gap (a Skip).
  const vector: Array<[number, number]> = [];
  let currClient: number | undefined;
  let currClock = 0;
  let stopCounting = false;
  const dsStart = walkUpdate(update, {
    struct(client, clock, length, skip) {
      if (currClient !== client) {
        if (currClient !== undefined && currClock !== 0) vector.push([currClient, currClock]);
        currClient = client;
        currClock = 0;
        stopCounting = clock !== 0;
      }
      if (skip) stopCounting = true;
      if (!stopCounting) currClock = clock + length;
    },
  });
  if (currClient !== undefined && currClock !== 0) vector.push([currClient, currClock]);
  // The delete set, checked whole by the walk, is taken as it is.
  const sv = encoding.createEncoder();
  encoding.writeVarUint(sv, vector.length);
  for (const [client, clock] of vector) {
    encoding.writeVarUint(sv, client);
    encoding.writeVarUint(sv, clock);
  }
  const deleteSet = new Uint8Array(1 + update.length - dsStart);
  deleteSet.set(update.subarray(dsStart), 1);
  return { stateVector: encoding.toUint8Array(sv), deleteSet };
}
