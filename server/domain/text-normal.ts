/**
 * One rule for text that enters draftroom, and one way to compare texts (DESIGN.md "Plain-text
 * projection", "Normalisation").
 *
 * - `cleanText`: what every text from HTTP or a file goes through on the way in: line endings
 *   become `\n`, control characters other than tab and newline are removed, lone surrogates become
 *   U+FFFD, and the result is NFC. It never throws.
 * - `foldAccents` / `foldText`: the one accent- and case-folding rule (clustering, search): "Đề
 *   nghị BỎ" and "de nghi bo" fold alike.
 * - `nfcView`: text typed live stays as the client typed it (NFD on macOS and some Vietnamese input
 *   methods), so whatever compares text (anchoring, quotes, diffs, clustering, search) compares the
 *   NFC form and maps offsets back to the original with this view. All offsets are UTF-16 code units.
 */

// C0 controls but \t (09) and \n (0A), DEL, and C1 controls. \r is handled before (line endings).
const CONTROL = /[\u0000-\u0008\u000B-\u001F\u007F-\u009F]/g;

/**
 * Cleans a text that enters through HTTP, an import or a file.
 * `"a\r\nb\u0000"` → `"a\nb"`; `"x\ud83d"` → `"x\ufffd"`; NFD → NFC.
 */
export function cleanText(text: string): string {
  const wellFormed = text.toWellFormed();
  const lines = wellFormed.includes('\r') ? wellFormed.replace(/\r\n?/g, '\n') : wellFormed;
  return lines.replace(CONTROL, '').normalize('NFC');
}

/** True when `cleanText(text) === text` (cheap check before rewriting). */
export function isClean(text: string): boolean {
  return text.isWellFormed() && !text.includes('\r') && !/[\u0000-\u0008\u000B-\u001F\u007F-\u009F]/.test(text) && text.normalize('NFC') === text;
}

/**
 * The NFC form of a text with offset maps both ways.
 *
 * `toSource(i)` maps an offset in `text` (NFC) to an offset in `source`; `toNfc(j)` the reverse.
 * Both are monotone, map 0 → 0 and length → length, and map an offset that falls inside a
 * composed character to that character's start (so a range never cuts a character in half).
 */
export interface NfcView {
  readonly source: string;
  readonly text: string;
  /** True when source is already NFC (then both maps are the identity). */
  readonly identity: boolean;
  toSource(nfcOffset: number): number;
  toNfc(sourceOffset: number): number;
}

/**
 * Builds the NFC view of `source`. Linear time; O(1) extra when the text is already NFC.
 * Normalisation is done per run of a starter and the combining marks after it; if composition
 * crosses such runs (Hangul jamo), the whole text becomes one run (still correct, coarser map).
 */
export function nfcView(source: string): NfcView {
  const text = source.normalize('NFC');
  if (text === source) {
    const id = (offset: number) => Math.max(0, Math.min(offset, source.length));
    return { source, text, identity: true, toSource: id, toNfc: id };
  }
  const runs = splitRuns(source);
  let pieces = runs.map(([start, end]) => source.slice(start, end).normalize('NFC'));
  let runList = runs;
  if (pieces.join('') !== text) {
    runList = [[0, source.length]];
    pieces = [text];
  }
  // nfcToSource[i] for i in 0..text.length; sourceToNfc[j] for j in 0..source.length.
  const nfcToSource = new Int32Array(text.length + 1);
  const sourceToNfc = new Int32Array(source.length + 1);
  let nfcAt = 0;
  runList.forEach(([start, end], r) => {
    const piece = pieces[r]!;
    if (piece.length === end - start && piece === source.slice(start, end)) {
      for (let k = 0; k < piece.length; k++) {
        nfcToSource[nfcAt + k] = start + k;
        sourceToNfc[start + k] = nfcAt + k;
      }
    } else {
      for (let k = 0; k < piece.length; k++) nfcToSource[nfcAt + k] = start;
      for (let k = start; k < end; k++) sourceToNfc[k] = nfcAt;
    }
    nfcAt += piece.length;
  });
  nfcToSource[text.length] = source.length;
  sourceToNfc[source.length] = text.length;
  const clamp = (offset: number, length: number) => Math.max(0, Math.min(offset, length));
  return {
    source,
    text,
    identity: false,
    toSource: (offset) => nfcToSource[clamp(offset, text.length)]!,
    toNfc: (offset) => sourceToNfc[clamp(offset, source.length)]!,
  };
}

// A run starts at a code point that is not a combining mark and takes the marks after it.
const MARK = /\p{M}/u;

function splitRuns(source: string): Array<[number, number]> {
  const runs: Array<[number, number]> = [];
  let start = 0;
  let i = 0;
  while (i < source.length) {
    const code = source.codePointAt(i)!;
    const width = code > 0xffff ? 2 : 1;
    if (i > start && !MARK.test(String.fromCodePoint(code))) {
      runs.push([start, i]);
      start = i;
    }
    i += width;
  }
  if (start < source.length) runs.push([start, source.length]);
  return runs;
}

const MARKS = /\p{M}/gu;

/** Strips accents: NFD, drop combining marks, đ→d. Input must be lower case. */
export function foldAccents(s: string): string {
  return s.normalize('NFD').replace(MARKS, '').replace(/đ/g, 'd').normalize('NFC');
}

/** Lower case without accents: `"Đề nghị BỎ"` → `"de nghi bo"`. Length may differ from the input's. */
export function foldText(s: string): string {
  return foldAccents(s.toLowerCase());
}
