/**
 * bench/support/collab-process.ts under the V8 sampling profiler, for the part of a benchmark that
 * matters: SIGUSR2 starts profiling, exit stops it and writes `$BENCH_CPU_PROFILE` (a
 * `.cpuprofile`). (`--cpu-prof` is refused in NODE_OPTIONS and profiles start-up too.)
 */
import { writeFileSync } from 'node:fs';
import { Session } from 'node:inspector';

const target = process.env.BENCH_CPU_PROFILE;
if (!target) throw new Error('BENCH_CPU_PROFILE (the .cpuprofile to write) is required');
const session = new Session();
session.connect();
let started = false;
process.on('SIGUSR2', () => {
  if (started) return;
  started = true;
  session.post('Profiler.enable', () => session.post('Profiler.setSamplingInterval', { interval: 500 }, () => session.post('Profiler.start')));
});
// The in-thread session answers synchronously, so this completes inside the exit handler.
process.once('exit', () => {
  if (!started) return;
  session.post('Profiler.stop', (error, result) => {
    if (!error) writeFileSync(target, JSON.stringify(result.profile));
  });
});

await import('./collab-process.js');
