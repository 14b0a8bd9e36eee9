import { describe, expect, it } from 'vitest';
import { computeSections, type HeadingSpan, type Section } from '../../server/domain/sections.js';
import {
  diffStats,
  diffToHtml,
  diffVersions,
  diffWords,
  escapeHtml,
  rebuild,
  sectionChanges,
  type DiffOp,
} from '../../server/domain/version-diff.js';
import { encodeTokens, TOKEN_CODE_LIMIT, tokenize } from '../../server/domain/word-tokens.js';

/** Sections of `text` whose headings are the lines equal to one of `titles` (all level 1). */
function outline(text: string, ...titles: string[]): Section[] {
  const headings: HeadingSpan[] = [];
  let offset = 0;
  for (const line of text.split('\n')) {
    if (titles.includes(line)) headings.push({ start: offset, length: line.length, level: 1 });
    offset += line.length + 1;
  }
  return computeSections(text, headings);
}

function expectRebuilds(ops: readonly DiffOp[], oldText: string, newText: string): void {
  expect(rebuild(ops, 'old')).toBe(oldText);
  expect(rebuild(ops, 'new')).toBe(newText);
}

describe('diffWords: word level', () => {
  it('shows a changed word as the old word deleted and the new word inserted', () => {
    expect(diffWords('keep the old word here', 'keep the new word here')).toEqual([
      [0, 'keep the '],
      [-1, 'old'],
      [1, 'new'],
      [0, ' word here'],
    ]);
  });

  it('never cuts a word into letters, even when the words share a prefix or letters', () => {
    expect(diffWords('It was tested today.', 'It was testing today.')).toEqual([
      [0, 'It was '],
      [-1, 'tested'],
      [1, 'testing'],
      [0, ' today.'],
    ]);
    // diff_cleanupSemantic alone would factor out overlaps such as "b" here.
    const ops = diffWords('ab', 'ba');
    expect(ops).toEqual([
      [-1, 'ab'],
      [1, 'ba'],
    ]);
  });

  it('treats Vietnamese words with diacritics as whole words', () => {
    expect(diffWords('Mục tiêu phát triển kinh tế', 'Mục tiêu tăng trưởng kinh tế')).toEqual([
      [0, 'Mục tiêu '],
      [-1, 'phát triển'],
      [1, 'tăng trưởng'],
      [0, ' kinh tế'],
    ]);
    // A tone mark changed on one syllable replaces the syllable, not one letter.
    expect(diffWords('đảng viên mới', 'đảng viện mới')).toEqual([
      [0, 'đảng '],
      [-1, 'viên'],
      [1, 'viện'],
      [0, ' mới'],
    ]);
  });

  it('keeps decomposed (NFD) letters with their combining marks', () => {
    const oldText = 'nhiệm kỳ mới'.normalize('NFD');
    const newText = 'nhiệm kỷ mới'.normalize('NFD');
    const ops = diffWords(oldText, newText);
    expectRebuilds(ops, oldText, newText);
    expect(ops.filter((op) => op[0] !== 0).map((op) => op[1].normalize('NFC'))).toEqual(['kỳ', 'kỷ']);
  });

  it('keeps an emoji sequence whole', () => {
    const ops = diffWords('ok 👍🏽 done', 'ok 👨‍👩‍👧 done');
    expect(ops).toEqual([
      [0, 'ok '],
      [-1, '👍🏽'],
      [1, '👨‍👩‍👧'],
      [0, ' done'],
    ]);
  });

  it('shows an inserted paragraph as one insertion', () => {
    const oldText = 'First paragraph.\nLast paragraph.\n';
    const newText = 'First paragraph.\nA new paragraph, inserted.\nLast paragraph.\n';
    expect(diffWords(oldText, newText)).toEqual([
      [0, 'First paragraph.\n'],
      [1, 'A new paragraph, inserted.\n'],
      [0, 'Last paragraph.\n'],
    ]);
  });

  it('gives one equal op for identical texts and none for two empty texts', () => {
    expect(diffWords('Same text.\n', 'Same text.\n')).toEqual([[0, 'Same text.\n']]);
    expect(diffWords('', '')).toEqual([]);
    expect(diffWords('', 'new\n')).toEqual([[1, 'new\n']]);
    expect(diffWords('old\n', '')).toEqual([[-1, 'old\n']]);
  });

  it('refuses a timeout that would mean "no limit"', () => {
    expect(() => diffWords('a', 'b', { timeoutMs: 0 })).toThrow(RangeError);
  });

  it('still rebuilds both texts when the search times out', () => {
    // Paragraphs of shuffled words, half of them reordered: a search far too long for the budget.
    const words = Array.from({ length: 6_000 }, (_, i) => `w${(i * 7919) % 6_007}`);
    const paragraphs = (list: string[]) => list.map((w, i) => (i % 12 === 11 ? `${w}.\n` : `${w} `)).join('');
    const oldText = paragraphs(words);
    const newText = paragraphs(words.map((w, i) => (i % 9 === 0 ? `x${i}` : w)).reverse());
    const hurried = diffWords(oldText, newText, { timeoutMs: 1e-6 });
    expectRebuilds(hurried, oldText, newText);
    expect(hurried.length).toBeLessThanOrEqual(3); // gave up at once: delete all, insert all
    const unhurried = diffWords(oldText, newText, { timeoutMs: 20 });
    expectRebuilds(unhurried, oldText, newText);
  });
});

describe('diffWords: more distinct tokens than code units', () => {
  it('shares codes past the limit and still diffs exactly, word by word', () => {
    const count = 70_000;
    expect(count).toBeGreaterThan(65_535);
    const words = Array.from({ length: count }, (_, i) => `w${i.toString(36)}`);
    const oldText = words.join(' ');
    const newText = words.map((w, i) => (i % 1000 === 500 ? `changed${i}` : w)).join(' ');
    expect(encodeTokens(tokenize(oldText), tokenize(newText)).shared).toBe(true);
    expect(TOKEN_CODE_LIMIT).toBeLessThan(count);

    // What is tested is the shared codes, not speed: a budget no loaded machine runs out of (with
    // the default one second, a starved CI machine gets the coarse give-up diff instead).
    const ops = diffWords(oldText, newText, { timeoutMs: 120_000 });
    expectRebuilds(ops, oldText, newText);
    // Every change is whole words; the 70 replaced words are found, with little or no spill-over.
    const deleted = ops.filter((op) => op[0] === -1).flatMap((op) => op[1].split(' '));
    expect(deleted).toEqual(expect.arrayContaining(words.filter((_, i) => i % 1000 === 500)));
    // A Set: 70,000 words searched one by one in an array would take minutes if the diff were coarse.
    const known = new Set(words);
    expect(deleted.filter((word) => !known.has(word))).toEqual([]);
    expect(diffStats(ops).deleted).toBeLessThan(oldText.length / 100);
  });
});

describe('sectionChanges', () => {
  const oldText = [
    'Lời mở đầu của dự thảo.',
    'I. Kinh tế',
    'Tăng trưởng khá trong năm qua, thu ngân sách vượt dự toán.',
    'II. Xã hội',
    'Giảm nghèo bền vững.',
    'III. Quốc phòng',
    'Ổn định chính trị.',
    '',
  ].join('\n');
  const newText = [
    'Lời mở đầu của dự thảo.',
    'I. Kinh tế',
    'Tăng trưởng cao trong năm qua, thu ngân sách vượt dự toán.',
    'III. Quốc phòng',
    'Ổn định chính trị.',
    'Củng cố lực lượng dân quân.',
    '',
  ].join('\n');
  const sections = outline(newText, 'I. Kinh tế', 'III. Quốc phòng');

  it('attributes a replaced word, a deleted section and an inserted paragraph with exact counts', () => {
    const diff = diffVersions(oldText, newText, sections);
    expect(diff.ops).toEqual([
      [0, 'Lời mở đầu của dự thảo.\nI. Kinh tế\nTăng trưởng '],
      [-1, 'khá'],
      [1, 'cao'],
      [0, ' trong năm qua, thu ngân sách vượt dự toán.\n'],
      [-1, 'II. Xã hội\nGiảm nghèo bền vững.\n'],
      [0, 'III. Quốc phòng\nỔn định chính trị.\n'],
      [1, 'Củng cố lực lượng dân quân.\n'],
    ]);
    expect(diff.stats).toEqual({ inserted: 3 + 28, deleted: 3 + 32 });
    // The deleted section II happened where section III now starts: it counts for III.
    expect(diff.sections).toEqual([
      { path: 'I', inserted: 3, deleted: 3 },
      { path: 'III', inserted: 28, deleted: 32 },
    ]);
  });

  it('splits an insertion that spans a heading between the sections it lands in', () => {
    const before = 'Intro.\n';
    const after = 'Intro.\nMore intro.\nI. New\nBody.\n';
    const ops = diffWords(before, after);
    expect(ops).toEqual([
      [0, 'Intro.\n'],
      [1, 'More intro.\nI. New\nBody.\n'],
    ]);
    expect(sectionChanges(ops, outline(after, 'I. New'))).toEqual([
      { path: '', inserted: 12, deleted: 0 },
      { path: 'I', inserted: 13, deleted: 0 },
    ]);
  });

  it('gives a deletion at the end of the text to the last section', () => {
    const ops: DiffOp[] = [
      [0, 'Intro.\nI. A\nBody.\n'],
      [-1, 'Gone.\n'],
    ];
    expect(sectionChanges(ops, outline('Intro.\nI. A\nBody.\n', 'I. A'))).toEqual([{ path: 'I', inserted: 0, deleted: 6 }]);
  });

  it('lists changes under path "" when the newer text is empty and has no sections', () => {
    const diff = diffVersions('All gone.\n', '', []);
    expect(diff.sections).toEqual([{ path: '', inserted: 0, deleted: 10 }]);
    expect(diff.stats).toEqual({ inserted: 0, deleted: 10 });
  });

  it('lists nothing for identical texts', () => {
    expect(diffVersions(newText, newText, sections)).toMatchObject({ stats: { inserted: 0, deleted: 0 }, sections: [] });
  });
});

describe('diffToHtml', () => {
  it('escapes every piece of text, kept, deleted or inserted', () => {
    const diff = diffVersions('a <b> & "c" \'d\'\n<script>alert(1)</script>\n', 'a <i> & "c" \'d\'\nsafe & sound\n', []);
    expect(diff.html).not.toMatch(/<(?!\/?(p|ins|del)>)/);
    expect(diff.html).toContain('&lt;script&gt;alert(1)&lt;/script&gt;');
    expect(diff.html).toContain('a &lt;<del>b</del><ins>i</ins>&gt; &amp; &quot;c&quot; &#39;d&#39;');
    expect(escapeHtml(`<>&"'`)).toBe('&lt;&gt;&amp;&quot;&#39;');
  });

  it('makes a paragraph of each line and never lets a change span paragraphs', () => {
    const ops: DiffOp[] = [
      [0, 'Intro\n'],
      [-1, 'Old one\nOld two\n'],
      [1, 'New one\n'],
      [0, 'End\n'],
    ];
    expect(diffToHtml(ops)).toBe(
      ['<p>Intro</p>', '<p><del>Old one</del></p>', '<p><del>Old two</del></p>', '<p><ins>New one</ins></p>', '<p>End</p>'].join('\n'),
    );
  });

  it('shows a joined paragraph break as a deleted ¶', () => {
    expect(diffVersions('One.\nTwo.\n', 'One. Two.\n', []).html).toBe('<p>One.<del>¶</del></p>\n<p><ins> </ins>Two.</p>');
  });

  it('uses no inline styles or attributes', () => {
    const html = diffVersions('style="x" a\n', 'b style="x"\n', []).html;
    expect(html).not.toMatch(/<[a-z]+ /);
  });
});
