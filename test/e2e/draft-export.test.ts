/**
 * Browser test: a member downloads the draft as Word and PDF from the document view, and printing
 * the page prints the draft alone (no header, tabs or comment panel), at desktop and phone sizes.
 */
import mammoth from 'mammoth';
import { describe, expect, it } from 'vitest';
import type { Page } from 'playwright-core';
import { docxPart, pdfContent, xmlTexts } from '../helpers/export-files.js';
import { downloaded, logIn, screens, shot, TIMEOUT, useE2e } from './harness.js';

describe('web client: the draft downloaded and printed', () => {
  const e2e = useE2e();
  const errors: string[] = [];

  const open = async (screen: (typeof screens)[keyof typeof screens]): Promise<Page> => {
    const page = await e2e.newPage({ ...screen, acceptDownloads: true });
    page.on('pageerror', (error) => errors.push(String(error)));
    await logIn(page, e2e.baseUrl, 'dangvien1');
    await page.getByRole('link', { name: /Dự thảo Báo cáo chính trị/ }).click();
    await page.locator('.ProseMirror').getByText('Thu nhập bình quân', { exact: false }).first().waitFor({ timeout: TIMEOUT });
    return page;
  };

  it('downloads the draft as Word with the member named in the footer, and as PDF', async () => {
    const page = await open(screens.desktop);
    await page.getByText('Tải xuống / In').click();
    await shot(page, 'draft-export-menu');
    const [word] = await Promise.all([page.waitForEvent('download'), page.getByRole('button', { name: 'Tệp Word (.docx)' }).click()]);
    expect(word.suggestedFilename()).toMatch(/^du-thao-bao-cao-chinh-tri.*\.docx$/);
    const buffer = await downloaded(word);
    expect((await mammoth.extractRawText({ buffer })).value).toContain('ĐẢNG CỘNG SẢN VIỆT NAM');
    expect(xmlTexts((await docxPart(buffer, 'word/footer1.xml'))!, 'w:t').join('')).toContain('Tải xuống bởi Hoàng Văn An');
    const [pdf] = await Promise.all([page.waitForEvent('download'), page.getByRole('button', { name: 'Tệp PDF' }).click()]);
    expect((await pdfContent(await downloaded(pdf))).text.replace(/\s+/g, '')).toContain('TảixuốngbởiHoàngVănAn');
  }, 60_000);

  for (const screen of [screens.desktop, screens.phone]) {
    it(`prints the draft alone at ${screen.viewport.width} px`, async () => {
      const page = await open(screen);
      await page.emulateMedia({ media: 'print' });
      await shot(page, `draft-print-${screen.viewport.width}`);
      for (const selector of ['header.top', 'nav.tabs', 'aside.panel', '.doc-head']) {
        expect(await page.locator(selector).first().evaluate((e) => getComputedStyle(e).display)).toBe('none');
      }
      const printed = (await pdfContent(await page.pdf({ format: 'A4' }))).text;
      expect(printed).toContain('Thu nhập bình quân');
      for (const chrome of ['Đăng xuất', 'Ý kiến góp ý', 'Tải xuống / In']) expect(printed).not.toContain(chrome);
      await page.emulateMedia({ media: 'screen' });
      await page.context().close();
    });
  }

  it('raised no uncaught error', () => {
    expect(errors).toEqual([]);
  });
});
