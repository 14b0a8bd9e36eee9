/**
 * A comment on a point of the text (a zero-width anchor: "add this here", or a Word comment on an
 * insertion point) quotes nothing, and is no general comment: its card shows the words either side,
 * and the commune's package preview says "Tại một vị trí trong văn bản". Phone (360x780, touch) and
 * desktop (1280x860); screenshots in test-artifacts/screenshots/.
 */
import { randomUUID } from 'node:crypto';
import { beforeAll, describe, expect, it } from 'vitest';
import { ApiClient } from '../helpers/api-client.js';
import { demoDistrictDraftId, draftLoaded, logIn, PASSWORD, screens, shot, sidewaysOverflow, TIMEOUT, useE2e } from './harness.js';

const { phone, desktop } = screens;
const BEFORE = 'Ưu tiên đầu tư hạ tầng giao thông';

describe('web client: a comment on a point of the text', () => {
  const e2e = useE2e();
  let documentId = '';

  beforeAll(async () => {
    documentId = await demoDistrictDraftId(e2e.baseUrl);
    const member = await ApiClient.logIn(e2e.baseUrl, 'dangvien2', PASSWORD);
    const round = (await member.json<Array<{ id: string; status: string; baseVersion: number }>>('GET', `/api/v1/documents/${documentId}/rounds`)).find((r) => r.status === 'open')!;
    const { text } = await member.content(documentId, round.baseVersion);
    const at = text.indexOf(BEFORE) + BEFORE.length;
    await member.putAnnotation(round.id, randomUUID(), { kind: 'suggestion', body: 'Bổ sung “và thủy lợi”.', replacement: ' và thủy lợi', anchor: { start: at, end: at } });
  });

  for (const [name, options] of [['360', phone], ['1280', desktop]] as const) {
    it(`shows the member's card with the words either side of the point (${name})`, async () => {
      const page = await e2e.newPage(options);
      await logIn(page, e2e.baseUrl, 'dangvien2');
      await page.goto(`${e2e.baseUrl}/d/${documentId}`);
      await draftLoaded(page);
      const card = page.locator('li.annotation', { hasText: 'Bổ sung “và thủy lợi”.' });
      await card.waitFor({ timeout: TIMEOUT });
      const quote = card.locator('.quote-button');
      await expect(quote.textContent()).resolves.toBe('Tại một vị trí trong văn bản (không trích đoạn): …tiên đầu tư hạ tầng giao thông‸ kết nối các xã với trung tâm…');
      await card.evaluate((el) => el.scrollIntoView({ block: 'center' }));
      await shot(page, `point-comment-card-${name}`);
      expect((await sidewaysOverflow(page)).overflow).toBeLessThanOrEqual(0);
      await page.context().close();
    }, 60_000);
  }

  it('says in the commune’s package preview that the point is at a point in the text, not a general comment', async () => {
    const page = await e2e.newPage(desktop);
    await logIn(page, e2e.baseUrl, 'xa.thuky');
    await page.goto(`${e2e.baseUrl}/d/${documentId}/feedback`);
    const point = page.locator('.send-package .cluster', { hasText: 'Bổ sung “và thủy lợi”.' });
    await point.waitFor({ timeout: TIMEOUT });
    await point.getByText('Tại một vị trí trong văn bản (không trích đoạn)').waitFor({ timeout: TIMEOUT });
    await point.evaluate((el) => el.scrollIntoView({ block: 'center' }));
    await shot(page, 'point-comment-package-1280');
    await page.context().close();
  }, 60_000);
});
