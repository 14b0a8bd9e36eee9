/**
 * Consolidated feedback in a real Chromium: the district's draft is distributed down to the
 * commune (set up through the API), a commune member's comment is in and the round closed; the commune secretary
 * submits the unit's package from the client, and the district secretary reads the merged
 * feedback and downloads it as DOCX.
 */
import { readFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser, Page } from 'playwright-core';
import { buildClient, launchBrowser, logIn, PASSWORD, removeDir, shot, startServer, TIMEOUT, type E2eServer } from './harness.js';


async function call<T>(server: E2eServer, method: string, url: string, token: string | null, body?: unknown): Promise<T> {
  const response = await fetch(server.baseUrl + url, {
    method,
    headers: { ...(token ? { authorization: `Bearer ${token}` } : {}), ...(body !== undefined ? { 'content-type': 'application/json' } : {}) },
    ...(body !== undefined ? { body: JSON.stringify(body) } : {}),
  });
  if (!response.ok) throw new Error(`${method} ${url}: ${response.status} ${await response.text()}`);
  return (response.status === 204 ? undefined : await response.json()) as T;
}


describe('web client: feedback packages and the merged feedback', () => {
  let server: E2eServer;
  let dist: string;
  let browser: Browser;
  let documentId = '';

  beforeAll(async () => {
    dist = buildClient();
    server = await startServer(dist);
    browser = await launchBrowser();
    const token = async (login: string) => (await call<{ token: string }>(server, 'POST', '/api/v1/auth/login', null, { login, password: PASSWORD })).token;
    const district = await token('huyen.thuky');
    const me = await call<{ memberships: Array<{ unitId: string }> }>(server, 'GET', '/api/v1/me', district);
    const districtUnit = me.memberships[0]!.unitId;
    const communes = await call<Array<{ id: string; name: string }>>(server, 'GET', `/api/v1/units/${districtUnit}/children`, district);
    const commune = communes.find((u) => u.name.includes('Minh Sơn'))!;
    const created = await call<{ id: string }>(server, 'POST', '/api/v1/documents', district, {
      unitId: districtUnit,
      title: 'Dự thảo Báo cáo chính trị Đại hội Đảng bộ huyện Đông Sơn',
      content: { format: 'markdown', value: '# Báo cáo chính trị\n\n## I. Kinh tế\n\nTăng trưởng bình quân đạt 7,5% mỗi năm.\n\n## II. Xã hội\n\nTỷ lệ hộ nghèo giảm còn 3%.\n' },
    });
    documentId = created.id;
    const round = await call<{ id: string }>(server, 'POST', `/api/v1/documents/${documentId}/rounds`, district, {
      closesAt: new Date(Date.now() + 86_400_000).toISOString(),
      scopeUnitId: commune.id,
    });
    const content = await call<{ text: string }>(server, 'GET', `/api/v1/documents/${documentId}/content`, district);
    const start = content.text.indexOf('7,5%');
    const member = await token('dangvien1');
    await call(server, 'PUT', `/api/v1/rounds/${round.id}/annotations/${crypto.randomUUID()}`, member, {
      kind: 'objection',
      body: 'Chỉ tiêu 7,5% là quá cao so với thực tế của xã.',
      anchor: { start, end: start + 4 },
    });
    // A package carries closed rounds only.
    await call(server, 'POST', `/api/v1/rounds/${round.id}/close`, district);
  }, 120_000);

  afterAll(async () => {
    await browser?.close();
    await server?.close();
    if (dist) removeDir(dist);
  });

  it('lets the commune secretary submit the package, and the district secretary read and export it', async () => {
    const commune = await (await browser.newContext({ viewport: { width: 1100, height: 800 }, locale: 'vi-VN' })).newPage();
    await logIn(commune, server.baseUrl, 'xa.thuky');
    await commune.goto(`${server.baseUrl}/d/${documentId}/feedback`);
    const form = commune.locator('form', { hasText: 'Gửi ý kiến tổng hợp lên cấp trên' });
    await form.waitFor({ timeout: TIMEOUT });
    await form.getByLabel('Vòng 1').check();
    await form.getByLabel('Ghi chú kèm theo').fill('Ý kiến của Đảng bộ xã Minh Sơn.');
    await form.getByRole('button', { name: 'Gửi gói ý kiến' }).click();
    await form.getByText(/Đã gửi gói ý kiến lúc/).waitFor({ timeout: TIMEOUT });
    await shot(commune, '13-package-submitted');

    const district = await (await browser.newContext({ viewport: { width: 1100, height: 800 }, locale: 'vi-VN', acceptDownloads: true })).newPage();
    await logIn(district, server.baseUrl, 'huyen.thuky');
    await district.goto(`${server.baseUrl}/d/${documentId}/feedback`);
    const item = district.locator('.cluster', { hasText: 'Chỉ tiêu 7,5% là quá cao' });
    await item.waitFor({ timeout: TIMEOUT });
    await expect(item.textContent()).resolves.toContain('Nêu bởi 1 đơn vị');
    await shot(district, '14-merged-feedback');
    const [download] = await Promise.all([district.waitForEvent('download'), district.getByRole('button', { name: 'Tải Word (DOCX)' }).click()]);
    const bytes = readFileSync(await download.path());
    expect(bytes.subarray(0, 2).toString()).toBe('PK'); // a DOCX is a zip
    expect(download.suggestedFilename()).toMatch(/\.docx$/);
  });
});
