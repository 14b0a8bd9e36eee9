import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { cleanText, isClean, nfcView } from '../../server/domain/text-normal.js';

describe('cleanText', () => {
  it('removes control characters but tab and newline, and normalises line endings', () => {
    expect(cleanText('a\u0000b\u0007c\td\r\ne\rf\u007f\u0085g')).toBe('abc\td\ne\nfg');
  });
  it('turns lone surrogates into U+FFFD and keeps pairs', () => {
    expect(cleanText('x\ud83d')).toBe('x\ufffd');
    expect(cleanText('\ude00y')).toBe('\ufffdy');
    expect(cleanText('😀')).toBe('😀');
  });
  it('composes to NFC', () => {
    expect(cleanText('Vie\u0302\u0323t Nam')).toBe('Việt Nam');
  });
  it('is idempotent and agrees with isClean', () => {
    fc.assert(
      fc.property(fc.string({ unit: 'binary' }), (s) => {
        const once = cleanText(s);
        expect(cleanText(once)).toBe(once);
        expect(isClean(once)).toBe(true);
        expect(isClean(s)).toBe(once === s);
      }),
    );
  });
});

describe('nfcView', () => {
  it('is the identity on NFC text', () => {
    const view = nfcView('Việt Nam');
    expect(view.identity).toBe(true);
    expect(view.toSource(3)).toBe(3);
  });
  it('maps offsets of a decomposed Vietnamese sentence both ways', () => {
    const source = 'tăng trưởng'.normalize('NFD');
    const view = nfcView(source);
    expect(view.text).toBe('tăng trưởng');
    const nfcStart = view.text.indexOf('trưởng');
    const sourceStart = view.toSource(nfcStart);
    expect(source.slice(sourceStart, view.toSource(view.text.length)).normalize('NFC')).toBe('trưởng');
    expect(view.toNfc(sourceStart)).toBe(nfcStart);
  });
  it('maps an offset inside a character whose marks NFC reorders to that character\'s start', () => {
    // From the projection property test's seed -1785740610: e + acute + dot below → ẹ + acute.
    const view = nfcView('xe\u0301\u0323y');
    expect(view.text).toBe('x\u1eb9\u0301y');
    expect(view.toSource(2)).toBe(1);
    expect(view.toNfc(view.toSource(2))).toBe(1);
    expect(view.toSource(3)).toBe(4);
    expect(view.toNfc(4)).toBe(3);
  });

  it('maps monotonically, ends to ends, and slices to the same NFC text', () => {
    const text = fc.array(fc.constantFrom('a', 'e', 'ư', 'ơ', '\u0301', '\u0323', '\u0302', ' ', 'ộ'.normalize('NFD'), '😀', '\u1100\u1161'), { maxLength: 40 }).map((parts) => parts.join(''));
    fc.assert(
      fc.property(text, fc.nat(), fc.nat(), (source, a, b) => {
        const view = nfcView(source);
        expect(view.toSource(0)).toBe(0);
        expect(view.toSource(view.text.length)).toBe(source.length);
        expect(view.toNfc(source.length)).toBe(view.text.length);
        let last = 0;
        for (let i = 0; i <= view.text.length; i++) {
          const j = view.toSource(i);
          expect(j).toBeGreaterThanOrEqual(last);
          last = j;
        }
        // A range on character boundaries of the NFC text maps to a source range with the same NFC text.
        const [start, end] = [a % (view.text.length + 1), b % (view.text.length + 1)].sort((x, y) => x - y) as [number, number];
        const back = source.slice(view.toSource(start), view.toSource(end)).normalize('NFC');
        const boundary = (i: number) => view.toNfc(view.toSource(i)) === i;
        if (boundary(start) && boundary(end)) expect(back).toBe(view.text.slice(start, end));
      }),
    );
  });
});
