/**
 * Issue 7's scenario in a real Chromium: a drafter (xa.soanthao) and a member (dangvien1, on a
 * 360 px wide screen) on the demo workspace. The drafter closes the demo’s round 1 and opens round 2; the member suggests a
 * rewording of a passage; the drafter sees it arrive live, accepts and applies it; the member's
 * view shows the new text. Then the diff between version 1 and the live draft, an offline
 * annotation that waits in the outbox and is sent on reconnect, and an export download.
 * Screenshots of each main view go to test-artifacts/screenshots/.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import type { BrowserContext, Page } from 'playwright-core';
import { downloaded, logIn, PASSWORD, screens, selectInDraft, shot, TIMEOUT, useE2e } from './harness.js';

const PASSAGE = 'diện tích lúa chất lượng cao đạt 420 ha';
const REWORDING = 'diện tích lúa chất lượng cao đạt 450 ha';



describe('web client: comment, decide, apply, compare, export', () => {
  const e2e = useE2e();
  let memberContext: BrowserContext;
  let drafter: Page;
  let member: Page;
  let documentUrl = '';
  const consoleErrors: string[] = [];

  beforeAll(async () => {
    drafter = await e2e.newPage({ ...screens.desktop, acceptDownloads: true });
    memberContext = await e2e.newContext(screens.phone);
    member = await memberContext.newPage();
    for (const page of [drafter, member]) page.on('pageerror', (error) => consoleErrors.push(String(error)));
  });

  it('logs the drafter in and lists the demo report', async () => {
    await drafter.goto(e2e.baseUrl + '/');
    await drafter.getByLabel('Tên đăng nhập').waitFor();
    await shot(drafter, '01-login');
    await logIn(drafter, e2e.baseUrl, 'xa.soanthao');
    const link = drafter.getByRole('link', { name: /Dự thảo Báo cáo chính trị/ });
    await expect(link.isVisible()).resolves.toBe(true);
    await shot(drafter, '02-documents');
    await link.click();
    documentUrl = drafter.url().replace(/\/draft$/, '');
    expect(documentUrl).toMatch(/\/d\/[0-9a-f-]{36}$/);
  });

  it('lets the drafter close the demo’s round 1 and open round 2', async () => {
    await drafter.getByRole('link', { name: 'Vòng góp ý' }).click();
    drafter.once('dialog', (dialog) => void dialog.accept());
    await drafter.getByRole('button', { name: 'Đóng vòng' }).click();
    await drafter.getByRole('button', { name: 'Mở vòng 2' }).click();
    await drafter.getByText('đang mở').first().waitFor({ timeout: TIMEOUT });
    await shot(drafter, '03-rounds');
    await drafter.getByRole('link', { name: 'Dự thảo', exact: true }).click();
    await drafter.locator('.ProseMirror').getByText(PASSAGE).waitFor({ timeout: TIMEOUT });
  });

  it('lets the member suggest a rewording on a 360 px screen', async () => {
    await logIn(member, e2e.baseUrl, 'dangvien1');
    await member.goto(documentUrl + '/draft');
    await member.getByText('Vòng 2 đang mở').waitFor({ timeout: TIMEOUT });
    await selectInDraft(member, PASSAGE);
    const form = member.getByRole('form', { name: 'Ý kiến mới về đoạn đã chọn' });
    await form.waitFor({ timeout: TIMEOUT });
    await expect(form.locator('.quote').textContent()).resolves.toBe(PASSAGE);
    // On a phone the form opens as a bottom sheet where the passage was selected.
    await expect(form.evaluate((el) => getComputedStyle(el).position)).resolves.toBe('fixed');
    await form.getByLabel('Đề nghị sửa câu chữ').check();
    await form.getByLabel('Đề nghị sửa thành').fill(REWORDING);
    await form.getByLabel('Nội dung').fill('Số liệu cập nhật theo báo cáo tháng 9.');
    await form.getByRole('button', { name: 'Gửi ý kiến' }).click();
    const card = member.locator('li.annotation', { hasText: 'Số liệu cập nhật theo báo cáo tháng 9.' });
    await card.waitFor({ timeout: TIMEOUT });
    await member.locator('.ProseMirror .hl-mine').first().waitFor({ timeout: TIMEOUT });
    // No horizontal scrolling at 360 px.
    const overflow = await member.evaluate(() => document.documentElement.scrollWidth - document.documentElement.clientWidth);
    expect(overflow).toBeLessThanOrEqual(1);
    await card.scrollIntoViewIfNeeded();
    await shot(member, '04-member-annotation');
  });

  it('shows the drafter the new comment live, and applies the accepted suggestion', async () => {
    const card = drafter.locator('li.annotation', { hasText: 'Số liệu cập nhật theo báo cáo tháng 9.' });
    await card.waitFor({ timeout: TIMEOUT }); // arrived over the event stream, no reload
    await drafter.locator('.ProseMirror .hl-other').first().waitFor({ timeout: TIMEOUT });
    await card.getByLabel('Quyết định').selectOption('accepted');
    await card.getByLabel('Lý do').fill('Đúng số liệu thống kê mới nhất.');
    await card.getByRole('button', { name: 'Ghi quyết định' }).click();
    const apply = card.getByRole('button', { name: 'Áp dụng vào dự thảo' });
    await apply.waitFor({ timeout: TIMEOUT });
    await shot(drafter, '05-drafter-review-panel');
    await apply.click();
    await card.getByText(/Đã áp dụng lúc/).waitFor({ timeout: TIMEOUT });
    await drafter.locator('.ProseMirror').getByText(REWORDING).waitFor({ timeout: TIMEOUT });
    await shot(drafter, '06-drafter-applied');
  });

  it("shows the new text in the member's live view", async () => {
    await member.locator('.ProseMirror').getByText(REWORDING).waitFor({ timeout: TIMEOUT });
    const text = await member.locator('.ProseMirror').textContent();
    expect(text).toContain(REWORDING);
    expect(text).not.toContain(PASSAGE);
    await member.locator('.ProseMirror').getByText(REWORDING).scrollIntoViewIfNeeded();
    await shot(member, '07-member-sees-applied');
  });

  it('compares version 1 with the live draft', async () => {
    await drafter.getByRole('link', { name: 'Phiên bản và so sánh' }).click();
    const inline = drafter.locator('.diff-inline');
    await inline.waitFor({ timeout: TIMEOUT });
    await expect(inline.locator('ins').allTextContents()).resolves.toContain('450');
    await expect(inline.locator('del').allTextContents()).resolves.toContain('420');
    await inline.locator('ins', { hasText: '450' }).scrollIntoViewIfNeeded();
    await shot(drafter, '08-diff-inline');
    await drafter.getByRole('button', { name: 'Song song' }).click();
    await drafter.locator('.diff-side ins', { hasText: '450' }).scrollIntoViewIfNeeded();
    await shot(drafter, '09-diff-side-by-side');
  });

  it('keeps an annotation made offline as "not yet sent" and sends it on reconnect', async () => {
    await memberContext.setOffline(true);
    await selectInDraft(member, 'Tỷ lệ che phủ rừng duy trì ở mức 61%');
    const form = member.getByRole('form', { name: 'Ý kiến mới về đoạn đã chọn' });
    await form.getByLabel('Câu hỏi').check();
    await form.getByLabel('Nội dung').fill('Chỉ tiêu này tính theo phương pháp nào?');
    await form.getByRole('button', { name: 'Gửi ý kiến' }).click();
    const unsent = member.locator('li.unsent', { hasText: 'Chỉ tiêu này tính theo phương pháp nào?' });
    await unsent.getByText('chưa gửi').waitFor({ timeout: TIMEOUT });
    await unsent.scrollIntoViewIfNeeded();
    await shot(member, '10-member-offline-outbox');
    await memberContext.setOffline(false);
    await member.locator('li.annotation:not(.unsent)', { hasText: 'Chỉ tiêu này tính theo phương pháp nào?' }).waitFor({ timeout: 30_000 });
    // The outbox forgets the write after the server's answer, not with the list's reload.
    await expect.poll(() => unsent.count(), { timeout: TIMEOUT }).toBe(0);
  });

  it('switches the interface to English', async () => {
    await member.getByRole('button', { name: 'English' }).click();
    await member.getByRole('heading', { name: 'Comments' }).waitFor();
    await member.getByRole('button', { name: 'Tiếng Việt' }).click();
    await member.getByRole('heading', { name: 'Ý kiến' }).waitFor();
  });

  it('downloads the round summary as Markdown', async () => {
    await drafter.getByRole('link', { name: 'Tổng hợp ý kiến' }).click();
    await drafter.locator('.cluster').first().waitFor({ timeout: TIMEOUT });
    await shot(drafter, '11-review-summary');
    const [download] = await Promise.all([drafter.waitForEvent('download'), drafter.getByRole('button', { name: 'Tải Markdown' }).click()]);
    const markdown = (await downloaded(download)).toString('utf8');
    expect(markdown).toContain('450 ha');
  });

  it('shows a log-in-again banner when the live connection closes with 4401, and resumes after logging in', async () => {
    // Revoking the token (log out elsewhere) closes the member's socket with 4401.
    const status = await member.evaluate(async () => {
      const response = await fetch('/api/v1/auth/logout', { method: 'POST', headers: { authorization: `Bearer ${localStorage.getItem('draftroom.token')}` } });
      return response.status;
    });
    expect(status).toBe(204);
    await member.getByText('Phiên đăng nhập đã hết hạn. Vui lòng đăng nhập lại.').waitFor({ timeout: TIMEOUT });
    await shot(member, '12-session-expired');
    await member.getByLabel('Tên đăng nhập').fill('dangvien1');
    await member.getByLabel('Mật khẩu').fill(PASSWORD);
    await member.getByRole('button', { name: 'Đăng nhập' }).click();
    await member.locator('.ProseMirror').getByText(REWORDING).waitFor({ timeout: TIMEOUT });
  });

  it('raised no uncaught error in either page', () => {
    expect(consoleErrors).toEqual([]);
  });
});
