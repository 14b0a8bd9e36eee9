/**
 * Issue 13 in a real Chromium, on the demo workspace: the commune's secretary (xa.thuky, desktop)
 * opens "Nhập ý kiến thu thập" and enters three comments collected on paper and in a meeting —
 * for a member on a passage, for a discussion group on a passage, for another member on a whole
 * section — each saved with "Lưu và nhập tiếp" or Ctrl+Enter, the cursor back in the text, the
 * member or group and the source still chosen. The member (dangvien1, 360 px phone) sees the
 * comment recorded for them as theirs, "ghi thay bởi …", and sends a general comment on a
 * section with a PDF attached. Screenshots go to test-artifacts/screenshots/recording-*.png.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import type { Page } from 'playwright-core';
import { memberFile } from '../helpers/word-review-files.js';
import { draftLoaded, logIn, screens, selectInDraft, shot, TIMEOUT, useE2e } from './harness.js';

const PASSAGE = 'Tỷ lệ che phủ rừng duy trì ở mức 61%';
const GROUP_PASSAGE = 'diện tích lúa chất lượng cao đạt 420 ha';

const focusedName = (page: Page) => page.evaluate(() => (document.activeElement as HTMLTextAreaElement | null)?.name ?? null);

describe('web client: comments recorded on behalf, general comments with a file', () => {
  const e2e = useE2e();
  let secretary: Page;
  let member: Page;
  let documentUrl = '';
  const pageErrors: string[] = [];

  beforeAll(async () => {
    secretary = await e2e.newPage({ ...screens.desktop, acceptDownloads: true });
    member = await e2e.newPage({ ...screens.phone, acceptDownloads: true });
    for (const page of [secretary, member]) page.on('pageerror', (error) => pageErrors.push(String(error)));
  });

  it('opens the entry form for the commune’s secretary', async () => {
    await logIn(secretary, e2e.baseUrl, 'xa.thuky');
    await secretary.getByRole('link', { name: /Dự thảo Báo cáo chính trị/ }).click();
    documentUrl = secretary.url().replace(/\/draft$/, '');
    await draftLoaded(secretary);
    await secretary.getByRole('button', { name: 'Nhập ý kiến thu thập' }).click();
    const form = secretary.getByRole('form', { name: 'Nhập ý kiến thu thập' });
    await form.waitFor({ timeout: TIMEOUT });
    // The members of the secretary's unit are offered by name.
    await form.locator('datalist option').nth(4).waitFor({ state: 'attached', timeout: TIMEOUT });
    await shot(secretary, 'recording-01-form');
  });

  it('records three comments in a row, keeping who and from what, the cursor back in the text', async () => {
    const form = secretary.getByRole('form', { name: 'Nhập ý kiến thu thập' });
    // 1. For a member (picked by name), on a passage, from a paper form; saved with Ctrl+Enter.
    await form.getByLabel('Tìm theo tên').fill('Hoàng Văn An (dangvien1)');
    await form.getByLabel('Nguồn').selectOption('paper');
    await selectInDraft(secretary, PASSAGE);
    await form.locator('.quote', { hasText: PASSAGE }).waitFor({ timeout: TIMEOUT });
    await expect(form.getByLabel('Đoạn đang chọn').isChecked()).resolves.toBe(true);
    await form.getByLabel('Nội dung').fill('Đề nghị nêu rõ diện tích rừng trồng mới trong nhiệm kỳ.');
    await form.getByLabel('Nội dung').press('Control+Enter');
    await form.getByText('Đã nhập 1 ý kiến trong lượt này.').waitFor({ timeout: TIMEOUT });
    await expect(focusedName(secretary)).resolves.toBe('body');
    await expect(form.getByLabel('Nội dung').inputValue()).resolves.toBe('');
    await expect(form.getByLabel('Tìm theo tên').inputValue()).resolves.toBe('Hoàng Văn An (dangvien1)');
    await expect(form.getByLabel('Nguồn').inputValue()).resolves.toBe('paper');

    // 2. For a discussion group, on another passage, from a meeting; saved with the button.
    await form.getByLabel('Tổ thảo luận').check();
    await form.getByLabel('Tên tổ').fill('Tổ 2 — thôn Đồng Tâm');
    await form.getByLabel('Số người').fill('14');
    await form.getByLabel('Nguồn').selectOption('meeting');
    await selectInDraft(secretary, GROUP_PASSAGE);
    await form.locator('.quote', { hasText: GROUP_PASSAGE }).waitFor({ timeout: TIMEOUT });
    await form.getByLabel('Nội dung').fill('Tổ thống nhất đề nghị đặt chỉ tiêu 500 ha cho nhiệm kỳ tới.');
    await form.getByRole('button', { name: 'Lưu và nhập tiếp' }).click();
    await form.getByText('Đã nhập 2 ý kiến trong lượt này.').waitFor({ timeout: TIMEOUT });
    await expect(focusedName(secretary)).resolves.toBe('body');
    await expect(form.getByLabel('Tên tổ').inputValue()).resolves.toBe('Tổ 2 — thôn Đồng Tâm');

    // 3. For another member, on a whole section, by phone.
    await form.getByLabel('Đảng viên').check();
    await form.getByLabel('Tìm theo tên').fill('Vũ Thị Bình (dangvien2)');
    await form.getByLabel('Nguồn').selectOption('phone');
    await form.getByLabel('Mục', { exact: true }).check();
    await form.getByRole('combobox', { name: 'Mục' }).selectOption({ label: 'II. Về văn hóa, xã hội' });
    await form.getByLabel('Nội dung').fill('Mục văn hóa cần đánh giá thêm phong trào thể dục thể thao.');
    await form.getByLabel('Nội dung').press('Control+Enter');
    await form.getByText('Đã nhập 3 ý kiến trong lượt này.').waitFor({ timeout: TIMEOUT });
    await shot(secretary, 'recording-02-three-saved');

    // The cards say who they speak for and who recorded them.
    const panel = secretary.locator('.panel');
    const byPaper = panel.locator('li.annotation', { hasText: 'diện tích rừng trồng mới' });
    await byPaper.waitFor({ timeout: TIMEOUT });
    await expect(byPaper.textContent()).resolves.toContain('Hoàng Văn An · ghi thay bởi Nguyễn Văn Thư (Thư ký Đảng ủy xã) · Phiếu giấy');
    const byGroup = panel.locator('li.annotation', { hasText: 'chỉ tiêu 500 ha' });
    await expect(byGroup.textContent()).resolves.toContain('Tổ 2 — thôn Đồng Tâm (14 người)');
    const bySection = panel.locator('li.annotation', { hasText: 'thể dục thể thao' });
    await expect(bySection.textContent()).resolves.toContain('Góp ý chung cho mục: II. Về văn hóa, xã hội');
    await bySection.scrollIntoViewIfNeeded();
    await shot(secretary, 'recording-03-cards');
  });

  it('fits a phone: the entry form at 360 px', async () => {
    await secretary.setViewportSize({ width: 360, height: 780 });
    const form = secretary.getByRole('form', { name: 'Nhập ý kiến thu thập' });
    await form.scrollIntoViewIfNeeded();
    const overflow = await secretary.evaluate(() => document.documentElement.scrollWidth - document.documentElement.clientWidth);
    expect(overflow).toBeLessThanOrEqual(1);
    await shot(secretary, 'recording-04-form-phone');
    await secretary.setViewportSize({ width: 1280, height: 860 });
  });

  it('shows the member, on a phone, the comment recorded for them as theirs', async () => {
    await logIn(member, e2e.baseUrl, 'dangvien1');
    await member.goto(documentUrl + '/draft');
    await draftLoaded(member);
    const card = member.locator('li.annotation', { hasText: 'diện tích rừng trồng mới' });
    await card.waitFor({ timeout: TIMEOUT });
    await expect(card.textContent()).resolves.toContain('ghi thay bởi Nguyễn Văn Thư (Thư ký Đảng ủy xã) · Phiếu giấy');
    await expect(card.locator('.pill', { hasText: 'của tôi' }).count()).resolves.toBe(1);
    // Theirs to disown (withdraw), not to rewrite: the recorder keeps what was written down.
    await expect(card.getByRole('button', { name: 'Rút lại' }).count()).resolves.toBe(1);
    await expect(card.getByRole('button', { name: 'Sửa' }).count()).resolves.toBe(0);
    // A private round: the group's and the other member's are not shown to them.
    await expect(member.locator('li.annotation', { hasText: 'chỉ tiêu 500 ha' }).count()).resolves.toBe(0);
    await expect(member.locator('li.annotation', { hasText: 'thể dục thể thao' }).count()).resolves.toBe(0);
    await card.scrollIntoViewIfNeeded();
    await shot(member, 'recording-05-member-sees-recorded');
  });

  it('lets the member send a general comment on a section with a PDF attached', async () => {
    await member.getByRole('button', { name: 'Góp ý chung cho mục/toàn văn' }).click();
    const form = member.getByRole('form', { name: 'Góp ý chung cho mục/toàn văn' });
    await form.getByLabel('Góp ý cho').selectOption({ label: 'III. Về quốc phòng, an ninh' });
    await form.getByLabel('Nội dung').fill('Bản góp ý bằng văn bản của tôi về công tác quốc phòng, an ninh (kèm tệp).');
    await form.getByLabel('Tệp đính kèm (không bắt buộc)').setInputFiles({
      name: 'gop-y-quoc-phong.pdf',
      mimeType: 'application/pdf',
      buffer: Buffer.from('%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n'),
    });
    await form.scrollIntoViewIfNeeded();
    await shot(member, 'recording-06-member-general-form');
    await form.getByRole('button', { name: 'Gửi ý kiến' }).click();
    const card = member.locator('li.annotation', { hasText: 'công tác quốc phòng, an ninh' });
    await card.waitFor({ timeout: TIMEOUT });
    await expect(card.textContent()).resolves.toContain('Góp ý chung cho mục: III. Về quốc phòng, an ninh');
    await card.getByRole('button', { name: /gop-y-quoc-phong\.pdf/ }).waitFor({ timeout: TIMEOUT });
    const overflow = await member.evaluate(() => document.documentElement.scrollWidth - document.documentElement.clientWidth);
    expect(overflow).toBeLessThanOrEqual(1);
    await card.scrollIntoViewIfNeeded();
    await shot(member, 'recording-07-member-general-card');
  });

  it('lets the member send their Word copy with a comment and a tracked change', async () => {
    await member.getByRole('button', { name: 'Nộp tệp Word có góp ý' }).click();
    const form = member.getByRole('form', { name: 'Nộp tệp Word có góp ý' });
    const file = await memberFile([
      [
        'Sản xuất nông nghiệp theo hướng hàng hóa được quan tâm; diện tích lúa chất lượng cao đạt 420 ha; hình thành 3 vùng trồng cây ăn quả tập trung với tổng diện tích 260 ha. Toàn xã có ',
        { comment: 'Nên nêu tên các sản phẩm OCOP của xã.', on: '4 sản phẩm đạt chuẩn OCOP' },
        ' từ 3 sao trở lên. Tỷ lệ che phủ rừng duy trì ở mức ',
        { del: '61%' },
        { ins: '61,5%' },
        '.',
      ],
    ]);
    await form.getByLabel('Nộp tệp Word có góp ý').setInputFiles({ name: 'ban-gop-y.docx', mimeType: 'application/vnd.openxmlformats-officedocument.wordprocessingml.document', buffer: file });
    await form.getByRole('button', { name: 'Nộp tệp', exact: true }).click();
    await form.getByText('Đã nhận 2 ý kiến mới; 0 ý kiến').waitFor({ timeout: TIMEOUT });
    const card = member.locator('li.annotation', { hasText: 'Nên nêu tên các sản phẩm OCOP của xã.' });
    await card.waitFor({ timeout: TIMEOUT });
    await expect(card.locator('.quote').textContent()).resolves.toBe('4 sản phẩm đạt chuẩn OCOP');
    await member.locator('li.annotation', { hasText: '→ 61,5%' }).waitFor({ timeout: TIMEOUT });
    await form.scrollIntoViewIfNeeded();
    await shot(member, 'recording-10-member-word-import');
  });

  it('shows the reviewers the groups and the recorded count in the merged comments', async () => {
    await secretary.getByRole('link', { name: 'Tổng hợp ý kiến' }).click();
    await secretary.locator('.cluster').first().waitFor({ timeout: TIMEOUT });
    await secretary.getByText(/tổ thảo luận: Tổ 2 — thôn Đồng Tâm \(14 người\)/).first().waitFor({ timeout: TIMEOUT });
    await shot(secretary, 'recording-08-review-top');
    // The section comment is a point of its section, under "Góp ý chung cho mục" (in no passage).
    const group = secretary.locator('section.passage', { has: secretary.locator('.cluster', { hasText: 'thể dục thể thao' }) });
    await expect(group.locator('.passage-head').textContent()).resolves.toBe('Góp ý chung cho mục');
    const general = group.locator('.cluster', { hasText: 'thể dục thể thao' });
    await expect(general.textContent()).resolves.toContain('1 ý kiến ghi thay');
    await general.scrollIntoViewIfNeeded();
    await shot(secretary, 'recording-09-review-section');
  });

  it('lets a reviewer download the attached file', async () => {
    await secretary.getByRole('link', { name: 'Dự thảo', exact: true }).click();
    const card = secretary.locator('.panel li.annotation', { hasText: 'công tác quốc phòng, an ninh' });
    await card.waitFor({ timeout: TIMEOUT });
    const [download] = await Promise.all([secretary.waitForEvent('download'), card.getByRole('button', { name: /gop-y-quoc-phong\.pdf/ }).click()]);
    expect(download.suggestedFilename()).toBe('gop-y-quoc-phong.pdf');
    expect(pageErrors).toEqual([]);
  });
});
