/**
 * Issue 12's journey in a real Chromium, on the demo workspace, played twice: at 1280×860 with a
 * mouse and on a 360×780 touch phone (fingers: Chrome DevTools touch events). The drafter
 * (xa.soanthao) opens the demo draft's round summary, which is read section by section (the index
 * `/summary/sections`, then `?section=` per open section; never the whole summary), closes and
 * opens a section, merges two points of "II. Về văn hóa, xã hội", splits one annotation out with
 * the button and undoes it, drags it out onto "tách thành ý riêng" and undoes that, sees a member's
 * new comment arrive in that section alone, drags an annotation onto that new point (a split and a
 * merge) and undoes both, drags a lone annotation onto another point (a merge) and undoes it, and
 * decides a whole point at once. Screenshots of each step go to test-artifacts/screenshots/.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import type { Locator, Page } from 'playwright-core';
import { ApiClient } from '../helpers/api-client.js';
import { logIn, PASSWORD, shot, TIMEOUT, useE2e } from './harness.js';

const POVERTY = 'Cập nhật theo số liệu rà soát cuối năm';
const ONLINE = 'Tỷ lệ 68% tính từ thời điểm nào?';
const INCOME = 'Đề nghị nêu rõ nguồn số liệu';
const SECTION_II = /II\. Về văn hóa, xã hội/;

/** The point (cluster card) whose representative or annotations mention `text`. */
const point = (page: Page, text: string) => page.locator('.cluster').filter({ hasText: text }).first();
/** The history entries of merges and splits, newest first. */
const edits = (page: Page) => page.locator('.edits li');

async function noSidewaysScroll(page: Page): Promise<void> {
  const { scroll, client } = await page.evaluate(() => ({ scroll: document.documentElement.scrollWidth, client: document.documentElement.clientWidth }));
  expect(scroll).toBeLessThanOrEqual(client);
}

/** A pointer that presses, moves and lifts: the mouse, or one finger on the touch screen. */
interface Pointer {
  down(x: number, y: number): Promise<void>;
  move(x: number, y: number): Promise<void>;
  up(): Promise<void>;
}

function mouse(page: Page): Pointer {
  return {
    down: async (x, y) => (await page.mouse.move(x, y), await page.mouse.down()),
    move: (x, y) => page.mouse.move(x, y),
    up: () => page.mouse.up(),
  };
}

/** Real touch input (Chromium turns it into touch pointer events, as on a phone). */
async function finger(page: Page): Promise<Pointer> {
  const cdp = await page.context().newCDPSession(page);
  return {
    down: (x, y) => cdp.send('Input.dispatchTouchEvent', { type: 'touchStart', touchPoints: [{ x, y }] }).then(() => undefined),
    move: (x, y) => cdp.send('Input.dispatchTouchEvent', { type: 'touchMove', touchPoints: [{ x, y }] }).then(() => undefined),
    up: () => cdp.send('Input.dispatchTouchEvent', { type: 'touchEnd', touchPoints: [] }).then(() => undefined),
  };
}

/** Whether `target` (a point, or the split bar) is marked as where the dragged annotation would go, within 1 s. */
async function markedAsTarget(target: Locator): Promise<boolean> {
  for (let tries = 0; tries < 20; tries++) {
    if (await target.evaluate((el) => el.classList.contains('drop-over') || el.classList.contains('over'))) return true;
    await target.page().waitForTimeout(50);
  }
  return false;
}

/**
 * Drags `handle` onto `target` as a person would: press, move past the threshold, then rest near
 * the screen's edge (the page scrolls by itself) until the target is in view, move onto it, lift.
 */
async function dragTo(page: Page, pointer: Pointer, handle: Locator, target: Locator, onOver?: () => Promise<void>): Promise<void> {
  await handle.scrollIntoViewIfNeeded();
  const start = (await handle.boundingBox())!;
  const x = start.x + start.width / 2;
  let y = start.y + start.height / 2;
  await pointer.down(x, y);
  for (let i = 1; i <= 4; i++) await pointer.move(x + i, y - 4 * i);
  y -= 16;
  const height = page.viewportSize()!.height;
  for (let i = 0; i < 300; i++) {
    const bar = (await page.locator('.split-target').count()) > 0 ? await page.locator('.split-target').boundingBox() : null;
    const top = bar ? bar.y + bar.height : 0;
    const box = await target.boundingBox();
    const isBar = bar !== null && box !== null && box.y === bar.y && box.height === bar.height;
    const low = isBar ? box.y + 4 : Math.max(box?.y ?? 0, top + 60);
    const high = isBar ? box.y + box.height - 4 : Math.min((box?.y ?? 0) + (box?.height ?? 0), height - 60);
    if (box && low + 4 < high) {
      await pointer.move(x, (low + high) / 2);
      await page.waitForTimeout(50);
      await pointer.move(x + 2, (low + high) / 2);
      // Lift once the target shows it is the one under the pointer, as a person waits for the
      // highlight; if the page moved under the pointer meanwhile (a section read again), aim again.
      if (!(await markedAsTarget(target))) continue;
      await onOver?.();
      await pointer.up();
      return;
    }
    // Out of view: rest at the edge towards it.
    await pointer.move(x, !box || box.y < top ? top + 20 : height - 20);
    await page.waitForTimeout(40);
  }
  await pointer.up();
  throw new Error('the drop target never came into view');
}

// The desktop and the phone play side by side, each on a server and database of its own; each one's
// steps stay in order.
describe.concurrent.each([
  { size: 'desktop', width: 1280, height: 860, touch: false },
  { size: 'phone', width: 360, height: 780, touch: true },
])('web client: the round summary by section, merging, splitting, dragging and deciding points ($size)', ({ size, width, height, touch }) => {
  describe.sequential('in order', () => {
    const e2e = useE2e();
    let page: Page;
    let pointer: Pointer;
    const requests: string[] = [];
    const pageErrors: string[] = [];
    const press = (locator: Locator) => (touch ? locator.tap() : locator.click());
    const name = (step: string) => `clusters-${size}-${step}`;

    beforeAll(async () => {
      page = await e2e.newPage({ viewport: { width, height }, isMobile: touch, hasTouch: touch });
      page.on('pageerror', (error) => pageErrors.push(String(error)));
      page.on('request', (request) => {
        const url = new URL(request.url());
        if (url.pathname.startsWith('/api/v1/rounds/')) requests.push(decodeURIComponent(url.pathname.replace(/^\/api\/v1\/rounds\/[^/]+/, '') + url.search));
      });
      pointer = touch ? await finger(page) : mouse(page);
    });

    it('reads the index, then each open section; a section closes and opens again', async ({ expect }) => {
      await logIn(page, e2e.baseUrl, 'xa.soanthao');
      await press(page.getByRole('link', { name: /Dự thảo Báo cáo chính trị/ }));
      await press(page.getByRole('link', { name: 'Tổng hợp ý kiến' }));
      await page.locator('.cluster').first().waitFor({ timeout: TIMEOUT });
      await page.getByText('2 ý kiến về đoạn này').first().waitFor({ timeout: TIMEOUT });
      // A small round opens every section with comments; each is read alone, the whole summary never.
      expect(requests).toContain('/summary/sections');
      expect(requests.filter((r) => r.startsWith('/summary?section=')).length).toBeGreaterThanOrEqual(3);
      expect(requests.filter((r) => r === '/summary' || r.startsWith('/summary?format=json'))).toEqual([]);
      const toggle = page.getByRole('button', { name: SECTION_II });
      await expect(toggle.getAttribute('aria-expanded')).resolves.toBe('true');
      await expect(page.locator('.review-section', { has: toggle }).locator('.section-counts').textContent()).resolves.toBe('2 ý kiến · 2 ý · 2 đoạn · 2 chưa quyết định');
      await shot(page, name('01-sections'));
      await press(toggle);
      await point(page, POVERTY).waitFor({ state: 'detached', timeout: TIMEOUT });
      await expect(toggle.getAttribute('aria-expanded')).resolves.toBe('false');
      await shot(page, name('02-section-closed'));
      const before = requests.length;
      await press(toggle);
      await point(page, POVERTY).waitFor({ timeout: TIMEOUT });
      // Kept while closed (events would have dropped it had it changed): opening it again reads nothing.
      expect(requests.slice(before).filter((r) => r.startsWith('/summary'))).toEqual([]);
      // A point of another section starts the selection again there: one point cannot be merged.
      await point(page, INCOME).getByLabel('Chọn để gộp').check();
      await point(page, 'Nhất trí').getByLabel('Chọn để gộp').check();
      await page.getByText('Đã chọn 1 ý kiến để gộp. Chọn thêm ít nhất một ý kiến trong cùng mục.').waitFor();
      await expect(page.getByRole('button', { name: 'Gộp ý kiến' }).isDisabled()).resolves.toBe(true);
      await expect(point(page, INCOME).getByLabel('Chọn để gộp').isChecked()).resolves.toBe(false);
      await point(page, 'Nhất trí').getByLabel('Chọn để gộp').uncheck();
      await noSidewaysScroll(page);
    }, 90_000);

    it('merges two points selected in one section', async ({ expect }) => {
      await point(page, POVERTY).getByLabel('Chọn để gộp').check();
      await point(page, ONLINE).getByLabel('Chọn để gộp').check();
      await page.getByText('Đã chọn 2 ý kiến để gộp.').waitFor();
      await shot(page, name('03-selected'));
      await press(page.getByRole('button', { name: 'Gộp ý kiến' }));
      await point(page, POVERTY).filter({ hasText: ONLINE }).waitFor({ timeout: TIMEOUT });
      await expect.poll(() => point(page, POVERTY).locator('strong').first().textContent(), { timeout: TIMEOUT }).toBe('2 ý kiến');
      await edits(page).filter({ hasText: /Trần Thị Soạn.* đã gộp 2 ý kiến/ }).waitFor({ timeout: TIMEOUT });
      await point(page, POVERTY).scrollIntoViewIfNeeded();
      await shot(page, name('04-merged'));
    }, 60_000);

    it('splits an annotation out with the button, and undoes it', async ({ expect }) => {
      const merged = point(page, POVERTY);
      await press(merged.locator('summary'));
      await press(merged.locator('.annotation').filter({ hasText: ONLINE }).getByRole('button', { name: 'Tách ra' }));
      await edits(page).filter({ hasText: 'đã tách 1 ý kiến' }).waitFor({ timeout: TIMEOUT });
      await expect.poll(() => point(page, ONLINE).locator('strong').first().textContent(), { timeout: TIMEOUT }).toBe('1 ý kiến');
      await shot(page, name('05-split'));
      await press(edits(page).filter({ hasText: 'đã tách 1 ý kiến' }).getByRole('button', { name: 'Hoàn tác' }));
      await edits(page).filter({ hasText: 'đã tách' }).waitFor({ state: 'detached', timeout: TIMEOUT });
      await point(page, POVERTY).filter({ hasText: ONLINE }).waitFor({ timeout: TIMEOUT });
    }, 60_000);

    it('drags an annotation out of its point onto "tách thành ý riêng", and undoes it', async ({ expect }) => {
      const merged = point(page, POVERTY);
      if (!(await merged.locator('details').getAttribute('open').then((v) => v !== null))) await press(merged.locator('summary'));
      const handle = merged.locator('.annotation').filter({ hasText: ONLINE }).locator('.drag-handle');
      // Mid-drag: the target bar and the marked points (screenshot), then the drop.
      await handle.scrollIntoViewIfNeeded();
      const box = (await handle.boundingBox())!;
      await pointer.down(box.x + box.width / 2, box.y + box.height / 2);
      for (let i = 1; i <= 4; i++) await pointer.move(box.x + box.width / 2, box.y + box.height / 2 - 5 * i);
      await page.locator('.split-target').waitFor({ timeout: TIMEOUT });
      await page.locator('.drag-ghost').waitFor();
      await shot(page, name('06-dragging'));
      await pointer.up();
      await page.locator('.split-target').waitFor({ state: 'detached' });
      // Dropped nowhere: nothing changed.
      await expect(edits(page).count()).resolves.toBe(1);
      await dragTo(page, pointer, handle, page.locator('.split-target'));
      await edits(page).filter({ hasText: 'đã tách 1 ý kiến' }).waitFor({ timeout: TIMEOUT });
      await page.getByText('Đã tách thành ý riêng.').waitFor();
      await expect.poll(() => point(page, ONLINE).locator('strong').first().textContent(), { timeout: TIMEOUT }).toBe('1 ý kiến');
      await expect.poll(() => point(page, POVERTY).locator('strong').first().textContent(), { timeout: TIMEOUT }).toBe('1 ý kiến');
      await shot(page, name('07-dragged-out'));
      await press(edits(page).filter({ hasText: 'đã tách 1 ý kiến' }).getByRole('button', { name: 'Hoàn tác' }));
      await point(page, POVERTY).filter({ hasText: ONLINE }).waitFor({ timeout: TIMEOUT });
    }, 90_000);

    it('shows a member’s new comment live, reading that section alone again', async ({ expect }) => {
      const quote = size === 'desktop' ? '95,6%' : '86% hộ gia đình';
      const body = size === 'desktop' ? 'Đề nghị bổ sung số liệu bảo hiểm y tế từng năm.' : 'Cần làm rõ tiêu chí gia đình văn hóa.';
      const member = await ApiClient.logIn(e2e.baseUrl, 'dangvien2', PASSWORD);
      const documentId = page.url().split('/d/')[1]!.split('/')[0]!;
      const [round] = await member.json<Array<{ id: string }>>('GET', `/api/v1/documents/${documentId}/rounds`);
      const content = await member.content(documentId);
      const start = content.text.indexOf(quote);
      const before = requests.length;
      await member.putAnnotation(round!.id, crypto.randomUUID(), { kind: 'comment', body, anchor: { start, end: start + quote.length } });
      await point(page, body).waitFor({ timeout: TIMEOUT });
      await page.waitForTimeout(500);
      const reads = requests.slice(before).filter((r) => r.startsWith('/summary'));
      // The event named section II: the index and that section, nothing else.
      expect(new Set(reads)).toEqual(new Set(['/summary/sections', `/summary?section=${await page.locator('.review-section', { has: page.getByRole('button', { name: SECTION_II }) }).getAttribute('data-section-path')}`]));
      await point(page, body).scrollIntoViewIfNeeded();
      await shot(page, name('08-live-comment'));

      // Drag ONLINE out of the merged point onto the new one: a split and a merge, undone one by one.
      const merged = point(page, POVERTY);
      if (!(await merged.locator('details').getAttribute('open').then((v) => v !== null))) await press(merged.locator('summary'));
      await dragTo(page, pointer, merged.locator('.annotation').filter({ hasText: ONLINE }).locator('.drag-handle'), point(page, body));
      await page.getByText('Đã chuyển ý kiến sang ý khác.').waitFor({ timeout: TIMEOUT });
      await point(page, body).filter({ hasText: ONLINE }).waitFor({ timeout: TIMEOUT });
      await expect.poll(() => point(page, body).locator('strong').first().textContent(), { timeout: TIMEOUT }).toBe('2 ý kiến');
      await expect.poll(() => point(page, POVERTY).locator('strong').first().textContent(), { timeout: TIMEOUT }).toBe('1 ý kiến');
      await expect.poll(() => edits(page).count(), { timeout: TIMEOUT }).toBe(3);
      await point(page, body).scrollIntoViewIfNeeded();
      await shot(page, name('09-moved-to-point'));
      await press(edits(page).first().getByRole('button', { name: 'Hoàn tác' }));
      await expect.poll(() => edits(page).count(), { timeout: TIMEOUT }).toBe(2);
      await press(edits(page).first().getByRole('button', { name: 'Hoàn tác' }));
      await expect.poll(() => edits(page).count(), { timeout: TIMEOUT }).toBe(1);
      await point(page, POVERTY).filter({ hasText: ONLINE }).waitFor({ timeout: TIMEOUT });
    }, 90_000);

    it('drags a lone annotation onto another point (a merge), and undoes it and the first merge', async ({ expect }) => {
      await press(edits(page).first().getByRole('button', { name: 'Hoàn tác' }));
      await expect.poll(() => edits(page).count(), { timeout: TIMEOUT }).toBe(0);
      await expect.poll(() => point(page, ONLINE).locator('strong').first().textContent(), { timeout: TIMEOUT }).toBe('1 ý kiến');
      const online = point(page, ONLINE);
      await press(online.locator('summary'));
      await dragTo(page, pointer, online.locator('.annotation').locator('.drag-handle'), point(page, POVERTY), async () => {
        // Above the other point of the section: it is marked as where the annotation will go.
        await page.locator('.cluster.drop-over', { hasText: POVERTY }).waitFor();
        await shot(page, name('10a-over-point'));
      });
      await edits(page).filter({ hasText: 'đã gộp 2 ý kiến' }).waitFor({ timeout: TIMEOUT });
      await point(page, POVERTY).filter({ hasText: ONLINE }).waitFor({ timeout: TIMEOUT });
      await expect.poll(() => edits(page).count(), { timeout: TIMEOUT }).toBe(1);
      await shot(page, name('10-lone-moved'));
      await press(edits(page).first().getByRole('button', { name: 'Hoàn tác' }));
      await expect.poll(() => edits(page).count(), { timeout: TIMEOUT }).toBe(0);
    }, 90_000);

    it('decides a whole point at once, with no decision chosen in advance', async ({ expect }) => {
      // The phone decides the point the desktop left undecided.
      const which = size === 'desktop' ? INCOME : 'Nhất trí';
      const decision = size === 'desktop' ? 'noted' : 'accepted';
      const form = point(page, which).locator('form.point-decision');
      const submit = form.getByRole('button', { name: size === 'desktop' ? 'Quyết định cho cả 2 ý kiến' : 'Ghi quyết định' });
      await form.scrollIntoViewIfNeeded();
      await expect(submit.isDisabled()).resolves.toBe(true);
      await form.getByLabel('Quyết định').selectOption(decision);
      await form.getByLabel('Lý do').fill('Sẽ bổ sung nguồn số liệu của Chi cục Thống kê.');
      await press(submit);
      await point(page, which).getByText(size === 'desktop' ? 'Đã ghi quyết định cho 2 ý kiến.' : 'Đã ghi quyết định cho 1 ý kiến.').waitFor({ timeout: TIMEOUT });
      await point(page, which).getByText(size === 'desktop' ? /Ghi nhận: 2/ : /Tiếp thu: 1/).waitFor({ timeout: TIMEOUT });
      await shot(page, name('11-decided'));
      await noSidewaysScroll(page);
      await page.locator('.cluster-edits').scrollIntoViewIfNeeded();
      await shot(page, name('12-edits'));
      expect(pageErrors).toEqual([]);
    }, 60_000);
  });
});
