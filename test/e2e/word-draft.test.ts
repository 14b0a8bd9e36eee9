/**
 * "Tải lên tệp Word" in the web client, at desktop and phone sizes: the commune's drafter creates a
 * draft from a Word report (made here with the `docx` package), sees its headings and its table in
 * the editor — on a phone the wide table scrolls sideways inside its own box and the page never
 * does — and a file that is not a Word document is refused with a message saying so. Then, in a
 * round on such a draft, a member on a phone suggests a rewording of a table cell and the drafter
 * applies it into the cell.
 */
import { describe, expect, it } from 'vitest';
import { reportDocx } from '../helpers/docx-files.js';
import { draftLoaded, logIn, PASSWORD, screens, selectInDraft, shot, TIMEOUT, useE2e } from './harness.js';

const DOCX_TYPE = 'application/vnd.openxmlformats-officedocument.wordprocessingml.document';

describe('web client: a draft from a Word file', () => {
  const e2e = useE2e();

  for (const size of ['desktop', 'phone'] as const) {
    it(`creates a draft by uploading a DOCX and shows its headings and table (${size})`, async () => {
      const page = await e2e.newPage(screens[size]);
      await logIn(page, e2e.baseUrl, 'xa.soanthao');

      await page.getByText('Tạo dự thảo mới').click();
      await page.getByLabel('Tải lên tệp Word').setInputFiles({ name: 'Du thao Bao cao chinh tri.docx', mimeType: DOCX_TYPE, buffer: await reportDocx() });
      // The title comes from the file's name; the drafter makes it their own.
      await expect.poll(() => page.getByLabel('Tên dự thảo').inputValue()).toBe('Du thao Bao cao chinh tri');
      await page.getByLabel('Tên dự thảo').fill(`Dự thảo từ Word (${size})`);
      await shot(page, `word-upload-form-${size}`);
      await page.getByRole('button', { name: 'Tạo dự thảo', exact: true }).click();

      await page.waitForURL(/\/d\/[0-9a-f-]{36}\/draft/, { timeout: TIMEOUT });
      const editor = await draftLoaded(page);
      await editor.getByRole('heading', { name: 'BÁO CÁO CHÍNH TRỊ CỦA BAN CHẤP HÀNH ĐẢNG BỘ XÃ' }).waitFor({ timeout: TIMEOUT });
      await expect.poll(() => editor.locator('h2').allInnerTexts()).toEqual(['1. Về kinh tế']);
      const table = editor.locator('table');
      await expect.poll(() => table.locator('th').allInnerTexts()).toEqual(['STT', 'Chỉ tiêu', 'Kết quả 2025']);
      await expect.poll(() => table.locator('tr').nth(2).locator('td').allInnerTexts()).toEqual(['2', 'Thu nhập bình quân đầu người', '52 triệu đồng']);
      await expect.poll(() => editor.locator('ol li').count()).toBe(3);

      // The page never scrolls sideways; on a phone the table's own box does.
      const widths = await page.evaluate(() => {
        const wrapper = document.querySelector('.ProseMirror .tableWrapper') as HTMLElement;
        return { page: document.documentElement.scrollWidth, viewport: window.innerWidth, box: wrapper.clientWidth, table: wrapper.scrollWidth };
      });
      expect(widths.page).toBeLessThanOrEqual(widths.viewport);
      if (size === 'phone') expect(widths.table).toBeGreaterThan(widths.box);
      else expect(widths.table).toBeLessThanOrEqual(widths.box);
      await table.scrollIntoViewIfNeeded();
      await shot(page, `word-draft-${size}`);
      if (size === 'phone') {
        await page.evaluate(() => (document.querySelector('.ProseMirror .tableWrapper') as HTMLElement).scrollBy({ left: 400 }));
        await shot(page, `word-draft-${size}-table-scrolled`);
      }
      await page.context().close();
    }, 90_000);
  }

  it('lets a member suggest a rewording of a table cell on a phone, and the drafter apply it there', async () => {
    // The draft and its round, made through the API as the drafter.
    const call = async (method: 'GET' | 'POST', url: string, token: string | null, payload?: object) => {
      const response = await e2e.server.app.inject({ method, url, ...(token ? { headers: { authorization: `Bearer ${token}` } } : {}), ...(payload ? { payload } : {}) });
      expect(response.statusCode, `${method} ${url}: ${response.body}`).toBeLessThan(300);
      return response.json();
    };
    const token = (await call('POST', '/api/v1/auth/login', null, { login: 'xa.soanthao', password: PASSWORD })).token as string;
    const unitId = (await call('GET', '/api/v1/me', token)).memberships[0].unitId as string;
    const created = await call('POST', '/api/v1/documents', token, { unitId, title: 'Dự thảo có bảng chỉ tiêu', content: { format: 'docx', value: (await reportDocx()).toString('base64') } });
    await call('POST', `/api/v1/documents/${created.id}/rounds`, token, { closesAt: new Date(Date.now() + 3600_000).toISOString() });

    const member = await e2e.newPage(screens.phone);
    await logIn(member, e2e.baseUrl, 'dangvien1');
    await member.goto(`${e2e.baseUrl}/d/${created.id}/draft`);
    await member.getByText('Vòng 1 đang mở').waitFor({ timeout: TIMEOUT });
    await selectInDraft(member, '52 triệu đồng');
    const form = member.getByRole('form', { name: 'Ý kiến mới về đoạn đã chọn' });
    await form.waitFor({ timeout: TIMEOUT });
    await expect(form.locator('.quote').textContent()).resolves.toBe('52 triệu đồng');
    await form.getByLabel('Đề nghị sửa câu chữ').check();
    await form.getByLabel('Đề nghị sửa thành').fill('55 triệu đồng');
    await form.getByLabel('Nội dung').fill('Theo số liệu của Chi cục Thống kê.');
    await form.getByRole('button', { name: 'Gửi ý kiến' }).click();
    await member.locator('li.annotation', { hasText: 'Theo số liệu của Chi cục Thống kê.' }).waitFor({ timeout: TIMEOUT });
    // The highlight sits in the cell.
    await member.locator('.ProseMirror td .hl-mine').first().waitFor({ timeout: TIMEOUT });
    // Scrolls the table's box sideways to the cell, as a reader would.
    await member.locator('.ProseMirror td .hl-mine').first().scrollIntoViewIfNeeded();
    await shot(member, 'word-draft-cell-suggestion-phone');

    const drafter = await e2e.newPage(screens.desktop);
    await logIn(drafter, e2e.baseUrl, 'xa.soanthao');
    await drafter.goto(`${e2e.baseUrl}/d/${created.id}/draft`);
    const card = drafter.locator('li.annotation', { hasText: 'Theo số liệu của Chi cục Thống kê.' });
    await card.waitFor({ timeout: TIMEOUT });
    await card.getByLabel('Quyết định').selectOption('accepted');
    await card.getByLabel('Lý do').fill('Đúng số liệu.');
    await card.getByRole('button', { name: 'Ghi quyết định' }).click();
    await card.getByRole('button', { name: 'Áp dụng vào dự thảo' }).click();
    await card.getByText(/Đã áp dụng lúc/).waitFor({ timeout: TIMEOUT });
    const row = drafter.locator('.ProseMirror tr').nth(2);
    await expect.poll(() => row.locator('td').allInnerTexts(), { timeout: TIMEOUT }).toEqual(['2', 'Thu nhập bình quân đầu người', '55 triệu đồng']);
    await expect.poll(() => member.locator('.ProseMirror tr').nth(2).locator('td').allInnerTexts(), { timeout: TIMEOUT }).toEqual(['2', 'Thu nhập bình quân đầu người', '55 triệu đồng']);
    await drafter.locator('.ProseMirror table').scrollIntoViewIfNeeded();
    await shot(drafter, 'word-draft-cell-applied-desktop');
    await member.context().close();
    await drafter.context().close();
  }, 120_000);

  it('refuses a file that is not a Word document, saying so', async () => {
    const page = await e2e.newPage(screens.phone);
    await logIn(page, e2e.baseUrl, 'xa.soanthao');
    await page.getByText('Tạo dự thảo mới').click();
    await page.getByLabel('Tải lên tệp Word').setInputFiles({ name: 'Bao cao.docx', mimeType: DOCX_TYPE, buffer: Buffer.from('Đây là văn bản thường, không phải tệp Word.') });
    await page.getByRole('button', { name: 'Tạo dự thảo', exact: true }).click();
    await page.getByRole('alert').filter({ hasText: 'Tệp này không phải tệp Word (.docx)' }).waitFor({ timeout: TIMEOUT });
    expect(page.url()).not.toMatch(/\/d\//);
    await shot(page, 'word-upload-refused-phone');
    await page.context().close();
  }, 60_000);
});
