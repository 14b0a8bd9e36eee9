import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import * as Y from 'yjs';
import { prosemirrorJSONToYXmlFragment } from 'y-prosemirror';
import { AppError } from '../../server/errors.js';
import { documentSchema } from '../../server/domain/document-schema.js';
import { importContent } from '../../server/domain/content-import.js';
import {
  computeSections,
  decodeRelativePositionBase64,
  encodeRelativePositionBase64,
  headingLabel,
  isWithin,
  nfcContent,
  offsetOfRelativePosition,
  projectFragment,
  relativePositionAt,
  sectionAt,
  type Section,
} from '../../server/domain/projection.js';

type J = Record<string, unknown>;
const p = (...content: J[]): J => ({ type: 'paragraph', content });
const h = (level: number, text: string): J => ({ type: 'heading', attrs: { level }, content: [t(text)] });
const t = (text: string, ...marks: string[]): J => ({ type: 'text', text, ...(marks.length ? { marks: marks.map((type) => ({ type })) } : {}) });
const li = (...content: J[]): J => ({ type: 'listItem', content });

/** A doc built the way an editor would write it (y-prosemirror), without import's normalisation. */
function build(...content: J[]): { doc: Y.Doc; fragment: Y.XmlFragment } {
  const doc = new Y.Doc();
  const fragment = doc.getXmlFragment('default');
  prosemirrorJSONToYXmlFragment(documentSchema, { type: 'doc', content }, fragment);
  return { doc, fragment };
}

function expectTiling(sections: readonly Section[], textLength: number): void {
  if (textLength === 0) return expect(sections).toEqual([]);
  expect(sections[0]!.start).toBe(0);
  sections.forEach((s, i) => {
    expect(s.end).toBeGreaterThan(s.start);
    if (i > 0) expect(s.start).toBe(sections[i - 1]!.end);
  });
  expect(sections[sections.length - 1]!.end).toBe(textLength);
}

describe('projectFragment', () => {
  it('gives every paragraph and heading its text and a newline', () => {
    const { fragment } = build(h(1, 'Title'), p(t('One')), h(2, 'Two'), h(3, 'Three'), p(t('End')));
    expect(projectFragment(fragment).text).toBe('Title\nOne\nTwo\nThree\nEnd\n');
  });

  it('walks nested lists and blockquotes, contributing only their textblocks', () => {
    const { fragment } = build(
      { type: 'bulletList', content: [li(p(t('a')), { type: 'orderedList', attrs: { start: 3 }, content: [li(p(t('a.1')), p(t('a.1 more')))] }), li(p(t('b')))] },
      { type: 'blockquote', content: [p(t('quoted')), { type: 'blockquote', content: [p(t('deeper'))] }] },
    );
    const projection = projectFragment(fragment);
    expect(projection.text).toBe('a\na.1\na.1 more\nb\nquoted\ndeeper\n');
    expect(projection.textblocks.map((b) => b.start)).toEqual([0, 2, 6, 15, 17, 24]);
  });

  it('gives an empty paragraph just its newline, and an empty fragment no text', () => {
    expect(projectFragment(build(p(), p(t('x')), p()).fragment).text).toBe('\nx\n\n');
    const empty = projectFragment(new Y.Doc().getXmlFragment('default'));
    expect(empty).toMatchObject({ text: '', sections: [], textblocks: [] });
  });

  it('ignores marks: formatted runs project to the same text', () => {
    const plain = projectFragment(build(p(t('một hai ba'))).fragment);
    const marked = projectFragment(build(p(t('một '), t('hai', 'bold'), t(' '), t('ba', 'bold', 'italic'))).fragment);
    expect(marked.text).toBe(plain.text);
    expect(marked.textblocks[0]!.runs).toHaveLength(1); // y-prosemirror keeps one Y.XmlText with formats
  });

  it('lets a hard break contribute a newline between the runs it splits', () => {
    const { fragment } = build(p(t('tăng trưởng 8%'), { type: 'hardBreak' }, t('giảm nghèo 1%')));
    const projection = projectFragment(fragment);
    expect(projection.text).toBe('tăng trưởng 8%\ngiảm nghèo 1%\n');
    expect(projection.textblocks[0]!.runs.map((r) => [r.childIndex, r.offset, r.length])).toEqual([[0, 0, 14], [2, 15, 13]]);
    expect(projection.textblocks[0]!.breaks.map((b) => [b.childIndex, b.offset])).toEqual([[1, 14]]);
    expect(projection.textblocks[0]!.length).toBe(28);
  });

  it('projects hard breaks at the start, the end and in a row, and keeps headings whole', () => {
    const br = { type: 'hardBreak' };
    const { fragment } = build({ type: 'heading', attrs: { level: 1 }, content: [t('I.'), br, t('Kinh tế')] }, p(br, br, t('x'), br), p(br));
    const projection = projectFragment(fragment);
    expect(projection.text).toBe('I.\nKinh tế\n\n\nx\n\n\n\n');
    expect(projection.sections).toEqual([{ path: 'I', title: 'I. Kinh tế', level: 1, start: 0, end: projection.text.length }]);
  });

  it('counts UTF-16 code units exactly as Yjs does (emoji are two)', () => {
    const { fragment } = build(p(t('a😀b')), p(t('👩‍👩‍👧')));
    const projection = projectFragment(fragment);
    expect(projection.text).toBe('a😀b\n👩‍👩‍👧\n');
    expect(projection.textblocks[1]!.start).toBe(5);
    const text = (fragment.get(0) as Y.XmlElement).get(0) as Y.XmlText;
    expect(text.length).toBe(4);
    text.insert(3, 'X'); // Yjs offset 3 = after the emoji
    expect(projectFragment(fragment).text.startsWith('a😀Xb\n')).toBe(true);
  });

  it('does not normalise: decomposed text written by a client stays as written', () => {
    const decomposed = 'Vie\u0323\u0302t';
    expect(projectFragment(build(p(t(decomposed))).fragment).text).toBe(`${decomposed}\n`);
  });
});

describe('the NFC form of a projection', () => {
  const nfd = (s: string) => s.normalize('NFD');

  it('composes text typed decomposed, with its own sections and offset maps back to the projection', () => {
    const { doc, fragment } = build(h(1, nfd('I. Kinh tế')), p(t(nfd('Tăng trưởng 8%'))));
    const projection = projectFragment(fragment);
    expect(projection.text).toBe(`${nfd('I. Kinh tế')}\n${nfd('Tăng trưởng 8%')}\n`);
    const { nfc } = projection;
    expect(nfc.identity).toBe(false);
    expect(nfc.text).toBe('I. Kinh tế\nTăng trưởng 8%\n');
    expect(nfc.sections).toEqual([{ path: 'I', title: 'I. Kinh tế', level: 1, start: 0, end: nfc.text.length }]);
    expect(projection.sections[0]!.title).toBe('I. Kinh tế'); // titles and paths are NFC in both forms
    // An NFC offset reaches Yjs through toSource, and comes back through toNfc.
    const at = nfc.text.indexOf('8%');
    const rpos = relativePositionAt(projection, nfc.toSource(at));
    expect(nfc.toNfc(offsetOfRelativePosition(doc, fragment, rpos, projection)!)).toBe(at);
    expect(projection.text.slice(nfc.toSource(at), nfc.toSource(at + 2))).toBe('8%');
  });

  it('is the projection itself when the text is NFC already', () => {
    const projection = projectFragment(build(h(1, 'I. Kinh tế'), p(t('x'))).fragment);
    expect(projection.nfc).toMatchObject({ identity: true, text: projection.text, sections: projection.sections });
  });

  it('normalises a stored text and its sections (versions frozen before texts were NFC)', () => {
    const text = `${nfd('Mở đầu')}\n${nfd('I. Kinh tế')}\nx\n`;
    const sections: Section[] = [
      { path: '', title: '', level: 0, start: 0, end: nfd('Mở đầu').length + 1 },
      { path: 'I', title: nfd('I. Kinh tế'), level: 1, start: nfd('Mở đầu').length + 1, end: text.length },
    ];
    const nfcText = 'Mở đầu\nI. Kinh tế\nx\n';
    expect(nfcContent(text, sections)).toEqual({
      text: nfcText,
      sections: [
        { path: '', title: '', level: 0, start: 0, end: 7 },
        { path: 'I', title: 'I. Kinh tế', level: 1, start: 7, end: nfcText.length },
      ],
    });
    expect(nfcContent(nfcText, sections).text).toBe(nfcText);
  });

  it('shows controls and lone surrogates typed live as one U+FFFD each (CR, VT and FF as a space)', () => {
    const { fragment } = build(p(t('a\u0000b\u0007c\u0085d\re\u000bf\u000cg\th')));
    expect(projectFragment(fragment).text).toBe('a\ufffdb\ufffdc\ufffdd e f g\th\n');
    const text = (fragment.get(0) as Y.XmlElement).get(0) as Y.XmlText;
    text.insert(0, '\ud83d');
    expect(projectFragment(fragment).text.startsWith('\ufffda')).toBe(true);
  });
});

describe('sections', () => {
  it('tiles the text, with a preamble before the first heading and paths by level', () => {
    const { fragment } = build(p(t('Preamble')), h(1, 'PHẦN THỨ NHẤT: KẾT QUẢ'), p(t('intro')), h(2, 'I. Kinh tế'),
      h(3, '1.1 Nông nghiệp'), p(t('lúa')), h(2, 'II.  Văn   hóa'), h(1, 'Kết luận'));
    const { sections, text } = projectFragment(fragment);
    expect(sections.map((s) => [s.path, s.level, text.slice(s.start, s.end)])).toEqual([
      ['', 0, 'Preamble\n'],
      ['PHẦN THỨ NHẤT', 1, 'PHẦN THỨ NHẤT: KẾT QUẢ\nintro\n'],
      ['PHẦN THỨ NHẤT > I', 2, 'I. Kinh tế\n'],
      ['PHẦN THỨ NHẤT > I > 1.1', 3, '1.1 Nông nghiệp\nlúa\n'],
      ['PHẦN THỨ NHẤT > II', 2, 'II.  Văn   hóa\n'],
      ['Kết luận', 1, 'Kết luận\n'],
    ]);
    expect(sections[4]!.title).toBe('II. Văn hóa');
    expect(sections[0]!.title).toBe('');
    expectTiling(sections, text.length);
  });

  it('closes deeper sections at a heading of the same or higher level only', () => {
    const { fragment } = build(h(3, 'a) first'), h(2, 'B'), h(3, 'b) second'), h(3, 'c) third'));
    expect(projectFragment(fragment).sections.map((s) => s.path)).toEqual(['a', 'B', 'B > b', 'B > c']);
  });

  it('recomputes the same sections from text and outline alone (stored versions)', () => {
    const projection = projectFragment(build(h(1, 'I. A'), p(t('x')), h(2, '1. B')).fragment);
    expect(computeSections(projection.text, projection.headings)).toEqual(projection.sections);
  });

  it.each([
    ['I. Về phát triển kinh tế', 'I'],
    ['IV) Quốc phòng', 'IV'],
    ['2.1 Đầu tư hạ tầng', '2.1'],
    ['2.1. Đầu tư', '2.1'],
    ['3. Nhiệm vụ', '3'],
    ['a) Nông nghiệp', 'a'],
    ['(b) Công nghiệp', 'b'],
    ['đ. Khác', 'đ'],
    ['PHẦN THỨ NHẤT: KẾT QUẢ THỰC HIỆN', 'PHẦN THỨ NHẤT'],
    ['PART ONE: RESULTS', 'PART ONE'],
    ['Chương II. Tổ chức', 'Chương II'],
    ['Section 3 Overview of results', 'Section 3'],
    ['Mục tiêu tổng quát', 'Mục tiêu tổng quát'],
    ['2030 targets', '2030 targets'],
    ['  Bài   học\tkinh nghiệm ', 'Bài học kinh nghiệm'],
    ['', ''],
  ])('labels %j as %j', (title, label) => {
    expect(headingLabel(title)).toBe(label);
  });

  it('finds the section of an offset, the text end belonging to the last section', () => {
    const { sections, text } = projectFragment(build(p(t('pre')), h(1, 'A'), p(t('body')), h(1, 'B')).fragment);
    expect(sectionAt(sections, 0)?.path).toBe('');
    expect(sectionAt(sections, 4)?.path).toBe('A');
    expect(sectionAt(sections, 10)?.path).toBe('A');
    expect(sectionAt(sections, text.length)?.path).toBe('B');
    expect(sectionAt(sections, text.length + 1)).toBeUndefined();
    expect(sectionAt([], 0)).toBeUndefined();
  });

  it('tells whether a path lies within another', () => {
    expect(isWithin('II > 2.1', 'II')).toBe(true);
    expect(isWithin('II', 'II')).toBe(true);
    expect(isWithin('III > 1', 'II')).toBe(false);
    expect(isWithin('II0', 'II')).toBe(false);
  });

  it.each([
    ['vi', 'Tốc độ tăng giá trị sản xuất bình quân đạt 8,2%', 'PHẦN THỨ NHẤT > I'],
    ['vi', 'Đột phá về chuyển đổi số', 'PHẦN THỨ HAI > IV'],
    ['vi', 'Thu nhập bình quân đầu người đến năm 2030', 'PHẦN THỨ HAI > II'],
    ['en', 'The value of production grew by 8.2%', 'PART ONE > I'],
    ['en', 'Health insurance covers 95.6%', 'PART ONE > II'],
  ])('puts the %s fixture text %j under exactly %j and tiles it', (lang, quote, pathEnd) => {
    const doc = new Y.Doc();
    importContent(doc, { format: 'markdown', value: readFileSync(new URL(`../../server/demo/draft-political-report.${lang}.md`, import.meta.url), "utf8") });
    const { text, sections } = projectFragment(doc.getXmlFragment('default'));
    const offset = text.indexOf(quote);
    expect(offset).toBeGreaterThan(0);
    const section = sectionAt(sections, offset)!;
    // The report's title heading names its own section but stays out of the paths below it.
    expect(section.path).toBe(pathEnd);
    expect(section.level).toBe(3);
    expectTiling(sections, text.length);
  });
});

describe('relativePositionAt / offsetOfRelativePosition', () => {
  const sample = () =>
    build(
      h(1, 'I. A'),
      p(),
      p(t('ab'), { type: 'hardBreak' }, t('cd')),
      p({ type: 'hardBreak' }, { type: 'hardBreak' }, t('e'), { type: 'hardBreak' }),
      { type: 'bulletList', content: [li(p(t('x😀')))] },
      p(t('end')),
    );

  it('round-trips every offset, for both associations', () => {
    const { doc, fragment } = sample();
    const projection = projectFragment(fragment);
    expect(projection.text).toBe('I. A\n\nab\ncd\n\n\ne\n\nx😀\nend\n');
    for (let offset = 0; offset <= projection.text.length; offset++) {
      for (const assoc of [0, -1]) {
        const rpos = relativePositionAt(projection, offset, assoc);
        expect(offsetOfRelativePosition(doc, fragment, rpos, projection), `offset ${offset} assoc ${assoc}`).toBe(offset);
        expect(offsetOfRelativePosition(doc, fragment, rpos)).toBe(offset); // without a projection at hand
      }
    }
  });

  it('follows its character through edits before it', () => {
    const { doc, fragment } = sample();
    const before = projectFragment(fragment);
    const rpos = relativePositionAt(fragment, before.text.indexOf('end') + 1);
    ((fragment.get(0) as Y.XmlElement).get(0) as Y.XmlText).insert(0, 'Mục ');
    fragment.insert(1, [new Y.XmlElement('paragraph')]);
    const after = projectFragment(fragment);
    const offset = offsetOfRelativePosition(doc, fragment, rpos, after)!;
    expect(after.text.slice(offset - 1, offset + 2)).toBe('end');
  });

  it('maps the offset of a newline to the end of its textblock, and text.length to the fragment end', () => {
    const { doc, fragment } = build(p(t('abc')), p(t('z')));
    const atNewline = relativePositionAt(fragment, 3);
    const atEnd = relativePositionAt(fragment, 6);
    ((fragment.get(0) as Y.XmlElement).get(0) as Y.XmlText).insert(3, 'd');
    fragment.insert(2, [new Y.XmlElement('paragraph')]);
    expect(offsetOfRelativePosition(doc, fragment, atNewline)).toBe(4); // still the end of "abcd"
    expect(offsetOfRelativePosition(doc, fragment, atEnd)).toBe(8); // after the new empty paragraph
  });

  it('resolves to null once the anchor type is deleted', () => {
    const { doc, fragment } = build(p(t('keep')), p(t('gone')), p());
    const inText = relativePositionAt(fragment, 6);
    const inEmpty = relativePositionAt(fragment, 10);
    fragment.delete(1, 2);
    expect(offsetOfRelativePosition(doc, fragment, inText)).toBeNull();
    expect(offsetOfRelativePosition(doc, fragment, inEmpty)).toBeNull();
  });

  it('resolves to null for positions of another document or another root type, creating nothing', () => {
    const { doc, fragment } = build(p(t('abc')));
    const other = build(p(t('xyz')));
    expect(offsetOfRelativePosition(doc, fragment, relativePositionAt(other.fragment, 1))).toBeNull();
    const foreignRoot = Y.createRelativePositionFromTypeIndex(new Y.Doc().getText('notes'), 0);
    expect(offsetOfRelativePosition(doc, fragment, foreignRoot)).toBeNull();
    expect(doc.share.has('notes')).toBe(false);
  });

  it('refuses offsets outside the text with anchor_mismatch', () => {
    const { fragment } = build(p(t('abc')));
    for (const offset of [-1, 5, 1.5]) {
      expect(() => relativePositionAt(fragment, offset)).toThrowError(expect.objectContaining({ code: 'anchor_mismatch' }));
    }
  });
});

describe('relative positions in base64', () => {
  it('round-trips through base64', () => {
    const { doc, fragment } = build(p(t('abc')));
    const encoded = encodeRelativePositionBase64(relativePositionAt(fragment, 2));
    expect(encoded).toMatch(/^[A-Za-z0-9+/]+=*$/);
    expect(offsetOfRelativePosition(doc, fragment, decodeRelativePositionBase64(encoded))).toBe(2);
  });

  it.each([[''], ['not base64!'], ['AAAA'], ['/////w=='], ['QUJD'], [42], [null], ['A'.repeat(600)]])('rejects %j with validation_failed', (value) => {
    let error: unknown;
    try {
      decodeRelativePositionBase64(value, 'relStart');
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(AppError);
    expect(error).toMatchObject({ code: 'validation_failed', message: expect.stringContaining('relStart') });
  });

  it('rejects a valid position with bytes appended', () => {
    const { fragment } = build(p(t('abc')));
    const bytes = Y.encodeRelativePosition(relativePositionAt(fragment, 1));
    const padded = Buffer.concat([Buffer.from(bytes), Buffer.from([7, 7])]).toString('base64');
    expect(() => decodeRelativePositionBase64(padded)).toThrowError(expect.objectContaining({ code: 'validation_failed' }));
  });
});
