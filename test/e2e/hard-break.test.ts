/**
 * Shift+Enter in the web client, at desktop and phone sizes: the drafter types two figures on two
 * lines of one paragraph, and the draft's plain-text projection (content, quotes, exports, diffs)
 * reads them as two lines — "tăng trưởng 8%\ngiảm nghèo 1%", never "8%giảm".
 */
import { describe, expect, it } from 'vitest';
import { caretAtDraftEnd, draftLoaded, logIn, screens, shot, TIMEOUT, useE2e } from './harness.js';

describe('web client: a line break inside a paragraph', () => {
  const e2e = useE2e();

  for (const size of ['desktop', 'phone'] as const) {
    it(`keeps Shift+Enter as a line break in the projection (${size})`, async () => {
      const page = await e2e.newPage(screens[size]);
      await logIn(page, e2e.baseUrl, 'xa.soanthao');
      await page.getByRole('link', { name: /Dự thảo Báo cáo chính trị/ }).click();
      const editor = await draftLoaded(page);
      const documentId = /\/d\/([0-9a-f-]{36})/.exec(page.url())![1]!;

      const first = `tăng trưởng ${size} 8%`;
      const second = `giảm nghèo ${size} 1%`;
      await caretAtDraftEnd(page);
      await page.keyboard.press('Enter');
      await page.keyboard.type(first);
      await page.keyboard.press('Shift+Enter');
      await page.keyboard.type(second);
      await editor.locator('br').last().waitFor({ state: 'attached', timeout: TIMEOUT });
      await shot(page, `hard-break-${size}`);

      const expected = `\n${first}\n${second}\n`;
      const deadline = Date.now() + TIMEOUT;
      let text = '';
      while (Date.now() < deadline && !text.includes(expected)) {
        text = (await e2e.server.app.services.documents.liveContent(documentId)).text;
        await new Promise((resolve) => setTimeout(resolve, 100));
      }
      expect(text).toContain(expected);
      expect(text).not.toContain(`8%${second}`);
      await page.context().close();
    }, 60_000);
  }
});
