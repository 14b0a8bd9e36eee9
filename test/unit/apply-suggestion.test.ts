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
  const start = projection.text.indexOf(quote);
  return anchorInBase({ doc, projection }, { start, end: start + quote.length });
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

  it('refuses a passage spanning two paragraphs', () => {
    const doc = draft('Câu một.\n\nCâu hai.');
    const projection = projectFragment(doc.getXmlFragment('default'));
    const anchor = anchorInBase({ doc, projection }, { start: 4, end: 13 });
    expect(() => replaceAnchoredText(doc, anchor, 'x')).toThrow(/several paragraphs/);
    expect(textOf(doc)).toBe('Câu một.\nCâu hai.\n');
  });
});
