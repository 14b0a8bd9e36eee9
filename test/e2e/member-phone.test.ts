/**
 * Issue 15's member and reviewer journeys in a real Chromium, each on a 360×780 phone (touch) and a
 * 1280×860 desktop, on the demo workspace: the annotation form opens where a passage is selected
 * (a bottom sheet on the phone) with the rewording prefilled, and survives a reload; tapping a
 * highlight shows its comments; a comment refused with 422 is corrected and re-anchored; the
 * connection turns offline in words within seconds; a form open when the round closes keeps its
 * text; in round 2 members see their round-1 comments with replies and decisions and reviewers
 * the undecided ones carried forward, with no decision preselected; no tab scrolls sideways.
 */
import { beforeAll, describe, it } from 'vitest';
import type { BrowserContext, Page } from 'playwright-core';
import type { DocumentInfo } from '../../server/http/schemas/documents.js';
import type { Round } from '../../server/http/schemas/rounds.js';
import { ApiClient } from '../helpers/api-client.js';
import { appendParagraph, connectClient } from '../helpers/ws-client.js';
import { draftLoaded, logIn, PASSWORD, screens, selectInDraft, settled, shot, sidewaysOverflow, TIMEOUT, useE2e } from './harness.js';

const PASSAGE = 'diện tích lúa chất lượng cao đạt 420 ha';
const OTHER_PASSAGE = 'Tỷ lệ che phủ rừng';
const ADDED = 'Đoạn này được thêm sau khi mở vòng góp ý.';
const CLOSING_PASSAGE = 'Công tác tuyển quân hằng năm đạt 100% chỉ tiêu';

// The phone and the desktop play side by side, each on a server and database of its own; each one's
// steps stay in order.
describe.concurrent.each([
  { name: 'phone', options: screens.phone },
  { name: 'desktop', options: screens.desktop },
] as const)('member and reviewer journeys on a $name', ({ name, options }) => {
  describe.sequential('in order', () => {
    const e2e = useE2e();
    let context: BrowserContext;
    let page: Page;
    let drafterApi: ApiClient;
    let documentId = '';
    let round1: Round;
    let reviewer: Page;
    const pageErrors: string[] = [];
    const phone = name === 'phone';
    const form = () => page.locator('form.annotation-form');

    beforeAll(async () => {
      page = await e2e.newPage(options);
      context = page.context();
      await context.grantPermissions(['clipboard-read', 'clipboard-write'], { origin: e2e.baseUrl });
      page.setDefaultTimeout(TIMEOUT);
      page.on('pageerror', (error) => pageErrors.push(String(error)));
      drafterApi = await ApiClient.logIn(e2e.baseUrl, 'xa.soanthao', PASSWORD);
      const documents = await drafterApi.json<DocumentInfo[]>('GET', '/api/v1/documents');
      documentId = documents.find((d) => d.title.includes('Báo cáo chính trị'))!.id;
      round1 = (await drafterApi.json<Round[]>('GET', `/api/v1/documents/${documentId}/rounds`)).find((r) => r.status === 'open')!;
    });

    it('opens the form where the passage is selected, prefills the rewording, and keeps the draft across a reload', async ({ expect }) => {
      await logIn(page, e2e.baseUrl, 'dangvien1');
      await page.goto(`${e2e.baseUrl}/d/${documentId}/draft`);
      await draftLoaded(page);
      await selectInDraft(page, PASSAGE);
      await form().waitFor({ timeout: TIMEOUT });
      const box = (await form().boundingBox())!;
      // In sight at once: on the phone a sheet at the bottom of the screen, on the desktop the side panel.
      expect(box.y).toBeGreaterThanOrEqual(0);
      expect(box.y + Math.min(box.height, 200)).toBeLessThanOrEqual(options.viewport.height);
      if (phone) await expect(form().evaluate((el) => getComputedStyle(el).position)).resolves.toBe('fixed');
      await form().getByLabel('Đề nghị sửa câu chữ').check();
      await expect(form().getByLabel('Đề nghị sửa thành').inputValue()).resolves.toBe(PASSAGE);
      await form().getByLabel('Đề nghị sửa thành').fill('diện tích lúa chất lượng cao đạt 450 ha');
      await form().getByLabel('Nội dung').fill('Số liệu theo báo cáo tháng 9.');
      await shot(page, `15-${name}-form-sheet`);

      await page.reload();
      await draftLoaded(page);
      await form().waitFor({ timeout: TIMEOUT });
      await expect(form().getByLabel('Nội dung').inputValue()).resolves.toBe('Số liệu theo báo cáo tháng 9.');
      await expect(form().getByLabel('Đề nghị sửa thành').inputValue()).resolves.toBe('diện tích lúa chất lượng cao đạt 450 ha');
      await expect(form().locator('.quote').textContent()).resolves.toBe(PASSAGE);
      await form().getByRole('button', { name: 'Gửi ý kiến' }).click();
      await page.locator('li.annotation', { hasText: 'Số liệu theo báo cáo tháng 9.' }).first().waitFor({ timeout: TIMEOUT });
      // The card can be the outbox's "not yet sent" one: the form closes and its draft goes only once
      // the server has answered.
      await expect.poll(() => form().count(), { timeout: TIMEOUT }).toBe(0);
      await expect.poll(() => page.evaluate(() => Object.keys(localStorage).filter((k) => k.startsWith('draftroom.draft.')).length), { timeout: TIMEOUT }).toBe(0);
    });

    it('shows the comments of a tapped highlight', async ({ expect }) => {
      const highlight = page.locator('.ProseMirror .hl-mine', { hasText: '52 triệu' }).first();
      await highlight.waitFor({ timeout: TIMEOUT });
      if (phone) await highlight.tap();
      else await highlight.click();
      const thread = phone ? page.getByRole('dialog', { name: 'Ý kiến tại đoạn này' }) : page.locator('li.annotation.active');
      await thread.waitFor({ timeout: TIMEOUT });
      await expect(thread.textContent()).resolves.toContain('Đề nghị nêu rõ nguồn số liệu thu nhập bình quân.');
      // The committee's reply and decision are part of the thread.
      await expect(thread.textContent()).resolves.toContain('Niên giám thống kê');
      const box = (await thread.boundingBox())!;
      expect(box.y + 40).toBeLessThanOrEqual(options.viewport.height);
      await shot(page, `15-${name}-highlight-thread`);
      if (phone) await thread.getByRole('button', { name: 'Đóng' }).click();
    });

    it('lets a comment refused with 422 be corrected and re-anchored', async ({ expect }) => {
      // A drafter adds a paragraph to the live draft: it is not in round 1's text, so a comment on it is refused.
      const drafterSocket = connectClient(e2e.baseUrl, documentId, drafterApi.token!);
      await drafterSocket.synced;
      appendParagraph(drafterSocket.doc, ADDED);
      await page.locator('.ProseMirror').getByText(ADDED).waitFor({ timeout: TIMEOUT });
      drafterSocket.destroy();

      await selectInDraft(page, 'thêm sau khi mở vòng');
      await form().waitFor({ timeout: TIMEOUT });
      await form().getByLabel('Câu hỏi').check();
      await form().getByLabel('Nội dung').fill('Đoạn này lấy từ nghị quyết nào?');
      await form().getByRole('button', { name: 'Gửi ý kiến' }).click();
      const refused = page.locator('li.annotation.unsent', { hasText: 'Đoạn này lấy từ nghị quyết nào?' });
      await refused.getByText('Không gửi được').waitFor({ timeout: TIMEOUT });
      await refused.getByRole('button', { name: 'Sửa và chọn lại đoạn' }).click();
      await form().getByRole('heading', { name: 'Sửa ý kiến chưa gửi được' }).waitFor();
      await expect(form().getByLabel('Nội dung').inputValue()).resolves.toBe('Đoạn này lấy từ nghị quyết nào?');
      await selectInDraft(page, OTHER_PASSAGE);
      await expect.poll(() => form().locator('.quote').textContent(), { timeout: TIMEOUT }).toBe(OTHER_PASSAGE);
      // A person selects what is on screen; the programmatic selection focused the editor's top instead.
      await page.evaluate(() => window.getSelection()!.getRangeAt(0).startContainer.parentElement!.scrollIntoView({ block: 'start' }));
      await shot(page, `15-${name}-reanchor`);
      await form().getByRole('button', { name: 'Gửi ý kiến' }).click();
      const sent = page.locator('li.annotation:not(.unsent)', { hasText: 'Đoạn này lấy từ nghị quyết nào?' });
      await sent.waitFor({ timeout: TIMEOUT });
      await expect(sent.locator('.quote').textContent()).resolves.toBe(OTHER_PASSAGE);
      // The outbox forgets the write after the server's answer, not with the list's reload.
      await expect.poll(() => page.locator('li.annotation.unsent').count(), { timeout: TIMEOUT }).toBe(0);
    });

    it('says the connection is lost, in words, within seconds', async ({ expect }) => {
      const started = Date.now();
      await context.setOffline(true);
      const banner = page.getByText('Mất kết nối — các thay đổi được giữ lại và sẽ gửi khi có mạng');
      await banner.waitFor({ timeout: 5_000 });
      const seconds = (Date.now() - started) / 1000;
      expect(seconds).toBeLessThan(5);
      await expect(page.locator('body').textContent()).resolves.not.toMatch(/mã \d{4}|1006/);
      await shot(page, `15-${name}-offline`);
      await context.setOffline(false);
      await banner.waitFor({ state: 'detached', timeout: TIMEOUT });
      await page.getByText('Đã kết nối').waitFor({ timeout: TIMEOUT });
    });

    it('keeps the text of a form that was open when the round closed, with a clear message', async ({ expect }) => {
      await selectInDraft(page, CLOSING_PASSAGE);
      await form().waitFor({ timeout: TIMEOUT });
      await form().getByLabel('Nội dung').fill('Đề nghị bổ sung số liệu tuyển quân từng năm.');
      await drafterApi.closeRound(round1.id);
      await form().getByText('Vòng 1 đã đóng nên ý kiến này không gửi được nữa').waitFor({ timeout: TIMEOUT });
      await expect(form().getByLabel('Nội dung').inputValue()).resolves.toBe('Đề nghị bổ sung số liệu tuyển quân từng năm.');
      await expect(form().getByRole('button', { name: 'Gửi ý kiến' }).isDisabled()).resolves.toBe(true);
      await form().getByRole('button', { name: 'Sao chép nội dung' }).click();
      await form().getByRole('button', { name: 'Đã sao chép' }).waitFor();
      await shot(page, `15-${name}-round-closed-form`);
      // Still there after a reload, until the member discards it.
      await page.reload();
      await form().getByText('Vòng 1 đã đóng').waitFor({ timeout: TIMEOUT });
      await form().getByRole('button', { name: 'Bỏ bản nháp' }).click();
      await expect(form().count()).resolves.toBe(0);
    });

    it('shows the member their round-1 comments with the committee’s replies and decisions in round 2', async ({ expect }) => {
      await drafterApi.openRound(documentId, { closesAt: new Date(Date.now() + 7 * 86_400_000).toISOString() });
      await page.reload();
      await page.getByText('Vòng 2 đang mở').waitFor({ timeout: TIMEOUT });
      const history = page.getByRole('region', { name: 'Các vòng trước' });
      await history.waitFor({ timeout: TIMEOUT });
      const first = history.locator('li.annotation', { hasText: 'Đề nghị nêu rõ nguồn số liệu thu nhập bình quân.' });
      await expect(first.textContent()).resolves.toContain('Niên giám thống kê huyện năm 2024');
      await expect(first.locator('.disposition').textContent()).resolves.toContain('Tiếp thu');
      await expect(first.locator('.pill', { hasText: 'vòng 1' }).count()).resolves.toBe(1);
      await expect(page.getByText('Chưa có ý kiến nào.').count()).resolves.toBe(0);
      await history.scrollIntoViewIfNeeded();
      await shot(page, `15-${name}-member-history`);
    });

    it('shows no page that scrolls sideways to a member', async ({ expect }) => {
      for (const tab of ['draft', 'rounds', 'versions']) {
        await page.goto(`${e2e.baseUrl}/d/${documentId}/${tab}`);
        await page.locator('.tab-active').waitFor();
        // Whatever the tab loads (lists, the live draft) is in before its width is measured.
        await settled(page);
        expect({ tab, ...(await sidewaysOverflow(page)) }).toEqual({ tab, overflow: 0, culprits: [] });
      }
      await shot(page, `15-${name}-versions-tab`);
    });

    it('shows the reviewer the undecided comments carried forward, with no decision preselected', async ({ expect }) => {
      reviewer = await e2e.newPage(options);
      reviewer.setDefaultTimeout(TIMEOUT);
      reviewer.on('pageerror', (error) => pageErrors.push(String(error)));
      await logIn(reviewer, e2e.baseUrl, 'xa.thuky');
      await reviewer.goto(`${e2e.baseUrl}/d/${documentId}/draft`);
      await draftLoaded(reviewer);
      const carried = reviewer.locator('aside.panel > ul.annotations li.annotation', { hasText: 'Tỷ lệ 68% tính từ thời điểm nào?' });
      await carried.waitFor({ timeout: TIMEOUT });
      await expect(carried.locator('.pill', { hasText: 'vòng 1' }).count()).resolves.toBe(1);
      await expect(carried.getByLabel('Quyết định').inputValue()).resolves.toBe('');
      await expect(carried.getByRole('button', { name: 'Ghi quyết định' }).isDisabled()).resolves.toBe(true);
      await carried.scrollIntoViewIfNeeded();
      await shot(reviewer, `15-${name}-reviewer-carried`);
      if (phone) {
        // Two members commented on the same passage: tapping it shows both.
        await reviewer.locator('.ProseMirror .hl', { hasText: '52 triệu' }).first().tap();
        const thread = reviewer.getByRole('dialog', { name: /Ý kiến tại đoạn này/ });
        await expect.poll(() => thread.locator('li.annotation').count(), { timeout: TIMEOUT }).toBe(2);
        await expect(thread.textContent()).resolves.toContain('Vũ Thị Bình');
        await shot(reviewer, `15-${name}-reviewer-overlapping-thread`);
        await thread.getByRole('button', { name: 'Đóng' }).click();
      }
    });

    it('lets the reviewer search without accents and filter by decision', async ({ expect }) => {
      await reviewer.goto(`${e2e.baseUrl}/d/${documentId}/review`);
      await reviewer.getByRole('combobox', { name: /^Vòng/ }).selectOption({ label: 'Vòng 1' });
      const search = reviewer.getByRole('search', { name: 'Tìm và lọc ý kiến' });
      await search.getByLabel('Tìm').fill('de nghi neu ro nguon');
      const results = reviewer.getByRole('region', { name: 'Kết quả tìm' });
      await results.getByText('2 ý kiến phù hợp').waitFor({ timeout: TIMEOUT });
      await expect(results.locator('li.annotation').first().textContent()).resolves.toContain('Đề nghị nêu rõ nguồn số liệu');
      await search.getByLabel('Quyết định').selectOption({ label: 'Tiếp thu' });
      await results.getByText('1 ý kiến phù hợp').waitFor({ timeout: TIMEOUT });
      await expect(results.locator('li.annotation').textContent()).resolves.toContain('Hoàng Văn An');
      await shot(reviewer, `15-${name}-reviewer-search`);
      await search.getByRole('button', { name: 'Bỏ tìm và lọc' }).click();
      await results.waitFor({ state: 'detached' });

      // A passage of a section: only what was said about that stretch of text.
      const section = search.locator('select[name="section"]');
      const economy = await section.locator('option', { hasText: 'kinh tế' }).first().getAttribute('value');
      await section.selectOption(economy!);
      const passage = search.getByLabel('Đoạn văn');
      // The passages come with the section's summary, which may still be on its way.
      await expect.poll(() => passage.locator('option').count(), { timeout: TIMEOUT }).toBeGreaterThan(1);
      const busiest = await passage.locator('option').evaluateAll((options) =>
        options
          .slice(1)
          .map((o) => ({ value: (o as HTMLOptionElement).value, count: Number(/\((\d+) ý kiến/.exec(o.textContent ?? '')?.[1] ?? 0), text: o.textContent ?? '' }))
          .sort((a, b) => b.count - a.count)[0]!,
      );
      expect(busiest.count).toBeGreaterThanOrEqual(2);
      await passage.selectOption(busiest.value);
      await results.getByText(`${busiest.count} ý kiến phù hợp`).waitFor({ timeout: TIMEOUT });
      const quote = /“(.*?)(…)?”/.exec(busiest.text)![1]!;
      for (const card of await results.locator('li.annotation').all()) await expect(card.textContent()).resolves.toContain(quote.slice(0, 20));
      await shot(reviewer, `15-${name}-reviewer-passage-filter`);
      await search.getByRole('button', { name: 'Bỏ tìm và lọc' }).click();
      await results.waitFor({ state: 'detached' });
    });

    it('shows the secretary who has and has not commented in their unit', async ({ expect }) => {
      await reviewer.goto(`${e2e.baseUrl}/d/${documentId}/people`);
      await reviewer.getByRole('heading', { name: 'Ai đã góp ý' }).waitFor();
      await reviewer.getByRole('combobox', { name: /^Vòng/ }).selectOption({ label: 'Vòng 1' });
      const commented = reviewer.getByRole('region', { name: 'Đã góp ý' });
      const silent = reviewer.getByRole('region', { name: 'Chưa góp ý' });
      await commented.locator('li.person').first().waitFor({ timeout: TIMEOUT });
      const names = async (region: typeof commented) => (await region.locator('li.person strong').allTextContents()).sort();
      // The list first shown can be round 2's (the open one), still on screen until round 1's arrives.
      await expect.poll(() => names(commented), { timeout: TIMEOUT }).toEqual(['Bùi Quang Cường', 'Hoàng Văn An', 'Vũ Thị Bình']);
      await expect(commented.locator('li.person', { hasText: 'Hoàng Văn An' }).textContent()).resolves.toContain('Số ý kiến: 4'); // the demo's two and this journey's two
      await expect(names(silent)).resolves.toContain('Nguyễn Văn Thư (Thư ký Đảng ủy xã)');
      await expect(names(silent)).resolves.not.toContain('Hoàng Văn An');
      await shot(reviewer, `15-${name}-who-commented`);
    });

    it('shows the reviewer no tab that scrolls sideways', async ({ expect }) => {
      for (const tab of ['draft', 'rounds', 'versions', 'review', 'people', 'feedback']) {
        await reviewer.goto(`${e2e.baseUrl}/d/${documentId}/${tab}`);
        await reviewer.locator('.tab-active').waitFor();
        await settled(reviewer);
        expect({ tab, ...(await sidewaysOverflow(reviewer)) }).toEqual({ tab, overflow: 0, culprits: [] });
      }
      await reviewer.context().close();
      expect(pageErrors).toEqual([]);
    }, 60_000);
  });
});
