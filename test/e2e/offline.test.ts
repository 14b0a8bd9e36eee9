/**
 * Browser test: the web client without a connection (issue "members on real devices"). The app
 * shell comes from the service worker, the member's last reads from its cache, and an opened
 * draft from the copy kept on the device; a drafter's edits made offline survive a reload and
 * reach the server once back online; signing out deletes what the device kept. Phone and desktop.
 */
import { describe, expect, it } from 'vitest';
import type { BrowserContext, Page } from 'playwright-core';
import { caretAtDraftEnd, draftLoaded, logIn, screens, shot, TIMEOUT, useE2e } from './harness.js';

const PASSAGE = 'Thu nhập bình quân';

describe('web client: offline', () => {
  const e2e = useE2e();

  /** Logs in, opens the demo draft, and waits until the service worker controls the page. */
  async function openDraft(context: BrowserContext, login: string): Promise<{ page: Page; url: string }> {
    const page = await context.newPage();
    await logIn(page, e2e.baseUrl, login);
    await page.evaluate(() => navigator.serviceWorker.ready.then(() => undefined));
    // The first load ran before the worker took control; reload so the reads go through it.
    await page.reload();
    await page.getByRole('link', { name: /Dự thảo Báo cáo chính trị/ }).click();
    await page.locator('.ProseMirror').getByText(PASSAGE, { exact: false }).first().waitFor({ timeout: TIMEOUT });
    await page.waitForFunction(() => navigator.serviceWorker.controller !== null, undefined, { timeout: TIMEOUT });
    return { page, url: page.url() };
  }

  for (const size of ['phone', 'desktop'] as const) {
    it(`opens an already opened draft with no connection, and keeps a drafter's offline edit across a reload (${size})`, async () => {
      const member = await e2e.newContext(screens[size]);
      const { page, url } = await openDraft(member, 'dangvien1');
      await member.setOffline(true);
      await page.goto(url);
      await page.locator('.ProseMirror').getByText(PASSAGE, { exact: false }).first().waitFor({ timeout: TIMEOUT });
      await expect(page.getByRole('heading', { name: /Dự thảo Báo cáo chính trị/ }).count()).resolves.toBeGreaterThan(0);
      await shot(page, `offline-member-${size}`);
      await member.close();

      const drafting = await e2e.newContext(screens[size]);
      const drafter = await openDraft(drafting, 'xa.soanthao');
      const documentId = /\/d\/([0-9a-f-]{36})/.exec(drafter.url)![1]!;
      await drafting.setOffline(true);
      const editor = await draftLoaded(drafter.page);
      const line = `Viết khi mất mạng (${size})`;
      await caretAtDraftEnd(drafter.page);
      await drafter.page.keyboard.press('Enter');
      await drafter.page.keyboard.type(line);
      await editor.getByText(line).waitFor({ timeout: TIMEOUT });
      // y-indexeddb writes on the next tick; give it one before the reload.
      await drafter.page.waitForTimeout(300);
      await drafter.page.goto(drafter.url);
      await drafter.page.locator('.ProseMirror').getByText(line).waitFor({ timeout: TIMEOUT });
      await shot(drafter.page, `offline-drafter-${size}`);
      expect((await e2e.server.app.services.documents.liveContent(documentId)).text).not.toContain(line);

      await drafting.setOffline(false);
      await expect
        .poll(async () => (await e2e.server.app.services.documents.liveContent(documentId)).text, { timeout: TIMEOUT })
        .toContain(line);

      // Signing out forgets the device's copies: no draft database, no cached reads.
      await drafter.page.getByRole('button', { name: 'Đăng xuất' }).click();
      await drafter.page.getByLabel('Tên đăng nhập').waitFor({ timeout: TIMEOUT });
      const kept = await drafter.page.evaluate(async () => ({
        databases: (await indexedDB.databases()).map((d) => d.name ?? '').filter((name) => name.startsWith('draftroom-doc:')),
        caches: (await caches.keys()).filter((name) => name === 'draftroom-api'),
      }));
      expect(kept).toEqual({ databases: [], caches: [] });
      await drafting.close();
    }, 90_000);
  }
});
