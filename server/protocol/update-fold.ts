/**
 * A document's log rows folded, from their bytes, into what they add to its snapshot: what a
 * Y.Doc of the snapshot with every row applied would give as `Y.encodeStateAsUpdate(doc,
 * snapshotStateVector)`, and the whole state's summary — without a Y.Doc of the snapshot (applying
 * a 16 MiB snapshot takes 1–2 s) and without an object per struct (decoding 200,000 rows into Yjs
 * structs costs more in garbage collection than in decoding).
 *
 * Per client, the rows' structs are sorted by clock and those the snapshot holds are dropped;
 * deleted content is replaced by its length (ContentDeleted), text partly deleted is split where
 * deletions begin and end — as Yjs's garbage collection does, so deleted text is not sent on; a
 * deleted type keeps its content (its node name), as its children may name it as their parent —
 * and text typed right after the text before it, with the same right neighbour, is joined into
 * one struct (as Yjs merges them). A client holding the snapshot that applies the result holds,
 * byte for byte, what applying every row gives (tested).
 */
import * as encoding from 'lib0/encoding';
import * as Y from 'yjs';
import { MalformedUpdateError, walkUpdate, type UpdateVisitor } from './update-summary.js';

/** Content kinds (the low 5 bits of an Item's info byte) that folding looks at; 0 is a GC struct. */
const GC = 0;
const DELETED = 1;
const STRING = 4;
const TYPE = 7;
const NONE = -1;

/** What the rows add to a snapshot, and the summary (state vector and delete set, v1) of the whole state. */
export interface FoldedRows {
  sinceSnapshot: Uint8Array;
  summary: { stateVector: Uint8Array; deleteSet: Uint8Array };
}

/** A struct of the output: one or more of the rows' structs (or pieces of one) joined. */
interface Out {
  kind: 'raw' | 'gc' | 'deleted' | 'string';
  clock: number;
  length: number;
  /** The row struct whose header (origin, right origin, parent) it starts with; NONE when its origin is the clock before it. */
  from: number;
  rightClient: number;
  rightClock: number;
  /** Where its text's UTF-8 bytes are: (piece, start, end) triples; a piece below 0 is `RowFolder.cut[-1 - piece]`. */
  text: number[];
  textBytes: number;
}

const utf8 = new TextDecoder();
const toUtf8 = new TextEncoder();

/**
 * Rows folded as they are read (`add`, in seq order), then `finish`. `finish` answers undefined
 * when the rows are not a plain continuation of the snapshot — a row that does not decode, a Skip,
 * text that is not UTF-8, a gap in a client's clocks or a struct partly held — and the caller then
 * applies them to a Y.Doc, which skips and reports what does not apply.
 */
export class RowFolder {
  /** The packed rows read (pieces as given to `add`). */
  private readonly pieces: Uint8Array[] = [];
  /** Text of structs cut in pieces (split). */
  private readonly cut: Uint8Array[] = [];
  // One entry per struct read, in the order read (columns: no object per struct).
  private readonly piece: number[] = [];
  private readonly client: number[] = [];
  private readonly clock: number[] = [];
  private readonly length: number[] = [];
  /** Offsets in the piece: of the info byte, of the content, of the end. */
  private readonly start: number[] = [];
  private readonly content: number[] = [];
  private readonly end: number[] = [];
  private readonly kind: number[] = [];
  private readonly originClient: number[] = [];
  private readonly originClock: number[] = [];
  private readonly rightClient: number[] = [];
  private readonly rightClock: number[] = [];
  /** The rows' deletions per client: clock, length, clock, length… */
  private readonly deletes = new Map<number, number[]>();
  private foldable = true;

  /** Reads the next rows (in seq order), packed: `bytes` holds them one after another, row i ending at `ends[i]`. */
  add(bytes: Uint8Array, ends: Uint32Array): void {
    if (!this.foldable) return;
    const piece = this.pieces.length;
    this.pieces.push(bytes);
    let skip = false;
    const visitor: UpdateVisitor = {
      struct: (client, clock, length, isSkip, at) => {
        if (isSkip) skip = true;
        this.piece.push(piece);
        this.client.push(client);
        this.clock.push(clock);
        this.length.push(length);
        this.start.push(at.start);
        this.content.push(at.content);
        this.end.push(at.end);
        this.kind.push(at.info & 0x1f);
        this.originClient.push(at.originClient);
        this.originClock.push(at.originClock);
        this.rightClient.push(at.rightClient);
        this.rightClock.push(at.rightClock);
      },
      deleted: (client, clock, length) => {
        let ranges = this.deletes.get(client);
        if (!ranges) this.deletes.set(client, (ranges = []));
        ranges.push(clock, length);
      },
    };
    const text = { invalidUtf8: false };
    try {
      let start = 0;
      for (const end of ends) {
        walkUpdate(bytes, visitor, start, end, text);
        // A Skip (a gap) or text that is not UTF-8 (Yjs reads it as replacement characters) is not folded.
        if (skip || text.invalidUtf8) {
          this.foldable = false;
          return;
        }
        start = end;
      }
    } catch (error) {
      if (!(error instanceof MalformedUpdateError)) throw error;
      this.foldable = false;
    }
  }

  /**
   * What the rows add to a snapshot whose summary (state vector, and its delete set as a v1 update
   * without structs: summarizeUpdate) is `snapshot`, or undefined (see the class).
   */
  finish(snapshot: { stateVector: Uint8Array; deleteSet: Uint8Array }): FoldedRows | undefined {
    if (!this.foldable) return undefined;
    const deleted = new Map<number, number[]>();
    for (const [client, ranges] of this.deletes) deleted.set(client, sortAndMerge(ranges));
    const byClient = new Map<number, number[]>();
    for (let i = 0; i < this.client.length; i++) {
      const client = this.client[i]!;
      let list = byClient.get(client);
      if (!list) byClient.set(client, (list = []));
      list.push(i);
    }
    const stateVector = Y.decodeStateVector(snapshot.stateVector);
    const written: Array<[number, Out[]]> = [];
    for (const client of [...byClient.keys()].sort((a, b) => b - a)) {
      const structs = byClient.get(client)!;
      if (!isSortedBy(structs, this.clock)) structs.sort((a, b) => this.clock[a]! - this.clock[b]! || a - b);
      const ranges = deleted.get(client) ?? [];
      const out: Out[] = [];
      let end = stateVector.get(client) ?? 0;
      for (const i of structs) {
        const clock = this.clock[i]!;
        const length = this.length[i]!;
        if (clock + length <= end) continue;
        if (clock !== end) return undefined;
        end = clock + length;
        const kind = this.kind[i]!;
        let as: Out['kind'];
        if (kind === GC) as = 'gc';
        else if (kind === DELETED) as = 'deleted';
        // A deleted type keeps its content (its node name): its children may name it as their parent.
        else if (kind === TYPE) as = 'raw';
        else if (isDeleted(ranges, clock, length)) as = 'deleted';
        else if (kind !== STRING) as = 'raw';
        else {
          const cuts = cutsWithin(ranges, clock, length);
          if (cuts.length > 0) {
            for (const piece of this.split(i, cuts, ranges)) this.append(out, client, piece);
            continue;
          }
          as = 'string';
        }
        const last = out[out.length - 1];
        if (last && this.joins(last, client, i, as, clock, this.rightClient[i]!, this.rightClock[i]!)) {
          last.length += length;
          if (as === 'string') this.addText(last, i);
        } else {
          const next: Out = { kind: as, clock, length, from: i, rightClient: this.rightClient[i]!, rightClock: this.rightClock[i]!, text: [], textBytes: 0 };
          if (as === 'string') this.addText(next, i);
          out.push(next);
        }
      }
      stateVector.set(client, end);
      if (out.length > 0) written.push([client, out]);
    }
    const encoder = encoding.createEncoder();
    encoding.writeVarUint(encoder, written.length);
    for (const [client, structs] of written) {
      encoding.writeVarUint(encoder, structs.length);
      encoding.writeVarUint(encoder, client);
      encoding.writeVarUint(encoder, structs[0]!.clock);
      for (const struct of structs) this.write(encoder, client, struct);
    }
    writeDeleteSet(encoder, deleted);
    // The whole state's deletions: the snapshot's and the rows'.
    const all = readDeleteSet(snapshot.deleteSet);
    for (const [client, ranges] of deleted) all.set(client, sortAndMerge([...(all.get(client) ?? []), ...ranges]));
    const deleteSet = encoding.createEncoder();
    encoding.writeVarUint(deleteSet, 0);
    writeDeleteSet(deleteSet, all);
    return { sinceSnapshot: encoding.toUint8Array(encoder), summary: { stateVector: Y.encodeStateVector(stateVector), deleteSet: encoding.toUint8Array(deleteSet) } };
  }

  /** Appends struct `i`'s text (where it is in its row) to `out`. */
  private addText(out: Out, i: number): void {
    const bytes = this.pieces[this.piece[i]!]!;
    let pos = this.content[i]!;
    // The text's length in bytes (a lib0 varuint), then the text.
    let length = 0;
    let scale = 1;
    for (;;) {
      const b = bytes[pos++]!;
      length += (b & 0x7f) * scale;
      if (b < 0x80) break;
      scale *= 128;
    }
    out.text.push(this.piece[i]!, pos, pos + length);
    out.textBytes += length;
  }

  /** A piece of a split struct (split): joined to the last output struct when it continues it. */
  private append(out: Out[], client: number, piece: Out): void {
    const last = out[out.length - 1];
    if (last && this.joins(last, client, piece.from, piece.kind, piece.clock, piece.rightClient, piece.rightClock)) {
      last.length += piece.length;
      for (const value of piece.text) last.text.push(value);
      last.textBytes += piece.textBytes;
    } else out.push(piece);
  }

  /**
   * Text struct `i` partly deleted, cut where deletions begin and end (`cuts`, ascending), as Yjs
   * splits text (ContentString.splice: a surrogate pair cut in two becomes two replacement
   * characters); the deleted pieces carry their length only. Pieces after the first are typed
   * right after the clock before them (`from` NONE).
   */
  private split(i: number, cuts: readonly number[], ranges: readonly number[]): Out[] {
    const clock = this.clock[i]!;
    const whole: Out = { kind: 'string', clock, length: 0, from: i, rightClient: NONE, rightClock: 0, text: [], textBytes: 0 };
    this.addText(whole, i);
    const [piece, start, end] = whole.text as [number, number, number];
    let rest = utf8.decode(this.pieces[piece]!.subarray(start, end));
    const parts: string[] = [];
    let at = clock;
    for (const cut of cuts) {
      const offset = cut - at;
      let left = rest.slice(0, offset);
      let right = rest.slice(offset);
      const last = left.charCodeAt(offset - 1);
      if (last >= 0xd800 && last <= 0xdbff) {
        left = left.slice(0, offset - 1) + '\ufffd';
        right = '\ufffd' + right.slice(1);
      }
      parts.push(left);
      rest = right;
      at = cut;
    }
    parts.push(rest);
    const pieces: Out[] = [];
    let pieceClock = clock;
    for (const part of parts) {
      const gone = isDeleted(ranges, pieceClock, part.length);
      const encoded = gone ? undefined : toUtf8.encode(part);
      if (encoded) this.cut.push(encoded);
      pieces.push({
        kind: gone ? 'deleted' : 'string',
        clock: pieceClock,
        length: part.length,
        from: pieceClock === clock ? i : NONE,
        rightClient: this.rightClient[i]!,
        rightClock: this.rightClock[i]!,
        text: encoded ? [-this.cut.length, 0, encoded.byteLength] : [],
        textBytes: encoded?.byteLength ?? 0,
      });
      pieceClock += part.length;
    }
    return pieces;
  }

  /**
   * Whether a struct of kind `kind` at `clock` with that right origin — row struct `from`, or a
   * piece typed right after the clock before it (NONE) — continues `last` as one struct (as Yjs
   * merges them: see the module comment).
   */
  private joins(last: Out, client: number, from: number, kind: Out['kind'], clock: number, rightClient: number, rightClock: number): boolean {
    if (last.kind !== kind || kind === 'raw') return false;
    if (kind === 'gc') return true;
    const originClient = from === NONE ? client : this.originClient[from]!;
    const originClock = from === NONE ? clock - 1 : this.originClock[from]!;
    return originClient === client && originClock === last.clock + last.length - 1 && rightClient === last.rightClient && (rightClient === NONE || rightClock === last.rightClock);
  }

  private write(encoder: encoding.Encoder, client: number, out: Out): void {
    if (out.kind === 'gc') {
      encoding.writeUint8(encoder, GC);
      encoding.writeVarUint(encoder, out.length);
      return;
    }
    const from = out.from;
    if (out.kind === 'raw') {
      encoding.writeUint8Array(encoder, this.pieces[this.piece[from]!]!.subarray(this.start[from]!, this.end[from]!));
      return;
    }
    const kind = out.kind === 'deleted' ? DELETED : STRING;
    if (from === NONE) {
      // A piece cut from a struct: typed right after the clock before it.
      encoding.writeUint8(encoder, kind | 0x80 | (out.rightClient === NONE ? 0 : 0x40));
      encoding.writeVarUint(encoder, client);
      encoding.writeVarUint(encoder, out.clock - 1);
      if (out.rightClient !== NONE) {
        encoding.writeVarUint(encoder, out.rightClient);
        encoding.writeVarUint(encoder, out.rightClock);
      }
    } else {
      // The struct's own header (origins, parent) with the content kind it has now.
      const row = this.pieces[this.piece[from]!]!;
      const start = this.start[from]!;
      encoding.writeUint8(encoder, (row[start]! & 0xe0) | kind);
      encoding.writeUint8Array(encoder, row.subarray(start + 1, this.content[from]!));
    }
    if (kind === DELETED) {
      encoding.writeVarUint(encoder, out.length);
      return;
    }
    encoding.writeVarUint(encoder, out.textBytes);
    const text = out.text;
    for (let k = 0; k < text.length; k += 3) {
      const piece = text[k]!;
      const bytes = piece < 0 ? this.cut[-1 - piece]! : this.pieces[piece]!;
      encoding.writeUint8Array(encoder, bytes.subarray(text[k + 1]!, text[k + 2]!));
    }
  }
}

function isSortedBy(indexes: readonly number[], keys: readonly number[]): boolean {
  for (let k = 1; k < indexes.length; k++) if (keys[indexes[k]!]! < keys[indexes[k - 1]!]!) return false;
  return true;
}

/** Deleted ranges (clock, length pairs) sorted and merged, as Yjs's sortAndMergeDeleteSet leaves them. */
function sortAndMerge(flat: readonly number[]): number[] {
  const pairs: Array<[number, number]> = [];
  for (let k = 0; k < flat.length; k += 2) pairs.push([flat[k]!, flat[k + 1]!]);
  let sorted = true;
  for (let k = 1; k < pairs.length && sorted; k++) sorted = pairs[k - 1]![0] <= pairs[k]![0];
  if (!sorted) pairs.sort((a, b) => a[0] - b[0]);
  const merged: number[] = [];
  for (const [clock, length] of pairs) {
    const last = merged.length - 2;
    if (last >= 0 && merged[last]! + merged[last + 1]! >= clock) merged[last + 1] = Math.max(merged[last + 1]!, clock + length - merged[last]!);
    else merged.push(clock, length);
  }
  return merged;
}

/** The index (in pairs) of the first range of `ranges` (sorted, merged) that ends after `clock`. */
function firstEndingAfter(ranges: readonly number[], clock: number): number {
  let low = 0;
  let high = ranges.length / 2;
  while (low < high) {
    const mid = (low + high) >> 1;
    if (ranges[2 * mid]! + ranges[2 * mid + 1]! <= clock) low = mid + 1;
    else high = mid;
  }
  return low;
}

/** Whether every clock of [clock, clock + length) is in `ranges` (sorted, merged). */
function isDeleted(ranges: readonly number[], clock: number, length: number): boolean {
  const k = firstEndingAfter(ranges, clock);
  return 2 * k < ranges.length && ranges[2 * k]! <= clock && clock + length <= ranges[2 * k]! + ranges[2 * k + 1]!;
}

/** Clocks strictly inside [clock, clock + length) where a deleted range begins or ends, ascending. */
function cutsWithin(ranges: readonly number[], clock: number, length: number): number[] {
  const end = clock + length;
  const cuts: number[] = [];
  for (let k = 2 * firstEndingAfter(ranges, clock); k < ranges.length && ranges[k]! < end; k += 2) {
    const from = ranges[k]!;
    const to = from + ranges[k + 1]!;
    if (from > clock && cuts.at(-1) !== from) cuts.push(from);
    if (to < end) cuts.push(to);
  }
  return cuts;
}

/** The delete set of a v1 update without structs (per client: clock, length pairs). */
function readDeleteSet(update: Uint8Array): Map<number, number[]> {
  const deletes = new Map<number, number[]>();
  walkUpdate(update, {
    struct: () => {
      throw new MalformedUpdateError('a delete set with structs');
    },
    deleted: (client, clock, length) => {
      let ranges = deletes.get(client);
      if (!ranges) deletes.set(client, (ranges = []));
      ranges.push(clock, length);
    },
  });
  for (const [client, ranges] of deletes) deletes.set(client, sortAndMerge(ranges));
  return deletes;
}

/** A delete set in Yjs's v1 encoding, clients in descending order (as Yjs writes them). */
function writeDeleteSet(encoder: encoding.Encoder, deletes: ReadonlyMap<number, readonly number[]>): void {
  const clients = [...deletes.entries()].filter(([, ranges]) => ranges.length > 0).sort((a, b) => b[0] - a[0]);
  encoding.writeVarUint(encoder, clients.length);
  for (const [client, ranges] of clients) {
    encoding.writeVarUint(encoder, client);
    encoding.writeVarUint(encoder, ranges.length / 2);
    for (const value of ranges) encoding.writeVarUint(encoder, value);
  }
}
