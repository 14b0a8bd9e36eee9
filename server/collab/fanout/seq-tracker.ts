/**
 * Which log rows (per-document `seq`, see db/document-log.repository.ts) a room has applied.
 *
 * Seqs are handed out contiguously per document and committed in order, so what a room holds is
 * a contiguous prefix (`through`: every seq ≤ it is applied) plus, when several instances append
 * to the same document, a few seqs above it that this instance committed itself while rows of
 * another instance (below them) were not yet read back. Catching up reads rows above `through`
 * and skips those in that set; each applied seq moves `through` as far as it is contiguous.
 */
export class SeqTracker {
  private watermark: number;
  /** Applied seqs above `watermark + 1`; empty whenever the room is caught up. */
  private readonly ahead = new Set<number>();

  constructor(through: number) {
    if (!Number.isSafeInteger(through) || through < 0) throw new RangeError(`bad seq ${through}`);
    this.watermark = through;
  }

  /** Every seq up to this one is applied. */
  get through(): number {
    return this.watermark;
  }

  /** The highest seq applied (≥ `through`). */
  get highest(): number {
    let max = this.watermark;
    for (const seq of this.ahead) if (seq > max) max = seq;
    return max;
  }

  /** True when some seq below `highest` is missing (rows of another instance not read yet). */
  get hasGap(): boolean {
    return this.ahead.size > 0;
  }

  has(seq: number): boolean {
    return seq <= this.watermark || this.ahead.has(seq);
  }

  /** Records one applied seq; false when it was applied already (the caller must not apply it twice). */
  add(seq: number): boolean {
    if (this.has(seq)) return false;
    if (seq !== this.watermark + 1) {
      this.ahead.add(seq);
      return true;
    }
    this.watermark = seq;
    while (this.ahead.delete(this.watermark + 1)) this.watermark++;
    return true;
  }

  /** Every seq up to `seq` is applied now (a snapshot through it was applied). */
  advanceTo(seq: number): void {
    if (seq <= this.watermark) return;
    this.watermark = seq;
    for (const s of this.ahead) if (s <= seq) this.ahead.delete(s);
    while (this.ahead.delete(this.watermark + 1)) this.watermark++;
  }
}
