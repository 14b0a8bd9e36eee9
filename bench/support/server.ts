/**
 * Starting the server under test: in-process (`buildApp` + `listen({port: 0})`, load generator
 * and server share one event loop), as a child process (`node --import tsx …`, so generator
 * and server each get a core), or compiled as `npm start` runs it (`startCompiled`). Child
 * processes are killed by `stop()`, and on exit of this one.
 */
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { readFileSync } from 'node:fs';
import net from 'node:net';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { FastifyInstance } from 'fastify';
import { buildApp } from '../../server/app.js';
import type { CollabOptions } from '../../server/collab/collab-server.js';
import { loadConfig } from '../../server/config.js';
import type { Db } from '../../server/db/connect.js';
import { findFreePort } from '../../server/db/embedded-postgres.js';

export const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');

export interface RunningServer {
  baseUrl: string;
  /** The server's pid (this process for in-process servers). */
  pid: number;
  /** How it was started, for the report. */
  description: string;
  stop(): Promise<void>;
}

export async function startInProcess(db: Db, databaseUrl: string, collab: Partial<CollabOptions> = {}): Promise<RunningServer & { app: FastifyInstance }> {
  const config = loadConfig({ DATABASE_URL: databaseUrl, DEMO: '0' });
  const app = await buildApp({ config, db, collab, loginLimits: { perLogin: 10_000, perAddress: 100_000, windowSeconds: 60 } });
  await app.listen({ port: 0, host: '127.0.0.1' });
  const address = app.server.address() as net.AddressInfo;
  return {
    app,
    baseUrl: `http://127.0.0.1:${address.port}`,
    pid: process.pid,
    description: 'in-process (buildApp + listen, sharing the load generator’s event loop)',
    stop: () => app.close(),
  };
}

const children = new Set<ChildProcess>();
process.once('exit', () => {
  for (const child of children) child.kill('SIGKILL');
});

/**
 * draftroom as `npm start` runs it: `prestart` (builds dist/ when a source is newer than the last
 * build), then `node dist/server/main.js` (compiled, no tsx) with `env` — e.g. DATABASE_URL and
 * COLLAB_MESSAGES_PER_SECOND / COLLAB_MESSAGE_BURST, the operator's knobs. `checkout`: another
 * copy of the repository (with node_modules) to run instead, e.g. main's, for a before/after.
 */
export async function startCompiled(env: Record<string, string>, options: { nodeArgs?: string[]; checkout?: string } = {}): Promise<RunningServer> {
  const cwd = options.checkout ?? root;
  const build = spawnSync(process.execPath, ['scripts/build-server.mjs', '--if-needed'], { cwd, stdio: 'inherit' });
  if (build.status !== 0) throw new Error(`building the server failed (exit ${build.status})`);
  return startChild('dist/server/main.js', env, '/healthz', { tsx: false, nodeArgs: options.nodeArgs, cwd });
}

/**
 * Spawns `node --import tsx <entry>` (plain `node <entry>` with `tsx: false`) with `env` and a free
 * PORT, and waits for GET `readyPath`. Entries: `server/main.ts`, `bench/support/collab-process.ts`
 * (collab overrides), `dist/server/main.js` (compiled: see `startCompiled`).
 */
export async function startChild(
  entry: string,
  env: Record<string, string>,
  readyPath = '/healthz',
  options: { tsx?: boolean; nodeArgs?: string[]; cwd?: string } = {},
): Promise<RunningServer> {
  const port = await freePort();
  const tsx = options.tsx ?? true;
  const child = spawn(process.execPath, [...(options.nodeArgs ?? []), ...(tsx ? ['--import', 'tsx'] : []), entry], {
    cwd: options.cwd ?? root,
    env: { ...process.env, DEMO: '0', LOG_LEVEL: 'warn', HOST: '127.0.0.1', ...env, PORT: String(port) },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  children.add(child);
  let output = '';
  child.stdout!.on('data', (chunk) => (output += chunk));
  child.stderr!.on('data', (chunk) => (output += chunk));
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  let stopping = false;
  // A server that dies mid-benchmark says why (otherwise only the client's ECONNREFUSED shows).
  child.once('exit', (code, signal) => {
    if (children.has(child) && !stopping && (code !== 0 || signal)) console.error(`[${entry} exited with ${code ?? signal}]\n${output.slice(-4000)}`);
  });
  const baseUrl = `http://127.0.0.1:${port}`;
  const deadline = Date.now() + 180_000; // a shared, loaded machine can take a minute to start a server
  for (;;) {
    if (child.exitCode !== null) throw new Error(`${entry} exited early:\n${output}`);
    const ok = await fetch(`${baseUrl}${readyPath}`).then((r) => r.ok, () => false);
    if (ok) break;
    if (Date.now() > deadline) {
      child.kill('SIGKILL');
      throw new Error(`${entry} did not answer ${readyPath}:\n${output}`);
    }
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  return {
    baseUrl,
    pid: child.pid!,
    description: `child process (node ${tsx ? '--import tsx ' : ''}${entry}${options.cwd ? ` in ${options.cwd}` : ''})`,
    async stop() {
      if (child.exitCode === null) {
        stopping = true;
        child.kill('SIGTERM');
        const timer = setTimeout(() => child.kill('SIGKILL'), 20_000);
        await exited;
        clearTimeout(timer);
      }
      children.delete(child);
      if (/error/i.test(output)) console.error(`[${entry} output]\n${output.slice(-4000)}`);
    },
  };
}

/** A free loopback port (shared with the embedded PostgreSQL starter). */
export const freePort = findFreePort;

/** CPU seconds (user + system) and resident memory of a process, from /proc (Linux). */
export function processUsage(pid: number): { cpuSeconds: number; rssBytes: number } {
  const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
  // Fields after the parenthesised command name; utime and stime are fields 14 and 15.
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  const ticks = Number(fields[11]) + Number(fields[12]);
  const rssPages = Number(readFileSync(`/proc/${pid}/statm`, 'utf8').split(' ')[1]);
  return { cpuSeconds: ticks / 100, rssBytes: rssPages * 4096 };
}

/** Busy and total CPU time of the whole machine (all cores), from /proc/stat. */
export function machineCpu(): { busy: number; total: number } {
  const line = readFileSync('/proc/stat', 'utf8').split('\n')[0]!;
  const values = line.trim().split(/\s+/).slice(1).map(Number);
  const total = values.reduce((a, b) => a + b, 0);
  const idle = (values[3] ?? 0) + (values[4] ?? 0);
  return { busy: (total - idle) / 100, total: total / 100 };
}

/**
 * Samples a process's CPU and peak RSS over a window, plus the whole machine's busy cores.
 * `finish()` returns CPU cores used (CPU seconds / wall seconds) and the peak RSS seen.
 */
export function watchProcess(pid: number): { finish(): { cpuCores: number; peakRssMiB: number; machineBusyCores: number } } {
  const start = processUsage(pid);
  const machineStart = machineCpu();
  const startedAt = performance.now();
  let peak = start.rssBytes;
  const timer = setInterval(() => {
    try {
      peak = Math.max(peak, processUsage(pid).rssBytes);
    } catch {
      // The process is gone; finish() reports what was seen.
    }
  }, 250);
  return {
    finish() {
      clearInterval(timer);
      const end = processUsage(pid);
      const machineEnd = machineCpu();
      const seconds = (performance.now() - startedAt) / 1000;
      peak = Math.max(peak, end.rssBytes);
      return {
        cpuCores: (end.cpuSeconds - start.cpuSeconds) / seconds,
        peakRssMiB: peak / 2 ** 20,
        machineBusyCores: (machineEnd.busy - machineStart.busy) / seconds,
      };
    },
  };
}
