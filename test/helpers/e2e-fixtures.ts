/**
 * What the browser tests (test/e2e) share across one `npm test`, each made once, on the first
 * file's demand, by vitest's main process (global-setup.ts serves them on a loopback port):
 * - `client`: the production client, built into a temporary folder (never client/dist);
 * - `browser`: one Debian Chromium that every file connects to (contexts keep files apart);
 * - `demo`: a template database holding the demo workspace, made as `npm start` makes it on a
 *   first start (bootstrap with demo: true); each file clones it instead of making its own.
 * A run without browser tests asks for none of them and pays for none.
 */
import { execFile, spawn, type ChildProcess } from 'node:child_process';
import { existsSync } from 'node:fs';
import { createServer } from 'node:http';
import { mkdtemp, rm } from 'node:fs/promises';
import type { AddressInfo } from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { connectDatabase } from '../../server/db/connect.js';

export const CHROMIUM = '/usr/bin/chromium';
/**
 * Debian's `chromium-headless-shell` (the same Chromium build without the desktop browser around it,
 * what Playwright itself runs headless) when installed: the browser files spent about 40 % less
 * Chromium CPU on it than on the full browser's headless mode. The full browser otherwise.
 */
export const HEADLESS_SHELL = '/usr/lib/chromium/chromium-headless-shell';
const chromiumBinary = existsSync(HEADLESS_SHELL) ? HEADLESS_SHELL : CHROMIUM;
/** The `admin` account's password in the demo template. */
export const E2E_ADMIN_PASSWORD = 'e2e-admin-password';
const repoRoot = path.resolve(import.meta.dirname, '../..');

export type E2eFixture = 'client' | 'browser' | 'demo';

const launchOptions = {
  executablePath: chromiumBinary,
  host: '127.0.0.1',
  args: ['--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--disable-quic', '--no-first-run'],
};
/** Prints the WebSocket address to connect to; closes Chromium and exits when its stdin ends. */
const browserServerScript = `
import { chromium } from 'playwright-core';
const server = await chromium.launchServer(JSON.parse(process.env.LAUNCH_OPTIONS));
process.stdout.write(server.wsEndpoint() + '\\n');
// Chromium's last words, said if it ends before the run does (every file then fails with "Browser closed").
let said = '';
server.process().stderr?.on('data', (chunk) => (said = (said + chunk).slice(-4000)));
let closing = false;
server.process().on('exit', (code, signal) => {
  if (!closing) process.stderr.write('the shared Chromium exited (' + (code ?? signal) + ') during the run:\\n' + said + '\\n');
});
process.stdin.on('end', () => ((closing = true), server.close().then(() => process.exit(0))));
process.stdin.resume();
`;

export interface E2eFixtures {
  /** `http://127.0.0.1:port`; GET `/<fixture>` answers its value as text (a path, a WebSocket URL, a database name). */
  url: string;
  close(): Promise<void>;
}

export interface DatabaseAdmin {
  adminUrl: string;
  /** The migrated template's name. */
  template: string;
  /** Clones `template` (or another) into a new database `name`. */
  clone(name: string, template?: string): Promise<void>;
  urlOf(name: string): string;
}

export async function startE2eFixtures(database: DatabaseAdmin): Promise<E2eFixtures> {
  let outDir: string | undefined;
  let browser: ChildProcess | undefined;

  const make: Record<E2eFixture, () => Promise<string>> = {
    async client() {
      outDir = await mkdtemp(path.join(os.tmpdir(), 'draftroom-e2e-client-'));
      await promisify(execFile)(path.join(repoRoot, 'node_modules', '.bin', 'vite'), ['build', '--config', 'client/vite.config.ts', '--outDir', outDir, '--emptyOutDir', '--logLevel', 'warn'], {
        cwd: repoRoot,
        // vitest sets NODE_ENV=test, which would make Vite build a development client (no service worker).
        env: { ...process.env, NODE_ENV: 'production' },
        maxBuffer: 16 * 1024 * 1024,
      });
      return outDir;
    },
    async browser() {
      // Playwright's server in a process of its own, so the pages' traffic never waits on this one.
      browser = spawn(process.execPath, ['--input-type=module', '-e', browserServerScript], {
        cwd: repoRoot,
        env: { ...process.env, LAUNCH_OPTIONS: JSON.stringify(launchOptions) },
        stdio: ['pipe', 'pipe', 'inherit'],
      });
      const child = browser;
      return new Promise<string>((resolve, reject) => {
        child.once('exit', (code) => reject(new Error(`the browser server exited (${code}) before it listened`)));
        child.stdout!.once('data', (chunk: Buffer) => resolve(chunk.toString().trim()));
      });
    },
    async demo() {
      const name = `${database.template.replace(/template$/, '')}demo`;
      await database.clone(name);
      const handle = connectDatabase(database.urlOf(name), { max: 10 });
      try {
        // Loaded here, on demand: a run without browser tests never loads the server in this process.
        const [{ buildApp }, { loadConfig }, { bootstrap }] = await Promise.all([
          import('../../server/app.js'),
          import('../../server/config.js'),
          import('../../server/services/bootstrap.service.js'),
        ]);
        const config = loadConfig({ DATABASE_URL: database.urlOf(name), DEMO: '1', ADMIN_PASSWORD: E2E_ADMIN_PASSWORD });
        const app = await buildApp({ config, db: handle.db, clientDir: path.join(os.tmpdir(), 'draftroom-no-client') });
        await app.ready();
        await bootstrap(handle.db, app.services, { adminPassword: E2E_ADMIN_PASSWORD, demo: true });
        // Closing commits the live drafts, as a server stopping does; each clone starts on them.
        await app.close();
      } finally {
        await handle.close();
      }
      return name;
    },
  };
  const made = new Map<E2eFixture, Promise<string>>();

  const server = createServer((request, response) => {
    const name = request.url?.slice(1) as E2eFixture;
    if (!(name in make)) {
      response.writeHead(404).end(`no fixture ${request.url}`);
      return;
    }
    if (!made.has(name)) made.set(name, make[name]());
    made.get(name)!.then(
      (value) => response.writeHead(200, { 'content-type': 'text/plain' }).end(value),
      (error: unknown) => response.writeHead(500, { 'content-type': 'text/plain' }).end(error instanceof Error ? (error.stack ?? error.message) : String(error)),
    );
  });
  // A client build on a loaded machine can take minutes: no request timeout.
  server.requestTimeout = 0;
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));

  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    async close() {
      await new Promise<void>((resolve) => server.close(() => resolve()));
      // Whatever is still being made is waited for, so nothing outlives the run.
      await Promise.allSettled(made.values());
      if (browser && browser.exitCode === null) {
        const exited = new Promise((resolve) => browser!.once('exit', resolve));
        browser.stdin!.end();
        await exited;
      }
      if (outDir) await rm(outDir, { recursive: true, force: true });
    },
  };
}
