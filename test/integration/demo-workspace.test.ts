import { afterAll, beforeAll, expect, it } from 'vitest';
import { bootstrap, demoDistrictDraftTitle, demoPassword } from '../../server/services/bootstrap.service.js';
import { startTestApp, type TestApp } from '../helpers/test-app.js';

let t: TestApp;
beforeAll(async () => {
  t = await startTestApp();
});
afterAll(async () => t.close());

it('creates, on first start, the report in round 1 with annotations that merge in the summary', async () => {
  // The test app made its own admin; the first start is the one that creates it.
  await t.database.db.deleteFrom('sessions').execute();
  await t.database.db.deleteFrom('members').where('login', '=', 'admin').execute();
  const first = await bootstrap(t.database.db, t.app.services, { adminPassword: 'an-admin-password', demo: true });
  expect(first).toMatchObject({ adminCreated: true, demoCreated: true, demoPresent: true });
  const again = await bootstrap(t.database.db, t.app.services, { adminPassword: undefined, demo: true });
  expect(again).toMatchObject({ adminCreated: false, demoCreated: false, demoPresent: true });

  const drafter = await t.tokenFor({ login: 'xa.soanthao' }, demoPassword);
  const documents = (await t.request({ method: 'GET', url: '/api/v1/documents', token: drafter })).json();
  const document = documents.find((d: { title: string }) => d.title.includes('Báo cáo chính trị'));
  expect(document).toMatchObject({ currentRound: 1, status: 'in_round' });
  const [round] = (await t.request({ method: 'GET', url: `/api/v1/documents/${document.id}/rounds`, token: drafter })).json();
  const summary = (await t.request({ method: 'GET', url: `/api/v1/rounds/${round.id}/summary`, token: drafter })).json();
  const clusters = summary.sections.flatMap((s: { clusters: Array<{ count: number; decisions: { accepted: number } }> }) => s.clusters);
  expect(clusters).toHaveLength(5);
  expect(clusters.find((c: { count: number }) => c.count === 2).decisions.accepted).toBe(1);
  expect(summary.participation).toMatchObject({ commented: 3, annotations: 6 });

  const member = await t.tokenFor({ login: 'dangvien1' }, demoPassword);
  const own = (await t.request({ method: 'GET', url: `/api/v1/rounds/${round.id}/annotations`, token: member })).json();
  expect(own).toHaveLength(2);
  expect(own.find((a: { replies: unknown[] }) => a.replies.length === 1)).toBeDefined();
});

it('distributes the district’s draft to its three communes, with Tân Lập’s package in and two pending', async () => {
  const secretary = await t.tokenFor({ login: 'huyen.thuky' }, demoPassword);
  const documents = (await t.request({ method: 'GET', url: '/api/v1/documents', token: secretary })).json();
  const draft = documents.find((d: { title: string }) => d.title === demoDistrictDraftTitle);
  expect(draft).toMatchObject({ currentRound: 1, status: 'in_round' });
  const feedback = (await t.request({ method: 'GET', url: `/api/v1/documents/${draft.id}/feedback`, token: secretary })).json();
  expect(feedback.units.map((u: { name: string }) => u.name).sort()).toEqual(['Đảng ủy xã Hòa Bình', 'Đảng ủy xã Minh Sơn', 'Đảng ủy xã Tân Lập']);
  expect(feedback.pending.map((u: { name: string }) => u.name).sort()).toEqual(['Đảng ủy xã Hòa Bình', 'Đảng ủy xã Minh Sơn']);
  expect(feedback.items.some((i: { quote: string }) => i.quote.includes('9% mỗi năm'))).toBe(true);

  // Minh Sơn's secretary previews the same point that Tân Lập sent: once sent, 2 of 3 units.
  const commune = await t.tokenFor({ login: 'xa.thuky' }, demoPassword);
  const me = (await t.request({ method: 'GET', url: '/api/v1/me', token: commune })).json();
  const preview = (await t.request({ method: 'GET', url: `/api/v1/documents/${draft.id}/packages/preview?fromUnitId=${me.memberships[0].unitId}`, token: commune })).json();
  expect(preview.items.map((i: { kind: string }) => i.kind).sort()).toEqual(['objection', 'question', 'suggestion']);
  const sent = await t.request({ method: 'POST', url: `/api/v1/documents/${draft.id}/packages`, token: commune, payload: { fromUnitId: me.memberships[0].unitId, roundIds: preview.roundIds } });
  expect(sent.statusCode).toBe(201);
  const after = (await t.request({ method: 'GET', url: `/api/v1/documents/${draft.id}/feedback`, token: secretary })).json();
  const growth = after.items.find((i: { quote: string }) => i.quote.includes('9% mỗi năm'));
  expect(growth).toMatchObject({ kind: 'objection', unitCount: 2, count: 2 });
  expect(after.units).toHaveLength(3);
});
