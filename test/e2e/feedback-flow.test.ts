/**
 * Issue 14's journey in a real Chromium on the demo workspace, phone (360 px) and desktop
 * (1280 px):
 * - a district drafter creates a draft from pasted Markdown, opens a round for the communes below
 *   and sees which units have members commenting;
 * - the commune secretary opens "Gửi ý kiến lên cấp trên", previews exactly what will be sent,
 *   adds notes, sends once (a double click sends one package), sees the package with its date and
 *   full hash after a reload, and sends a correction that visibly supersedes it;
 * - the district secretary reads each point with its passage, "Nêu bởi 2/3 đơn vị", the units and
 *   their notes, the pending unit with its deadline, filters, decides, and sends on to the province;
 * - on a roll-up of more than a page of points, the district secretary reads the sections as counts
 *   (`/feedback/sections`), opens one (`?section=`), decides on a point, and sees a package arriving
 *   and the drafter's decision meanwhile; the whole roll-up (`/feedback` without `section`) is never read.
 * Errors are in Vietnamese. Screenshots go to test-artifacts/screenshots/.
 */
import path from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import type { Locator, Page } from 'playwright-core';
import { demoDistrictDraftTitle } from '../../server/services/demo-workspace.js';
import { ApiClient } from '../helpers/api-client.js';
import { demoDistrictDraftId, downloaded, logIn, PASSWORD, repoRoot, screens, shot, sidewaysOverflow, TIMEOUT, useE2e } from './harness.js';

const phone = screens.phone;
/** EventSource's readyState values (the browser's constants, not available in Node). */
const EventSourceState = { connecting: 0, open: 1, closed: 2 } as const;
const desktop = { ...screens.desktop, acceptDownloads: true };

describe('web client: consolidated feedback up the tree', () => {
  const e2e = useE2e();
  let districtDraftId = '';
  /** The draft the first test creates and distributes to the communes. */
  let actionDraftId = '';
  const actionDraftTitle = 'Dự thảo Chương trình hành động chuyển đổi số huyện Đông Sơn';
  /** Reads of the merged feedback by a page (path after the document, and query), to check what the view asks for. */
  const feedbackReads = (page: Page): string[] => {
    const reads: string[] = [];
    page.on('request', (request) => {
      const url = new URL(request.url());
      const match = /^\/api\/v1\/documents\/[^/]+(\/feedback.*)$/.exec(url.pathname);
      if (match && request.method() === 'GET') reads.push(decodeURIComponent(match[1]! + url.search));
    });
    return reads;
  };
  /** The whole roll-up read as JSON: `/feedback` without `section` (an export names its `format`). */
  const wholeReads = (reads: string[]) => reads.filter((r) => /^\/feedback(\?|$)/.test(r) && !/[?&](section|format)=/.test(r));

  const open = async (options: typeof phone | typeof desktop, login: string): Promise<Page> => {
    const page = await e2e.newPage(options);
    await logIn(page, e2e.baseUrl, login);
    return page;
  };
  /** Takes the same view at the other width too, with `focus` (if given) at the top of the screen. */
  const shotBoth = async (page: Page, name: string, focus?: Locator) => {
    const place = async () => {
      if (focus) await focus.first().evaluate((el) => el.scrollIntoView({ block: 'start' }));
      await page.waitForTimeout(150);
    };
    const size = page.viewportSize()!;
    await place();
    await shot(page, `${name}-${size.width}`);
    const other = size.width === 360 ? { width: 1280, height: 860 } : { width: 360, height: 780 };
    await page.setViewportSize(other);
    await place();
    await shot(page, `${name}-${other.width}`);
    await page.setViewportSize(size);
  };

  /** Whether all of an element is inside the screen (a person sees it without scrolling). */
  const onScreen = (locator: Locator) =>
    locator.evaluate((el) => {
      const r = el.getBoundingClientRect();
      const inside = r.top >= -1 && r.left >= -1 && r.bottom <= window.innerHeight + 1 && r.right <= window.innerWidth + 1; // scrolling aligns to fractions of a pixel
      return inside || `${Math.round(r.top)}–${Math.round(r.bottom)} of ${window.innerHeight}, scrolled ${Math.round(window.scrollY)}`;
    });
  /** The page does not scroll sideways (the elements sticking out are named when it does). */
  const fitsWidth = async (page: Page, where: string) => {
    const { overflow, culprits } = await sidewaysOverflow(page);
    expect({ where, overflow, culprits }).toEqual({ where, overflow: expect.any(Number), culprits: [] });
    expect(await page.evaluate(() => document.documentElement.scrollWidth <= window.innerWidth), where).toBe(true);
  };

  beforeAll(async () => {
    districtDraftId = await demoDistrictDraftId(e2e.baseUrl);
  });

  it('lets a district drafter create a draft, distribute it to the communes and see who is commenting', async () => {
    const page = await open(desktop, 'huyen.soanthao');
    await page.getByText('Tạo dự thảo mới').click();
    await page.getByLabel('Tên dự thảo').fill('Dự thảo Chương trình hành động chuyển đổi số huyện Đông Sơn');
    await page
      .getByLabel('Nội dung (dán văn bản hoặc Markdown)')
      .fill('# Chương trình hành động\n\n## I. Mục tiêu\n\nĐến năm 2030, 100% thủ tục hành chính được giải quyết trực tuyến.\n\n## II. Giải pháp\n\n- Đào tạo kỹ năng số cho cán bộ xã\n- Phủ sóng 4G đến mọi thôn\n');
    await shot(page, 'feedback-01-new-draft-1280');
    await page.getByRole('button', { name: 'Tạo dự thảo' }).click();
    await page.getByRole('heading', { name: 'Dự thảo Chương trình hành động chuyển đổi số huyện Đông Sơn' }).waitFor({ timeout: TIMEOUT });
    // Distributed to the district and every commune below it (the default), or one chosen commune.
    const scope = page.getByLabel('Phát cho');
    // The communes arrive after the form: wait for them as a person would, not read the first frame.
    await expect
      .poll(() => scope.locator('option').allTextContents(), { timeout: TIMEOUT })
      .toEqual(expect.arrayContaining(['Đơn vị soạn thảo và mọi đơn vị trực thuộc', 'Đảng ủy xã Minh Sơn', 'Đảng ủy xã Tân Lập', 'Đảng ủy xã Hòa Bình']));
    await page.getByRole('button', { name: 'Mở vòng 1' }).click();
    await page.locator('.pill-open', { hasText: 'đang mở' }).waitFor({ timeout: TIMEOUT });

    // A member of Minh Sơn comments; the drafter sees that unit commenting.
    const documentId = page.url().split('/d/')[1]!.split('/')[0]!;
    actionDraftId = documentId;
    const member = await ApiClient.logIn(e2e.baseUrl, 'dangvien1', PASSWORD);
    const [round] = await member.json<Array<{ id: string }>>('GET', `/api/v1/documents/${documentId}/rounds`);
    const content = await member.content(documentId);
    const start = content.text.indexOf('Phủ sóng 4G');
    await member.putAnnotation(round!.id, crypto.randomUUID(), { kind: 'question', body: 'Kinh phí phủ sóng lấy từ đâu?', anchor: { start, end: start + 11 } });
    // The comment arrives as a live event: the list follows without a reload.
    await page.locator('.participation li', { hasText: /Đảng ủy xã Minh Sơn: 1\/\d+ người đã góp ý/ }).waitFor({ timeout: TIMEOUT });
    await expect(page.locator('.participation li', { hasText: 'Đảng ủy xã Hòa Bình' }).textContent()).resolves.toMatch(/0\/1 người đã góp ý/);
    await shotBoth(page, 'feedback-02-round-participation');
  }, 90_000);

  it('lets the commune secretary preview, send once, see what was sent after a reload, and correct it', async () => {
    const page = await open(phone, 'xa.thuky');
    await page.getByRole('link', { name: demoDistrictDraftTitle }).click();
    // The district's summary is not the commune's to read (mayReviewRound): its tab is not offered,
    // at either width; the unit's own points are under "Gửi ý kiến lên cấp trên".
    const tabs = page.getByRole('navigation', { name: demoDistrictDraftTitle }).getByRole('link');
    await page.getByRole('link', { name: 'Gửi ý kiến lên cấp trên' }).waitFor({ timeout: TIMEOUT });
    await expect(tabs.allTextContents()).resolves.toEqual(['Dự thảo', 'Vòng góp ý', 'Phiên bản và so sánh', 'Ai đã góp ý', 'Gửi ý kiến lên cấp trên']);
    const wide = await open(desktop, 'xa.thuky');
    await wide.getByRole('link', { name: demoDistrictDraftTitle }).click();
    await wide.getByRole('link', { name: 'Gửi ý kiến lên cấp trên' }).waitFor({ timeout: TIMEOUT });
    await expect(wide.getByRole('link', { name: 'Tổng hợp ý kiến' }).count()).resolves.toBe(0);
    await shot(wide, 'feedback-03a-commune-tabs-1280');
    await wide.close();
    await shot(page, 'feedback-03a-commune-tabs-360');
    await page.getByRole('link', { name: 'Gửi ý kiến lên cấp trên' }).click();
    const form = page.locator('.send-package form');
    await form.waitFor({ timeout: TIMEOUT });
    await expect(page.locator('.send-package').textContent()).resolves.toContain('Gửi tới: Huyện ủy Đông Sơn');
    // Exactly what will be sent: by section, the quoted passage, the count, the unit's decisions.
    await form.getByRole('heading', { name: 'II. Các chỉ tiêu chủ yếu' }).waitFor({ timeout: TIMEOUT });
    const growth = form.locator('.cluster', { hasText: 'Tốc độ tăng giá trị sản xuất bình quân đạt 9% mỗi năm.' });
    await expect(growth.locator('.quote').textContent()).resolves.toBe('“Tốc độ tăng giá trị sản xuất bình quân đạt 9% mỗi năm.”');
    await expect(growth.textContent()).resolves.toContain('1 ý kiến');
    await expect(growth.textContent()).resolves.toContain('Quyết định của Đảng ủy xã Minh Sơn: Chưa xử lý: 1');
    await growth.getByLabel('Ghi chú của đơn vị về ý kiến này').fill('Chi bộ thôn Đồng Tâm thống nhất đề nghị 8%.');
    await form.getByLabel('Ghi chú chung của đơn vị').fill('Ý kiến của Đảng bộ xã Minh Sơn.');
    await shotBoth(page, 'feedback-03-package-preview', page.locator('.send-package'));

    // A double click sends one package.
    await form.getByRole('button', { name: 'Gửi ý kiến' }).dblclick();
    await page.locator('.sent-packages li').first().waitFor({ timeout: TIMEOUT });
    // On the phone, the confirmation is next to the button, on screen: not only the button's text.
    const confirmation = form.getByRole('status');
    await expect(confirmation.textContent()).resolves.toMatch(/^Đã gửi ý kiến tới Huyện ủy Đông Sơn lúc .*2\d{3}\. Các ghi chú được giữ lại để gửi bản sửa nếu cần\.$/);
    await shot(page, 'feedback-04a-package-sent-status-360');
    await expect.poll(() => onScreen(confirmation), { timeout: 5000 }).toBe(true);
    const secretary = await ApiClient.logIn(e2e.baseUrl, 'xa.thuky', PASSWORD);
    const me = await secretary.me();
    const sent = (await secretary.json<Array<{ id: string; fromUnitId: string; contentHash: string }>>('GET', `/api/v1/documents/${districtDraftId}/packages`)).filter(
      (p) => p.fromUnitId === me.memberships[0]!.unitId,
    );
    expect(sent).toHaveLength(1);

    // After a reload: the date and the full hash.
    await page.reload();
    const first = page.locator('.sent-packages li').first();
    await first.waitFor({ timeout: TIMEOUT });
    await expect(first.locator('.hash').textContent()).resolves.toBe(sent[0]!.contentHash);
    await expect(first.textContent()).resolves.toMatch(/Đã gửi lúc .*2\d{3}/);
    await expect(first.textContent()).resolves.toContain('đang có hiệu lực');
    await shotBoth(page, 'feedback-04-package-sent');

    // A corrected package supersedes it, visibly; at 1280 px too, the confirmation is by the button.
    await page.setViewportSize(desktop.viewport);
    await expect(form.getByRole('status').count()).resolves.toBe(0);
    await form.getByLabel('Ghi chú chung của đơn vị').fill('Ý kiến của Đảng bộ xã Minh Sơn (bổ sung sau hội nghị).');
    await form.getByRole('button', { name: 'Gửi bản sửa (thay thế lần gửi trước)' }).click();
    await page.locator('.sent-packages li.superseded').waitFor({ timeout: TIMEOUT });
    await expect(form.getByRole('status').textContent()).resolves.toMatch(/^Đã gửi ý kiến tới Huyện ủy Đông Sơn lúc /);
    await expect.poll(() => onScreen(form.getByRole('status')), { timeout: 5000 }).toBe(true);
    await shot(page, 'feedback-04b-correction-sent-status-1280');
    await page.setViewportSize(phone.viewport);
    await expect(page.locator('.sent-packages li').first().textContent()).resolves.toMatch(/đang có hiệu lực.*thay thế lần gửi lúc/);
    await expect(page.locator('.sent-packages li.superseded').textContent()).resolves.toContain('đã được thay thế bởi lần gửi sau');
    await shotBoth(page, 'feedback-05-package-superseded', page.locator('.send-package'));
  }, 90_000);

  it('lets the district secretary read, filter and decide on what came in, and send it on to the province', async () => {
    const page = await open(desktop, 'huyen.thuky');
    const reads = feedbackReads(page);
    await page.getByRole('link', { name: demoDistrictDraftTitle }).click();
    await page.getByRole('link', { name: 'Ý kiến cấp dưới' }).click();
    const merged = page.locator('.merged-feedback');
    await merged.getByText('Đã nhận 2/3 đơn vị').waitFor({ timeout: TIMEOUT });
    await expect(merged.locator('.unit-status li', { hasText: 'Đảng ủy xã Hòa Bình' }).textContent()).resolves.toMatch(/Chưa gửi — hạn .*2\d{3}/);
    // Minh Sơn's overall note reaches the district, with its name (its corrected package's).
    await expect(merged.locator('.unit-status li', { hasText: 'Minh Sơn' }).locator('.unit-note').textContent()).resolves.toBe('Ghi chú chung của đơn vị: Ý kiến của Đảng bộ xã Minh Sơn (bổ sung sau hội nghị).');
    const growth = merged.locator('.cluster', { hasText: 'Tốc độ tăng giá trị sản xuất bình quân đạt 9% mỗi năm.' });
    await expect(growth.locator('.raised-by').textContent()).resolves.toBe('Nêu bởi 2/3 đơn vị');
    const notes = growth.locator('.unit-notes');
    await expect(notes.textContent()).resolves.toContain('Đảng ủy xã Minh Sơn (1 ý kiến): Chi bộ thôn Đồng Tâm thống nhất đề nghị 8%.');
    await expect(notes.textContent()).resolves.toContain('Đảng ủy xã Tân Lập (1 ý kiến)');
    await shotBoth(page, 'feedback-06-merged');

    // Filters: points raised by at least two units; by kind; by section.
    await merged.getByLabel('Số đơn vị nêu').selectOption('2');
    await expect(merged.locator('.cluster').count()).resolves.toBe(1);
    await merged.getByLabel('Số đơn vị nêu').selectOption('1');
    await merged.getByLabel('Loại ý kiến').selectOption('question');
    await expect(merged.locator('.cluster').allTextContents()).resolves.toEqual([expect.stringContaining('Chỉ tiêu 90%')]);
    await merged.getByLabel('Loại ý kiến').selectOption('');
    await merged.getByLabel('Phần', { exact: true }).selectOption({ label: 'III. Nhiệm vụ và giải pháp' });
    await expect(merged.locator('.cluster').allTextContents()).resolves.toEqual([expect.stringContaining('cán bộ dôi dư')]);
    await merged.getByLabel('Phần', { exact: true }).selectOption('');

    // The district's own decision on the point.
    await growth.getByLabel('Quyết định của Huyện ủy Đông Sơn').selectOption('partially_accepted');
    await growth.getByLabel('Lý do').fill('Điều chỉnh chỉ tiêu còn 8,5% cho phù hợp khả năng các xã.');
    await growth.getByRole('button', { name: 'Ghi quyết định' }).click();
    await growth.locator('.decided').waitFor({ timeout: TIMEOUT });
    await expect(growth.locator('.decided').textContent()).resolves.toContain('Tiếp thu một phần — Phạm Thị Huyền (Thư ký Huyện ủy)');
    await shotBoth(page, 'feedback-07-decided', growth);

    // The district's package to the province, with provenance down to each annotation.
    const send = page.locator('.send-package');
    await expect(send.textContent()).resolves.toContain('Gửi tới: Tỉnh ủy Minh Hà');
    const growthUp = send.locator('.cluster', { hasText: 'Tốc độ tăng giá trị' });
    await growthUp.getByText('Tiếp thu một phần: 2').waitFor({ timeout: TIMEOUT });
    // The reason of the district's decision is the point's note, to keep or rewrite.
    await expect(growthUp.getByLabel('Ghi chú của đơn vị về ý kiến này').inputValue()).resolves.toBe('Điều chỉnh chỉ tiêu còn 8,5% cho phù hợp khả năng các xã.');
    await send.getByLabel('Ghi chú chung của đơn vị').fill('Huyện ủy Đông Sơn tổng hợp ý kiến các đảng bộ xã.');
    await send.getByRole('button', { name: 'Gửi ý kiến' }).click();
    await send.locator('.sent-packages li').first().waitFor({ timeout: TIMEOUT });
    await shotBoth(page, 'feedback-08-sent-to-province', send);

    const province = await ApiClient.logIn(e2e.baseUrl, 'tinh.thuky', PASSWORD);
    const provinceUnit = (await province.me()).memberships[0]!.unitId;
    const atProvince = await province.feedback(districtDraftId, provinceUnit);
    const item = atProvince.items.find((i) => i.quote.includes('9% mỗi năm'))!;
    expect(item.annotationIds).toHaveLength(2);
    expect(item.decisions.partially_accepted).toBe(2);
    expect(item.units[0]!.note).toBe('Điều chỉnh chỉ tiêu còn 8,5% cho phù hợp khả năng các xã.');
    expect(atProvince.units.map((u) => u.name)).toEqual(['Huyện ủy Đông Sơn']);
    // In the province secretary's client: what the district sent, and nothing to send up (the top
    // of the tree is never asked for a preview, which would answer 400).
    const atTop = await open(desktop, 'tinh.thuky');
    const previews: string[] = [];
    atTop.on('request', (request) => {
      if (request.url().includes('/packages/preview')) previews.push(request.url());
    });
    await atTop.goto(`${e2e.baseUrl}/d/${districtDraftId}/feedback`);
    await atTop.locator('.merged-feedback').getByText('Đã nhận 1/1 đơn vị').waitFor({ timeout: TIMEOUT });
    await expect(atTop.locator('.send-package').count()).resolves.toBe(0);
    expect(previews).toEqual([]);
    await atTop.close();

    // A small roll-up opens every section, each read alone: the index, then `?section=`, never the whole.
    expect(reads).toContain(`/feedback/sections?unitId=${(await ApiClient.logIn(e2e.baseUrl, 'huyen.thuky', PASSWORD).then((c) => c.me())).memberships[0]!.unitId}`);
    expect(reads.filter((r) => r.startsWith('/feedback?section=')).length).toBeGreaterThanOrEqual(2);
    expect(wholeReads(reads)).toEqual([]);

    // The merged feedback as Word, with the new fields.
    const [download] = await Promise.all([page.waitForEvent('download'), merged.getByRole('button', { name: 'Tải Word (DOCX)' }).click()]);
    const bytes = await downloaded(download);
    expect(bytes.subarray(0, 2).toString()).toBe('PK');
    // Kept for rendering and looking at (LibreOffice → PDF → PNG), as docs/screenshots shows it.
    await download.saveAs(path.join(repoRoot, 'test-artifacts', 'exports', 'merged-feedback.docx'));
    const [sentDocx] = await Promise.all([page.waitForEvent('download'), send.getByRole('button', { name: 'Tải văn bản đã gửi (DOCX)' }).first().click()]);
    await sentDocx.saveAs(path.join(repoRoot, 'test-artifacts', 'exports', 'district-package.docx'));
  }, 120_000);

  it('lets the district secretary read a large roll-up section by section at 360 px and 1280 px, never the whole of it', async () => {
    // More than a page of points (OPEN_ALL_UP_TO, 40): the sections stay closed until opened.
    const topics = [
      'nguồn kinh phí', 'lộ trình thực hiện', 'đơn vị chủ trì', 'cơ chế giám sát', 'đào tạo giáo viên', 'hạ tầng cáp quang', 'an toàn thông tin', 'chữ ký số',
      'thanh toán không dùng tiền mặt', 'người cao tuổi', 'hộ nghèo', 'doanh nghiệp nhỏ', 'hợp tác xã', 'thôn vùng cao', 'trạm phát sóng', 'điện thoại thông minh',
      'tổ công nghệ số cộng đồng', 'dữ liệu dân cư', 'phần mềm một cửa', 'trang thông tin điện tử', 'kỹ năng mạng xã hội', 'khen thưởng', 'thư viện số', 'y tế từ xa',
    ];
    const authors = await Promise.all(['dangvien1', 'dangvien2', 'dangvien3', 'tanlap.dangvien'].map((login) => ApiClient.logIn(e2e.baseUrl, login, PASSWORD)));
    const [round] = await authors[0]!.json<Array<{ id: string }>>('GET', `/api/v1/documents/${actionDraftId}/rounds`);
    const { text } = await authors[0]!.content(actionDraftId);
    const passages = ['100% thủ tục hành chính', 'giải quyết trực tuyến', 'Đào tạo kỹ năng số', 'Phủ sóng 4G đến mọi thôn'];
    const kinds = ['comment', 'question', 'objection', 'comment'] as const;
    for (let i = 0; i < 2 * topics.length; i++) {
      const start = text.indexOf(passages[i % 4]!);
      const body = `${i < topics.length ? 'Đề nghị làm rõ' : 'Cần bổ sung'} ${topics[i % topics.length]} (ý ${i + 1}).`;
      await authors[i % 4]!.putAnnotation(round!.id, crypto.randomUUID(), { kind: kinds[i % 4]!, body, anchor: { start, end: start + passages[i % 4]!.length } });
    }
    for (const login of ['xa.thuky', 'tanlap.thuky']) {
      const secretary = await ApiClient.logIn(e2e.baseUrl, login, PASSWORD);
      await secretary.submitPackage(actionDraftId, { fromUnitId: (await secretary.me()).memberships[0]!.unitId, roundIds: [round!.id] });
    }
    const district = await ApiClient.logIn(e2e.baseUrl, 'huyen.thuky', PASSWORD);
    const districtUnit = (await district.me()).memberships[0]!.unitId;
    type Index = { sections: Array<{ section: string; sectionTitle: string; items: number; annotations: number; unitIds: string[]; dispositions: { undecided: number } }> };
    const index = () => district.json<Index>('GET', `/api/v1/documents/${actionDraftId}/feedback/sections`);
    const before = await index();
    expect(before.sections.reduce((n, s) => n + s.items, 0)).toBeGreaterThan(40);
    const countsText = (s: Index['sections'][number], undecided: number) => `${s.items} ý · ${s.annotations} ý kiến · ${s.unitIds.length}/3 đơn vị nêu · ${undecided} chưa quyết định`;

    const readAndDecide = async (options: typeof phone | typeof desktop, title: string, decision: string, size: string) => {
      const page = await open(options, 'huyen.thuky');
      const reads = feedbackReads(page);
      await page.getByRole('link', { name: actionDraftTitle }).click();
      await page.getByRole('link', { name: 'Ý kiến cấp dưới' }).click();
      const merged = page.locator('.merged-feedback');
      await merged.getByText('Đã nhận 2/3 đơn vị').waitFor({ timeout: TIMEOUT });
      const counts = (await index()).sections.find((s) => s.sectionTitle === title)!;
      const section = merged.locator('.feedback-section', { has: page.getByRole('button', { name: title }) });
      const toggle = section.getByRole('button', { name: title });
      // The index: every section closed, with its counts; no point read yet.
      await expect(toggle.getAttribute('aria-expanded')).resolves.toBe('false');
      await expect(section.locator('.section-counts').textContent()).resolves.toBe(countsText(counts, counts.dispositions.undecided));
      await expect(merged.locator('.cluster').count()).resolves.toBe(0);
      expect(reads.filter((r) => r.startsWith('/feedback?section='))).toEqual([]);
      await merged.locator('.filters').evaluate((el) => el.scrollIntoView({ block: 'start' }));
      await shot(page, `feedback-09-index-${size}`);

      // One section opened: its points, read alone.
      await toggle.click();
      const point = section.locator('.cluster').first();
      await point.waitFor({ timeout: TIMEOUT });
      await expect(section.locator('.cluster').count()).resolves.toBe(counts.items);
      expect(reads.filter((r) => r.startsWith('/feedback?section=')).map((r) => new URLSearchParams(r.split('?')[1]).get('section'))).toEqual([counts.section]);
      await point.evaluate((el) => el.scrollIntoView({ block: 'start' }));
      await shot(page, `feedback-10-section-open-${size}`);

      // A decision on one point: the point shows it, the section's count of undecided points follows.
      await point.getByLabel('Quyết định của Huyện ủy Đông Sơn').selectOption(decision);
      await point.getByLabel('Lý do').fill('Đã giao Văn phòng Huyện ủy tổng hợp.');
      await point.getByRole('button', { name: 'Ghi quyết định' }).click();
      await point.locator('.decided').waitFor({ timeout: TIMEOUT });
      await expect.poll(() => section.locator('.section-counts').textContent(), { timeout: TIMEOUT }).toBe(countsText(counts, counts.dispositions.undecided - 1));
      // Its live event (`feedback.decided`, as another secretary's would) reads that section again, only it.
      const sectionReads = () => reads.filter((r) => r.startsWith('/feedback?section=')).map((r) => new URLSearchParams(r.split('?')[1]).get('section'));
      await expect.poll(sectionReads, { timeout: TIMEOUT }).toEqual([counts.section, counts.section]);
      await section.evaluate((el) => el.scrollIntoView({ block: 'start' }));
      await shot(page, `feedback-11-decided-${size}`);
      expect(reads).toContain(`/feedback/sections?unitId=${districtUnit}`);
      expect(wholeReads(reads)).toEqual([]);
      return { page, reads, section, counts };
    };

    const onPhone = await readAndDecide(phone, 'II. Giải pháp', 'accepted', '360');
    await onPhone.page.close();
    const onDesktop = await readAndDecide(desktop, 'I. Mục tiêu', 'noted', '1280');

    // Hòa Bình sends its package while the section is open: the index reads again (3 of 3 sent), and
    // the open section whose points changed is read again, with Hòa Bình's point in it.
    const hoaBinh = await ApiClient.logIn(e2e.baseUrl, 'hoabinh.thuky', PASSWORD);
    const start = text.indexOf('giải quyết trực tuyến');
    await hoaBinh.putAnnotation(round!.id, crypto.randomUUID(), { kind: 'suggestion', body: 'Nên ghi rõ mức độ dịch vụ công trực tuyến toàn trình.', replacement: 'giải quyết trực tuyến toàn trình', anchor: { start, end: start + 21 } });
    const sectionReads = onDesktop.reads.filter((r) => r.startsWith('/feedback?section=')).length;
    await hoaBinh.submitPackage(actionDraftId, { fromUnitId: (await hoaBinh.me()).memberships[0]!.unitId, roundIds: [round!.id] });
    const merged = onDesktop.page.locator('.merged-feedback');
    await merged.getByText('Đã nhận 3/3 đơn vị').waitFor({ timeout: TIMEOUT });
    const arrived = onDesktop.section.locator('.cluster', { hasText: 'Nên ghi rõ mức độ dịch vụ công trực tuyến toàn trình.' });
    await arrived.waitFor({ timeout: TIMEOUT });
    await expect(arrived.locator('.unit-notes').textContent()).resolves.toContain('Đảng ủy xã Hòa Bình (1 ý kiến)');
    expect(onDesktop.reads.filter((r) => r.startsWith('/feedback?section=')).slice(sectionReads).map((r) => new URLSearchParams(r.split('?')[1]).get('section'))).toEqual([onDesktop.counts.section]);
    await arrived.evaluate((el) => el.scrollIntoView({ block: 'center' }));
    await shot(onDesktop.page, 'feedback-12-package-arrived-1280');

    // The district's drafter decides on Hòa Bình's point elsewhere: it shows here without a reload.
    const drafter = await ApiClient.logIn(e2e.baseUrl, 'huyen.soanthao', PASSWORD);
    const { items } = await drafter.json<{ items: Array<{ id: string; representative: { body: string } }> }>(
      'GET',
      `/api/v1/documents/${actionDraftId}/feedback?section=${encodeURIComponent(onDesktop.counts.section)}`,
    );
    const hoaBinhPoint = items.find((i) => i.representative.body.startsWith('Nên ghi rõ mức độ'))!;
    await drafter.send('PUT', `/api/v1/documents/${actionDraftId}/feedback/items/${hoaBinhPoint.id}/disposition`, { decision: 'accepted', note: 'Bổ sung cụm từ “toàn trình”.' });
    await expect.poll(() => arrived.locator('.decided').textContent(), { timeout: TIMEOUT }).toContain('Tiếp thu — Trịnh Văn Hùng');
    // The untouched form follows the decision in the render after the card's line (an effect): wait for it.
    await expect.poll(() => arrived.getByLabel('Quyết định của Huyện ủy Đông Sơn').inputValue(), { timeout: TIMEOUT }).toBe('accepted');
    await expect.poll(() => arrived.getByLabel('Lý do').inputValue(), { timeout: TIMEOUT }).toBe('Bổ sung cụm từ “toàn trình”.');
    await arrived.evaluate((el) => el.scrollIntoView({ block: 'center' }));
    await shot(onDesktop.page, 'feedback-13-decided-elsewhere-1280');
    expect(wholeReads(onDesktop.reads)).toEqual([]);
  }, 180_000);

  it('keeps a reason being typed from a colleague’s live decision, wraps unbroken text, names the reason’s limit, and catches up after going offline (360 px and 1280 px)', async () => {
    const openMerged = async (options: typeof phone | typeof desktop) => {
      const page = await e2e.newPage(options);
      // The page's EventSources, to see the stream go down and be made again (the client's own class, counted).
      await page.addInitScript(() => {
        const Native = window.EventSource;
        const streams: EventSource[] = [];
        (window as unknown as { streams: EventSource[] }).streams = streams;
        window.EventSource = class extends Native {
          constructor(url: string | URL, init?: EventSourceInit) {
            super(url, init);
            streams.push(this);
          }
        };
      });
      await logIn(page, e2e.baseUrl, 'huyen.thuky');
      await page.getByRole('link', { name: demoDistrictDraftTitle }).click();
      await page.getByRole('link', { name: 'Ý kiến cấp dưới' }).click();
      const merged = page.locator('.merged-feedback');
      await merged.getByText(/Đã nhận 2\/3 đơn vị/).waitFor({ timeout: TIMEOUT });
      const point = merged.locator('.cluster', { hasText: 'cán bộ dôi dư' });
      await point.waitFor({ timeout: TIMEOUT });
      return { page, merged, point };
    };
    // Two tabs of the district's secretary on the same point: B on the phone, A on the desktop.
    const b = await openMerged(phone);
    const a = await openMerged(desktop);
    const decisionB = b.point.getByLabel('Quyết định của Huyện ủy Đông Sơn');
    const reasonB = b.point.getByLabel('Lý do');
    await expect(reasonB.evaluate((el) => el.tagName)).resolves.toBe('TEXTAREA');
    await decisionB.selectOption('rejected');
    await reasonB.fill('Chưa đủ cơ sở để sắp xếp lại');
    await reasonB.focus();

    // A records another decision: B's unsaved choice and the reason being typed stay, focused.
    await a.point.getByLabel('Quyết định của Huyện ủy Đông Sơn').selectOption('accepted');
    await a.point.getByLabel('Lý do').fill('Giao Ban Tổ chức rà soát.');
    await a.point.getByRole('button', { name: 'Ghi quyết định' }).click();
    await a.point.locator('.decided').waitFor({ timeout: TIMEOUT });
    const theirs = b.point.getByRole('status');
    await theirs.waitFor({ timeout: TIMEOUT });
    await expect(theirs.textContent()).resolves.toContain('Phạm Thị Huyền (Thư ký Huyện ủy) đã ghi quyết định khác: Tiếp thu — Giao Ban Tổ chức rà soát.');
    await expect(b.point.locator('.decided').textContent()).resolves.toContain('Tiếp thu — Phạm Thị Huyền (Thư ký Huyện ủy)');
    await expect(decisionB.inputValue()).resolves.toBe('rejected');
    await expect(reasonB.inputValue()).resolves.toBe('Chưa đủ cơ sở để sắp xếp lại');
    await expect(reasonB.evaluate((el) => el === document.activeElement)).resolves.toBe(true);
    await shotBoth(b.page, 'feedback-14-decided-elsewhere-unsaved', b.point);
    // B takes A's decision: the form shows it, the notice goes.
    await theirs.getByRole('button', { name: 'Dùng quyết định này' }).click();
    await expect(decisionB.inputValue()).resolves.toBe('accepted');
    await expect(reasonB.inputValue()).resolves.toBe('Giao Ban Tổ chức rà soát.');
    await expect(b.point.getByRole('status').count()).resolves.toBe(0);

    // A reason of 5,000 characters without a space, saved in B: A's untouched form follows it, and
    // no page scrolls sideways, at either width.
    const unbroken = 'ạ'.repeat(5000);
    await decisionB.selectOption('partially_accepted');
    await reasonB.fill(unbroken);
    await b.point.getByRole('button', { name: 'Ghi quyết định' }).click();
    await expect.poll(() => b.point.locator('.decided').textContent(), { timeout: TIMEOUT }).toContain(unbroken);
    await expect.poll(() => a.point.getByLabel('Quyết định của Huyện ủy Đông Sơn').inputValue(), { timeout: TIMEOUT }).toBe('partially_accepted');
    await expect(a.point.getByLabel('Lý do').inputValue()).resolves.toBe(unbroken);
    await expect(a.point.getByRole('status').count()).resolves.toBe(0);
    for (const { page } of [b, a]) {
      await fitsWidth(page, `reason at ${page.viewportSize()!.width}`);
      await page.setViewportSize(page.viewportSize()!.width === 360 ? desktop.viewport : phone.viewport);
      await fitsWidth(page, `reason at ${page.viewportSize()!.width}`);
    }
    await b.page.setViewportSize(phone.viewport);
    await a.page.setViewportSize(desktop.viewport);
    // On the phone the other buttons are still where a finger finds them.
    await b.merged.getByRole('button', { name: 'Tải Markdown' }).click({ trial: true, timeout: 5000 });
    await shotBoth(b.page, 'feedback-15-unbroken-reason', b.point.locator('.decided'));

    // The reason's limit is the route's (FeedbackDispositionBody): the field holds no more, and a
    // reason over it that reaches the server anyway is refused naming the field and the limit.
    await expect(reasonB.getAttribute('maxlength')).resolves.toBe('20000');
    await reasonB.evaluate((el) => el.removeAttribute('maxlength'));
    await reasonB.fill('a'.repeat(20_001));
    await b.point.getByRole('button', { name: 'Ghi quyết định' }).click();
    const refusal = b.point.getByRole('alert');
    await refusal.waitFor({ timeout: TIMEOUT });
    await expect(refusal.textContent()).resolves.toBe('«Lý do» dài quá giới hạn 20.000 ký tự.');
    await shotBoth(b.page, 'feedback-16-reason-too-long', refusal);
    await b.page.close();

    // A goes offline; Hòa Bình sends meanwhile (a point with a long unbroken wording); back online,
    // the stream is made again at once and the package shows, without waiting for the browser's retry.
    const streams = () => a.page.evaluate(() => (window as unknown as { streams: EventSource[] }).streams.map((s) => s.readyState));
    await expect(streams()).resolves.toEqual([EventSourceState.open]);
    await a.page.context().setOffline(true);
    // Chromium's offline emulation keeps an open connection; a real network drops it: the server
    // ends it here, and the browser's stream, unable to reconnect offline, is down.
    e2e.server.app.server.closeAllConnections();
    await expect.poll(async () => (await streams()).at(-1), { timeout: TIMEOUT }).not.toBe(EventSourceState.open);
    await a.page.waitForTimeout(3000);
    const whileOffline = await streams();
    const hoaBinh = await ApiClient.logIn(e2e.baseUrl, 'hoabinh.thuky', PASSWORD);
    const rounds = await hoaBinh.json<Array<{ id: string; status: string }>>('GET', `/api/v1/documents/${districtDraftId}/rounds`);
    const round = rounds.find((r) => r.status === 'open') ?? rounds[rounds.length - 1]!;
    const { text } = await hoaBinh.content(districtDraftId);
    const passage = 'Tốc độ tăng giá trị sản xuất';
    const start = text.indexOf(passage);
    const wording = `Đề nghị ghi rõ ${'ẫ'.repeat(3000)}`;
    await hoaBinh.putAnnotation(round.id, crypto.randomUUID(), { kind: 'comment', body: wording, anchor: { start, end: start + passage.length } });
    await hoaBinh.submitPackage(districtDraftId, { fromUnitId: (await hoaBinh.me()).memberships[0]!.unitId, roundIds: [round.id] });
    const back = Date.now();
    await a.page.context().setOffline(false);
    // A new stream at once (not the browser's retry, which here never comes), and what was sent meanwhile shows.
    await expect.poll(streams, { timeout: 3000 }).toEqual([EventSourceState.closed, EventSourceState.open]);
    console.log(`stream states: offline ${JSON.stringify(whileOffline)}, back online ${JSON.stringify(await streams())} after ${Date.now() - back} ms`);
    await a.merged.getByText('Đã nhận 3/3 đơn vị').waitFor({ timeout: 10_000 });
    expect(Date.now() - back).toBeLessThan(10_000);
    const arrived = a.merged.locator('.cluster', { hasText: 'Đề nghị ghi rõ' });
    await arrived.waitFor({ timeout: TIMEOUT });
    await fitsWidth(a.page, 'wording at 1280');
    await shotBoth(a.page, 'feedback-17-after-offline', arrived);
    await a.page.setViewportSize(phone.viewport);
    await fitsWidth(a.page, 'wording at 360');

    // The round summary's cards and the draft's comment threads wrap it too.
    await a.page.getByRole('link', { name: 'Tổng hợp ý kiến' }).click();
    await a.page.locator('.cluster', { hasText: 'Đề nghị ghi rõ' }).first().waitFor({ timeout: TIMEOUT });
    await fitsWidth(a.page, 'summary at 360');
    await a.page.setViewportSize(desktop.viewport);
    await fitsWidth(a.page, 'summary at 1280');
    await shotBoth(a.page, 'feedback-18-summary-unbroken', a.page.locator('.cluster', { hasText: 'Đề nghị ghi rõ' }).first());
    await a.page.getByRole('link', { name: 'Dự thảo' }).click();
    await a.page.locator('.annotation', { hasText: 'Đề nghị ghi rõ' }).first().waitFor({ timeout: TIMEOUT });
    await fitsWidth(a.page, 'thread at 1280');
    await a.page.setViewportSize(phone.viewport);
    await fitsWidth(a.page, 'thread at 360');
  }, 180_000);
});
