/**
 * Tabs and forms follow the server's rules (client/src/ui/may.ts over server/domain/permissions.ts),
 * in a real Chromium on the demo workspace, at phone (360x780, touch) and desktop (1280x860) sizes:
 * nobody is offered what answers 403, and nobody who may do something lacks the way to do it.
 * - Hòa Bình's secretary, in "Ai đã góp ý" on the district's draft, chooses only Hòa Bình.
 * - The province's secretary reads the district's draft during its round: no "Ai đã góp ý", no
 *   comment forms, and the panel says why.
 * - The district's drafter (not its secretary) reads and decides what the communes sent:
 *   "Ý kiến cấp dưới" is offered to the receiving unit's staff, as the server allows; a reason of
 *   spaces is refused by the form itself, in Vietnamese, as the server would refuse it.
 * - A member's comment stops at the server's limit (10,000 characters on a passage), and a
 *   rewording that changes nothing cannot be sent; the form says so.
 * - An address that is no page says so; a tab not offered shows the draft, and the address follows.
 * - A commune with no comments reports that it agrees (a package of its note alone), and the
 *   district sees it as sent.
 * Screenshots in test-artifacts/screenshots/.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import type { Page } from 'playwright-core';
import { demoDistrictDraftId, draftLoaded, logIn, screens, selectInDraft, shot, sidewaysOverflow, TIMEOUT, useE2e } from './harness.js';

const { phone, desktop } = screens;
const sizes = [['360', phone], ['1280', desktop]] as const;

describe('web client: what is offered follows the server’s rules', () => {
  const e2e = useE2e();
  let documentId = '';
  const consoleErrors: string[] = [];

  beforeAll(async () => {
    documentId = await demoDistrictDraftId(e2e.baseUrl);
  });

  /** A page logged in as `login` at `path`; `watch` sees the page before anything loads. */
  const open = async (options: typeof phone | typeof desktop, login: string, path: string, watch?: (page: Page) => void): Promise<Page> => {
    const page = await e2e.newPage(options);
    watch?.(page);
    page.on('console', (m) => {
      if (m.type() === 'error' && !m.location().url.endsWith('/favicon.ico')) consoleErrors.push(`${m.text()} ${m.location().url}`);
    });
    await logIn(page, e2e.baseUrl, login);
    await page.goto(`${e2e.baseUrl}${path}`);
    return page;
  };
  const tabs = (page: Page) => page.locator('nav.tabs');

  for (const [name, options] of sizes) {
    it(`offers a commune’s secretary only their own commune in "Ai đã góp ý" (${name})`, async () => {
      const page = await open(options, 'hoabinh.thuky', `/d/${documentId}/people`);
      const silent = page.getByRole('region', { name: 'Chưa góp ý' });
      await silent.getByText('Lý Thị Hòa (Thư ký xã Hòa Bình)').waitFor({ timeout: TIMEOUT });
      expect(await page.getByLabel('Đơn vị').locator('option').allTextContents()).toEqual(['Đảng ủy xã Hòa Bình']);
      expect(await page.locator('.participation [role=status]').textContent()).toBe('0/1 người đã góp ý');
      expect(await page.locator('.participation [role=alert]').count()).toBe(0);
      await shot(page, `people-commune-secretary-${name}`);
      expect((await sidewaysOverflow(page)).overflow).toBeLessThanOrEqual(0);
      await page.context().close();
    }, 60_000);

    it(`offers the province’s secretary reading the district’s draft no "Ai đã góp ý" and no comment forms (${name})`, async () => {
      const reads: string[] = [];
      const page = await open(options, 'tinh.thuky', `/d/${documentId}`, (watched) =>
        watched.on('request', (request) => {
          const url = new URL(request.url());
          if (request.method() === 'GET' && url.pathname.startsWith(`/api/v1/documents/${documentId}/`)) reads.push(url.pathname.split('/').pop()! + url.search);
        }),
      );
      await tabs(page).getByRole('link', { name: 'Vòng góp ý' }).waitFor({ timeout: TIMEOUT });
      expect(await tabs(page).getByRole('link', { name: 'Ai đã góp ý' }).count()).toBe(0);
      // The province reads the draft but does not take part in the district's round: the panel says so.
      await page.locator('aside.panel').getByText('Vòng 1 lấy ý kiến đảng viên các đơn vị được gửi dự thảo', { exact: false }).waitFor({ timeout: TIMEOUT });
      for (const button of ['Góp ý chung cho mục/toàn văn', 'Nộp tệp Word có góp ý', 'Nhập ý kiến thu thập']) {
        expect(await page.getByRole('button', { name: button }).count(), button).toBe(0);
      }
      // The panel names sections from the round's version outline, never downloading the text a second time.
      await expect.poll(() => reads.filter((r) => r.startsWith('sections?version=')).length, { timeout: TIMEOUT }).toBe(1);
      expect(reads.filter((r) => r.startsWith('content'))).toEqual([]);
      await page.locator('aside.panel').evaluate((el) => el.scrollIntoView({ block: 'start' }));
      await shot(page, `draft-province-reader-${name}`);
      expect((await sidewaysOverflow(page)).overflow).toBeLessThanOrEqual(0);
      // What the province receives: the district has not sent, and the communes' deadline is not the district's.
      await tabs(page).getByRole('link', { name: 'Ý kiến cấp dưới' }).click();
      const district = page.locator('.merged-feedback .unit-status li', { hasText: 'Huyện ủy Đông Sơn' });
      await district.waitFor({ timeout: TIMEOUT });
      expect((await district.textContent())?.trim()).toBe('Huyện ủy Đông Sơn — Chưa gửi');
      await page.context().close();
    }, 60_000);

    it(`offers the district’s drafter what the communes sent, to read and decide (${name})`, async () => {
      const page = await open(options, 'huyen.soanthao', `/d/${documentId}`);
      await tabs(page).getByRole('link', { name: 'Ý kiến cấp dưới' }).click();
      const merged = page.locator('.merged-feedback');
      await merged.getByText(/Đã nhận 1\/3 đơn vị/).waitFor({ timeout: TIMEOUT });
      await merged.locator('.cluster').first().waitFor({ timeout: TIMEOUT });
      expect(await merged.getByRole('button', { name: 'Ghi quyết định' }).count()).toBeGreaterThan(0);
      // A reason of spaces is no reason: the form says so in the interface's language and sends nothing.
      const point = merged.locator('.cluster').first();
      const decisionsSent: string[] = [];
      page.on('request', (request) => {
        if (request.method() === 'PUT' && request.url().includes('/disposition')) decisionsSent.push(request.url());
      });
      await point.getByLabel('Quyết định của Huyện ủy Đông Sơn').selectOption('partially_accepted');
      const reason = point.getByLabel('Lý do');
      await reason.fill('   ');
      await point.getByRole('button', { name: 'Ghi quyết định' }).click();
      expect(await reason.evaluate((el: HTMLTextAreaElement) => el.validationMessage)).toBe('Cần ghi lý do cho quyết định này.');
      expect(decisionsSent).toEqual([]);
      await reason.fill('Điều chỉnh cho phù hợp khả năng các xã.');
      await point.getByRole('button', { name: 'Ghi quyết định' }).click();
      await point.locator('.decided').waitFor({ timeout: TIMEOUT });
      expect(decisionsSent).toHaveLength(1);
      // A drafter decides, and does not send: the secretary sends the district's package up.
      expect(await page.locator('.send-package').count()).toBe(0);
      expect(await page.locator('.merged-feedback [role=alert]').count()).toBe(0);
      await shot(page, `feedback-district-drafter-${name}`);
      expect((await sidewaysOverflow(page)).overflow).toBeLessThanOrEqual(0);
      await page.context().close();
    }, 60_000);
  }

  for (const [name, options] of sizes) {
    it(`stops a member's comment at its limit, and an unchanged rewording, and says so (${name})`, async () => {
      const page = await open(options, 'dangvien1', `/d/${documentId}`);
      await draftLoaded(page);
      await selectInDraft(page, 'Tập trung phát triển nông nghiệp hàng hóa');
      const form = page.locator('form.annotation-form');
      const body = form.locator('textarea[name=body]');
      await body.waitFor({ timeout: TIMEOUT });
      expect(await body.getAttribute('maxlength')).toBe('10000');
      // A rewording starts from the quoted words; unchanged, it cannot be sent, and the form says why.
      await form.getByLabel('Đề nghị sửa câu chữ').check();
      const send = form.getByRole('button', { name: 'Gửi ý kiến' });
      await form.getByText('Câu chữ đề nghị vẫn như đoạn trích: hãy sửa trước khi gửi.').waitFor({ timeout: TIMEOUT });
      expect(await send.isDisabled()).toBe(true);
      // The wording stops at the server's limit too (it was sent, then refused with 413).
      expect(await form.locator('textarea[name=replacement]').getAttribute('maxlength')).toBe('10000');
      await form.locator('textarea[name=replacement]').fill('Tập trung phát triển mạnh nông nghiệp hàng hóa');
      expect(await send.isDisabled()).toBe(false);
      await form.getByLabel('Góp ý', { exact: true }).check();
      await body.fill('ý kiến '.repeat(1500).slice(0, 9_500));
      await form.getByText('9.500/10.000 ký tự').waitFor({ timeout: TIMEOUT });
      await body.press('End');
      await body.pressSequentially('x'.repeat(600));
      expect((await body.inputValue()).length).toBe(10_000);
      await form.getByText('10.000/10.000 ký tự: đã đến giới hạn, phần dài hơn không được nhận.').waitFor({ timeout: TIMEOUT });
      await shot(page, `comment-at-limit-${name}`);
      expect((await sidewaysOverflow(page)).overflow).toBeLessThanOrEqual(0);
      await page.context().close();
    }, 90_000);
  }

  for (const [name, options] of sizes) {
    it(`says an address is no page, and shows a tab not offered as the draft with its address (${name})`, async () => {
      const page = await open(options, 'dangvien1', '/nowhere');
      await page.getByRole('heading', { name: 'Không có trang này. Địa chỉ có thể đã gõ sai hoặc đã cũ.' }).waitFor({ timeout: TIMEOUT });
      await shot(page, `not-found-${name}`);
      await page.goto(`${e2e.baseUrl}/d/not-a-document/draft`);
      await page.getByRole('heading', { name: 'Không có trang này. Địa chỉ có thể đã gõ sai hoặc đã cũ.' }).waitFor({ timeout: TIMEOUT });
      await page.getByRole('link', { name: 'Về danh sách tài liệu' }).click();
      await page.getByRole('heading', { name: 'Tài liệu' }).waitFor({ timeout: TIMEOUT });
      // A member is not offered the summary: /review shows the draft, and the address follows.
      await page.goto(`${e2e.baseUrl}/d/${documentId}/review`);
      await draftLoaded(page);
      await page.waitForURL(`${e2e.baseUrl}/d/${documentId}/draft`, { timeout: TIMEOUT });
      expect(await tabs(page).getByRole('link', { name: 'Tổng hợp ý kiến' }).count()).toBe(0);
      await page.context().close();
    }, 60_000);
  }

  it('lets a commune with no comments report that it agrees, and the district sees it as sent (phone, then desktop)', async () => {
    const page = await open(phone, 'hoabinh.thuky', `/d/${documentId}`);
    await tabs(page).getByRole('link', { name: 'Gửi ý kiến lên cấp trên' }).click();
    const form = page.locator('.send-package form');
    await form.getByText('Đơn vị không có ý kiến nào về dự thảo.', { exact: false }).waitFor({ timeout: TIMEOUT });
    const send = form.getByRole('button', { name: 'Gửi ý kiến' });
    expect(await send.isDisabled()).toBe(true);
    expect(await form.getByLabel('Ghi chú chung của đơn vị').getAttribute('maxlength')).toBe('20000');
    await form.getByLabel('Ghi chú chung của đơn vị').fill('   ');
    expect(await send.isDisabled()).toBe(true);
    await form.getByLabel('Ghi chú chung của đơn vị').fill('Đảng bộ xã Hòa Bình nhất trí với dự thảo, không có ý kiến bổ sung.');
    await send.click();
    await form.getByRole('status').filter({ hasText: 'Đã gửi ý kiến tới Huyện ủy Đông Sơn' }).waitFor({ timeout: TIMEOUT });
    // What was sent is that note: the list of packages sent shows it.
    await page.locator('.sent-packages li').first().getByText('Đảng bộ xã Hòa Bình nhất trí với dự thảo, không có ý kiến bổ sung.').waitFor({ timeout: TIMEOUT });
    await shot(page, 'package-no-comments-sent-360');
    expect((await sidewaysOverflow(page)).overflow).toBeLessThanOrEqual(0);
    await page.context().close();

    const district = await open(desktop, 'huyen.thuky', `/d/${documentId}/feedback`);
    const merged = district.locator('.merged-feedback');
    const hoaBinh = merged.locator('.unit-status li', { hasText: 'Đảng ủy xã Hòa Bình' });
    await hoaBinh.locator('.unit-note').filter({ hasText: 'nhất trí với dự thảo' }).waitFor({ timeout: TIMEOUT });
    expect(await hoaBinh.textContent()).not.toContain('Chưa gửi');
    await shot(district, 'package-no-comments-received-1280');
    await district.context().close();
  }, 90_000);

  it('logged no errors in the browsers', () => {
    expect(consoleErrors, consoleErrors.join('\n')).toEqual([]);
  });
});
