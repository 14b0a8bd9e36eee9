/** The bundle check of scripts/check-bundle.mjs: what counts as the member's first screen, and when it fails. */
import { randomBytes } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { BUDGET_BYTES, ON_DEMAND, firstScreen } from '../../scripts/check-bundle.mjs';

// Random bytes do not compress: n of them gzip to a little over n.
const noise = (n: number) => randomBytes(n);
const lazy = Object.fromEntries(ON_DEMAND.map((src) => [src, { file: `assets/${src}.js`, src, isDynamicEntry: true, imports: ['index.html'] }]));

describe('the member’s first-screen budget', () => {
  it('counts the entry and what it imports statically, never the chunks fetched on demand', () => {
    const files: Record<string, Buffer> = { 'assets/index.js': noise(1000), 'assets/shared.js': noise(500), 'assets/index.css': Buffer.from('a{}') };
    for (const src of ON_DEMAND) files[`assets/${src}.js`] = noise(100_000);
    const manifest = {
      'index.html': { file: 'assets/index.js', isEntry: true, imports: ['_shared.js'], dynamicImports: ON_DEMAND, css: ['assets/index.css'] },
      '_shared.js': { file: 'assets/shared.js' },
      ...lazy,
    };
    const result = firstScreen(manifest, (file: string) => files[file]!);
    expect(result.files.map((f) => f.file).sort()).toEqual(['assets/index.css', 'assets/index.js', 'assets/shared.js']);
    expect(result.problems).toEqual([]);
    expect(result.jsGzip).toBeGreaterThan(0);
    expect(result.jsGzip).toBeLessThan(3000);
  });

  it('fails over the budget', () => {
    const manifest = { 'index.html': { file: 'assets/index.js', isEntry: true }, ...lazy };
    const result = firstScreen(manifest, () => noise(BUDGET_BYTES + 10_000));
    expect(result.problems).toEqual([expect.stringMatching(/over the budget of 250000/)]);
  });

  it('fails when a drafters’ view is imported statically', () => {
    const manifest = {
      'index.html': { file: 'assets/index.js', isEntry: true, imports: ['src/editor/drafting.ts'] },
      ...lazy,
      'src/ui/new-draft.tsx': { file: 'assets/new-draft.js' },
    };
    const result = firstScreen(manifest, () => noise(10));
    expect(result.problems).toEqual(['src/editor/drafting.ts is loaded by the first screen', 'src/ui/new-draft.tsx is not a chunk of its own fetched on demand']);
  });
});
