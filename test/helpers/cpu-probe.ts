/**
 * Opt-in (`TEST_CPU_LOG=<file>`, vitest.config.ts): appends one JSON line per test file with the
 * CPU this worker process spent on it (user + system, ms) while importing it (collection) and
 * running its tests, and the wall time of each, to see where `npm test`'s time goes on a loaded
 * machine. PostgreSQL, Chromium and servers run as child processes are not counted here.
 */
import { appendFileSync } from 'node:fs';
import { afterAll, beforeAll, expect } from 'vitest';

const cpu = () => {
  const { user, system } = process.cpuUsage();
  return (user + system) / 1000;
};
const file = process.env.TEST_CPU_LOG!;
const start = { cpu: cpu(), wall: performance.now() };
const bootCpuMs = Math.round(start.cpu);
let collected = start;

beforeAll(() => {
  collected = { cpu: cpu(), wall: performance.now() };
});

afterAll(() => {
  const end = { cpu: cpu(), wall: performance.now() };
  const name = expect.getState().testPath ?? '?';
  appendFileSync(
    file,
    JSON.stringify({
      file: name.replace(/^.*?\/test\//, 'test/'),
      pid: process.pid,
      bootCpuMs,
      importCpuMs: Math.round(collected.cpu - start.cpu),
      importWallMs: Math.round(collected.wall - start.wall),
      testsCpuMs: Math.round(end.cpu - collected.cpu),
      testsWallMs: Math.round(end.wall - collected.wall),
    }) + '\n',
  );
});
