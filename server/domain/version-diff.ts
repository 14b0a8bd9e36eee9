/**
 * The diff of two versions of a draft (DESIGN.md, "Rounds, versions, annotations"; API.md,
 * "Versions and diffs"): word-level ops that rebuild both texts, per-section counts against the
 * newer version's sections, and an HTML rendering. Pure: texts in, plain data out.
 *
 * How: both texts are cut into tokens (word-tokens.ts), each distinct token becomes one code unit,
 * diff-match-patch diffs the encoded strings (`checklines = false`: the tokens are the lines), in
 * pieces between paragraph anchors for speed (diff-anchors.ts), the
 * ops are decoded back to text and `diff_cleanupSemantic` groups them into readable edits. That
 * cleanup works on characters (its merge step factors out common prefixes, its overlap step can cut
 * anywhere), so a last pass (`snapToTokens`) moves every op boundary that fell inside a token of
 * either text out to the token's edges: a changed word is always a changed word.
 *
 * Offsets and counts are UTF-16 code units, like the projection's. Texts are compared as given:
 * callers pass NFC forms (frozen versions are stored NFC; the live draft's is `projection.nfc`), so
 * a passage typed decomposed and retyped precomposed is no change (diff.service.ts).
 */
import DiffMatchPatch from 'diff-match-patch';
import { sectionIndexAt, type Section } from './sections.js';
import { paragraphAnchors } from './diff-anchors.js';
import { encodeTokens, tokenBoundaries, tokenize, type EncodedTokens } from './word-tokens.js';

export const DIFF_DELETE = -1;
export const DIFF_EQUAL = 0;
export const DIFF_INSERT = 1;

/** `[-1, text]` deleted from the old version, `[1, text]` inserted in the new one, `[0, text]` kept. */
export type DiffOp = [op: -1 | 0 | 1, text: string];

export interface DiffStats {
  /** Characters (UTF-16 code units) in `1` ops. */
  inserted: number;
  /** Characters (UTF-16 code units) in `-1` ops. */
  deleted: number;
}

export interface SectionChange {
  /** The path of a section of the newer version (`Section.path`). */
  path: string;
  inserted: number;
  deleted: number;
}

export interface VersionDiff {
  ops: DiffOp[];
  stats: DiffStats;
  sections: SectionChange[];
  html: string;
}

export interface DiffOptions {
  /**
   * Wall-clock budget of diff-match-patch's search, in milliseconds (its `Diff_Timeout`), for the
   * whole diff. When it runs out, the part still being searched comes back as one deletion and one
   * insertion: a coarser diff, still exact. Default `DEFAULT_DIFF_TIMEOUT_MS`. Must be > 0 (0 would mean no limit in
   * diff-match-patch, and a request must not be able to run unbounded).
   */
  timeoutMs?: number;
}

/** A 300,000-character report with 5% of its words changed takes well under 200 ms; a budget of
 * one second leaves room for slow machines and pathological pairs without stalling a request. */
export const DEFAULT_DIFF_TIMEOUT_MS = 1000;

/**
 * Compares two versions. Invariants of the result:
 * - `rebuild(ops, 'old') === oldText` and `rebuild(ops, 'new') === newText`;
 * - no op is empty and no two neighbouring ops have the same kind; in each run of edits between two
 *   equalities the deletion comes before the insertion; identical texts give one `0` op (none when
 *   both are empty);
 * - every op starts and ends on a token boundary of its text(s) (word-tokens.ts): words, whitespace
 *   runs and punctuation marks are never cut;
 * - `stats` counts the characters of the `1` and `-1` ops, and the `sections` counts sum to it.
 * `newSections` are the sections of `newText` (`computeSections`); see `sectionChanges` for how
 * changes are attributed.
 */
export function diffVersions(
  oldText: string,
  newText: string,
  newSections: readonly Section[],
  options: DiffOptions = {},
): VersionDiff {
  const ops = diffWords(oldText, newText, options);
  return { ops, stats: diffStats(ops), sections: sectionChanges(ops, newSections), html: diffToHtml(ops) };
}

/**
 * The ops alone, with the invariants listed on `diffVersions`. Word-level: tokens (word-tokens.ts)
 * are diffed, never characters. Big texts are diffed in pieces between unique paragraph openings
 * (diff-anchors.ts), all pieces sharing the one `timeoutMs` budget.
 */
export function diffWords(oldText: string, newText: string, options: DiffOptions = {}): DiffOp[] {
  if (oldText === newText) return oldText === '' ? [] : [[DIFF_EQUAL, oldText]];
  const timeoutMs = options.timeoutMs ?? DEFAULT_DIFF_TIMEOUT_MS;
  if (!(timeoutMs > 0)) throw new RangeError(`timeoutMs must be > 0, got ${timeoutMs}`);

  const tokens1 = tokenize(oldText);
  const tokens2 = tokenize(newText);
  const encoded = encodeTokens(tokens1, tokens2);
  // One instance per call: no module-level state, and the timeout is this call's own.
  const dmp = new DiffMatchPatch();
  dmp.Diff_Timeout = timeoutMs / 1000;
  const diffs = decode(diffTokens(dmp, encoded, Date.now() + timeoutMs), encoded);
  dmp.diff_cleanupSemantic(diffs);
  return snapToTokens(
    diffs,
    tokenBoundaries(tokens1, oldText.length),
    tokenBoundaries(tokens2, newText.length),
  );
}

/**
 * Diffs the encoded token strings piece by piece between paragraph anchors (diff-anchors.ts), all
 * pieces sharing one deadline, then normalises the joined result at token level.
 */
function diffTokens(dmp: DiffMatchPatch, encoded: EncodedTokens, deadline: number): DiffMatchPatch.Diff[] {
  const { chars1, chars2 } = encoded;
  const anchors = paragraphAnchors(chars1, encoded.tokens1, chars2, encoded.tokens2);
  anchors.push({ old: chars1.length, new: chars2.length });
  const diffs: DiffMatchPatch.Diff[] = [];
  let i = 0;
  let j = 0;
  for (const anchor of anchors) {
    const piece = dmp.diff_main(chars1.slice(i, anchor.old), chars2.slice(j, anchor.new), false, deadline);
    for (const diff of piece) diffs.push(diff);
    i = anchor.old;
    j = anchor.new;
  }
  if (anchors.length > 1) dmp.diff_cleanupMerge(diffs);
  return diffs;
}

/** Turns diffs of token codes back into diffs of text, token by token (positions line up). */
function decode(tokenDiffs: readonly DiffMatchPatch.Diff[], encoded: EncodedTokens): DiffMatchPatch.Diff[] {
  const { tokens1, tokens2 } = encoded;
  const out: DiffMatchPatch.Diff[] = [];
  let i = 0;
  let j = 0;
  for (const [op, codes] of tokenDiffs) {
    const n = codes.length;
    if (op === DIFF_DELETE) {
      out.push([DIFF_DELETE, tokens1.slice(i, (i += n)).join('')]);
    } else if (op === DIFF_INSERT) {
      out.push([DIFF_INSERT, tokens2.slice(j, (j += n)).join('')]);
    } else if (!encoded.shared) {
      out.push([DIFF_EQUAL, tokens1.slice(i, i + n).join('')]);
      i += n;
      j += n;
    } else {
      // Codes are shared beyond TOKEN_CODE_LIMIT distinct tokens: a "match" may pair two different
      // tokens. Keep the true matches, turn the false ones into a deletion and an insertion.
      for (let k = 0; k < n; k++, i++, j++) {
        const a = tokens1[i]!;
        const b = tokens2[j]!;
        if (a === b) out.push([DIFF_EQUAL, a]);
        else out.push([DIFF_DELETE, a], [DIFF_INSERT, b]);
      }
    }
  }
  return out;
}

/**
 * Normalises diffs so that every op boundary is a token boundary of the text(s) it lies in:
 * an equality whose edge falls inside a token of either text gives the characters up to the nearest
 * common boundary to the edits beside it. Also merges each run of edits between equalities into one
 * deletion then one insertion and drops empty ops. Never changes what the ops rebuild.
 */
function snapToTokens(diffs: readonly DiffMatchPatch.Diff[], old: Uint8Array, neu: Uint8Array): DiffOp[] {
  const out: DiffOp[] = [];
  let deleted = '';
  let inserted = '';
  let o = 0; // offset in the old text
  let n = 0; // offset in the new text
  const flush = (): void => {
    if (deleted !== '') out.push([DIFF_DELETE, deleted]);
    if (inserted !== '') out.push([DIFF_INSERT, inserted]);
    deleted = '';
    inserted = '';
  };
  for (const [op, text] of diffs) {
    if (op === DIFF_DELETE) {
      deleted += text;
      o += text.length;
    } else if (op === DIFF_INSERT) {
      inserted += text;
      n += text.length;
    } else if (text !== '') {
      const length = text.length;
      const common = (k: number): boolean => old[o + k] === 1 && neu[n + k] === 1;
      let start = 0;
      while (start <= length && !common(start)) start++;
      let end = length;
      while (end > start && !common(end)) end--;
      if (end <= start) {
        // Not one whole token is left to keep: the equality belongs to the edits around it.
        deleted += text;
        inserted += text;
      } else {
        const head = text.slice(0, start);
        deleted += head;
        inserted += head;
        flush();
        out.push([DIFF_EQUAL, text.slice(start, end)]);
        deleted = inserted = text.slice(end);
      }
      o += length;
      n += length;
    }
  }
  flush();
  // diff_cleanupSemantic can leave empty edits between two equalities: join those equalities.
  return mergeNeighbours(out);
}

function mergeNeighbours(ops: DiffOp[]): DiffOp[] {
  const merged: DiffOp[] = [];
  for (const op of ops) {
    const last = merged[merged.length - 1];
    if (last && last[0] === op[0]) last[1] += op[1];
    else merged.push(op);
  }
  return merged;
}

/** The old (`'old'`: `0` and `-1` ops) or new (`'new'`: `0` and `1` ops) text the ops describe. */
export function rebuild(ops: readonly DiffOp[], side: 'old' | 'new'): string {
  const skip = side === 'old' ? DIFF_INSERT : DIFF_DELETE;
  let text = '';
  for (const [op, part] of ops) if (op !== skip) text += part;
  return text;
}

/** True when `ops` rebuild both texts exactly: the invariant API clients rely on. */
export function rebuildsBoth(ops: readonly DiffOp[], oldText: string, newText: string): boolean {
  return rebuild(ops, 'old') === oldText && rebuild(ops, 'new') === newText;
}

/** Characters inserted and deleted (UTF-16 code units). */
export function diffStats(ops: readonly DiffOp[]): DiffStats {
  let inserted = 0;
  let deleted = 0;
  for (const [op, text] of ops) {
    if (op === DIFF_INSERT) inserted += text.length;
    else if (op === DIFF_DELETE) deleted += text.length;
  }
  return { inserted, deleted };
}

/**
 * Per-section counts, against the sections of the newer version (which must tile its text, as
 * `computeSections` does). An inserted character counts for the section holding it in the new text
 * (an insertion spanning a heading is split between the sections). A deletion happened at one point
 * of the new text and counts for the section holding that point; at a section boundary that is the
 * section that follows (the one starting there), so a deleted section's text counts for the section
 * that now comes after it; at the very end of the text, the last section. Changes no section holds
 * (only when the new text, hence its outline, is empty) are listed under path "" first. Only
 * sections with changes are listed, in document order; the counts sum to `diffStats(ops)`.
 */
export function sectionChanges(ops: readonly DiffOp[], newSections: readonly Section[]): SectionChange[] {
  const inserted = new Array<number>(newSections.length).fill(0);
  const deleted = new Array<number>(newSections.length).fill(0);
  const orphan = { path: '', inserted: 0, deleted: 0 };
  let pos = 0;
  for (const [op, text] of ops) {
    if (op === DIFF_EQUAL) {
      pos += text.length;
    } else if (op === DIFF_DELETE) {
      const i = sectionIndexAt(newSections, pos);
      if (i < 0) orphan.deleted += text.length;
      else deleted[i]! += text.length;
    } else {
      const end = pos + text.length;
      while (pos < end) {
        const i = sectionIndexAt(newSections, pos);
        const section = newSections[i];
        const stop = section && section.end > pos ? Math.min(end, section.end) : end;
        if (section && section.end > pos) inserted[i]! += stop - pos;
        else orphan.inserted += stop - pos;
        pos = stop;
      }
    }
  }
  const changes: SectionChange[] = [];
  if (orphan.inserted > 0 || orphan.deleted > 0) changes.push(orphan);
  newSections.forEach((section, i) => {
    if (inserted[i]! > 0 || deleted[i]! > 0) changes.push({ path: section.path, inserted: inserted[i]!, deleted: deleted[i]! });
  });
  return changes;
}


const ESCAPES: Record<string, string> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' };

/** Escapes text for HTML element content and attribute values. */
export function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (c) => ESCAPES[c]!);
}

/**
 * Renders ops as HTML: one `<p>` per line (every `\n`, kept, deleted or inserted, ends a paragraph),
 * deletions in `<del>`, insertions in `<ins>`, never spanning a paragraph. A paragraph break that
 * was itself the whole change in its paragraph shows as `¶` inside the tag, so a join or split is
 * visible. Every piece of text is escaped (drafts are user input); no inline styles, no attributes:
 * the client styles `ins` and `del` (and should use `white-space: pre-wrap` to show runs of spaces).
 */
export function diffToHtml(ops: readonly DiffOp[]): string {
  const paragraphs: string[] = [];
  let current = '';
  for (const [op, text] of ops) {
    const tag = op === DIFF_DELETE ? 'del' : op === DIFF_INSERT ? 'ins' : undefined;
    const lines = text.split('\n');
    lines.forEach((line, k) => {
      if (k > 0) {
        if (tag && lines[k - 1] === '') current += `<${tag}>¶</${tag}>`;
        paragraphs.push(`<p>${current}</p>`);
        current = '';
      }
      if (line !== '') current += tag ? `<${tag}>${escapeHtml(line)}</${tag}>` : escapeHtml(line);
    });
  }
  if (current !== '') paragraphs.push(`<p>${current}</p>`);
  return paragraphs.join('\n');
}
