/**
 * Browser-test harness: the web client built into a temporary folder, a real app on a fresh test
 * database with the demo workspace (bootstrap with demo: true, as `npm start` does), served on a
 * loopback port by buildApp (`clientDir`), and Debian's Chromium driven by playwright-core.
 */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, mkdirSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { chromium, type Browser, type Page } from 'playwright-core';
import type { FastifyInstance } from 'fastify';
import { buildApp } from '../../server/app.js';
import { loadConfig } from '../../server/config.js';
import { bootstrap } from '../../server/services/bootstrap.service.js';
import { demoPassword } from '../../server/services/demo-workspace.js';
import { createTestDatabase, type TestDatabase } from '../helpers/test-database.js';

export const CHROMIUM = '/usr/bin/chromium';
export const repoRoot = path.resolve(import.meta.dirname, '../..');
export const screenshotDir = path.join(repoRoot, 'test-artifacts', 'screenshots');

export interface E2eServer {
  baseUrl: string;
  app: FastifyInstance;
  database: TestDatabase;
  close(): Promise<void>;
}

/** Builds the client once into a temporary folder (never touches client/dist). */
export function buildClient(): string {
  const outDir = mkdtempSync(path.join(os.tmpdir(), 'draftroom-client-'));
  execFileSync(path.join(repoRoot, 'node_modules', '.bin', 'vite'), ['build', '--config', 'client/vite.config.ts', '--outDir', outDir, '--emptyOutDir', '--logLevel', 'warn'], {
    cwd: repoRoot,
    stdio: 'inherit',
  });
  return outDir;
}

export async function startServer(distDir: string): Promise<E2eServer> {
  const database = await createTestDatabase();
  const config = loadConfig({ DATABASE_URL: database.url, DEMO: '1', ADMIN_PASSWORD: 'e2e-admin-password' });
  const app = await buildApp({ config, db: database.db, clientDir: distDir, loginLimits: { perLogin: 1000, perAddress: 100_000, windowSeconds: 60 } });
  await app.ready();
  await bootstrap(database.db, app.services, { adminPassword: 'e2e-admin-password', demo: true });
  await app.listen({ port: 0, host: '127.0.0.1' });
  const address = app.server.address();
  if (!address || typeof address === 'string') throw new Error('no address');
  return {
    baseUrl: `http://127.0.0.1:${address.port}`,
    app,
    database,
    async close() {
      await app.close();
      await database.drop();
    },
  };
}

export async function launchBrowser(): Promise<Browser> {
  mkdirSync(screenshotDir, { recursive: true });
  return chromium.launch({
    executablePath: CHROMIUM,
    args: ['--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--disable-quic', '--no-first-run'],
  });
}

export function removeDir(dir: string): void {
  rmSync(dir, { recursive: true, force: true });
}

/** The demo accounts' password (bootstrap's demo workspace). */
export const PASSWORD = demoPassword;
/** How long a step may take to show in the browser. */
export const TIMEOUT = 20_000;

/** Logs a page in through the client's login form, as a person would. */
export async function logIn(page: Page, baseUrl: string, login: string): Promise<void> {
  await page.goto(baseUrl + '/');
  await page.getByLabel('Tên đăng nhập').fill(login);
  await page.getByLabel('Mật khẩu').fill(demoPassword);
  await page.getByRole('button', { name: 'Đăng nhập' }).click();
  await page.getByRole('heading', { name: 'Tài liệu' }).waitFor({ timeout: TIMEOUT });
}

/** Keeps a screenshot of a main view in test-artifacts/screenshots/. */
export async function shot(page: Page, name: string): Promise<void> {
  await page.screenshot({ path: path.join(screenshotDir, `${name}.png`), fullPage: false });
}
