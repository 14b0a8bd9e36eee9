/**
 * `npm run bench:startup`: how long `npm start` takes to answer GET /healthz 200, as users run it:
 * `npm start` builds once if needed (`prestart`, timed apart here) and runs the compiled
 * `node dist/server/main.js`, which this times on an empty DATA_DIR (initdb of the embedded
 * PostgreSQL, migrations, admin, demo workspace) and again on the same DATA_DIR (everything
 * already there). The same second start under tsx (`node --import tsx server/main.ts`, what the
 * tests and other benches run) is the in-run baseline. Each run is stopped with SIGTERM and must
 * exit 0. CPU seconds are the server's and its PostgreSQL's (postmaster and backends) until healthy.
 */
import { spawn, spawnSync } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { printHeader } from './support/env.js';
import { postmasterPid, treeCpuSeconds } from './support/process-tree.js';
import { runMain } from './support/run.js';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
/** What `npm start` runs after its `prestart` build (package.json). */
const compiled = ['node', 'dist/server/main.js'];
const underTsx = ['node', '--import', 'tsx', 'server/main.ts'];

interface Run {
  seconds: number;
  /** CPU seconds of the server, the postmaster and its backends, from spawn until healthy. */
  cpuSeconds: number;
  exitCode: number | null;
  stopSeconds: number;
}

async function startOnce(dataDir: string, command: readonly string[]): Promise<Run> {
  const port = await freePort();
  const env: NodeJS.ProcessEnv = { ...process.env, DATA_DIR: dataDir, DEMO: '1', PORT: String(port), ADMIN_PASSWORD: 'bench-admin-password', LOG_LEVEL: 'warn' };
  delete env.DATABASE_URL;
  const started = performance.now();
  const child = spawn(command[0]!, command.slice(1), { cwd: root, env, stdio: ['ignore', 'pipe', 'pipe'] });
  let output = '';
  child.stdout.on('data', (chunk: Buffer) => (output += chunk.toString()));
  child.stderr.on('data', (chunk: Buffer) => (output += chunk.toString()));
  const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
  let done = false;
  void exited.then(() => (done = true));

  try {
    for (;;) {
      if (done) throw new Error(`server exited before it was healthy:\n${output}`);
      if (performance.now() - started > 120_000) throw new Error(`not healthy after 120 s:\n${output}`);
      const ok = await fetch(`http://127.0.0.1:${port}/healthz`).then(
        (r) => r.status === 200,
        () => false,
      );
      if (ok) break;
      await new Promise((resolve) => setTimeout(resolve, 25));
    }
  } catch (error) {
    child.kill('SIGKILL');
    throw error;
  }
  const seconds = (performance.now() - started) / 1000;
  const postmaster = postmasterPid(dataDir);
  const cpuSeconds = treeCpuSeconds(child.pid!) + (postmaster ? treeCpuSeconds(postmaster) : 0);
  const stopping = performance.now();
  child.kill('SIGTERM');
  const exitCode = await exited;
  if (exitCode !== 0) throw new Error(`SIGTERM exit code ${exitCode}, expected 0:\n${output}`);
  return { seconds, cpuSeconds, exitCode, stopSeconds: (performance.now() - stopping) / 1000 };
}

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const probe = net.createServer();
    probe.on('error', reject);
    probe.listen(0, '127.0.0.1', () => {
      const address = probe.address();
      probe.close(() => (typeof address === 'object' && address ? resolve(address.port) : reject(new Error('no port'))));
    });
  });
}

async function main(): Promise<void> {
  printHeader('bench:startup', '`npm start` (the compiled `node dist/server/main.js`) until GET /healthz answers 200, DEMO=1, embedded PostgreSQL');
  // npm start's prestart: compiles only when a source is newer than the last build.
  const building = performance.now();
  const build = spawnSync(process.execPath, ['scripts/build-server.mjs', '--if-needed'], { cwd: root, stdio: 'inherit' });
  if (build.status !== 0) throw new Error(`build failed (exit ${build.status})`);
  const buildSeconds = (performance.now() - building) / 1000;
  const dataDir = await mkdtemp(path.join(os.tmpdir(), 'draftroom-startup-'));
  try {
    const empty = await startOnce(dataDir, compiled);
    const existing = await startOnce(dataDir, compiled);
    const baseline = await startOnce(dataDir, underTsx);
    const line = (label: string, run: Run) =>
      console.log(`  ${label.padEnd(44)} ${run.seconds.toFixed(2).padStart(6)} s to healthy, ${run.cpuSeconds.toFixed(2).padStart(5)} s CPU   (SIGTERM → exit ${run.exitCode} in ${run.stopSeconds.toFixed(2)} s)`);
    console.log(`  prestart build (--if-needed)       ${buildSeconds.toFixed(2).padStart(6)} s`);
    line(`\`${compiled.join(' ')}\`, empty DATA_DIR`, empty);
    line(`\`${compiled.join(' ')}\`, existing`, existing);
    line('baseline: tsx, existing DATA_DIR', baseline);
    console.log(`  compiled / tsx, existing DATA_DIR: ${(existing.seconds / baseline.seconds).toFixed(2)}× the wall time, ${(existing.cpuSeconds / baseline.cpuSeconds).toFixed(2)}× the CPU`);
    console.log(`load average at end: ${os.loadavg().map((l) => l.toFixed(2)).join(' ')} (1/5/15 min)`);
  } finally {
    await rm(dataDir, { recursive: true, force: true });
  }
}

runMain(main);
