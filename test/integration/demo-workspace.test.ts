import { afterAll, beforeAll, expect, it } from 'vitest';
import { bootstrap, demoPassword } from '../../server/services/bootstrap.service.js';
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
  const [document] = (await t.request({ method: 'GET', url: '/api/v1/documents', token: drafter })).json();
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
