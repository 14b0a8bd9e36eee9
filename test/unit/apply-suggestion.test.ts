import { describe, expect, it } from 'vitest';
import * as Y from 'yjs';
import { anchorInBase } from '../../server/domain/anchoring.js';
import { replaceAnchoredText } from '../../server/domain/apply-suggestion.js';
import { importContent } from '../../server/domain/content-import.js';
import { projectFragment } from '../../server/domain/projection.js';

function draft(markdown: string): Y.Doc {
  const doc = new Y.Doc();
  importContent(doc, { format: 'markdown', value: markdown });
  return doc;
}

const textOf = (doc: Y.Doc) => projectFragment(doc.getXmlFragment('default')).text;

function anchorOn(doc: Y.Doc, quote: string) {
  const projection = projectFragment(doc.getXmlFragment('default'));
  // Anchor offsets are those of the version's NFC text (what `/content?version=n` serves).
  const start = projection.text.indexOf(quote);
  const { toNfc } = projection.nfc;
  return anchorInBase({ doc, projection }, { start: toNfc(start), end: toNfc(start + quote.length) });
}

describe('replaceAnchoredText', () => {
  it('replaces the anchored words in place, keeping their formatting', () => {
    const doc = draft('Diện tích lúa đạt **420 ha** năm nay.');
    const anchor = anchorOn(doc, '420 ha');
    replaceAnchoredText(doc, anchor, '450 ha');
    expect(textOf(doc)).toBe('Diện tích lúa đạt 450 ha năm nay.\n');
    const delta = (doc.getXmlFragment('default').get(0) as Y.XmlElement).get(0) as Y.XmlText;
    expect(delta.toDelta()).toContainEqual({ insert: '450 ha', attributes: { bold: {} } });
  });

  it('follows the passage after edits elsewhere', () => {
    const doc = draft('Mở đầu.\n\nDiện tích lúa đạt 420 ha.');
    const anchor = anchorOn(doc, '420 ha');
    const first = (doc.getXmlFragment('default').get(0) as Y.XmlElement).get(0) as Y.XmlText;
    first.insert(0, 'Phần ');
    replaceAnchoredText(doc, anchor, '450 ha');
    expect(textOf(doc)).toBe('Phần Mở đầu.\nDiện tích lúa đạt 450 ha.\n');
  });

  it('refuses when the anchored text changed, and changes nothing', () => {
    const doc = draft('Diện tích lúa đạt 420 ha.');
    const anchor = anchorOn(doc, '420 ha');
    const text = (doc.getXmlFragment('default').get(0) as Y.XmlElement).get(0) as Y.XmlText;
    text.delete(text.toString().indexOf('420'), 3);
    text.insert(text.toString().indexOf(' ha'), '430');
    expect(() => replaceAnchoredText(doc, anchor, '450 ha')).toThrow(expect.objectContaining({ code: 'conflict' }));
    expect(textOf(doc)).toBe('Diện tích lúa đạt 430 ha.\n');
  });

  it('refuses with the current text when the passage changed', () => {
    const doc = draft('Diện tích lúa đạt 420 ha.');
    const anchor = anchorOn(doc, '420 ha');
    const text = (doc.getXmlFragment('default').get(0) as Y.XmlElement).get(0) as Y.XmlText;
    text.delete(text.toString().indexOf('2'), 1);
    text.insert(text.toString().indexOf('0 ha'), '3');
    expect(() => replaceAnchoredText(doc, anchor, '450 ha')).toThrow(expect.objectContaining({ code: 'conflict', extra: { currentText: '430 ha' } }));
  });

  it('keeps a bold figure bold and does not spread the bold over the rest of the replacement', () => {
    const doc = draft('Thu nhập ước đạt **52** triệu đồng năm 2025.');
    const anchor = anchorOn(doc, 'ước đạt 52 triệu đồng');
    replaceAnchoredText(doc, anchor, 'đạt khoảng 55 triệu đồng');
    expect(textOf(doc)).toBe('Thu nhập đạt khoảng 55 triệu đồng năm 2025.\n');
    expect(firstText(doc).toDelta()).toEqual([
      { insert: 'Thu nhập đạt khoảng ' },
      { insert: '55', attributes: { bold: {} } },
      { insert: ' triệu đồng năm 2025.' },
    ]);
  });

  it('replaces across two paragraphs, joining them, and across formatting runs', () => {
    const doc = draft('Câu *một* hay.\n\nCâu hai **đậm** nữa.');
    const projection = projectFragment(doc.getXmlFragment('default'));
    const start = projection.text.indexOf('hay.');
    const end = projection.text.indexOf(' nữa');
    const anchor = anchorInBase({ doc, projection }, { start, end });
    replaceAnchoredText(doc, anchor, 'hay, câu hai đậm');
    expect(textOf(doc)).toBe('Câu một hay, câu hai đậm nữa.\n');
    expect(firstText(doc).toDelta()).toContainEqual({ insert: 'đậm', attributes: { bold: {} } });
  });

  it('applies after the passage was retyped (delete and re-insert) and after its paragraph moved', () => {
    const doc = draft('Mở đầu.\n\nDiện tích lúa đạt 420 ha.\n\nKết thúc.');
    const base = Y.encodeStateVector(doc);
    const anchor = anchorOn(doc, 'lúa đạt 420 ha');
    const fragment = doc.getXmlFragment('default');
    // Move: the paragraph deleted and inserted again at the end, as an editor writes a drag.
    const moved = new Y.XmlElement('paragraph');
    const movedText = new Y.XmlText();
    moved.insert(0, [movedText]);
    fragment.delete(1, 1);
    fragment.insert(fragment.length, [moved]);
    movedText.insert(0, 'Diện tích lúa đạt 420 ha.');
    replaceAnchoredText(doc, anchor, 'lúa đạt 450 ha', base);
    expect(textOf(doc)).toBe('Mở đầu.\nKết thúc.\nDiện tích lúa đạt 450 ha.\n');
  });

  it('applies a quote typed decomposed (NFD) where the text was retyped precomposed', () => {
    const doc = draft('x');
    const text = firstText(doc);
    text.delete(0, 1);
    text.insert(0, 'Tỷ lệ hộ nghèo giảm.'.normalize('NFD'));
    const base = Y.encodeStateVector(doc);
    const anchor = anchorOn(doc, 'hộ nghèo'.normalize('NFD'));
    text.delete(0, text.length);
    text.insert(0, 'Tỷ lệ hộ nghèo giảm.');
    replaceAnchoredText(doc, anchor, 'hộ cận nghèo', base);
    expect(textOf(doc)).toBe('Tỷ lệ hộ cận nghèo giảm.\n');
  });
});

function firstText(doc: Y.Doc): Y.XmlText {
  return (doc.getXmlFragment('default').get(0) as Y.XmlElement).get(0) as Y.XmlText;
}
