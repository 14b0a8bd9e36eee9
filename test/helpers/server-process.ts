/**
 * The real server as a child process, for crash and process tests: from the sources
 * (`node --import tsx server/main.ts`, the default), as `npm start` runs it, or as the Docker image
 * runs it (`node dist/server/main.js`; both of the latter need `npm run build:server`).
 */
import { spawn, type ChildProcess } from 'node:child_process';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { findFreePort } from '../../server/db/embedded-postgres.js';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');

export interface ServerProcess {
  baseUrl: string;
  child: ChildProcess;
  output(): string;
  /** Resolves with the exit code (or signal name). */
  exited: Promise<number | string>;
}

export type StartedAs = 'sources' | 'npm-start' | 'compiled';

const commands: Record<StartedAs, [string, string[]]> = {
  sources: [process.execPath, ['--import', 'tsx', 'server/main.ts']],
  'npm-start': ['npm', ['start', '--silent']],
  compiled: [process.execPath, ['dist/server/main.js']],
};

export async function startServerProcess(env: Record<string, string>, port?: number, as: StartedAs = 'sources'): Promise<ServerProcess> {
  const chosenPort = port ?? (await freePort());
  const [command, args] = commands[as];
  const child = spawn(command, args, {
    cwd: root,
    env: { ...process.env, DEMO: '0', LOG_LEVEL: 'warn', HOST: '127.0.0.1', ...env, PORT: String(chosenPort) },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  child.stdout!.on('data', (chunk) => (output += chunk));
  child.stderr!.on('data', (chunk) => (output += chunk));
  const exited = new Promise<number | string>((resolve) => child.on('exit', (code, signal) => resolve(code ?? signal ?? -1)));
  const baseUrl = `http://127.0.0.1:${chosenPort}`;
  const deadline = Date.now() + 90_000;
  for (;;) {
    if (child.exitCode !== null) throw new Error(`server exited early:\n${output}`);
    const ok = await fetch(`${baseUrl}/healthz`).then((r) => r.ok, () => false);
    if (ok) break;
    if (Date.now() > deadline) throw new Error(`server did not become healthy:\n${output}`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  return { baseUrl, child, exited, output: () => output };
}

/** A free loopback port (shared with the embedded PostgreSQL starter). */
export const freePort = findFreePort;
