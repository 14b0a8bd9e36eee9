/**
 * One client's progress in a Yjs update (v1): the clock it reached and the ranges of its items the
 * update deletes, read from the struct headers and the delete set without building the update's
 * content. A bench observer needs only this to count progress, where applying every frame to a
 * Y.Doc (50–100 µs each on a long document) would make the observers, not the server, the
 * bottleneck. Same answers as Yjs' own `Y.decodeUpdate` (bench:compare checks every update of its
 * trace); content kinds not seen in editing traces (Any, Doc) fall back to it.
 */
import * as Y from 'yjs';

class Reader {
  pos = 0;
  constructor(readonly bytes: Uint8Array) {}

  varUint(): number {
    let num = 0;
    let mult = 1;
    for (;;) {
      const r = this.bytes[this.pos++]!;
      num += (r & 0x7f) * mult;
      if (r < 0x80) return num;
      mult *= 128;
      if (this.pos > this.bytes.length) throw new Error('unexpected end of update');
    }
  }

  skipId(): void {
    this.varUint();
    this.varUint();
  }

  skipString(): void {
    const bytes = this.varUint();
    this.pos += bytes;
  }

  /** Skips a UTF-8 string and returns its length in UTF-16 code units (Yjs' string length). */
  stringLength(): number {
    const bytes = this.varUint();
    const end = this.pos + bytes;
    let units = 0;
    for (let i = this.pos; i < end; i++) {
      const b = this.bytes[i]!;
      if ((b & 0xc0) !== 0x80) units += b >= 0xf0 ? 2 : 1; // a lead byte; 4-byte sequences are surrogate pairs
    }
    this.pos = end;
    return units;
  }
}

const unsupported = Symbol('unsupported');

/** The length of one struct (GC, Skip or Item), leaving the reader after it. */
function structLength(r: Reader): number | typeof unsupported {
  const info = r.bytes[r.pos++]!;
  const kind = info & 0x1f;
  if (kind === 0 || kind === 10) return r.varUint(); // GC, Skip
  if (info & 0x80) r.skipId(); // origin
  if (info & 0x40) r.skipId(); // right origin
  if ((info & 0xc0) === 0) {
    if (r.varUint() === 1) r.skipString(); // parent: a root type's key
    else r.skipId(); // parent: an item's id
    if (info & 0x20) r.skipString(); // parentSub
  }
  switch (kind) {
    case 1: // ContentDeleted
      return r.varUint();
    case 2: {
      // ContentJSON: n strings
      const n = r.varUint();
      for (let i = 0; i < n; i++) r.skipString();
      return n;
    }
    case 3: // ContentBinary
      r.skipString();
      return 1;
    case 4: // ContentString
      return r.stringLength();
    case 5: // ContentEmbed (JSON string)
      r.skipString();
      return 1;
    case 6: // ContentFormat: key, JSON value
      r.skipString();
      r.skipString();
      return 1;
    case 7: {
      // ContentType: type ref, and a node name for XmlElement (3) and XmlHook (5)
      const ref = r.varUint();
      if (ref === 3 || ref === 5) r.skipString();
      return 1;
    }
    default:
      return unsupported;
  }
}

/**
 * Reads `update` for one client's progress: returns the clock it reached (its last struct's clock
 * + length, or -1 if the update has no struct of it) and calls `onDeleted(clock, length)` for each
 * range of its items the update's delete set deletes.
 */
export function scanUpdate(update: Uint8Array, client: number, onDeleted?: (clock: number, length: number) => void): number {
  const r = new Reader(update);
  let reached = -1;
  const clients = r.varUint();
  for (let c = 0; c < clients; c++) {
    const structs = r.varUint();
    const id = r.varUint();
    let clock = r.varUint();
    for (let s = 0; s < structs; s++) {
      const length = structLength(r);
      if (length === unsupported) return scanWithYjs(update, client, onDeleted);
      clock += length;
    }
    if (id === client) reached = clock;
  }
  const deleteClients = r.varUint();
  for (let c = 0; c < deleteClients; c++) {
    const id = r.varUint();
    const ranges = r.varUint();
    for (let k = 0; k < ranges; k++) {
      const clock = r.varUint();
      const length = r.varUint();
      if (id === client) onDeleted?.(clock, length);
    }
  }
  return reached;
}

/** `scanUpdate` by Yjs' own decoder (slower: it builds the update's content). */
export function scanWithYjs(update: Uint8Array, client: number, onDeleted?: (clock: number, length: number) => void): number {
  const { structs, ds } = Y.decodeUpdate(update);
  let reached = -1;
  for (const struct of structs) if (struct.id.client === client) reached = Math.max(reached, struct.id.clock + struct.length);
  for (const item of ds.clients.get(client) ?? []) onDeleted?.(item.clock, item.len);
  return reached;
}
