import { existsSync } from 'node:fs';
import { configDefaults, defineConfig } from 'vitest/config';

// Browser tests (test/e2e) drive Debian's Chromium; without it they are left out, and said so.
const chromium = '/usr/bin/chromium';
const browserTests = existsSync(chromium);
if (!browserTests) console.log(`browser tests (test/e2e) not run: ${chromium} is missing (apt-get install -y chromium)`);

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    exclude: [...configDefaults.exclude, ...(browserTests ? [] : ['test/e2e/**'])],
    globalSetup: ['test/helpers/global-setup.ts'],
    testTimeout: 30_000,
    hookTimeout: 60_000,
    pool: 'forks',
    // Property tests print their seed; keep the output readable.
    reporters: ['default'],
  },
});
