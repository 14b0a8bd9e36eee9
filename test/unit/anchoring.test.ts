import { describe, expect, it } from 'vitest';
import * as Y from 'yjs';
import { AppError } from '../../server/errors.js';
import { importContent } from '../../server/domain/content-import.js';
import { encodeRelativePositionBase64, projectFragment, relativePositionAt, type Projection } from '../../server/domain/projection.js';
import {
  anchorInBase,
  CONTEXT_LENGTH,
  MAX_QUOTE_LENGTH,
  reanchor,
  reanchorAll,
  type Anchor,
  type BaseVersion,
} from '../../server/domain/anchoring.js';
import { matchQuote, MIN_MATCH_QUALITY } from '../../server/domain/fuzzy-quote.js';

const VI = `# BÁO CÁO CHÍNH TRỊ

Dự thảo lần 1, lưu hành nội bộ.

## I. Về phát triển kinh tế

Tốc độ tăng giá trị sản xuất bình quân đạt 8,2% mỗi năm, vượt 0,7 điểm phần trăm so với chỉ tiêu Nghị quyết.

Thu nhập bình quân đầu người năm 2025 ước đạt 52 triệu đồng, tăng 1,6 lần so với năm 2020.

## II. Về văn hóa, xã hội

Công tác giáo dục và đào tạo được quan tâm; tỷ lệ trường đạt chuẩn quốc gia đạt 100%.
`;

const EN = `# Political report

Draft 1, for internal circulation.

## I. The economy

Output grew by 8.2% a year on average, 0.7 points above the target of the resolution.

Income per head reached 52 million dong in 2025, 1.6 times the level of 2020.
`;

function load(markdown: string): BaseVersion {
  const doc = new Y.Doc();
  importContent(doc, { format: 'markdown', value: markdown });
  return { doc, projection: projectFragment(doc.getXmlFragment('default')) };
}

/** A later state of the same document: a copy that shares the base's Yjs history. */
function fork(base: BaseVersion): Y.Doc {
  const copy = new Y.Doc();
  Y.applyUpdate(copy, Y.encodeStateAsUpdate(base.doc));
  return copy;
}

const project = (doc: Y.Doc): Projection => projectFragment(doc.getXmlFragment('default'));
const target = (doc: Y.Doc) => ({ doc, projection: project(doc) });

/** The Y.XmlText holding projection offset `offset` and the offset inside it. */
function textAt(doc: Y.Doc, offset: number): { text: Y.XmlText; index: number } {
  const p = project(doc);
  const block = [...p.textblocks].reverse().find((b) => b.start <= offset)!;
  const run = block.runs.find((r) => offset - block.start <= r.offset + r.length)!;
  return { text: run.text, index: offset - block.start - run.offset };
}

const insertAt = (doc: Y.Doc, offset: number, s: string) => {
  const { text, index } = textAt(doc, offset);
  text.insert(index, s);
};
const deleteRange = (doc: Y.Doc, start: number, end: number) => {
  const { text, index } = textAt(doc, start);
  text.delete(index, end - start);
};

const span = (p: Projection, phrase: string, from = 0) => {
  const start = p.text.indexOf(phrase, from);
  if (start === -1) throw new Error(`no "${phrase}"`);
  return { start, end: start + phrase.length };
};

function expectAppError(fn: () => unknown, code: string, message?: RegExp): void {
  try {
    fn();
  } catch (error) {
    expect(error).toBeInstanceOf(AppError);
    expect((error as AppError).code).toBe(code);
    if (message) expect((error as AppError).message).toMatch(message);
    return;
  }
  throw new Error(`expected AppError ${code}`);
}

describe('anchorInBase', () => {
  it('fills in the quote, its context, the relative positions and the section from offsets', () => {
    const base = load(VI);
    const { start, end } = span(base.projection, '52 triệu đồng');
    const anchor = anchorInBase(base, { start, end });
    expect(anchor).toMatchObject({ start, end, section: 'I', quote: { exact: '52 triệu đồng' } });
    expect(anchor.quote.prefix).toBe(base.projection.text.slice(start - CONTEXT_LENGTH, start));
    expect(anchor.quote.suffix).toBe(base.projection.text.slice(end, end + CONTEXT_LENGTH));
    expect(reanchor(anchor, base)).toEqual({ status: 'exact', start, end, section: 'I', quote: '52 triệu đồng' });
  });

  it('gives the same anchor from relative positions as from the offsets they resolve to', () => {
    const base = load(EN);
    const { start, end } = span(base.projection, '0.7 points');
    const byOffsets = anchorInBase(base, { start, end });
    const relStart = encodeRelativePositionBase64(relativePositionAt(base.projection, start, 0));
    const relEnd = encodeRelativePositionBase64(relativePositionAt(base.projection, end, -1));
    expect(anchorInBase(base, { relStart, relEnd })).toEqual(byOffsets);
    expect(byOffsets.section).toBe('I');
  });

  it('cuts context short at the edges of the text and names the preamble ""', () => {
    const base = load('Một câu mở đầu.\n\n# Tiêu đề\n\nNội dung.\n');
    const first = anchorInBase(base, { start: 0, end: 3 });
    expect(first.quote).toEqual({ exact: 'Một', prefix: '', suffix: ' câu mở đầu.\nTiêu đề\nNội dung.\n' });
    expect(first.section).toBe('');
    const length = base.projection.text.length;
    expect(anchorInBase(base, { start: length, end: length }).quote.suffix).toBe('');
  });

  it('allows a zero-width anchor (a comment at a point), with one relative position for both ends', () => {
    const base = load(VI);
    const at = span(base.projection, 'vượt').start;
    const anchor = anchorInBase(base, { start: at, end: at });
    expect(anchor.quote.exact).toBe('');
    expect(anchor.relStart).toBe(anchor.relEnd);
    const draft = fork(base);
    insertAt(draft, at, 'XYZ ');
    expect(reanchor(anchor, target(draft))).toMatchObject({ status: 'exact', start: at, end: at });
    insertAt(draft, 0, 'A');
    expect(reanchor(anchor, target(draft))).toMatchObject({ status: 'moved', start: at + 1, end: at + 1 });
  });

  it('refuses offsets outside the text, end before start and non-integers with anchor_mismatch', () => {
    const base = load(EN);
    const length = base.projection.text.length;
    expectAppError(() => anchorInBase(base, { start: -1, end: 3 }), 'anchor_mismatch', /before the beginning/);
    expectAppError(() => anchorInBase(base, { start: 0, end: length + 1 }), 'anchor_mismatch', /past the end.*length/);
    expectAppError(() => anchorInBase(base, { start: 10, end: 5 }), 'anchor_mismatch', /before start/);
    expectAppError(() => anchorInBase(base, { start: 1.5, end: 5 }), 'anchor_mismatch', /integer/);
    expect(anchorInBase(base, { start: 0, end: length }).quote.exact).toBe(base.projection.text);
  });

  it(`refuses a quote longer than ${MAX_QUOTE_LENGTH} characters`, () => {
    const base = load(`${'Một đoạn văn khá dài. '.repeat(300)}\n`);
    expect(anchorInBase(base, { start: 0, end: MAX_QUOTE_LENGTH }).quote.exact).toHaveLength(MAX_QUOTE_LENGTH);
    expectAppError(() => anchorInBase(base, { start: 0, end: MAX_QUOTE_LENGTH + 1 }), 'anchor_mismatch', /at most 5000/);
  });

  it('refuses offsets inside a surrogate pair, and never cuts one in the context', () => {
    const base = load(`Cờ 😀${'a'.repeat(CONTEXT_LENGTH - 1)}b\n`);
    const emoji = base.projection.text.indexOf('😀');
    expectAppError(() => anchorInBase(base, { start: emoji + 1, end: emoji + 4 }), 'anchor_mismatch', /surrogate/);
    const b = base.projection.text.indexOf('b');
    expect(anchorInBase(base, { start: b, end: b + 1 }).quote.prefix).toBe('a'.repeat(CONTEXT_LENGTH - 1));
  });

  it('refuses garbage base64 with validation_failed', () => {
    const base = load(EN);
    const good = anchorInBase(base, { start: 0, end: 5 });
    expectAppError(() => anchorInBase(base, { relStart: 'not base64!', relEnd: good.relEnd }), 'validation_failed', /relStart/);
    expectAppError(() => anchorInBase(base, { relStart: good.relStart, relEnd: 'AAAA' }), 'validation_failed', /relEnd/);
  });

  it('refuses relative positions that do not resolve in the base, or end before start, with anchor_mismatch', () => {
    const base = load(EN);
    const other = load(EN);
    const foreign = anchorInBase(other, { start: 0, end: 5 });
    expectAppError(() => anchorInBase(base, { relStart: foreign.relStart, relEnd: foreign.relEnd }), 'anchor_mismatch', /relStart does not resolve/);
    const a = anchorInBase(base, { start: 2, end: 2 });
    const b = anchorInBase(base, { start: 9, end: 9 });
    expectAppError(() => anchorInBase(base, { relStart: b.relStart, relEnd: a.relEnd }), 'anchor_mismatch', /before relStart/);
  });
});

describe('reanchor through relative positions', () => {
  it('is moved with shifted offsets when text is inserted before the range', () => {
    const base = load(VI);
    const anchor = anchorInBase(base, span(base.projection, '1,6 lần'));
    const draft = fork(base);
    insertAt(draft, 0, 'Bản sửa: ');
    expect(reanchor(anchor, target(draft))).toEqual({
      status: 'moved',
      start: anchor.start + 9,
      end: anchor.end + 9,
      section: 'I',
      quote: '1,6 lần',
    });
  });

  it('does not extend the range when text is typed right after it, or right before it', () => {
    const base = load(EN);
    const anchor = anchorInBase(base, span(base.projection, '52 million'));
    const draft = fork(base);
    insertAt(draft, anchor.end, 'X');
    expect(reanchor(anchor, target(draft))).toMatchObject({ status: 'exact', quote: '52 million' });
    insertAt(draft, anchor.start, 'Y');
    expect(reanchor(anchor, target(draft))).toMatchObject({ status: 'moved', start: anchor.start + 1, quote: '52 million' });
  });

  it('stays on the range, fuzzy, when text inside it was edited', () => {
    const base = load(VI);
    const anchor = anchorInBase(base, span(base.projection, 'vượt 0,7 điểm phần trăm'));
    const draft = fork(base);
    deleteRange(draft, anchor.start + 5, anchor.start + 8); // "0,7" → ""
    insertAt(draft, anchor.start + 5, '1,2');
    expect(reanchor(anchor, target(draft))).toEqual({ status: 'fuzzy', start: anchor.start, end: anchor.end, section: 'I', quote: 'vượt 1,2 điểm phần trăm' });
  });

  it('follows the heading changes into the section path', () => {
    const base = load(VI);
    const anchor = anchorInBase(base, span(base.projection, 'giáo dục'));
    expect(anchor.section).toBe('II');
    const draft = fork(base);
    const heading = span(project(draft), 'II. Về');
    deleteRange(draft, heading.start, heading.start + 2);
    insertAt(draft, heading.start, 'III');
    expect(reanchor(anchor, target(draft))).toMatchObject({ status: 'moved', section: 'III', quote: 'giáo dục' });
  });

  it('falls back to the quote when the range was deleted, and finds the passage retyped elsewhere', () => {
    const base = load(VI);
    const sentence = 'Thu nhập bình quân đầu người năm 2025 ước đạt 52 triệu đồng';
    const anchor = anchorInBase(base, span(base.projection, sentence));
    const draft = fork(base);
    deleteRange(draft, anchor.start, anchor.end);
    // Retyped, with a small change, at the end of section II.
    const end = project(draft).text.lastIndexOf('100%.') + 5;
    insertAt(draft, end, ` ${sentence.replace('ước đạt', 'đạt')}.`);
    const result = reanchor(anchor, target(draft));
    expect(result.status).toBe('fuzzy');
    expect(result.quote).toBe(sentence.replace('ước đạt', 'đạt'));
    expect(result.section).toBe('II');
  });

  it('is orphaned, with nulls, when the passage is gone', () => {
    const base = load(VI);
    const anchor = anchorInBase(base, span(base.projection, 'tăng 1,6 lần so với năm 2020'));
    const draft = fork(base);
    const paragraph = span(project(draft), 'Thu nhập bình quân đầu người năm 2025 ước đạt 52 triệu đồng, tăng 1,6 lần so với năm 2020.');
    deleteRange(draft, paragraph.start, paragraph.end);
    expect(reanchor(anchor, target(draft))).toEqual({ status: 'orphaned', start: null, end: null, section: null, quote: null });
  });

  it('never throws for a malformed stored anchor: bad positions fall back to the quote', () => {
    const base = load(EN);
    const anchor = anchorInBase(base, span(base.projection, 'Income per head reached 52 million dong'));
    const broken: Anchor = { ...anchor, relStart: '@@@', relEnd: 'AAAA' };
    expect(reanchor(broken, base)).toMatchObject({ status: 'fuzzy', start: anchor.start, end: anchor.end });
    const nonsense = { ...anchor, quote: null } as unknown as Anchor;
    expect(reanchor({ ...nonsense, relStart: '@@@' }, base).status).toBe('orphaned');
  });
});

describe('reanchor by quote', () => {
  it('finds a re-imported document (no shared history) by quote', () => {
    const base = load(VI);
    const anchor = anchorInBase(base, span(base.projection, 'tỷ lệ trường đạt chuẩn'));
    const reimported = load(VI);
    expect(reanchor(anchor, reimported)).toEqual({
      status: 'fuzzy',
      start: anchor.start,
      end: anchor.end,
      section: 'II',
      quote: 'tỷ lệ trường đạt chuẩn',
    });
    // With the projection alone (no doc) the quote is all there is too.
    expect(reanchor(anchor, { projection: reimported.projection }).status).toBe('fuzzy');
  });

  it('matches quotes longer than 32 characters with a few typos', () => {
    const base = load(VI);
    const quote = 'Tốc độ tăng giá trị sản xuất bình quân đạt 8,2% mỗi năm';
    expect(quote.length).toBeGreaterThan(32);
    const anchor = anchorInBase(base, span(base.projection, quote));
    const typos = VI.replace('giá trị sản xuất', 'gia tri san xuat').replace('8,2%', '8.2 %');
    const result = reanchor(anchor, load(`Lời nói đầu mới.\n\n${typos}`));
    expect(result.status).toBe('fuzzy');
    expect(result.quote).toBe('Tốc độ tăng gia tri san xuat bình quân đạt 8.2 % mỗi năm');
  });

  it('lets prefix and suffix decide between two occurrences of the quote, over position', () => {
    const base = load('Về nông nghiệp: cần đẩy mạnh chuyển đổi số trong sản xuất.\n\nVề công nghiệp: cần đẩy mạnh chuyển đổi số cho doanh nghiệp.\n');
    const second = span(base.projection, 'cần đẩy mạnh chuyển đổi số', 20);
    const anchor = anchorInBase(base, second);
    // Re-imported with the paragraphs swapped: the old offset now points near the other occurrence.
    const swapped = load('Về công nghiệp: cần đẩy mạnh chuyển đổi số cho doanh nghiệp.\n\nVề nông nghiệp: cần đẩy mạnh chuyển đổi số trong sản xuất.\n');
    const result = reanchor(anchor, swapped);
    expect(result.status).toBe('fuzzy');
    expect(result.start).toBe(span(swapped.projection, 'cần đẩy mạnh chuyển đổi số').start);
    expect(swapped.projection.text.slice(result.end!, result.end! + 16)).toBe(' cho doanh nghiệ');
  });

  it('matches a quote across a deleted heading by what is left of it (property seed 882381094)', () => {
    const base = load(EN.replace('## I. The economy\n\n', '## I. The economy in English\n\n'));
    const quote = ' in English\nOutput grew by 8.2% a ye';
    const anchor = anchorInBase(base, span(base.projection, quote));
    const draft = fork(base);
    const heading = project(draft).textblocks.find((b) => b.level === 2)!.element;
    draft.getXmlFragment('default').delete(draft.getXmlFragment('default').toArray().indexOf(heading), 1);
    const result = reanchor(anchor, target(draft));
    // What is left of the range is the paragraph's part of it; nothing of the text before.
    expect(result).toMatchObject({ status: 'fuzzy', quote: 'Output grew by 8.2% a ye' });
  });

  it('prefers the occurrence nearest the expected position when the contexts tie', () => {
    const paragraph = 'Nghị quyết được triển khai kịp thời, đồng bộ và hiệu quả.';
    const text = `${paragraph}\n${paragraph}\n${paragraph}\n`;
    const quote = { exact: 'đồng bộ', prefix: 'triển khai kịp thời, ', suffix: ' và hiệu quả.' };
    const at = (k: number) => k * (paragraph.length + 1) + paragraph.indexOf('đồng bộ');
    expect(matchQuote(text, quote, at(2) + 3)?.start).toBe(at(2));
    expect(matchQuote(text, quote, at(1) - 5)?.start).toBe(at(1));
  });

  it('orphans a short quote whose context has changed (too little evidence)', () => {
    const base = load(EN);
    const anchor = anchorInBase(base, span(base.projection, 'target'));
    const result = reanchor(anchor, load('A target was missed entirely this year.\n'));
    expect(result.status).toBe('orphaned');
  });

  it(`accepts a long quote on its own (quality ≥ ${MIN_MATCH_QUALITY}) when its paragraph context is simply gone`, () => {
    const base = load(EN);
    const quote = 'Output grew by 8.2% a year on average, 0.7 points above the target';
    const anchor = anchorInBase(base, span(base.projection, quote));
    const result = reanchor(anchor, load(`Other paragraphs.\n\n${quote}\n`));
    expect(result).toMatchObject({ status: 'fuzzy', quote, start: 'Other paragraphs.\n'.length });
  });

  it('orphans even a long verbatim quote whose context in its paragraph disagrees (never confidently wrong)', () => {
    const base = load(EN);
    const quote = 'Output grew by 8.2% a year on average, 0.7 points above the target';
    const anchor = anchorInBase(base, span(base.projection, quote));
    const result = reanchor(anchor, load(`Elsewhere entirely: ${quote}. Nothing else.\n`));
    expect(result).toEqual({ status: 'orphaned', start: null, end: null, section: null, quote: null });
  });

  it('places a zero-width anchor by its context in a re-imported document', () => {
    const base = load(VI);
    const at = span(base.projection, 'vượt 0,7').start;
    const anchor = anchorInBase(base, { start: at, end: at });
    const reimported = load(`Thêm một đoạn.\n\n${VI}`);
    expect(reanchor(anchor, reimported)).toMatchObject({ status: 'fuzzy', start: at + 'Thêm một đoạn.\n'.length, quote: '' });
  });

  it('is not troubled by decomposed (NFD) input: projections are NFC on import', () => {
    const nfd = load(VI.normalize('NFD'));
    expect(nfd.projection.text).toBe(load(VI).projection.text);
    const anchor = anchorInBase(nfd, span(nfd.projection, 'văn hóa'.normalize('NFC')));
    expect(anchor.quote.exact).toBe('văn hóa'.normalize('NFC'));
    expect(reanchor(anchor, load(VI))).toMatchObject({ status: 'fuzzy', start: anchor.start, quote: anchor.quote.exact });
  });
});

describe('reanchorAll', () => {
  it('gives one result per anchor, in order, equal to reanchor one by one', () => {
    const base = load(VI);
    const text = base.projection.text;
    const anchors = ['BÁO CÁO', 'Tốc độ tăng', '52 triệu đồng', 'giáo dục và đào tạo', 'chỉ tiêu Nghị quyết'].map((phrase) =>
      anchorInBase(base, span(base.projection, phrase)),
    );
    anchors.push(anchors[2]!, anchorInBase(base, { start: text.length, end: text.length }));
    const draft = fork(base);
    insertAt(draft, span(project(draft), 'giáo dục').start, 'công tác ');
    const edited = span(project(draft), '52 triệu đồng');
    deleteRange(draft, edited.start, edited.end);
    const t = target(draft);
    const all = reanchorAll(anchors, t);
    expect(all).toHaveLength(anchors.length);
    expect(all).toEqual(anchors.map((a) => reanchor(a, t)));
    expect(all.map((r) => r.status)).toEqual(['exact', 'exact', 'orphaned', 'moved', 'exact', 'orphaned', 'moved']);
  });
});

describe('NFC offsets for a draft typed decomposed (DESIGN.md "Normalisation")', () => {
  const sentence = 'Xã Minh Sơn đã hoàn thành tiêu chí nông thôn mới.';
  const nfd = sentence.normalize('NFD');

  function typedDecomposed(): BaseVersion {
    const doc = new Y.Doc();
    importContent(doc, { format: 'markdown', value: '## Mở đầu\n\nx' });
    const text = (doc.getXmlFragment('default').get(1) as Y.XmlElement).get(0) as Y.XmlText;
    text.delete(0, 1);
    text.insert(0, nfd); // live typing is kept as typed: decomposed
    return { doc, projection: projectFragment(doc.getXmlFragment('default')) };
  }

  /** Where `quote` (NFC) is in the version's NFC text, as a member's selection in `/content?version=n`. */
  function selection(base: BaseVersion, quote: string): { start: number; end: number } {
    const start = base.projection.nfc.text.indexOf(quote);
    expect(start).toBeGreaterThan(-1);
    return { start, end: start + quote.length };
  }

  function retypedPrecomposed(base: BaseVersion): { draft: Y.Doc; projection: Projection } {
    const draft = fork(base);
    const text = (draft.getXmlFragment('default').get(1) as Y.XmlElement).get(0) as Y.XmlText;
    text.delete(0, text.length);
    text.insert(0, sentence);
    return { draft, projection: projectFragment(draft.getXmlFragment('default')) };
  }

  it('the fixture really is decomposed: NFC and projection offsets differ', () => {
    const base = typedDecomposed();
    expect(base.projection.nfc.identity).toBe(false);
    expect(base.projection.text.length).toBeGreaterThan(base.projection.nfc.text.length);
  });

  it('anchors offsets of the NFC text: stored offsets, quote, context and section are NFC', () => {
    const base = typedDecomposed();
    const quote = 'hoàn thành tiêu chí';
    const { start, end } = selection(base, quote);
    const anchor = anchorInBase(base, { start, end });
    const { nfc } = base.projection;
    expect(anchor).toMatchObject({ start, end, section: 'Mở đầu', quote: { exact: quote, prefix: nfc.text.slice(Math.max(0, start - CONTEXT_LENGTH), start), suffix: nfc.text.slice(end, end + CONTEXT_LENGTH) } });
    expect(anchor.quote.prefix.normalize('NFC')).toBe(anchor.quote.prefix);
    // The positions name the quoted characters as typed.
    const placed = reanchor(anchor, base);
    expect(placed).toMatchObject({ status: 'exact', start: nfc.toSource(start), end: nfc.toSource(end) });
    expect(base.projection.text.slice(placed.start!, placed.end!)).toBe(quote.normalize('NFD'));
  });

  it('resolves relative positions to NFC offsets', () => {
    const base = typedDecomposed();
    const raw = base.projection.text.indexOf('Minh Sơn'.normalize('NFD'));
    const rawEnd = raw + 'Minh Sơn'.normalize('NFD').length;
    const anchor = anchorInBase(base, {
      relStart: encodeRelativePositionBase64(relativePositionAt(base.projection, raw, 0)),
      relEnd: encodeRelativePositionBase64(relativePositionAt(base.projection, rawEnd, -1)),
    });
    expect(anchor).toMatchObject({ ...selection(base, 'Minh Sơn'), quote: { exact: 'Minh Sơn' } });
  });

  it('checks offsets against the NFC text: past its end is anchor_mismatch even within the typed text', () => {
    const base = typedDecomposed();
    const length = base.projection.nfc.text.length;
    expect(base.projection.text.length).toBeGreaterThan(length + 1);
    expectAppError(() => anchorInBase(base, { start: 0, end: length + 1 }), 'anchor_mismatch', new RegExp(`end ${length + 1} is past the end of the text \\(length ${length}\\)`));
  });

  it('re-anchors into a version in NFC offsets and into the live draft in typed offsets, exact where nothing changed', () => {
    const base = typedDecomposed();
    const { start, end } = selection(base, 'Minh Sơn');
    const anchor = anchorInBase(base, { start, end });
    const { nfc } = base.projection;
    expect(reanchor(anchor, { ...base, offsets: 'nfc' })).toEqual({ status: 'exact', start, end, section: 'Mở đầu', quote: 'Minh Sơn' });
    expect(reanchor(anchor, base)).toEqual({ status: 'exact', start: nfc.toSource(start), end: nfc.toSource(end), section: 'Mở đầu', quote: 'Minh Sơn'.normalize('NFD') });
  });

  it('anchors a quote typed NFD on its NFC retyping: exact, as the NFC offsets did not change', () => {
    const base = typedDecomposed();
    const quote = 'hoàn thành tiêu chí';
    const anchor = anchorInBase(base, selection(base, quote));
    const { draft, projection } = retypedPrecomposed(base);
    const state = Y.encodeStateVector(base.doc);
    const live = reanchor(anchor, { doc: draft, projection, base: state });
    // The same text at the same NFC offsets: `exact`, though the typed offsets moved.
    expect(live).toMatchObject({ status: 'exact', quote });
    expect(live.start).not.toBe(base.projection.nfc.toSource(anchor.start));
    expect(projection.text.slice(live.start!, live.end!)).toBe(quote);
    expect(reanchor(anchor, { doc: draft, projection, base: state, offsets: 'nfc' })).toEqual(live);
  });

  it('compares the stored (NFC) offsets in NFC: an NFC re-import at the same NFC offsets finds the quote there', () => {
    const base = typedDecomposed();
    const { start, end } = selection(base, 'Minh Sơn');
    const anchor = anchorInBase(base, { start, end });
    const reimported = load(`## Mở đầu\n\n${sentence}`);
    expect(reanchor(anchor, reimported)).toEqual({ status: 'fuzzy', start, end, section: 'Mở đầu', quote: 'Minh Sơn' });
  });

  it('never orphans, and keeps in NFC range, a set of NFD selections on retyping', () => {
    const base = typedDecomposed();
    const words = sentence.split(/(?<=\s)|(?=\s)/u).filter((w) => w.trim().length > 0);
    const { draft, projection } = retypedPrecomposed(base);
    for (const word of words) {
      const anchor = anchorInBase(base, selection(base, word));
      const placed = reanchor(anchor, { doc: draft, projection, base: Y.encodeStateVector(base.doc), offsets: 'nfc' });
      expect(placed.status, word).not.toBe('orphaned');
      expect(projection.nfc.text.slice(placed.start!, placed.end!), word).toBe(word);
    }
  });
});
