/**
 * What the Yjs history says about a re-anchored range (anchoring.ts), beyond offsets:
 *
 * - whether the character a relative position names was deleted since (`isPositionDeleted`): an
 *   edge that is gone means the positions alone cannot be trusted (Enter inside the range moves
 *   its tail to a new paragraph; a retyped last word leaves the end before it);
 * - which characters of the draft already existed in the base version and which were typed since
 *   (`CharacterAges`, from the base version's state vector). Text found by quote matching that
 *   existed in the base *outside* the annotated range is other text — a look-alike sentence, the
 *   same figure in another paragraph — and never where an annotation belongs; text typed since
 *   (a retype, a moved or merged paragraph, which editors write as delete + re-insert) may be.
 *
 * Pure: reads the Y.Doc, never changes it.
 */
import * as Y from 'yjs';
import { decodeRelativePositionBase64, type Projection, type Textblock } from './projection.js';

/** A base version's state vector: client id → first clock the base did not have. */
export type StateVector = ReadonlyMap<number, number>;

/** `Y.encodeStateVector` bytes or an already decoded vector → a decoded vector. */
export function toStateVector(value: Uint8Array | StateVector): StateVector {
  return value instanceof Uint8Array ? Y.decodeStateVector(value) : value;
}

/**
 * True when the character `encoded` (a base64 relative position) is anchored to has been deleted
 * (or garbage-collected) in `doc`; false when it is alive or the position names a type rather
 * than a character; null when the item is unknown to `doc` or the position does not decode.
 */
export function isPositionDeleted(doc: Y.Doc, encoded: unknown): boolean | null {
  try {
    const rpos = decodeRelativePositionBase64(encoded);
    // A position on a type (an empty paragraph, the start of a text) names the type's item.
    const id = rpos.item ?? rpos.type;
    if (id === null) return false;
    const struct = Y.getItem(doc.store, id) as Y.Item | Y.GC | undefined;
    if (!struct) return null;
    return rpos.item === null ? false : struct.deleted;
  } catch {
    return null;
  }
}

/**
 * Per projection offset: was the character there already in the base version? Offsets are
 * UTF-16 code units of `projection.text`; the `\n` ending a textblock counts as old (structure,
 * not typed text). Built lazily per textblock, linear in its items.
 */
export class CharacterAges {
  private readonly cache = new Map<Textblock, Uint8Array>();

  constructor(
    private readonly projection: Projection,
    private readonly base: StateVector,
  ) {}

  /** True when the character at `offset` was typed after the base version. */
  isNew(offset: number): boolean {
    const block = this.blockAt(offset);
    if (!block || offset >= block.start + block.length) return false;
    return this.agesOf(block)[offset - block.start] === 1;
  }

  /**
   * How many characters of [start, end) existed in the base version but outside [from, to) (the
   * annotated range; null: nowhere). Paragraph breaks do not count.
   */
  countOldOutside(start: number, end: number, from: number | null, to: number | null): number {
    let count = 0;
    for (let offset = start; offset < end; offset++) {
      if (from !== null && to !== null && offset >= from && offset < to) continue;
      if (this.projection.text[offset] === '\n') continue;
      if (!this.isNew(offset)) count++;
    }
    return count;
  }

  private blockAt(offset: number): Textblock | undefined {
    const blocks = this.projection.textblocks;
    let lo = 0;
    let hi = blocks.length - 1;
    if (hi < 0) return undefined;
    while (lo < hi) {
      const mid = (lo + hi + 1) >> 1;
      if (blocks[mid]!.start <= offset) lo = mid;
      else hi = mid - 1;
    }
    return blocks[lo];
  }

  private agesOf(block: Textblock): Uint8Array {
    let ages = this.cache.get(block);
    if (ages) return ages;
    ages = new Uint8Array(block.length);
    for (const run of block.runs) {
      let at = run.offset;
      for (let item = run.text._start; item !== null; item = item.right) {
        if (item.deleted || !item.countable) continue;
        const known = this.base.get(item.id.client) ?? 0;
        // An item may merge characters typed before and after the base (same client, consecutive clocks).
        for (let k = 0; k < item.length; k++) ages[at + k] = item.id.clock + k >= known ? 1 : 0;
        at += item.length;
      }
    }
    this.cache.set(block, ages);
    return ages;
  }
}
