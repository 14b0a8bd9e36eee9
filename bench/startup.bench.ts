/**
 * `npm run bench:startup`: how long `npm start` takes to answer GET /healthz 200, on an empty
 * DATA_DIR (initdb of the embedded PostgreSQL, migrations, admin, demo workspace) and again on the
 * same DATA_DIR (everything already there). Each run is stopped with SIGTERM and must exit 0.
 */
import { spawn } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { runMain } from './support/run.js';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const command = ['node', '--import', 'tsx', 'server/main.ts'];

interface Run {
  seconds: number;
  exitCode: number | null;
  stopSeconds: number;
}

async function startOnce(dataDir: string): Promise<Run> {
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
  const stopping = performance.now();
  child.kill('SIGTERM');
  const exitCode = await exited;
  if (exitCode !== 0) throw new Error(`SIGTERM exit code ${exitCode}, expected 0:\n${output}`);
  return { seconds, exitCode, stopSeconds: (performance.now() - stopping) / 1000 };
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
  const dataDir = await mkdtemp(path.join(os.tmpdir(), 'draftroom-startup-'));
  try {
    const empty = await startOnce(dataDir);
    const existing = await startOnce(dataDir);
    console.log(`bench:startup — \`${command.join(' ')}\` (what npm start runs) until GET /healthz answers 200`);
    console.log(`machine: ${os.cpus().length} cores (${os.cpus()[0]?.model ?? 'unknown'}), node ${process.version}, embedded PostgreSQL, DEMO=1`);
    console.log('command: npm run bench:startup');
    console.log(`  empty DATA_DIR     ${empty.seconds.toFixed(2).padStart(6)} s to healthy   (SIGTERM → exit ${empty.exitCode} in ${empty.stopSeconds.toFixed(2)} s)`);
    console.log(`  existing DATA_DIR  ${existing.seconds.toFixed(2).padStart(6)} s to healthy   (SIGTERM → exit ${existing.exitCode} in ${existing.stopSeconds.toFixed(2)} s)`);
  } finally {
    await rm(dataDir, { recursive: true, force: true });
  }
}

runMain(main);
