/**
 * Administration in a real Chromium on the demo workspace: the administrator walks the unit tree
 * (desktop); the commune's secretary, on a phone, sees the commune's members, changes a role and
 * prints activation letters (a PDF) for the members who have not activated, whose code works.
 * Screenshots in test-artifacts/screenshots/.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import { ApiClient } from '../helpers/api-client.js';
import { pdfContent } from '../helpers/export-files.js';
import { downloaded, logIn, PASSWORD, screens, shot, TIMEOUT, useE2e } from './harness.js';

describe('web client: administration', () => {
  const e2e = useE2e();

  beforeAll(async () => {
    // Two newcomers of the demo commune, imported without a password (waiting for activation).
    const admin = await ApiClient.logIn(e2e.baseUrl, 'admin', 'e2e-admin-password');
    await admin.importTree({
      units: [],
      members: [
        { login: 'moi.mot', displayName: 'Lương Văn Một', unitKey: 'demo-commune', role: 'member' },
        { login: 'moi.hai', displayName: 'Mai Thị Hai', unitKey: 'demo-commune', role: 'member' },
      ],
    });
  }, 120_000);

  it('lets the administrator walk the unit tree (desktop)', async () => {
    const page = await e2e.newPage(screens.desktop);
    await page.goto(e2e.baseUrl + '/');
    await page.getByLabel('Tên đăng nhập').fill('admin');
    await page.getByLabel('Mật khẩu').fill('e2e-admin-password');
    await page.getByRole('button', { name: 'Đăng nhập' }).click();
    await page.getByRole('link', { name: 'Quản trị' }).click();
    const tree = page.getByRole('navigation', { name: 'Cây đơn vị' });
    await tree.getByRole('button', { name: 'Tỉnh ủy Minh Hà' }).waitFor({ timeout: TIMEOUT });
    await tree.getByRole('button', { name: 'Mở' }).first().click();
    await tree.getByRole('button', { name: 'Huyện ủy Đông Sơn' }).waitFor({ timeout: TIMEOUT });
    await tree.getByRole('treeitem', { name: /Huyện ủy Đông Sơn/ }).getByRole('button', { name: 'Mở' }).click();
    await tree.getByRole('button', { name: 'Đảng ủy xã Minh Sơn' }).click();
    const members = page.getByRole('region', { name: 'Đảng ủy xã Minh Sơn' });
    await members.getByText('Lương Văn Một', { exact: true }).waitFor({ timeout: TIMEOUT });
    await expect(members.getByText(/thành viên, 2 chưa kích hoạt/).count()).resolves.toBe(1);
    await shot(page, 'admin-tree-desktop');
    await page.context().close();
  }, 60_000);

  it('lets the commune secretary change a role and print activation letters that work (phone)', async () => {
    const page = await e2e.newPage({ ...screens.phone, acceptDownloads: true });
    await logIn(page, e2e.baseUrl, 'xa.thuky');
    await page.getByRole('link', { name: 'Quản trị' }).click();
    const members = page.getByRole('region', { name: 'Đảng ủy xã Minh Sơn' });
    await members.getByText('Mai Thị Hai', { exact: true }).waitFor({ timeout: TIMEOUT });

    await members.getByLabel('Vai trò của Mai Thị Hai').selectOption('drafter');
    await members.getByRole('status').filter({ hasText: 'Đã đổi vai trò của Mai Thị Hai.' }).waitFor({ timeout: TIMEOUT });
    await expect(members.getByLabel('Vai trò của Mai Thị Hai').inputValue()).resolves.toBe('drafter');

    await members.getByLabel('Chọn Lương Văn Một để in thư kích hoạt').check();
    await shot(page, 'admin-members-phone');
    expect(await page.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(360);
    const [download] = await Promise.all([page.waitForEvent('download'), members.getByRole('button', { name: 'In thư kích hoạt cho 1 người đã chọn (PDF)' }).click()]);
    expect(download.suggestedFilename()).toBe('thu-kich-hoat.pdf');
    const pdf = await pdfContent(await downloaded(download));
    expect(pdf.pages).toBe(1);
    expect(pdf.text).toContain('Lương Văn Một');
    const code = /([A-HJ-NP-Z2-9]{4}-[A-HJ-NP-Z2-9]{4}-[A-HJ-NP-Z2-9]{4})/.exec(pdf.text)![1]!;
    await members.getByRole('status').filter({ hasText: 'Đã cấp mã mới' }).waitFor({ timeout: TIMEOUT });

    const activated = await new ApiClient(e2e.baseUrl).json<{ member: { login: string } }>('POST', '/api/v1/auth/activate', { login: 'moi.mot', code, password: 'mat-khau-rieng-1' });
    expect(activated.member.login).toBe('moi.mot');
    expect(PASSWORD).toBeTruthy();
    await page.context().close();
  }, 60_000);

  for (const { name, viewport } of [
    { name: 'phone', viewport: screens.phone.viewport },
    { name: 'desktop', viewport: screens.desktop.viewport },
  ]) {
    it(`lets the administrator preview a spreadsheet, see the bad rows, and import the fixed one (${name})`, async () => {
      const page = await e2e.newPage({ viewport });
      await page.goto(e2e.baseUrl + '/admin');
      await page.getByLabel('Tên đăng nhập').fill('admin');
      await page.getByLabel('Mật khẩu').fill('e2e-admin-password');
      await page.getByRole('button', { name: 'Đăng nhập' }).click();
      const section = page.getByRole('region', { name: 'Nhập danh sách từ tệp' });
      await section.waitFor({ timeout: TIMEOUT });
      const key = `xa-moi-${name}`;
      const rows = (roleOfSecond: string, login: string) =>
        ['Mã đơn vị,Tên đơn vị,Cấp,Đơn vị cấp trên,Tên đăng nhập,Họ tên,Vai trò', `${key},Đảng ủy xã Mới (${name}),commune,demo-district,,,`, `${key},,,,${name}.mot,Phan Văn Một,đảng viên`, `${key},,,,${login},Phan Thị Hai,${roleOfSecond}`].join('\n');
      await section.getByLabel('Chọn tệp').setInputFiles({ name: 'danh-sach.csv', mimeType: 'text/csv', buffer: Buffer.from(rows('chủ tịch', 'phan thi hai')) });
      const problems = section.getByRole('alert');
      await problems.getByText('2 lỗi — sửa tệp rồi chọn lại:').waitFor({ timeout: TIMEOUT });
      await problems.getByText(/Dòng 4 \(login\): tên đăng nhập "phan thi hai" phải gồm/).waitFor();
      await problems.getByText(/Dòng 4 \(role\): vai trò "chủ tịch" phải là đảng viên/).waitFor();
      expect(await section.getByRole('button', { name: 'Nhập vào hệ thống' }).count()).toBe(0);
      await shot(page, `admin-import-problems-${name}`);
      expect(await page.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(viewport.width);

      await section.getByLabel('Chọn tệp').setInputFiles({ name: 'danh-sach.csv', mimeType: 'text/csv', buffer: Buffer.from(rows('thư ký', `${name}.hai`)) });
      await section.getByText('Tệp có 1 đơn vị và 2 dòng đảng viên.').waitFor({ timeout: TIMEOUT });
      await section.getByRole('button', { name: 'Nhập vào hệ thống' }).click();
      await section.getByText(/Đã nhập 1 đơn vị và 2 đảng viên; 2 người cần kích hoạt/).waitFor({ timeout: TIMEOUT });
      const admin = await ApiClient.logIn(e2e.baseUrl, 'admin', 'e2e-admin-password');
      const [root] = await admin.json<Array<{ id: string }>>('GET', '/api/v1/units');
      const [district] = await admin.children(root!.id);
      expect((await admin.children(district!.id)).map((u) => u.name)).toContain(`Đảng ủy xã Mới (${name})`);
      await page.context().close();
    }, 60_000);
  }
});

