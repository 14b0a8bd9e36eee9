import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { canonicalJson, contentHash } from '../../server/domain/content-hash.js';

describe('package content hash (RFC 8785)', () => {
  it('serialises as RFC 8785 section 3.2.2 example does', () => {
    // The RFC's sorting example: keys in UTF-16 code-unit order, numbers in ECMAScript form.
    const input = { '\u20ac': 'Euro Sign', '\r': 'Carriage Return', '\ufb33': 'Hebrew Letter Dalet With Dagesh', '1': 'One', '\ud83d\ude00': 'Emoji: Grinning Face', '\u0080': 'Control', '\u00f6': 'Latin Small Letter O With Diaeresis' };
    expect(canonicalJson(input)).toBe(
      '{"\\r":"Carriage Return","1":"One","\u0080":"Control","ö":"Latin Small Letter O With Diaeresis","€":"Euro Sign","😀":"Emoji: Grinning Face","\ufb33":"Hebrew Letter Dalet With Dagesh"}',
    );
    expect(canonicalJson({ numbers: [333333333.33333329, 1e30, 4.5, 0.002, 1e-27] })).toBe('{"numbers":[333333333.3333333,1e+30,4.5,0.002,1e-27]}');
  });

  it('does not depend on key order and is sha256 of the canonical form', () => {
    const a = { items: [{ b: 1, a: 'Đề nghị' }], note: null };
    const b = { note: null, items: [{ a: 'Đề nghị', b: 1 }] };
    expect(contentHash(a)).toBe(contentHash(b));
    expect(contentHash(a)).toBe(`sha256:${createHash('sha256').update('{"items":[{"a":"Đề nghị","b":1}],"note":null}').digest('hex')}`);
  });

  it('refuses values JSON cannot carry', () => {
    expect(() => canonicalJson({ x: Number.NaN })).toThrow();
  });
});
