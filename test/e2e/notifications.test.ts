/**
 * Notifications in a real Chromium on the demo workspace. A member (dangvien1) has the demo's
 * notifications (round 1 opened, a reply and a decision on their comment); with the draft open,
 * a drafter's new reply to their question raises the bell's count at once (the document's event
 * stream), and the member opens it from the list: the draft shows that annotation and the count
 * goes down. The member sets an e-mail address in the settings; the commune's secretary reads the
 * audit trail. At 360 px (phone) and 1280 px (desktop); screenshots in test-artifacts/screenshots/.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import type { Page } from 'playwright-core';
import { ApiClient } from '../helpers/api-client.js';
import { draftLoaded, logIn, PASSWORD, screens, shot, TIMEOUT, useE2e } from './harness.js';

interface AnnotationLite {
  id: string;
  authorId: string;
  kind: string;
  body: string;
}

const viewports = [
  { name: 'phone', screen: screens.phone },
  { name: 'desktop', screen: screens.desktop },
] as const;

describe('web client: notifications, settings and the audit trail', () => {
  const e2e = useE2e();
  let documentId = '';
  let roundId = '';
  let drafter: ApiClient;
  let questionId = '';
  const consoleErrors: string[] = [];

  beforeAll(async () => {
    drafter = await ApiClient.logIn(e2e.baseUrl, 'xa.soanthao', PASSWORD);
    // The commune's own report (the demo also has the district's draft distributed to the communes).
    const docs = await drafter.json<Array<{ id: string; title: string }>>('GET', '/api/v1/documents');
    documentId = docs.find((d) => d.title.includes('Báo cáo chính trị') && d.title.includes('xã Minh Sơn'))!.id;
    const rounds = await drafter.json<Array<{ id: string; status: string }>>('GET', `/api/v1/documents/${documentId}/rounds`);
    roundId = rounds.find((r) => r.status === 'open')!.id;
    const member = await ApiClient.logIn(e2e.baseUrl, 'dangvien1', PASSWORD);
    const memberId = (await member.me()).member.id;
    const mine = await member.json<AnnotationLite[]>('GET', `/api/v1/rounds/${roundId}/annotations`);
    questionId = mine.find((a) => a.authorId === memberId && a.kind === 'question')!.id;
  });

  const bell = (page: Page) => page.locator('.bell-button');
  const count = async (page: Page) => (await page.locator('.bell-count').count()) === 0 ? 0 : Number(await page.locator('.bell-count').textContent());

  for (const { name, screen } of viewports) {
    const { viewport } = screen;
    it(`gives the member a live reply notification that opens the annotation (${name})`, async () => {
      const page = await e2e.newPage(screen);
      page.on('console', (m) => {
        // The missing favicon is another part's (issue 15, "Polish").
        if (m.type() === 'error' && !m.location().url.endsWith('/favicon.ico')) consoleErrors.push(`${m.text()} ${m.location().url}`);
      });
      await logIn(page, e2e.baseUrl, 'dangvien1');
      await expect.poll(() => count(page), { timeout: TIMEOUT }).toBeGreaterThan(0);
      const before = await count(page);

      // With the draft open, a reply arrives over the document's event stream: the count moves at once.
      await page.goto(`${e2e.baseUrl}/d/${documentId}/draft`);
      await draftLoaded(page);
      const replyText = `Trả lời (${name}): số liệu tính từ ngày 01/01/2025.`;
      await drafter.json('POST', `/api/v1/annotations/${questionId}/replies`, { body: replyText }, 201);
      await expect.poll(() => count(page), { timeout: 8_000 }).toBe(before + 1);
      await expect(bell(page).getAttribute('aria-label')).resolves.toBe(`Thông báo (${before + 1} chưa đọc)`);

      await bell(page).click();
      const panel = page.getByRole('region', { name: 'Thông báo' });
      const item = panel.locator('li.unread', { hasText: 'đã trả lời ý kiến của đồng chí về “tỷ lệ hồ sơ giải quyết trực tuyến đạt 68%”' }).first();
      await item.waitFor({ timeout: TIMEOUT });
      await expect(item.textContent()).resolves.toContain('Trả lời ý kiến');
      await shot(page, `notifications-list-${name}`);
      // Nothing scrolls sideways with the list open.
      expect(await page.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(viewport.width);

      await item.locator('a').click();
      await page.waitForURL(`**/d/${documentId}/draft?annotation=${questionId}`, { timeout: TIMEOUT });
      const card = page.locator(`.annotation[data-annotation-id="${questionId}"]`);
      await card.waitFor({ timeout: TIMEOUT });
      await expect.poll(async () => (await card.getAttribute('class')) ?? '', { timeout: TIMEOUT }).toContain('active');
      await card.getByText(replyText).waitFor({ timeout: TIMEOUT });
      await expect.poll(() => count(page), { timeout: TIMEOUT }).toBe(before);
      await shot(page, `notifications-opened-${name}`);
      await page.context().close();
    }, 120_000);
  }

  it('keeps the member’s e-mail settings (phone)', async () => {
    const page = await e2e.newPage(screens.phone);
    await logIn(page, e2e.baseUrl, 'dangvien1');
    await bell(page).click();
    await page.getByRole('link', { name: 'Cài đặt thông báo' }).click();
    await page.getByRole('heading', { name: 'Cài đặt thông báo' }).waitFor({ timeout: TIMEOUT });
    await page.getByLabel('Địa chỉ thư điện tử').fill('khong-phai-dia-chi');
    await page.getByRole('button', { name: 'Lưu' }).click();
    // The browser's own check stops a malformed address before it is sent.
    expect(await page.getByLabel('Địa chỉ thư điện tử').evaluate((input) => (input as HTMLInputElement).validity.valid)).toBe(false);
    await page.getByLabel('Địa chỉ thư điện tử').fill('an.hoang@example.vn');
    await page.getByRole('button', { name: 'Lưu' }).click();
    await page.getByRole('status').filter({ hasText: 'Đã lưu.' }).waitFor({ timeout: TIMEOUT });
    await shot(page, 'notifications-settings-phone');
    const member = await ApiClient.logIn(e2e.baseUrl, 'dangvien1', PASSWORD);
    expect(await member.json('GET', '/api/v1/me/contact')).toEqual({ email: 'an.hoang@example.vn', notifyByEmail: true });
    await page.context().close();
  }, 60_000);

  it('shows the commune secretary who opened, exported and decided what (desktop); members see no such tab', async () => {
    await drafter.send('GET', `/api/v1/documents/${documentId}/export?format=md`);
    const page = await e2e.newPage(screens.desktop);
    await logIn(page, e2e.baseUrl, 'xa.thuky');
    await page.goto(`${e2e.baseUrl}/d/${documentId}/audit`);
    const list = page.locator('.audit-list');
    await list.waitFor({ timeout: TIMEOUT });
    // Titled as every other tab is.
    await page.locator('section.audit').getByRole('heading', { name: 'Nhật ký' }).waitFor({ timeout: TIMEOUT });
    const opened = list.locator('li', { hasText: 'Hoàng Văn An' }).filter({ hasText: 'Mở xem' });
    await opened.first().waitFor({ timeout: TIMEOUT });
    await list.locator('li', { hasText: 'Trần Thị Soạn (Tổ soạn thảo)' }).filter({ hasText: 'Tải xuống' }).first().waitFor({ timeout: TIMEOUT });
    await list.locator('li', { hasText: 'Xử lý ý kiến' }).first().waitFor({ timeout: TIMEOUT });
    await shot(page, 'audit-desktop');
    await page.context().close();

    const member = await e2e.newPage(screens.phone);
    await logIn(member, e2e.baseUrl, 'dangvien1');
    await member.goto(`${e2e.baseUrl}/d/${documentId}/draft`);
    await member.locator('nav.tabs').waitFor({ timeout: TIMEOUT });
    expect(await member.locator('nav.tabs').getByText('Nhật ký').count()).toBe(0);
    await member.context().close();
    expect(consoleErrors, consoleErrors.join("\n")).toEqual([]);
  }, 60_000);
});
