/**
 * Polish users noticed (issue 15), at phone (360×780, touch) and desktop (1280×860) sizes:
 * the drafters' editor toolbar (mouse, touch and keyboard; aria-pressed; Yjs undo), a member's
 * draft without it (and without downloading the drafting chunk), counts in English ("1 comment"),
 * and errors in the interface language only.
 */
import { describe, it } from 'vitest';
import type { BrowserContext, Locator, Page } from 'playwright-core';
import { caretAtDraftEnd, draftLoaded, logIn, PASSWORD, screens, selectInDraft, shot, TIMEOUT, useE2e } from './harness.js';

const SIZES = [
  ['desktop', screens.desktop],
  ['phone', screens.phone],
] as const;
const DRAFT = /Dự thảo Báo cáo chính trị/;
const DISTRICT_DRAFT = /Dự thảo Nghị quyết Đại hội Đảng bộ huyện/;

describe('web client: polish', () => {
  const e2e = useE2e();

  const open = async (options: (typeof SIZES)[number][1]): Promise<{ context: BrowserContext; page: Page }> => {
    const context = await e2e.newContext(options);
    return { context, page: await context.newPage() };
  };
  const press = (size: string, target: Locator) => (size === 'phone' ? target.tap() : target.click());
  const selectedText = (page: Page) =>
    page.evaluate(() => {
      const { state } = (document.querySelector('.ProseMirror') as unknown as { editor: import('@tiptap/core').Editor }).editor;
      return state.doc.textBetween(state.selection.from, state.selection.to);
    });
  // Until the page has not scrolled for 250 ms (a loop: the sizes' tests run side by side, and
  // expect.poll outside a test's own expect loses track of its test).
  const settled = async (page: Page) => {
    const deadline = Date.now() + TIMEOUT;
    let last = await page.evaluate(() => window.scrollY);
    for (;;) {
      await page.waitForTimeout(250);
      const now = await page.evaluate(() => window.scrollY);
      if (now === last) return;
      if (Date.now() > deadline) throw new Error('the page kept scrolling');
      last = now;
    }
  };
  const noSidewaysScroll = (page: Page) => page.evaluate(() => document.documentElement.scrollWidth <= window.innerWidth);

  // The two sizes play side by side on the one server (their tests edit different drafts or only
  // read; the language is each page's own); each size's tests one after another.
  describe.concurrent.each(SIZES)('%s', (size, options) => {
    describe.sequential('in turn', () => {
      it(`gives drafters a toolbar: headings, bold, undo and redo, by pointer and keyboard (${size})`, async ({ expect }) => {
        const { context, page } = await open(options);
        // Each size on a draft of its own (Enter after bold text keeps it bold: no leftovers).
        await logIn(page, e2e.baseUrl, size === 'phone' ? 'huyen.soanthao' : 'xa.soanthao');
        await page.getByRole('link', { name: size === 'phone' ? DISTRICT_DRAFT : DRAFT }).click();
        const editor = await draftLoaded(page);
        const documentId = /\/d\/([0-9a-f-]{36})/.exec(page.url())![1]!;
        const toolbar = page.getByRole('toolbar', { name: 'Định dạng' });
        await toolbar.waitFor({ timeout: TIMEOUT });
        const box = (await toolbar.boundingBox())!;
        expect(box.x).toBeGreaterThanOrEqual(0);
        expect(box.x + box.width).toBeLessThanOrEqual(options.viewport.width);
        expect(await noSidewaysScroll(page)).toBe(true);
        // Compact: under the 56 px the phone's comment sheet leaves above a selected passage.
        if (size === 'phone') expect(box.height).toBeLessThan(56);
        const button = (name: string) => toolbar.getByRole('button', { name, exact: true });
        await expect.poll(() => button('Hoàn tác').getAttribute('aria-disabled')).toBe('true');

        // A new paragraph at the end of the draft, made a heading 2 from the toolbar.
        const heading = `Mục mới ${size}`;
        await caretAtDraftEnd(page);
        await page.keyboard.press('Enter');
        await page.keyboard.type(heading);
        await expect.poll(() => button('Đoạn văn').getAttribute('aria-pressed')).toBe('true');
        await press(size, button('Đề mục 2'));
        await editor.locator('h2', { hasText: heading }).waitFor({ timeout: TIMEOUT });
        expect(await button('Đề mục 2').getAttribute('aria-pressed')).toBe('true');
        expect(await button('Đoạn văn').getAttribute('aria-pressed')).toBe('false');
        expect(await button('Hoàn tác').getAttribute('aria-disabled')).toBeNull();

        // Bold on a selection; undo takes back only that (the Yjs undo manager), redo brings it back.
        await page.waitForTimeout(700); // past the undo manager's capture window: a step of its own
        await selectInDraft(page, heading);
        await expect.poll(() => selectedText(page)).toBe(heading);
        // On a phone the comment sheet opens for the selection and scrolls the page: tap once it is still.
        await settled(page);
        await press(size, button('Đậm'));
        await editor.locator('h2 strong', { hasText: heading }).waitFor({ timeout: TIMEOUT });
        expect(await button('Đậm').getAttribute('aria-pressed')).toBe('true');
        await shot(page, `editor-toolbar-${size}`);
        await press(size, button('Hoàn tác'));
        await expect.poll(() => editor.locator('h2 strong').count()).toBe(0);
        await editor.locator('h2', { hasText: heading }).waitFor({ timeout: TIMEOUT });
        await press(size, button('Làm lại'));
        await editor.locator('h2 strong', { hasText: heading }).waitFor({ timeout: TIMEOUT });

        // The keyboard: one Tab stop; arrows, Home and End move along; Enter presses.
        const focused = () => page.evaluate(() => document.activeElement?.getAttribute('aria-label'));
        await button('Làm lại').focus();
        await page.keyboard.press('ArrowRight');
        expect(await focused()).toBe('Đoạn văn');
        await page.keyboard.press('End');
        expect(await focused()).toBe('Danh sách đánh số');
        await page.keyboard.press('ArrowRight');
        expect(await focused()).toBe('Hoàn tác');
        await page.keyboard.press('ArrowLeft');
        expect(await focused()).toBe('Danh sách đánh số');
        expect(await toolbar.locator('button[tabindex="0"]').count()).toBe(1);
        await selectInDraft(page, heading);
        await button('Đề mục 3').focus();
        await page.keyboard.press('Enter');
        await editor.locator('h3', { hasText: heading }).waitFor({ timeout: TIMEOUT });

        // What the toolbar wrote is in the shared draft.
        await expect
          .poll(async () => (await e2e.server.app.services.documents.liveContent(documentId)).text, { timeout: TIMEOUT })
          .toContain(heading);
        expect(await noSidewaysScroll(page)).toBe(true);
        await context.close();
      }, 90_000);

      it(`shows a member the draft without the toolbar and without fetching the drafting chunk (${size})`, async ({ expect }) => {
        const { context, page } = await open(options);
        const scripts: string[] = [];
        page.on('request', (request) => {
          if (request.resourceType() === 'script') scripts.push(new URL(request.url()).pathname);
        });
        await logIn(page, e2e.baseUrl, 'dangvien1');
        await page.getByRole('link', { name: DRAFT }).click();
        await draftLoaded(page);
        await page.getByText('Chỉ đọc').waitFor({ timeout: TIMEOUT });
        expect(await page.getByRole('toolbar').count()).toBe(0);
        expect(scripts.filter((p) => /\/assets\/(drafting|new-draft|review-view|feedback-view|diff-view)-/.test(p))).toEqual([]);
        expect(await noSidewaysScroll(page)).toBe(true);
        await shot(page, `member-draft-${size}`);
        await context.close();
      }, 60_000);

      it(`counts comments in English without "1 comments" (${size})`, async ({ expect }) => {
        const { context, page } = await open(options);
        await logIn(page, e2e.baseUrl, 'xa.soanthao');
        await page.getByRole('button', { name: 'English' }).click();
        await page.getByRole('link', { name: DRAFT }).click();
        await page.getByRole('link', { name: 'Merged comments' }).click();
        // Each section's points arrive with its own request: wait for both counts, not the first section.
        const main = () => page.locator('main').innerText();
        await expect.poll(main, { timeout: TIMEOUT }).toMatch(/\b1 comment on this passage/);
        await expect.poll(main, { timeout: TIMEOUT }).toMatch(/\b2 comments on this passage/);
        expect(await main()).not.toMatch(/\b1 comments\b/);
        await page.getByText('1 comment on this passage').first().scrollIntoViewIfNeeded();
        await shot(page, `plurals-en-${size}`);
        await context.close();
      }, 60_000);

      it(`starts an administrator who belongs to no unit at the unit tree, with the API docs (${size})`, async ({ expect }) => {
        const { context, page } = await open(options);
        await page.goto(e2e.baseUrl + '/');
        await page.getByLabel('Tên đăng nhập').fill('admin');
        await page.getByLabel('Mật khẩu').fill('e2e-admin-password');
        await page.getByRole('button', { name: 'Đăng nhập' }).click();
        await page.getByRole('heading', { name: 'Quản trị', level: 1 }).waitFor({ timeout: TIMEOUT });
        expect(new URL(page.url()).pathname).toBe('/');
        const tree = page.getByRole('navigation', { name: 'Cây đơn vị' });
        await tree.getByRole('button', { name: 'Tỉnh ủy Minh Hà' }).waitFor({ timeout: TIMEOUT });
        const docs = page.getByRole('link', { name: /Tài liệu API/ });
        expect(await docs.getAttribute('href')).toBe('/docs');
        expect((await page.request.get(e2e.baseUrl + '/docs')).status()).toBe(200);
        expect(await noSidewaysScroll(page)).toBe(true);
        await shot(page, `admin-home-${size}`);
        await context.close();
      }, 60_000);

      it(`shows errors in the interface language only (${size})`, async ({ expect }) => {
        const { context, page } = await open(options);
        await page.goto(e2e.baseUrl + '/');
        await page.getByLabel('Tên đăng nhập').fill('dangvien1');
        await page.getByLabel('Mật khẩu').fill(`${PASSWORD}-wrong`);
        await page.getByRole('button', { name: 'Đăng nhập' }).click();
        const alert = page.locator('p.error[role="alert"]');
        await alert.waitFor({ timeout: TIMEOUT });
        expect((await alert.innerText()).trim()).toBe('Sai tên đăng nhập hoặc mật khẩu, hoặc phiên đã hết hạn.');
        await shot(page, `error-vi-${size}`);
        await page.getByRole('button', { name: 'English' }).click();
        await page.getByLabel('Password').fill(`${PASSWORD}-wrong-again`);
        await page.getByRole('button', { name: 'Log in' }).click();
        await expect.poll(async () => (await alert.innerText()).trim()).toMatch(/^Wrong login or password, or your session has expired\. \(.+\)$/);
        await context.close();
      }, 60_000);
    });
  });
});
