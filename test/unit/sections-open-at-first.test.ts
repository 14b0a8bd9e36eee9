import { describe, expect, it } from 'vitest';
import { sectionsOpenAtFirst } from '../../client/src/review/open-at-first.js';

describe('sectionsOpenAtFirst', () => {
  const sections = [
    { path: 'I', n: 3 },
    { path: 'II', n: 0 },
    { path: 'III', n: 2 },
  ];
  it('opens every section with something in it when the whole index is small', () => {
    expect(sectionsOpenAtFirst(sections, (s) => s.n, (s) => s.path, 5)).toEqual(new Set(['I', 'III']));
  });
  it('opens none in a larger index', () => {
    expect(sectionsOpenAtFirst(sections, (s) => s.n, (s) => s.path, 4)).toBeNull();
  });
});
