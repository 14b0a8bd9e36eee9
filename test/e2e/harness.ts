/**
 * Browser-test harness: the web client built once per run, a real app on a fresh test database
 * holding the demo workspace (bootstrap with demo: true, as `npm start` does), served on a loopback
 * port by buildApp (`clientDir`), and Debian's Chromium driven by playwright-core. The build, the
 * Chromium and the demo database are made once per run and shared (test/helpers/e2e-fixtures.ts);
 * `useE2e()` gives a test file its server, its browser connection and its pages.
 */
import { mkdirSync, rmSync } from 'node:fs';
import path from 'node:path';
import { chromium, type Browser, type BrowserContext, type BrowserContextOptions, type Download, type Locator, type Page, type Request } from 'playwright-core';
import { afterAll, beforeAll, inject } from 'vitest';
import type { FastifyInstance } from 'fastify';
import { buildApp } from '../../server/app.js';
import { loadConfig } from '../../server/config.js';
import { bootstrap } from '../../server/services/bootstrap.service.js';
import { demoDistrictDraftTitle, demoPassword } from '../../server/services/demo-workspace.js';
import { ApiClient } from '../helpers/api-client.js';
import { E2E_ADMIN_PASSWORD, type E2eFixture } from '../helpers/e2e-fixtures.js';
import { createTestDatabase, type TestDatabase } from '../helpers/test-database.js';

export { CHROMIUM } from '../helpers/e2e-fixtures.js';
export const repoRoot = path.resolve(import.meta.dirname, '../..');
export const screenshotDir = path.join(repoRoot, 'test-artifacts', 'screenshots');

export interface E2eServer {
  baseUrl: string;
  app: FastifyInstance;
  database: TestDatabase;
  close(): Promise<void>;
}

/** The two screens every journey is played on (with `locale: 'vi-VN'` added by `newPage`). */
export const screens = {
  phone: { viewport: { width: 360, height: 780 }, isMobile: true, hasTouch: true },
  desktop: { viewport: { width: 1280, height: 860 } },
} as const satisfies Record<string, BrowserContextOptions>;

/** Asks the run's main process for a shared fixture (made on the first request). */
async function fixture(name: E2eFixture): Promise<string> {
  const response = await fetch(`${inject('e2eFixtures')}/${name}`);
  const text = await response.text();
  if (!response.ok) throw new Error(`the browser tests' ${name} could not be made: ${text}`);
  return text;
}

/** The production client, built once per run into a temporary folder (never client/dist). */
export function buildClient(): Promise<string> {
  return fixture('client');
}

/**
 * A real app on its own copy of the run's demo database, listening on a loopback port.
 * `env` adds to the test environment (e.g. a small MAX_MESSAGE_BYTES).
 */
export async function startServer(distDir: string, env: Record<string, string> = {}): Promise<E2eServer> {
  const database = await createTestDatabase(await fixture('demo'));
  const config = loadConfig({ DATABASE_URL: database.url, DEMO: '1', ADMIN_PASSWORD: E2E_ADMIN_PASSWORD, ...env });
  const app = await buildApp({ config, db: database.db, clientDir: distDir, loginLimits: { perLogin: 1000, perAddress: 100_000, windowSeconds: 60 } });
  await app.ready();
  // As every start does: here the admin and the demo are there already, so it changes nothing.
  await bootstrap(database.db, app.services, { adminPassword: E2E_ADMIN_PASSWORD, demo: true });
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

/** A connection to the run's shared Chromium; closing it closes this file's contexts only. */
export async function launchBrowser(): Promise<Browser> {
  mkdirSync(screenshotDir, { recursive: true });
  return chromium.connect(await fixture('browser'));
}

export interface E2e {
  readonly server: E2eServer;
  readonly browser: Browser;
  /** The server's `http://127.0.0.1:port`. */
  readonly baseUrl: string;
  /**
   * A browser context (`locale: 'vi-VN'` unless given), closed with the file's browser connection
   * if the test does not close it first.
   */
  newContext(options?: BrowserContextOptions): Promise<BrowserContext>;
  /** A page in a `newContext` of its own. */
  newPage(options?: BrowserContextOptions): Promise<Page>;
}

/**
 * The browser-test setup of one file (or one `describe`): before its tests, the shared client, a
 * server on a fresh copy of the demo database (`env` adds to its environment) and a connection to
 * the shared Chromium; after them, all of it closed and the database dropped.
 */
export function useE2e(options: { env?: Record<string, string> } = {}): E2e {
  let server: E2eServer | undefined;
  let browser: Browser | undefined;
  beforeAll(async () => {
    // The first file of a run waits for the build, the demo database and Chromium at once.
    const [dist] = await Promise.all([buildClient(), fixture('demo'), launchBrowser().then((connected) => (browser = connected))]);
    server = await startServer(dist, options.env);
    // The build alone can take minutes on a loaded machine, and every file of the first wave waits for it.
  }, 300_000);
  afterAll(async () => {
    await browser?.close();
    await server?.close();
  });
  const ready = <T>(value: T | undefined, what: string): T => {
    if (value === undefined) throw new Error(`no ${what}: useE2e's beforeAll has not run`);
    return value;
  };
  const newContext = async (contextOptions: BrowserContextOptions = {}) => trackRequests(await ready(browser, 'browser').newContext({ locale: 'vi-VN', ...contextOptions }));
  return {
    get server() {
      return ready(server, 'server');
    },
    get browser() {
      return ready(browser, 'browser');
    },
    get baseUrl() {
      return ready(server, 'server').baseUrl;
    },
    newContext,
    async newPage(contextOptions = {}) {
      return (await newContext(contextOptions)).newPage();
    },
  };
}

/** The bytes of a finished download (the shared browser is remote, so it has no local path). */
export async function downloaded(download: Download): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const chunk of await download.createReadStream()) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks);
}

export function removeDir(dir: string): void {
  rmSync(dir, { recursive: true, force: true });
}

/** Each context's HTTP requests still in flight (`settled`); the event stream stays open, so it is not one. */
const requestsInFlight = new WeakMap<BrowserContext, Set<Request>>();

function trackRequests(context: BrowserContext): BrowserContext {
  const open = new Set<Request>();
  requestsInFlight.set(context, open);
  context.on('request', (request) => {
    if (request.resourceType() !== 'eventsource') open.add(request);
  });
  context.on('requestfinished', (request) => open.delete(request));
  context.on('requestfailed', (request) => open.delete(request));
  return context;
}

/**
 * Waits until the page has stopped changing: no HTTP request of its context in flight (contexts of
 * `useE2e`), nothing `aria-busy`, fonts loaded, and no DOM change for `quietMs` — what a fixed pause
 * after a navigation hoped for, without waiting longer than the page needs (up to `TIMEOUT`).
 */
export async function settled(page: Page, quietMs = 300): Promise<void> {
  const open = requestsInFlight.get(page.context());
  if (!open) throw new Error('settled: the page is not of a useE2e context');
  const deadline = Date.now() + TIMEOUT;
  for (;;) {
    // Resolves once the DOM has not changed for quietMs (restarted by every change).
    const busy = await page.evaluate(async (quiet) => {
      await document.fonts.ready;
      await new Promise<void>((resolve) => {
        let timer = setTimeout(done, quiet);
        const observer = new MutationObserver(() => {
          clearTimeout(timer);
          timer = setTimeout(done, quiet);
        });
        function done() {
          observer.disconnect();
          resolve();
        }
        observer.observe(document, { subtree: true, childList: true, attributes: true, characterData: true });
      });
      return document.querySelector('[aria-busy="true"]') !== null;
    }, quietMs);
    if (!busy && open.size === 0) return;
    if (Date.now() > deadline) throw new Error(`the page did not settle: ${open.size} requests in flight${busy ? ', something aria-busy' : ''}`);
    await page.waitForTimeout(50);
  }
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

/** The id of the demo's district draft (round 1 open for the communes), as its secretary lists it. */
export async function demoDistrictDraftId(baseUrl: string): Promise<string> {
  const district = await ApiClient.logIn(baseUrl, 'huyen.thuky', demoPassword);
  const listed = await district.json<Array<{ id: string; title: string }>>('GET', '/api/v1/documents');
  const draft = listed.find((d) => d.title === demoDistrictDraftTitle);
  if (!draft) throw new Error(`the demo lists no "${demoDistrictDraftTitle}"`);
  return draft.id;
}

/** Keeps a screenshot of a main view in test-artifacts/screenshots/. */
export async function shot(page: Page, name: string): Promise<void> {
  await page.screenshot({ path: path.join(screenshotDir, `${name}.png`), fullPage: false });
}

/**
 * Waits until the live draft has its first sync and accepts edits (the client keeps it closed
 * and `aria-busy` before that), and returns the editor.
 */
export async function draftLoaded(page: Page): Promise<Locator> {
  await page.locator('.draft-host[aria-busy="false"] .ProseMirror[contenteditable="true"]').waitFor({ timeout: TIMEOUT });
  return page.locator('.ProseMirror');
}

/**
 * Selects `text` inside the editor the way a mouse would, leaving ProseMirror to read it, and
 * waits until ProseMirror's own selection is that text. A DOM selection made in the same frame as
 * a focus change elsewhere (the desktop form focuses its textarea on a timer) can be lost before
 * ProseMirror reads it; it is then made again, as a person would select again.
 */
export async function selectInDraft(page: Page, text: string): Promise<void> {
  await page.locator('.ProseMirror').getByText(text, { exact: false }).first().waitFor({ timeout: TIMEOUT });
  const select = () =>
    page.evaluate((needle) => {
      const root = document.querySelector('.ProseMirror')!;
      const walker = document.createTreeWalker(root, NodeFilter.SHOW_TEXT);
      for (let node = walker.nextNode(); node; node = walker.nextNode()) {
        const at = node.textContent!.indexOf(needle);
        if (at >= 0) {
          const range = document.createRange();
          range.setStart(node, at);
          range.setEnd(node, at + needle.length);
          (root as HTMLElement).focus();
          const selection = window.getSelection()!;
          selection.removeAllRanges();
          selection.addRange(range);
          return;
        }
      }
      throw new Error(`not in the draft: ${needle}`);
    }, text);
  // Tiptap keeps its editor on the view's element; its state is what the client acts on.
  const selected = () =>
    page.evaluate(() => {
      const editor = (document.querySelector('.ProseMirror') as unknown as { editor?: { state: { selection: { from: number; to: number }; doc: { textBetween(from: number, to: number, separator: string): string } } } }).editor;
      if (!editor) return null;
      const { from, to } = editor.state.selection;
      return editor.state.doc.textBetween(from, to, '\n');
    });
  const deadline = Date.now() + TIMEOUT;
  for (;;) {
    await select();
    for (let tries = 0; tries < 10; tries++) {
      if ((await selected()) === text) return;
      await page.waitForTimeout(50);
    }
    if (Date.now() > deadline) throw new Error(`ProseMirror did not take the selection of: ${text}`);
  }
}

/**
 * How far the page scrolls sideways, in CSS pixels (0 when it fits its screen), and the elements
 * that stick out past its right edge (tag.class, deepest first), to say what to fix.
 */
export function sidewaysOverflow(page: Page): Promise<{ overflow: number; culprits: string[] }> {
  return page.evaluate(() => {
    const width = document.documentElement.clientWidth;
    const overflow = document.documentElement.scrollWidth - width;
    // Elements inside their own scroller (the tab strip) stick out without widening the page.
    if (overflow <= 0) return { overflow, culprits: [] };
    const culprits = [...document.body.querySelectorAll('*')]
      .filter((el) => el.getBoundingClientRect().right > width + 0.5 && ![...el.children].some((c) => c.getBoundingClientRect().right > width + 0.5))
      .slice(0, 5)
      .map((el) => `${el.tagName.toLowerCase()}.${[...el.classList].join('.')} ${Math.round(el.getBoundingClientRect().right)}px`);
    return { overflow, culprits };
  });
}

/**
 * Clicks the draft's last paragraph and puts the caret at the end of the draft, as ProseMirror's
 * own selection holds it (Tiptap keeps the editor on its DOM node): the DOM caret can be there a
 * moment before ProseMirror has read it, and Enter acts on ProseMirror's selection.
 */
export async function caretAtDraftEnd(page: Page): Promise<void> {
  await page.locator('.ProseMirror p').last().click();
  // A loop, not expect.poll: this runs inside tests that run side by side (describe.concurrent).
  const deadline = Date.now() + TIMEOUT;
  for (;;) {
    await page.keyboard.press('Control+End');
    const atEnd = await page.evaluate(() => {
      const view = (document.querySelector('.ProseMirror') as unknown as { editor: import('@tiptap/core').Editor }).editor;
      const { selection, doc } = view.state;
      return selection.empty && (selection.constructor as typeof import('@tiptap/pm/state').Selection).atEnd(doc).from === selection.from;
    });
    if (atEnd) return;
    if (Date.now() > deadline) throw new Error('ProseMirror did not put the caret at the end of the draft');
    await page.waitForTimeout(50);
  }
}
