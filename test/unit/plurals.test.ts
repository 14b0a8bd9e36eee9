/** Counts in the web client's words: "1 comment", "2 comments" in English; Vietnamese unchanged. */
import { afterEach, describe, expect, it } from 'vitest';
import { lang, pluralize, t } from '../../client/src/ui/i18n.js';
import { en } from '../../client/src/ui/en.js';
import { vi, type MessageKey } from '../../client/src/ui/vi.js';

// Plural nouns that follow a count in English messages.
const COUNTED = /\b1 (?:of 1 )?(comments|points|units|members|characters|people|replies|packages|rounds|versions|days|hours|minutes|notifications|rows|member rows|problems|errors|codes|letters|sections|passages|words|items)\b/i;
const fillAll = (template: string, value: number) => Object.fromEntries(Array.from(template.matchAll(/\{(\w+)/g), (m) => [m[1]!, value]));

describe('plurals', () => {
  afterEach(() => lang.set('vi'));

  it('says 1 comment, 2 comments and 0 comments in English', () => {
    lang.set('en');
    expect(t('countComments', { count: 1 })).toBe('1 comment');
    expect(t('countComments', { count: 2 })).toBe('2 comments');
    expect(t('countComments', { count: 0 })).toBe('0 comments');
    expect(t('unitsSent', { sent: 1, total: 3 })).toBe('1 of 3 units has sent');
    expect(t('unitsSent', { sent: 2, total: 3 })).toBe('2 of 3 units have sent');
    expect(t('decidePoint', { n: 2 })).toBe('Decide both comments');
    expect(t('decidePoint', { n: 5 })).toBe('Decide all 5 comments');
  });

  it('never writes "1 comments" (or points, units, …) in any English message', () => {
    lang.set('en');
    for (const key of Object.keys(en) as MessageKey[]) {
      const text = t(key, fillAll(en[key], 1));
      expect(text, key).not.toMatch(COUNTED);
      expect(text, key).not.toContain(', plural,');
    }
  });

  it('keeps Vietnamese counts plain (no plural forms)', () => {
    lang.set('vi');
    expect(t('countComments', { count: 1 })).toBe('1 ý kiến');
    expect(t('countComments', { count: 2 })).toBe('2 ý kiến');
    for (const key of Object.keys(vi) as MessageKey[]) expect(t(key, fillAll(vi[key], 1)), key).not.toContain(', plural,');
  });

  it('takes an exact =N form before the category, and leaves a block without its number alone', () => {
    lang.set('en');
    expect(pluralize('{n, plural, =0 {none} one {# item} other {# items}}', { n: 0 })).toBe('none');
    expect(pluralize('{n, plural, one {# item} other {# items}}', { n: 21 })).toBe('21 items');
    expect(pluralize('{n, plural, one {# item} other {# items}}', {})).toBe('{n, plural, one {# item} other {# items}}');
  });
});
