/**
 * Random annotations on a document, random edits (typing and deleting inside paragraphs, new
 * paragraphs, whole paragraphs removed) on a copy sharing its Yjs history, then re-anchoring:
 * nothing is lost, `exact`/`moved` anchors sit on their quote, `fuzzy` ones on text like it (or on
 * the range their relative positions still delimit), `orphaned` ones carry nulls.
 */
import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import * as Y from 'yjs';
import { importContent } from '../../server/domain/content-import.js';
import { decodeRelativePositionBase64, offsetOfRelativePosition, projectFragment } from '../../server/domain/projection.js';
import { anchorInBase, reanchor, reanchorAll, type Anchor, type BaseVersion, type Reanchored } from '../../server/domain/anchoring.js';
import { MIN_QUOTE_SIMILARITY, similarity } from '../../server/domain/fuzzy-quote.js';
import { MIN_REPAIRED_SIMILARITY } from '../../server/domain/anchoring.js';

const seed = Number(process.env.ANCHORING_SEED ?? Math.floor(Math.random() * 2 ** 31));
console.log(`anchoring property tests: seed ${seed} (rerun with ANCHORING_SEED=${seed})`);
const params = (numRuns: number) => ({ seed, numRuns });

const MARKDOWN = `# Báo cáo chính trị

Dự thảo lần 1, lưu hành nội bộ, xin ý kiến đảng viên.

## I. Về phát triển kinh tế

Tốc độ tăng giá trị sản xuất bình quân đạt 8,2% mỗi năm, vượt 0,7 điểm phần trăm so với chỉ tiêu.

- Thu nhập bình quân đầu người năm 2025 ước đạt 52 triệu đồng.
- Cơ cấu kinh tế chuyển dịch đúng hướng 😀 theo kế hoạch.

## II. The economy in English

Output grew by 8.2% a year on average, 0.7 points above the target of the resolution.

> Income per head reached 52 million dong in 2025, 1.6 times the level of 2020.
`;

const POOL = ['a', ' và ', 'Tiếng Việt ', 'ế', '😀', 'the ', 'Nghị quyết', '. '];

type Edit = { kind: 'insert' | 'delete' | 'paragraph' | 'removeParagraph'; a: number; b: number; c: number };
const editArb: fc.Arbitrary<Edit> = fc.record({
  kind: fc.constantFrom('insert', 'insert', 'delete', 'delete', 'paragraph', 'removeParagraph'),
  a: fc.nat(1000),
  b: fc.nat(1000),
  c: fc.nat(1000),
});
const rangeArb = fc.record({ at: fc.nat(10_000), length: fc.oneof(fc.constant(0), fc.nat(60)) });

function load(): BaseVersion {
  const doc = new Y.Doc();
  importContent(doc, { format: 'markdown', value: MARKDOWN });
  return { doc, projection: projectFragment(doc.getXmlFragment('default')) };
}

/** Anchors at random ranges, moved off the middle of a surrogate pair (which anchorInBase refuses). */
function annotate(base: BaseVersion, ranges: { at: number; length: number }[]): Anchor[] {
  const { text } = base.projection;
  const snap = (o: number) => (o > 0 && o < text.length && /[\uDC00-\uDFFF]/.test(text[o]!) ? o - 1 : o);
  return ranges.map(({ at, length }) => {
    const start = snap(at % (text.length + 1));
    return anchorInBase(base, { start, end: snap(Math.min(text.length, start + length)) });
  });
}

/** Edits straight on the Y types, as an editor makes them (never splitting a surrogate pair). */
function applyEdits(doc: Y.Doc, edits: Edit[]): void {
  const fragment = doc.getXmlFragment('default');
  const texts = projectFragment(fragment).textblocks.flatMap((b) => b.runs.map((r) => r.text));
  const safe = (t: Y.XmlText, i: number) => {
    const s = t.toString();
    return i > 0 && i < s.length && /[\uDC00-\uDFFF]/.test(s[i]!) ? i - 1 : i;
  };
  for (const { kind, a, b, c } of edits) {
    const text = texts[a % texts.length]!;
    if (kind === 'paragraph') {
      const paragraph = new Y.XmlElement('paragraph');
      const fresh = new Y.XmlText();
      paragraph.insert(0, [fresh]);
      fragment.insert(b % (fragment.length + 1), [paragraph]);
      fresh.insert(0, POOL[c % POOL.length]!);
      texts.push(fresh);
    } else if (kind === 'removeParagraph') {
      if (fragment.length > 1) fragment.delete(b % fragment.length, 1);
    } else if (kind === 'insert' || text.length === 0) {
      text.insert(safe(text, b % (text.length + 1)), POOL[c % POOL.length]!);
    } else {
      const from = safe(text, b % text.length);
      text.delete(from, safe(text, Math.min(text.length, from + 1 + (c % 30))) - from);
    }
  }
}

function resolvedRange(doc: Y.Doc, anchor: Anchor): [number | null, number | null] {
  const fragment = doc.getXmlFragment('default');
  const projection = projectFragment(fragment);
  const at = (b64: string) => offsetOfRelativePosition(doc, fragment, decodeRelativePositionBase64(b64), projection);
  return [at(anchor.relStart), at(anchor.relEnd)];
}

function checkResult(anchor: Anchor, result: Reanchored, text: string, doc: Y.Doc): void {
  if (result.status === 'orphaned') {
    expect(result).toEqual({ status: 'orphaned', start: null, end: null, section: null, quote: null });
    return;
  }
  const { start, end } = result as { start: number; end: number };
  expect(0 <= start && start <= end && end <= text.length).toBe(true);
  expect(result.quote).toBe(text.slice(start, end));
  expect(typeof result.section).toBe('string');
  if (result.status === 'exact' || result.status === 'moved') {
    expect(text.slice(start, end)).toBe(anchor.quote.exact);
    if (result.status === 'exact') expect([start, end]).toEqual([anchor.start, anchor.end]);
    return;
  }
  // fuzzy: on the range the relative positions still delimit (text inside edited); or sharing an
  // edge with it and still resembling the quote (an edge was deleted); or on text found by the
  // quote, which differs from it by at most a quarter of its length.
  const [relStart, relEnd] = resolvedRange(doc, anchor);
  const onPositions = relStart === start && relEnd === end && end > start;
  const sharesEdge = (relStart === start || relEnd === end) && end > start;
  if (!onPositions && anchor.quote.exact.length > 0) {
    const alike = similarity(text.slice(start, end).normalize('NFC'), anchor.quote.exact.normalize('NFC'));
    // A match snapped outward off a surrogate pair may gain a character.
    expect(alike).toBeGreaterThanOrEqual((sharesEdge ? MIN_REPAIRED_SIMILARITY : MIN_QUOTE_SIMILARITY) - 2 / anchor.quote.exact.length);
  }
}

/** Identity ("client:clock") of each character of projection range [start, end) in `doc`. */
function charIds(doc: Y.Doc, start: number, end: number): string[] {
  const projection = projectFragment(doc.getXmlFragment('default'));
  const ids: string[] = [];
  for (const block of projection.textblocks) {
    for (const run of block.runs) {
      let at = block.start + run.offset;
      for (let item = run.text._start; item !== null; item = item.right) {
        if (item.deleted || !item.countable) continue;
        for (let k = 0; k < item.length; k++, at++) if (at >= start && at < end) ids.push(`${item.id.client}:${item.id.clock + k}`);
      }
    }
  }
  return ids;
}

/**
 * Never on other text: of the characters a result covers, those that already existed in the base
 * version must (but for the few an editor's diff keeps at a rewritten paragraph's edges) have
 * been inside the annotated range there.
 */
function checkNotOnOtherText(anchor: Anchor, result: Reanchored, base: Y.Doc, draft: Y.Doc): void {
  if (result.status === 'orphaned' || result.start === result.end) return;
  const inRange = new Set(charIds(base, anchor.start, anchor.end));
  const known = Y.decodeStateVector(Y.encodeStateVector(base));
  const ids = charIds(draft, result.start!, result.end!);
  const foreign = ids.filter((id) => {
    const [client, clock] = id.split(':').map(Number) as [number, number];
    return clock < (known.get(client) ?? 0) && !inRange.has(id);
  });
  expect(foreign.length, `on other text: ${JSON.stringify(result.quote)} for ${JSON.stringify(anchor.quote.exact)}`).toBeLessThanOrEqual(Math.ceil(ids.length / 4));
}

describe('anchoring under random edits', () => {
  it('keeps every annotation: exact/moved on their quote, fuzzy on similar text, orphaned with nulls', () => {
    fc.assert(
      fc.property(fc.array(rangeArb, { minLength: 1, maxLength: 25 }), fc.array(editArb, { maxLength: 30 }), (ranges, edits) => {
        const base = load();
        const anchors = annotate(base, ranges);
        const draft = new Y.Doc();
        Y.applyUpdate(draft, Y.encodeStateAsUpdate(base.doc));
        applyEdits(draft, edits);
        const projection = projectFragment(draft.getXmlFragment('default'));
        const results = reanchorAll(anchors, { doc: draft, projection, base: Y.encodeStateVector(base.doc) });
        expect(results).toHaveLength(anchors.length);
        results.forEach((result, i) => checkResult(anchors[i]!, result, projection.text, draft));
        results.forEach((result, i) => checkNotOnOtherText(anchors[i]!, result, base.doc, draft));
      }),
      params(120),
    );
  });

  it('re-anchors every annotation exactly into the unchanged base, with or without the doc', () => {
    fc.assert(
      fc.property(fc.array(rangeArb, { minLength: 1, maxLength: 25 }), (ranges) => {
        const base = load();
        for (const anchor of annotate(base, ranges)) {
          expect(reanchor(anchor, base)).toMatchObject({ status: 'exact', start: anchor.start, end: anchor.end, section: anchor.section });
          // Without the doc only the quote can decide, so the status is at best fuzzy.
          expect(reanchor(anchor, { projection: base.projection })).toMatchObject({ status: 'fuzzy', start: anchor.start, end: anchor.end });
        }
      }),
      params(60),
    );
  });

  it('finds every annotation by quote, at the same offsets, in a re-imported copy (no shared history)', () => {
    fc.assert(
      fc.property(fc.array(rangeArb, { minLength: 1, maxLength: 15 }), (ranges) => {
        const base = load();
        const anchors = annotate(base, ranges);
        const copy = load();
        reanchorAll(anchors, copy).forEach((result, i) => {
          expect(result).toMatchObject({ status: 'fuzzy', start: anchors[i]!.start, end: anchors[i]!.end, quote: anchors[i]!.quote.exact });
        });
      }),
      params(60),
    );
  });
});

describe('never confidently wrong', () => {
  const WORDS = ['Xã', 'Minh', 'Sơn', 'Hòa', 'đã', 'hoàn', 'thành', '19/19', 'tiêu', 'chí', 'nông', 'thôn', 'mới', 'năm', '2019', '2021', 'đạt', '52', 'triệu', 'đồng', '8,2%'];
  const sentence = fc.array(fc.constantFrom(...WORDS), { minLength: 4, maxLength: 14 });

  it('orphans an annotation whose paragraph was deleted while a look-alike (or a verbatim copy) stays elsewhere', () => {
    fc.assert(
      fc.property(sentence, fc.nat(20), fc.nat(), fc.nat(), fc.nat(), (words, change, from, length, at) => {
        const original = words.join(' ');
        const alike = [...words];
        if (change < words.length) alike[change] = WORDS[(WORDS.indexOf(words[change]!) + 1) % WORDS.length]!;
        const doc = new Y.Doc();
        importContent(doc, { format: 'markdown', value: `# I\n\n${original}\n\n# II\n\nMở đầu.\n\n${alike.join(' ')}\n` });
        const base: BaseVersion = { doc, projection: projectFragment(doc.getXmlFragment('default')) };
        const begin = base.projection.text.indexOf(original);
        const start = begin + (from % original.length);
        const anchor = anchorInBase(base, { start, end: Math.min(begin + original.length, start + 1 + (length % original.length)) });
        const draft = new Y.Doc();
        Y.applyUpdate(draft, Y.encodeStateAsUpdate(doc));
        const fragment = draft.getXmlFragment('default');
        fragment.delete(1, 1); // the original's paragraph (after heading I)
        const other = ((fragment.get(2) as Y.XmlElement).get(0) as Y.XmlText);
        other.insert(at % (other.length + 1), 'Thêm ');
        const projection = projectFragment(fragment);
        const result = reanchor(anchor, { doc: draft, projection, base: Y.encodeStateVector(doc) });
        expect(result.status, `${JSON.stringify(anchor.quote.exact)} landed on ${JSON.stringify(result.quote)}`).toBe('orphaned');
      }),
      params(200),
    );
  });
});

describe('a draft typed partly decomposed (NFD): anchors count in the NFC text (DESIGN.md "Normalisation")', () => {
  const WORDS = ['Xã', 'Minh Sơn', 'đã', 'hoàn thành', 'tiêu chí', 'nông thôn', 'mới', 'Nghị quyết', 'hộ nghèo', 'giảm', '8,2%', 'a', 'ế'];
  const sentenceArb = fc.array(fc.record({ word: fc.constantFrom(...WORDS), nfd: fc.boolean() }), { minLength: 3, maxLength: 25 });

  /** A base whose paragraph was typed word by word, some words decomposed; and the sentence in NFC. */
  function typed(words: { word: string; nfd: boolean }[]): { base: BaseVersion; nfc: string } {
    const doc = new Y.Doc();
    importContent(doc, { format: 'markdown', value: '## Mục một\n\nx' });
    const text = (doc.getXmlFragment('default').get(1) as Y.XmlElement).get(0) as Y.XmlText;
    text.delete(0, 1);
    text.insert(0, words.map(({ word, nfd }) => (nfd ? word.normalize('NFD') : word)).join(' '));
    return { base: { doc, projection: projectFragment(doc.getXmlFragment('default')) }, nfc: words.map((w) => w.word).join(' ') };
  }

  it('stores NFC offsets and quote, places them exactly in the version (NFC) and as typed (live), and keeps them through a precomposed retyping', () => {
    fc.assert(
      fc.property(sentenceArb, rangeArb, (words, { at, length }) => {
        const { base, nfc: sentence } = typed(words);
        const { nfc } = base.projection;
        const start = at % (nfc.text.length + 1);
        const end = Math.min(nfc.text.length, start + Math.max(1, length));
        const anchor = anchorInBase(base, { start, end });
        expect(anchor).toMatchObject({ start, end, quote: { exact: nfc.text.slice(start, end) } });
        expect(reanchor(anchor, { ...base, offsets: 'nfc' })).toMatchObject({ status: 'exact', start, end, quote: anchor.quote.exact });
        const live = reanchor(anchor, base);
        expect(live).toMatchObject({ status: 'exact', start: nfc.toSource(start), end: nfc.toSource(end) });
        expect(live.quote!.normalize('NFC')).toBe(anchor.quote.exact);

        // The drafter retypes the paragraph precomposed: never orphaned, on the same NFC text.
        const draft = new Y.Doc();
        Y.applyUpdate(draft, Y.encodeStateAsUpdate(base.doc));
        const text = (draft.getXmlFragment('default').get(1) as Y.XmlElement).get(0) as Y.XmlText;
        text.delete(0, text.length);
        text.insert(0, sentence);
        const projection = projectFragment(draft.getXmlFragment('default'));
        const placed = reanchor(anchor, { doc: draft, projection, base: Y.encodeStateVector(base.doc), offsets: 'nfc' });
        expect(['exact', 'moved']).toContain(placed.status);
        expect(projection.nfc.text.slice(placed.start!, placed.end!)).toBe(anchor.quote.exact);
      }),
      params(150),
    );
  });
});
