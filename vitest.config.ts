import { existsSync } from 'node:fs';
import { availableParallelism } from 'node:os';
import { fileURLToPath } from 'node:url';
import { configDefaults, defineConfig } from 'vitest/config';

// Browser tests (test/e2e) drive Debian's Chromium; without it they are left out, and said so.
const chromium = '/usr/bin/chromium';
const browserTests = existsSync(chromium);
if (!browserTests) console.log(`browser tests (test/e2e) not run: ${chromium} is missing (apt-get install -y chromium)`);

const here = (path: string) => fileURLToPath(new URL(path, import.meta.url));

export default defineConfig({
  // The client's aliases (client/vite.config.ts), for tests that import client modules.
  resolve: { alias: { '@domain': here('server/domain'), '@schemas': here('server/http/schemas'), '@errors': here('server/errors.ts') } },
  test: {
    // Byte arrays compared whole (byte-equality.ts); TEST_CPU_LOG=<file>: one line per file with
    // the CPU its worker spent importing and running it (cpu-probe.ts).
    setupFiles: ['test/helpers/byte-equality.ts', ...(process.env.TEST_CPU_LOG ? ['test/helpers/cpu-probe.ts'] : [])],
    testTimeout: 30_000,
    hookTimeout: 60_000,
    pool: 'forks',
    // vitest's default (cores − 1) runs one file at a time on 2 cores, while a file keeps about one
    // core busy (its server, Chromium and PostgreSQL mostly take turns): two at a time at least.
    maxWorkers: Math.max(2, availableParallelism() - 1),
    // Property tests print their seed; keep the output readable.
    reporters: ['default'],
    // One project: vitest then interleaves the short unit files with the long browser files. Two
    // projects (unit files sharing a process, isolate: false) queued every unit file after every
    // browser file, and the suite took 665 s instead of 595 s on a quiet 2-core machine.
    include: ['test/**/*.test.ts'],
    exclude: [...configDefaults.exclude, ...(browserTests ? [] : ['test/e2e/**'])],
    globalSetup: ['test/helpers/global-setup.ts'],
  },
});
