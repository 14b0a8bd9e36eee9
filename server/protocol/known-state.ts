import * as Y from 'yjs';

/**
 * What a document holds, kept without a Y.Doc: its state vector (client → next clock) and the
 * ranges of structs it has deleted. A big document's room answers `updateEffect`'s two questions
 * (`clock`, `isDeleted`) from this instead of applying its whole state to a Y.Doc on the event
 * loop (a 16 MiB state takes 1–2 s to apply). Built from the summary a worker computes while it
 * merges the stored state (`fromSummary`), then kept current with every committed update (`add`).
 *
 * Deleted ranges are kept per client as `[clock, len]` pairs, sorted and merged lazily (on the
 * first question after an `add`), so adding is O(ranges added).
 */
export class KnownState {
  private readonly clocks: Map<number, number>;
  private readonly deleted = new Map<number, { ranges: Array<[number, number]>; sorted: boolean }>();

  private constructor(clocks: Map<number, number>) {
    this.clocks = clocks;
  }

  /**
   * From a state vector (Yjs v1 encoding) and an update that carries the document's delete set
   * (v1, usually without structs: `Y.encodeStateAsUpdate(doc, Y.encodeStateVector(doc))`).
   */
  static fromSummary(stateVector: Uint8Array, deleteSet: Uint8Array): KnownState {
    const known = new KnownState(Y.decodeStateVector(stateVector));
    known.addDeletes(Y.decodeUpdate(deleteSet).ds);
    return known;
  }

  /** The next clock the document expects from `client` (0 when it has nothing of it). */
  clock(client: number): number {
    return this.clocks.get(client) ?? 0;
  }

  /** The state vector, as `Y.encodeStateVector` takes it. */
  get stateVector(): Map<number, number> {
    return this.clocks;
  }

  /**
   * Notes an update the document took completely (a committed update: `updateEffect` found no
   * missing dependency). Cost: decoding the update once.
   */
  add(update: Uint8Array): void {
    const { structs, ds } = Y.decodeUpdate(update);
    for (const struct of structs) {
      if (struct instanceof Y.Skip) continue;
      const end = struct.id.clock + struct.length;
      if (end > this.clock(struct.id.client)) this.clocks.set(struct.id.client, end);
      // A garbage-collected struct is deleted content, whether or not the delete set says so.
      if (struct instanceof Y.GC) this.addRange(struct.id.client, struct.id.clock, struct.length);
    }
    this.addDeletes(ds);
  }

  /** True when every clock of [clock, clock + len) of `client` is known and deleted. */
  isDeleted(client: number, clock: number, len: number): boolean {
    if (clock + len > this.clock(client)) return false;
    const entry = this.deleted.get(client);
    if (!entry) return false;
    if (!entry.sorted) sortAndMerge(entry);
    const ranges = entry.ranges;
    // The last range starting at or before `clock`; merged ranges never touch, so it must cover all.
    let low = 0;
    let high = ranges.length - 1;
    let found = -1;
    while (low <= high) {
      const mid = (low + high) >> 1;
      if (ranges[mid]![0] <= clock) {
        found = mid;
        low = mid + 1;
      } else high = mid - 1;
    }
    if (found < 0) return false;
    const [start, length] = ranges[found]!;
    return start + length >= clock + len;
  }

  private addDeletes(ds: ReturnType<typeof Y.decodeUpdate>['ds']): void {
    for (const [client, items] of ds.clients) for (const item of items) this.addRange(client, item.clock, item.len);
  }

  private addRange(client: number, clock: number, len: number): void {
    if (len <= 0) return;
    let entry = this.deleted.get(client);
    if (!entry) this.deleted.set(client, (entry = { ranges: [], sorted: true }));
    const last = entry.ranges.at(-1);
    if (entry.sorted && last && last[0] > clock) entry.sorted = false;
    entry.ranges.push([clock, len]);
    if (entry.sorted && last && last[0] + last[1] >= clock) entry.sorted = false;
  }
}

/** Sorts ranges by start and merges overlapping or adjacent ones. */
function sortAndMerge(entry: { ranges: Array<[number, number]>; sorted: boolean }): void {
  const sorted = entry.ranges.sort((a, b) => a[0] - b[0]);
  const merged: Array<[number, number]> = [];
  for (const [start, len] of sorted) {
    const last = merged.at(-1);
    if (last && last[0] + last[1] >= start) last[1] = Math.max(last[1], start + len - last[0]);
    else merged.push([start, len]);
  }
  entry.ranges = merged;
  entry.sorted = true;
}
