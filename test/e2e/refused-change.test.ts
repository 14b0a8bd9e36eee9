/**
 * A change the server refuses does not loop: a drafter pastes more than one message may carry
 * (MAX_MESSAGE_BYTES, closed with 1009). The web client stops reconnecting, keeps the text in the
 * editor, and says what happened — at phone and desktop sizes.
 */
import { beforeAll, describe, it } from 'vitest';
import { ApiClient } from '../helpers/api-client.js';
import { draftLoaded, logIn, PASSWORD, shot, TIMEOUT, useE2e } from './harness.js';

describe('web client: a change too large to send', () => {
  const e2e = useE2e({ env: { MAX_MESSAGE_BYTES: '65536' } });
  const documents: string[] = [];

  beforeAll(async () => {
    const api = await ApiClient.logIn(e2e.server.baseUrl, 'huyen.thuky', PASSWORD);
    const me = await api.me();
    for (let i = 0; i < 2; i++) {
      const created = await api.createDocument({
        unitId: me.memberships[0]!.unitId,
        title: `Dự thảo thử ${i}`,
        content: { format: 'text', value: 'Đoạn mở đầu của dự thảo.' },
      });
      documents.push(created.id);
    }
  });

  // The two sizes side by side (a document each): most of each is the 3 s watch for reconnects.
  for (const [index, size] of [
    [0, { width: 360, height: 740, name: 'phone' }],
    [1, { width: 1100, height: 800, name: 'desktop' }],
  ] as const) {
    it.concurrent(`stops, keeps the pasted text and explains, at ${size.name} size`, async ({ expect }) => {
      const page = await e2e.newPage({ viewport: { width: size.width, height: size.height } });
      let sockets = 0;
      page.on('websocket', (ws) => {
        if (ws.url().includes('/collab')) sockets++;
      });
      await logIn(page, e2e.baseUrl, 'huyen.thuky');
      await page.goto(`${e2e.baseUrl}/d/${documents[index]}/draft`);
      const editor = await draftLoaded(page);
      await editor.getByText('Đoạn mở đầu').waitFor({ timeout: TIMEOUT });
      await editor.click();
      await page.keyboard.press('End');
      const pasted = ' Phụ lục rất dài.'.repeat(6000);
      await page.evaluate((text) => {
        const data = new DataTransfer();
        data.setData('text/plain', text);
        document.querySelector('.ProseMirror')!.dispatchEvent(new ClipboardEvent('paste', { clipboardData: data, bubbles: true, cancelable: true }));
      }, pasted);
      await page.getByText(/Thay đổi này quá lớn để gửi/).waitFor({ timeout: TIMEOUT });
      const socketsAtRefusal = sockets;
      await page.waitForTimeout(3000);
      expect(sockets).toBe(socketsAtRefusal);
      await expect(page.getByText(/Thay đổi này quá lớn để gửi/).isVisible()).resolves.toBe(true);
      expect((await editor.textContent())!.length).toBeGreaterThan(pasted.length);
      // The banner stays in view while the drafter is at the end of the long draft.
      const box = await page.getByRole('alert').filter({ hasText: /quá lớn để gửi/ }).boundingBox();
      expect(box!.y).toBeGreaterThanOrEqual(0);
      expect(box!.y + box!.height).toBeLessThanOrEqual(size.height);
      await shot(page, `20-change-too-large-${size.name}`);
      await page.context().close();
    }, 60_000);
  }
});
