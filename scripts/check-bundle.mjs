// After `vite build`: measures the JavaScript a member's first screen loads — the entry chunk and
// every chunk it imports statically (modulepreloaded by index.html), gzipped (level 9, as served
// from the .gz files) — from client/dist/.vite/manifest.json, and fails (exit 1) when it is over
// the budget of issue 15 (250 kB = 250,000 bytes), or when a view only drafters, reviewers,
// secretaries or admins use has slipped into it (it must stay a chunk fetched on demand).
// `node scripts/check-bundle.mjs [distDir]`; `firstScreen()` is unit-tested (test/unit/bundle-budget.test.ts).
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { gzipSync } from 'node:zlib';

/** The budget of the member's first screen, gzipped bytes (issue 15: "under 250 kB"). */
export const BUDGET_BYTES = 250_000;

/** Sources that must each stay a chunk of their own, fetched with a dynamic import. */
export const ON_DEMAND = ['src/editor/drafting.ts', 'src/ui/new-draft.tsx', 'src/diff/diff-view.tsx', 'src/review/review-view.tsx', 'src/review/feedback-view.tsx', 'src/review/participation-view.tsx', 'src/notifications/audit-view.tsx', 'src/admin/admin-view.tsx'];

/**
 * What the first screen loads, from a Vite manifest (`{[key]: {file, isEntry?, imports?, css?}}`).
 * @param {Record<string, {file: string, isEntry?: boolean, imports?: string[], css?: string[]}>} manifest
 * @param {(file: string) => Buffer} read reads a file of the build by its manifest path
 * @returns {{files: {file: string, gzip: number}[], jsGzip: number, cssGzip: number, problems: string[]}}
 */
export function firstScreen(manifest, read) {
  const entry = Object.keys(manifest).find((key) => manifest[key].isEntry);
  if (!entry) return { files: [], jsGzip: 0, cssGzip: 0, problems: ['no entry chunk in the manifest'] };
  const seen = new Set();
  const walk = (key) => {
    if (seen.has(key)) return;
    seen.add(key);
    for (const next of manifest[key]?.imports ?? []) walk(next);
  };
  walk(entry);
  const files = [];
  let jsGzip = 0;
  let cssGzip = 0;
  for (const key of seen) {
    const chunk = manifest[key];
    const gzip = gzipSync(read(chunk.file), { level: 9 }).length;
    files.push({ file: chunk.file, gzip });
    jsGzip += gzip;
    for (const css of chunk.css ?? []) {
      const size = gzipSync(read(css), { level: 9 }).length;
      files.push({ file: css, gzip: size });
      cssGzip += size;
    }
  }
  const problems = [];
  if (jsGzip > BUDGET_BYTES) problems.push(`first-screen JavaScript is ${jsGzip} bytes gzipped, over the budget of ${BUDGET_BYTES}`);
  for (const source of ON_DEMAND) {
    if (!manifest[source]?.isDynamicEntry) problems.push(`${source} is not a chunk of its own fetched on demand`);
    else if (seen.has(source)) problems.push(`${source} is loaded by the first screen`);
  }
  return { files, jsGzip, cssGzip, problems };
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const dist = path.resolve(process.argv[2] ?? path.join(path.dirname(fileURLToPath(import.meta.url)), '../client/dist'));
  const manifestPath = path.join(dist, '.vite', 'manifest.json');
  if (!existsSync(manifestPath)) {
    console.error(`check-bundle: ${manifestPath} is missing (build.manifest in client/vite.config.ts)`);
    process.exit(1);
  }
  const result = firstScreen(JSON.parse(readFileSync(manifestPath, 'utf8')), (file) => readFileSync(path.join(dist, file)));
  for (const { file, gzip } of result.files) console.log(`  ${file}  ${(gzip / 1000).toFixed(2)} kB gzip`);
  console.log(`member's first screen: JavaScript ${(result.jsGzip / 1000).toFixed(2)} kB gzip (budget ${BUDGET_BYTES / 1000} kB), CSS ${(result.cssGzip / 1000).toFixed(2)} kB gzip`);
  for (const problem of result.problems) console.error(`check-bundle: ${problem}`);
  if (result.problems.length > 0) process.exit(1);
}
