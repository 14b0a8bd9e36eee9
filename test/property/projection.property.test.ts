/**
 * Seeded random multi-peer edits (after yjs's tests/testHelper.js `applyRandomTests`): three
 * Y.Docs edit the XmlFragment the way y-prosemirror does (insert/delete text, insert and delete
 * blocks, split and merge textblocks, hard breaks, formatting), syncing random pairs as they go.
 * fast-check prints the seed and path of a failure; replay with `{ seed, path }` in fc.assert.
 */
import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import * as Y from 'yjs';
import { offsetOfRelativePosition, projectFragment, relativePositionAt, type Projection } from '../../server/domain/projection.js';
import { isTextblock, opArb, plain, replicas, run } from './random-drafts.js';

/** An independent, naive projection to compare against. */
function oracle(type: Y.XmlFragment | Y.XmlElement): string {
  return type
    .toArray()
    .map((child) => {
      if (isTextblock(child)) return `${child.toArray().map((c) => (c instanceof Y.XmlText ? plain(c) : c instanceof Y.XmlElement && c.nodeName === 'hardBreak' ? '\n' : '')).join('')}\n`;
      return child instanceof Y.XmlElement ? oracle(child) : '';
    })
    .join('');
}

/** Live text as the projection shows it: one code unit for one, never a control or half a pair. */
function shown(raw: string): string {
  let out = '';
  for (let i = 0; i < raw.length; i++) {
    const c = raw.charCodeAt(i);
    const pair = c >= 0xd800 && c <= 0xdbff && i + 1 < raw.length && raw.charCodeAt(i + 1) >= 0xdc00 && raw.charCodeAt(i + 1) <= 0xdfff;
    if (pair) {
      out += raw.slice(i, i + 2);
      i++;
    } else if (c >= 0xd800 && c <= 0xdfff) out += '\ufffd';
    else if (c === 0x0d || c === 0x0b || c === 0x0c) out += ' ';
    else if ((c < 0x20 && c !== 0x09 && c !== 0x0a) || (c >= 0x7f && c <= 0x9f)) out += '\ufffd';
    else out += raw[i];
  }
  return out;
}

function checkConsistent(docs: Y.Doc[]): Projection[] {
  const projections = docs.map((d) => projectFragment(d.getXmlFragment('default')));
  const [first] = projections;
  for (const p of projections) {
    expect(p.text).toBe(first!.text); // (a) all replicas agree
    expect(p.sections).toEqual(first!.sections);
    expect(p.text).toBe(shown(oracle(p.fragment)));
    expect(p.text.isWellFormed()).toBe(true);
  }
  const { text, sections, nfc } = first!;
  for (const [t, ss] of [[text, sections], [nfc.text, nfc.sections]] as const) {
    if (t.length === 0) expect(ss).toEqual([]);
    else {
      expect(ss[0]!.start).toBe(0); // (c) sections tile the text, in the projection and its NFC form
      ss.forEach((s, i) => expect(s.start).toBe(i === 0 ? 0 : ss[i - 1]!.end));
      expect(ss[ss.length - 1]!.end).toBe(t.length);
    }
  }
  // (e) the NFC form: same paths and titles; its offsets reach Yjs through toSource
  expect(nfc.text).toBe(text.normalize('NFC'));
  expect(nfc.sections.map((s) => [s.path, s.title])).toEqual(sections.map((s) => [s.path, s.title]));
  for (let i = 0; i <= nfc.text.length && !nfc.identity; i++) {
    const source = nfc.toSource(i);
    // An offset inside a character recomposed from several code units (marks reordered by NFC:
    // "e\u0301\u0323" → "ẹ\u0301") maps to that character's start (text-normal.ts NfcView).
    const back = nfc.toNfc(source);
    expect(back).toBeLessThanOrEqual(i);
    expect(nfc.toSource(back)).toBe(source);
    if (back === i && i > 0) expect(text.slice(0, source).normalize('NFC')).toBe(nfc.text.slice(0, i));
    const rpos = relativePositionAt(first!, source);
    expect(nfc.toNfc(offsetOfRelativePosition(docs[0]!, docs[0]!.getXmlFragment('default'), rpos, first)!)).toBe(back);
  }
  for (let offset = 0; offset <= text.length; offset++) {
    for (const assoc of [0, -1]) {
      const rpos = relativePositionAt(first!, offset, assoc); // (b) every offset round-trips, on every replica
      docs.forEach((d, i) => expect(offsetOfRelativePosition(d, d.getXmlFragment('default'), rpos, projections[i])).toBe(offset));
    }
  }
  return projections;
}

describe('projection under concurrent edits', () => {
  it('converges, round-trips every offset, tiles sections and keeps anchors on their characters', () => {
    fc.assert(
      fc.property(fc.array(opArb, { maxLength: 30 }), fc.array(opArb, { maxLength: 30 }), (before, after) => {
        const docs = replicas();
        run(docs, before);
        const [p0] = checkConsistent(docs);
        // (d) anchors taken now, checked after more concurrent edits
        const anchors = [...p0!.text].length === 0 ? [] : Array.from({ length: p0!.text.length }, (_, offset) => ({
          rpos: relativePositionAt(p0!, offset),
          char: p0!.text[offset]!,
        })).filter((a) => a.rpos.item !== null);
        run(docs, after);
        const projections = checkConsistent(docs);
        docs.forEach((doc, i) => {
          for (const { rpos, char } of anchors) {
            const struct = Y.getItem(doc.store, rpos.item!);
            if (!(struct instanceof Y.Item) || struct.deleted) continue;
            const offset = offsetOfRelativePosition(doc, doc.getXmlFragment('default'), rpos, projections[i]);
            expect(offset).not.toBeNull();
            expect(projections[i]!.text[offset!]).toBe(char);
          }
        });
      }),
      { numRuns: 150 },
    );
  });
});
