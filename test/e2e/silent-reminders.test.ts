/**
 * Issue 15, "who has commented", in a real Chromium on the demo workspace: the district's
 * secretary (huyen.thuky) opens "Ai đã góp ý" on the district draft (round 1 open, scoped to the
 * district), chooses Hòa Bình, reminds its silent members (confirmation, "Đã nhắc 1 đảng viên",
 * then disabled with the time), and in "Ý kiến cấp dưới" reminds the two communes that have not
 * sent their package. Hòa Bình's secretary (hoabinh.thuky, who has not commented) logs in and finds
 * both reminders in the bell. Phone (360x780, touch) and desktop (1280x860); screenshots in
 * test-artifacts/screenshots/.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import type { Page } from 'playwright-core';
import { demoDistrictDraftId, logIn, screens, shot, sidewaysOverflow, TIMEOUT, useE2e } from './harness.js';

const { phone, desktop } = screens;

describe('web client: reminding those who have not commented or sent', () => {
  const e2e = useE2e();
  let documentId = '';
  const consoleErrors: string[] = [];

  beforeAll(async () => {
    documentId = await demoDistrictDraftId(e2e.baseUrl);
  });

  const open = async (options: typeof phone | typeof desktop, login: string): Promise<Page> => {
    const page = await e2e.newPage(options);
    page.on('console', (m) => {
      if (m.type() === 'error' && !m.location().url.endsWith('/favicon.ico')) consoleErrors.push(`${m.text()} ${m.location().url}`);
    });
    page.on('dialog', (dialog) => void dialog.accept());
    await logIn(page, e2e.baseUrl, login);
    return page;
  };
  const noSideways = async (page: Page) => expect((await sidewaysOverflow(page)).overflow).toBeLessThanOrEqual(0);

  it('lets the district secretary remind Hòa Bình’s silent members once (phone, then desktop)', async () => {
    const page = await open(phone, 'huyen.thuky');
    await page.goto(`${e2e.baseUrl}/d/${documentId}/people`);
    // The district's own line counts the communes' members too, and says so.
    await page.locator('.participation [role=status]').filter({ hasText: /^\d+\/\d+ người đã góp ý, gồm cả các đơn vị trực thuộc$/ }).waitFor({ timeout: TIMEOUT });
    await page.getByLabel('Đơn vị').selectOption({ label: 'Đảng ủy xã Hòa Bình' });
    const silent = page.getByRole('region', { name: 'Chưa góp ý' });
    await silent.getByText('Lý Thị Hòa (Thư ký xã Hòa Bình)').waitFor({ timeout: TIMEOUT });
    const button = silent.getByRole('button', { name: 'Nhắc những người chưa góp ý (1)' });
    await button.waitFor({ timeout: TIMEOUT });
    await shot(page, 'reminders-people-before-360');
    await noSideways(page);
    await button.click();
    await silent.getByRole('status').filter({ hasText: 'Đã nhắc 1 đảng viên.' }).waitFor({ timeout: TIMEOUT });
    const after = silent.getByRole('button', { name: 'Đã nhắc những người chưa góp ý' });
    await after.waitFor({ timeout: TIMEOUT });
    expect(await after.isDisabled()).toBe(true);
    await silent.getByText(/đã nhắc \d/).first().waitFor({ timeout: TIMEOUT });
    await shot(page, 'reminders-people-after-360');
    await noSideways(page);

    // After a reload (or on another device) the button stays disabled and says when.
    await page.setViewportSize(desktop.viewport);
    await page.reload();
    await page.getByLabel('Đơn vị').selectOption({ label: 'Đảng ủy xã Hòa Bình' });
    const again = page.getByRole('region', { name: 'Chưa góp ý' });
    await again.getByRole('button', { name: 'Đã nhắc những người chưa góp ý' }).waitFor({ timeout: TIMEOUT });
    expect(await again.getByRole('button', { name: 'Đã nhắc những người chưa góp ý' }).isDisabled()).toBe(true);
    await again.getByText(/Đã nhắc lúc .*; có thể nhắc lại từ .*\./).waitFor({ timeout: TIMEOUT });
    await shot(page, 'reminders-people-reminded-1280');
    await page.context().close();
  }, 120_000);

  it('lets the district secretary remind the communes that have not sent their package (desktop, then phone)', async () => {
    const page = await open(desktop, 'huyen.thuky');
    await page.goto(`${e2e.baseUrl}/d/${documentId}/feedback`);
    const button = page.getByRole('button', { name: 'Nhắc các đơn vị chưa gửi (2)' });
    await button.waitFor({ timeout: TIMEOUT });
    await button.evaluate((el) => el.scrollIntoView({ block: 'center' }));
    await shot(page, 'reminders-pending-before-1280');
    await button.click();
    await page.getByRole('status').filter({ hasText: 'Đã nhắc 2 đơn vị.' }).waitFor({ timeout: TIMEOUT });
    const after = page.getByRole('button', { name: 'Đã nhắc các đơn vị chưa gửi' });
    await after.waitFor({ timeout: TIMEOUT });
    expect(await after.isDisabled()).toBe(true);
    await after.evaluate((el) => el.scrollIntoView({ block: 'center' }));
    await shot(page, 'reminders-pending-after-1280');
    // After a reload the button stays disabled and says when they may be reminded again.
    await page.reload();
    await after.waitFor({ timeout: TIMEOUT });
    await page.getByText(/Đã nhắc lúc .*; có thể nhắc lại từ .*\./).waitFor({ timeout: TIMEOUT });
    await page.setViewportSize(phone.viewport);
    await after.evaluate((el) => el.scrollIntoView({ block: 'center' }));
    await page.waitForTimeout(150);
    await shot(page, 'reminders-pending-after-360');
    await noSideways(page);
    await page.context().close();
  }, 120_000);

  for (const [name, options] of [['360', phone], ['1280', desktop]] as const) {
    it(`shows Hòa Bình’s secretary both reminders in the bell (${name})`, async () => {
      const page = await open(options, 'hoabinh.thuky');
      const count = page.locator('.bell-count');
      await count.waitFor({ timeout: TIMEOUT });
      expect(Number(await count.textContent())).toBeGreaterThanOrEqual(2);
      await page.locator('.bell-button').click();
      const panel = page.getByRole('region', { name: 'Thông báo' });
      await panel.locator('li', { hasText: 'Phạm Thị Huyền (Thư ký Huyện ủy) nhắc đồng chí góp ý vòng 1' }).filter({ hasText: 'Nhắc góp ý' }).first().waitFor({ timeout: TIMEOUT });
      await panel.locator('li', { hasText: 'Huyện ủy Đông Sơn đề nghị Đảng ủy xã Hòa Bình gửi tổng hợp ý kiến' }).first().waitFor({ timeout: TIMEOUT });
      await shot(page, `reminders-bell-${name}`);
      await noSideways(page);
      await page.context().close();
    }, 60_000);
  }

  it('logged no errors in the browsers', () => {
    expect(consoleErrors, consoleErrors.join('\n')).toEqual([]);
  });
});
