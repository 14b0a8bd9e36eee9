import { ProtocolError } from './protocol-error.js';

/**
 * A strict cursor over untrusted bytes. Unlike lib0/decoding it never reads past the end
 * (lib0's `readUint8` silently returns `undefined` there), rejects varuints that are not safe
 * integers (lib0 can return imprecise values above 2^53 from the final byte), and checks a
 * claimed length against the remaining bytes before touching anything, so a huge claimed
 * length costs nothing.
 */
export class Reader {
  pos = 0;
  constructor(readonly bytes: Uint8Array) {}

  get remaining(): number {
    return this.bytes.length - this.pos;
  }

  /** LEB128 unsigned varuint, at most 8 bytes, result a safe integer. */
  readVarUint(what: string): number {
    let num = 0;
    let mult = 1;
    for (let i = 0; i < 8; i++) {
      if (this.pos >= this.bytes.length) throw new ProtocolError(`truncated varuint (${what})`);
      const byte = this.bytes[this.pos++]!;
      num += (byte & 0x7f) * mult;
      if (byte < 0x80) {
        if (!Number.isSafeInteger(num)) throw new ProtocolError(`varuint out of range (${what})`);
        return num;
      }
      mult *= 128;
    }
    throw new ProtocolError(`varuint out of range (${what})`);
  }

  /** A varuint length followed by that many bytes; returns a view (no copy). */
  readVarUint8Array(what: string): Uint8Array {
    const len = this.readVarUint(`${what} length`);
    if (len > this.remaining) {
      throw new ProtocolError(`truncated ${what}: claims ${len} bytes, ${this.remaining} remain`);
    }
    const view = this.bytes.subarray(this.pos, this.pos + len);
    this.pos += len;
    return view;
  }

  /** Every frame and payload must be consumed exactly. */
  expectEnd(what: string): void {
    if (this.pos !== this.bytes.length) {
      throw new ProtocolError(`${this.bytes.length - this.pos} trailing bytes after ${what}`);
    }
  }
}

/** An owned copy: never a view on a (possibly pooled or reused) socket buffer. */
export function copyBytes(view: Uint8Array): Uint8Array {
  const copy = new Uint8Array(view.length);
  copy.set(view);
  return copy;
}
