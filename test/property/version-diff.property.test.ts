import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { computeSections, type HeadingSpan } from '../../server/domain/sections.js';
import { diffStats, diffVersions, diffWords, rebuild, type DiffOp } from '../../server/domain/version-diff.js';
import { tokenBoundaries, tokenize } from '../../server/domain/word-tokens.js';

const seed = Number(process.env.VERSION_DIFF_SEED ?? Math.floor(Math.random() * 2 ** 31));
console.log(`version-diff property tests: seed ${seed} (rerun with VERSION_DIFF_SEED=${seed})`);
const params = (numRuns: number) => ({ seed, numRuns });

// Pieces a draft is made of: words (English, Vietnamese precomposed and decomposed), numbers,
// punctuation, spaces, line breaks, emoji (with modifiers and ZWJ sequences), odd code units.
const piece = fc.oneof(
  { weight: 6, arbitrary: fc.constantFrom('the', 'report', 'growth', "don't", 'phát', 'triển', 'tăng', 'trưởng', 'Đảng', 'nhiệm', 'kỳ', 'xã', 'hội', '2025–2030', '3.5', 'I.', 'a)') },
  { weight: 2, arbitrary: fc.constantFrom('viện'.normalize('NFD'), 'kỷ'.normalize('NFD'), 'ğ̈', 'e\u0301') },
  { weight: 6, arbitrary: fc.constantFrom(' ', ' ', '  ', '\t', '\n', '\n\n', ' \n') },
  { weight: 3, arbitrary: fc.constantFrom('.', ',', ';', ':', '!', '?', '"', "'", '(', ')', '<', '>', '&', '—', '…', '’') },
  { weight: 1, arbitrary: fc.constantFrom('👍', '👍🏽', '👨‍👩‍👧', '🇻🇳', '❤️', '\uFFFC', '\uD800', '\uDC00') },
  { weight: 1, arbitrary: fc.string({ maxLength: 3, unit: 'binary' }) },
);
const pieces = fc.array(piece, { maxLength: 60 });

/** A new version derived from an old one: pieces kept, dropped, replaced, or inserted before. */
const edits = fc.array(fc.record({ kind: fc.constantFrom('keep', 'keep', 'keep', 'drop', 'replace', 'insert'), with: piece }), { maxLength: 60 });

function revise(old: readonly string[], plan: readonly { kind: string; with: string }[]): string[] {
  const out: string[] = [];
  old.forEach((p, i) => {
    const step = plan[i] ?? { kind: 'keep', with: '' };
    if (step.kind === 'keep') out.push(p);
    else if (step.kind === 'replace') out.push(step.with);
    else if (step.kind === 'insert') out.push(step.with, p);
  });
  for (const step of plan.slice(old.length)) if (step.kind === 'insert') out.push(step.with);
  return out;
}

const pair = fc.oneof(
  { weight: 4, arbitrary: fc.tuple(pieces, edits).map(([old, plan]) => [old.join(''), revise(old, plan).join('')] as const) },
  { weight: 1, arbitrary: fc.tuple(pieces, pieces).map(([a, b]) => [a.join(''), b.join('')] as const) },
);

/** Sections of `text`, with the lines picked by `flags` as headings of levels 1–3. */
function sectionsOf(text: string, flags: readonly number[]) {
  const headings: HeadingSpan[] = [];
  let offset = 0;
  text.split('\n').forEach((line, i) => {
    const flag = flags[i % Math.max(1, flags.length)] ?? 0;
    if (flag > 0 && offset + line.length < text.length) headings.push({ start: offset, length: line.length, level: flag });
    offset += line.length + 1;
  });
  return computeSections(text, headings);
}

function expectWellFormed(ops: readonly DiffOp[], oldText: string, newText: string): void {
  expect(rebuild(ops, 'old')).toBe(oldText);
  expect(rebuild(ops, 'new')).toBe(newText);
  const oldMarks = tokenBoundaries(tokenize(oldText), oldText.length);
  const newMarks = tokenBoundaries(tokenize(newText), newText.length);
  let o = 0;
  let n = 0;
  ops.forEach(([op, text], i) => {
    expect(text.length).toBeGreaterThan(0);
    if (i > 0) expect(ops[i - 1]![0]).not.toBe(op);
    if (op !== 1) o += text.length;
    if (op !== -1) n += text.length;
    // Every op ends on a token boundary of each text it belongs to: no word is ever cut.
    if (op !== 1) expect(oldMarks[o]).toBe(1);
    if (op !== -1) expect(newMarks[n]).toBe(1);
  });
}

describe('diffVersions (property)', () => {
  it('tokens always concatenate back to the text', () => {
    fc.assert(
      fc.property(pieces, (p) => {
        const text = p.join('');
        expect(tokenize(text).join('')).toBe(text);
      }),
      params(300),
    );
  });

  it('ops rebuild both texts, are well formed and never cut a token', () => {
    fc.assert(
      fc.property(pair, ([oldText, newText]) => {
        expectWellFormed(diffWords(oldText, newText), oldText, newText);
      }),
      params(300),
    );
  });

  it('stats are the op lengths and the section counts sum to them', () => {
    fc.assert(
      fc.property(pair, fc.array(fc.integer({ min: 0, max: 3 }), { maxLength: 6 }), ([oldText, newText], flags) => {
        const sections = sectionsOf(newText, flags);
        const diff = diffVersions(oldText, newText, sections);
        const inserted = diff.ops.filter((op) => op[0] === 1).reduce((sum, op) => sum + op[1].length, 0);
        const deleted = diff.ops.filter((op) => op[0] === -1).reduce((sum, op) => sum + op[1].length, 0);
        expect(diff.stats).toEqual({ inserted, deleted });
        expect(diffStats(diff.ops)).toEqual(diff.stats);
        expect(diff.sections.reduce((sum, s) => sum + s.inserted, 0)).toBe(inserted);
        expect(diff.sections.reduce((sum, s) => sum + s.deleted, 0)).toBe(deleted);
        for (const change of diff.sections) {
          expect(change.inserted + change.deleted).toBeGreaterThan(0);
          if (sections.length > 0) expect(sections.map((s) => s.path)).toContain(change.path);
        }
        // The HTML holds no markup but its own tags: everything else was escaped.
        expect(diff.html.replace(/<\/?(p|ins|del)>/g, '')).not.toMatch(/[<>]/);
      }),
      params(300),
    );
  });

  it('a search cut short by the timeout still rebuilds both texts', () => {
    fc.assert(
      fc.property(pair, ([oldText, newText]) => {
        expectWellFormed(diffWords(oldText, newText, { timeoutMs: 1e-6 }), oldText, newText);
      }),
      params(150),
    );
  });
});
