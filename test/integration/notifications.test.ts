import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildApp } from '../../server/app.js';
import { connectDatabase } from '../../server/db/connect.js';
import type { Unit } from '../../server/db/units.repository.js';
import { decide, makeAnnotation, makeDocument, makeMembers, makeUnit, openRound, type SignedInMember } from '../helpers/factories.js';
import { expectProblem, startTestApp, type TestApp } from '../helpers/test-app.js';
import { eventually } from '../helpers/ws-client.js';

/** The injected clock: tests move it to a round's reminder moments. */
let offsetMs = 0;
const clock = { now: () => new Date(Date.now() + offsetMs) };

/** Moves the clock on; tokens outlive at most 12 h of it, so everyone logs in again. */
async function advance(ms: number): Promise<void> {
  offsetMs += ms;
  for (const m of [drafter, secretary, memberA, memberB, communeSecretary, outsider]) m.token = await t.tokenFor(m);
}

let t: TestApp;
let district: Unit, commune: Unit, elsewhere: Unit;
let drafter: SignedInMember, secretary: SignedInMember, memberA: SignedInMember, memberB: SignedInMember, communeSecretary: SignedInMember, outsider: SignedInMember;

beforeAll(async () => {
  t = await startTestApp({ clock });
  const db = t.database.db;
  const province = await makeUnit(db, { level: 'province', name: 'Tỉnh ủy Minh Hà' });
  district = await makeUnit(db, { level: 'district', name: 'Huyện ủy Đông Sơn', parent: province });
  commune = await makeUnit(db, { level: 'commune', name: 'Đảng ủy xã Minh Sơn', parent: district });
  elsewhere = await makeUnit(db, { level: 'district', name: 'Huyện ủy Tây Sơn', parent: province });
  ({ drafter, secretary, memberA, memberB, communeSecretary, outsider } = await makeMembers(t, { drafter: [[district, 'drafter']], secretary: [[district, 'secretary']], memberA: [[district, 'member']], memberB: [[commune, 'member']], communeSecretary: [[commune, 'secretary']], outsider: [[elsewhere, 'member']] }));
});
afterAll(async () => t.close());

const newDocument = (title: string) => makeDocument(t, drafter.token, { unitId: district.id, title, markdown: '# I. Kinh tế\nTăng trưởng kinh tế đạt 8% mỗi năm.\n# II. Xã hội\nGiảm nghèo bền vững.' });

/** Rounds close by the injected clock, not the wall clock. */
const openRoundClosingIn = (documentId: string, closesInHours: number) =>
  openRound(t, drafter.token, documentId, { closesAt: new Date(clock.now().getTime() + closesInHours * 3600_000).toISOString() });

const comment = (roundId: string, by: SignedInMember) => makeAnnotation(t, by.token, roundId, { kind: 'comment', body: 'Nên nêu rõ giải pháp.', anchor: { start: 11, end: 37 } });

interface Item {
  id: string;
  kind: string;
  documentId: string;
  roundId?: string;
  annotationId?: string;
  text: string;
  createdAt: string;
  readAt: string | null;
}

async function notificationsOf(m: SignedInMember, unread = false): Promise<{ items: Item[]; unread: number }> {
  const response = await t.request({ method: 'GET', url: `/api/v1/me/notifications${unread ? '?unread=1' : ''}`, token: m.token });
  expect(response.statusCode).toBe(200);
  return response.json();
}

const ofDocument = (items: Item[], documentId: string, kind?: string) => items.filter((i) => i.documentId === documentId && (!kind || i.kind === kind));

describe('notifications', () => {
  it('tells every participant a round opened, but not the drafter who opened it nor members elsewhere', async () => {
    const documentId = await newDocument('Báo cáo chính trị');
    const roundId = await openRoundClosingIn(documentId, 72);
    for (const m of [secretary, memberA, memberB, communeSecretary]) {
      const [item] = ofDocument((await notificationsOf(m)).items, documentId, 'round.opened');
      expect(item).toMatchObject({ kind: 'round.opened', documentId, roundId, readAt: null });
      expect(item!.text).toMatch(/^Dự thảo “Báo cáo chính trị” mở vòng 1 lấy ý kiến; hạn góp ý \d\d:\d\d ngày \d\d\/\d\d\/\d{4}\.$/);
      expect(item).not.toHaveProperty('annotationId');
    }
    expect(ofDocument((await notificationsOf(drafter)).items, documentId)).toEqual([]);
    expect(ofDocument((await notificationsOf(outsider)).items, documentId)).toEqual([]);
  });

  it('tells the author of a reply and a decision on their annotation, and marks read only their own', async () => {
    const documentId = await newDocument('Chương trình hành động');
    const roundId = await openRoundClosingIn(documentId, 72);
    const annotationId = await comment(roundId, memberA);
    expect((await t.request({ method: 'POST', url: `/api/v1/annotations/${annotationId}/replies`, token: drafter.token, payload: { body: 'Cảm ơn đồng chí.' } })).statusCode).toBe(201);
    // The author's own reply tells nobody.
    expect((await t.request({ method: 'POST', url: `/api/v1/annotations/${annotationId}/replies`, token: memberA.token, payload: { body: 'Xin bổ sung.' } })).statusCode).toBe(201);
    expect((await decide(t, secretary.token, annotationId, 'accepted')).statusCode).toBe(200);

    const mine = ofDocument((await notificationsOf(memberA)).items, documentId);
    expect(mine.map((i) => i.kind)).toEqual(['disposition.set', 'reply.created', 'round.opened']);
    expect(mine[1]).toMatchObject({ roundId, annotationId, text: `${drafter.displayName} đã trả lời ý kiến của đồng chí về “Tăng trưởng kinh tế đạt 8%” trong dự thảo “Chương trình hành động”.` });
    expect(mine[0]).toMatchObject({ annotationId, text: 'Ý kiến của đồng chí về “Tăng trưởng kinh tế đạt 8%” trong dự thảo “Chương trình hành động”: tiếp thu.' });
    expect(ofDocument((await notificationsOf(drafter)).items, documentId)).toEqual([]);

    const before = await notificationsOf(memberA, true);
    // Someone else's ids change nothing.
    const others = ofDocument((await notificationsOf(memberB)).items, documentId).map((i) => i.id);
    const foreign = await t.request({ method: 'POST', url: '/api/v1/me/notifications/read', token: memberA.token, payload: { ids: others } });
    expect(foreign.json()).toEqual({ read: 0, unread: before.unread });
    const read = await t.request({ method: 'POST', url: '/api/v1/me/notifications/read', token: memberA.token, payload: { ids: [mine[0]!.id, mine[1]!.id, mine[0]!.id] } });
    expect(read.json()).toEqual({ read: 2, unread: before.unread - 2 });
    const after = await notificationsOf(memberA, true);
    expect(after.items.map((i) => i.id)).not.toContain(mine[0]!.id);
    expect(ofDocument((await notificationsOf(memberA)).items, documentId)[0]!.readAt).not.toBeNull();
    // Again: nothing more to mark.
    expect((await t.request({ method: 'POST', url: '/api/v1/me/notifications/read', token: memberA.token, payload: { ids: [mine[0]!.id] } })).json()).toEqual({ read: 0, unread: before.unread - 2 });
  });

  it('tells each author when a whole point is decided at once, and the trail records it once', async () => {
    const documentId = await newDocument('Báo cáo tổng hợp');
    const roundId = await openRoundClosingIn(documentId, 72);
    const a = await comment(roundId, memberA);
    const b = await comment(roundId, memberB);
    const summary = (await t.request({ method: 'GET', url: `/api/v1/rounds/${roundId}/summary`, token: drafter.token })).json();
    const point = summary.sections.flatMap((x: { clusters: Array<{ id: string; annotationIds: string[] }> }) => x.clusters).find((c: { annotationIds: string[] }) => c.annotationIds.includes(a));
    expect(point.annotationIds.sort()).toEqual([a, b].sort());
    const decided = await t.request({ method: 'PUT', url: `/api/v1/rounds/${roundId}/clusters/${point.id}/disposition`, token: drafter.token, payload: { decision: 'noted', note: '' } });
    expect(decided.json()).toEqual({ decided: 2 });
    for (const [m, id] of [[memberA, a], [memberB, b]] as const) {
      const [item] = ofDocument((await notificationsOf(m)).items, documentId, 'disposition.set');
      expect(item).toMatchObject({ annotationId: id, text: 'Ý kiến của đồng chí về “Tăng trưởng kinh tế đạt 8%” trong dự thảo “Báo cáo tổng hợp”: ghi nhận.' });
    }
    const audit = (await t.request({ method: 'GET', url: `/api/v1/documents/${documentId}/audit`, token: secretary.token })).json().items;
    expect(audit.filter((i: { action: string }) => i.action === 'decided').map((i: { target: string }) => i.target)).toEqual(['ý kiến về “Tăng trưởng kinh tế đạt 8%”: ghi nhận (2 ý kiến)']);
  });

  it('tells the staff of the receiving unit a package arrived', async () => {
    const documentId = await newDocument('Dự thảo nghị quyết');
    const roundId = await openRoundClosingIn(documentId, 72);
    await comment(roundId, memberB);
    expect((await t.request({ method: 'POST', url: `/api/v1/rounds/${roundId}/close`, token: drafter.token })).statusCode).toBe(200);
    const sent = await t.request({ method: 'POST', url: `/api/v1/documents/${documentId}/packages`, token: communeSecretary.token, payload: { fromUnitId: commune.id, roundIds: [roundId] } });
    expect(sent.statusCode, sent.body).toBe(201);
    for (const m of [drafter, secretary]) {
      const [item] = ofDocument((await notificationsOf(m)).items, documentId, 'package.received');
      expect(item!.text).toBe('Đảng ủy xã Minh Sơn đã gửi tổng hợp ý kiến (1 nội dung) về “Dự thảo nghị quyết”.');
    }
    expect(ofDocument((await notificationsOf(memberA)).items, documentId, 'package.received')).toEqual([]);
    expect(ofDocument((await notificationsOf(communeSecretary)).items, documentId, 'package.received')).toEqual([]);
  });

  it('refuses bad input with exact errors', async () => {
    expectProblem(await t.request({ method: 'POST', url: '/api/v1/me/notifications/read', token: memberA.token, payload: { ids: [] } }), 400, 'validation_failed');
    expectProblem(await t.request({ method: 'POST', url: '/api/v1/me/notifications/read', token: memberA.token, payload: { ids: ['nope'] } }), 400, 'validation_failed');
    expectProblem(await t.request({ method: 'GET', url: '/api/v1/me/notifications?unread=yes', token: memberA.token }), 400, 'validation_failed');
    expectProblem(await t.request({ method: 'GET', url: '/api/v1/me/notifications' }), 401, 'unauthenticated');
    expectProblem(await t.request({ method: 'PUT', url: '/api/v1/me', token: memberA.token, payload: { email: 'not an address' } }), 400, 'validation_failed');
    expectProblem(await t.request({ method: 'PUT', url: '/api/v1/me', token: memberA.token, payload: {} }), 400, 'validation_failed');
    expectProblem(await t.request({ method: 'POST', url: '/api/v1/unsubscribe', payload: { token: 'AAAA' } }), 400, 'validation_failed');
  });

  it('keeps the e-mail settings', async () => {
    const set = await t.request({ method: 'PUT', url: '/api/v1/me', token: memberB.token, payload: { email: ' b@example.org ', notifyByEmail: false } });
    expect(set.json()).toEqual({ email: 'b@example.org', notifyByEmail: false });
    expect((await t.request({ method: 'GET', url: '/api/v1/me/contact', token: memberB.token })).json()).toEqual({ email: 'b@example.org', notifyByEmail: false });
    expect((await t.request({ method: 'PUT', url: '/api/v1/me', token: memberB.token, payload: { email: '' } })).json()).toEqual({ email: null, notifyByEmail: false });
  });
});

describe('deadline reminders', () => {
  it('reminds the silent participants 24 h and 2 h before, each once, across restarts and instances', async () => {
    const documentId = await newDocument('Báo cáo kiểm điểm');
    const roundId = await openRoundClosingIn(documentId, 30);
    await comment(roundId, memberA);
    const reminders = async (m: SignedInMember) => ofDocument((await notificationsOf(m)).items, documentId, 'round.closing');
    const services = () => t.app.services.notifications;

    await services().sendDueReminders();
    expect(await reminders(memberB)).toEqual([]);

    // 23 h before the deadline: the 24 h stage, to those who have not commented.
    await advance(7 * 3600_000);
    // Two more instances on the same database, each with its own pool as separate processes would
    // have, race the first (and its own background job): the stage still goes out once.
    const pools = [connectDatabase(t.database.url, { max: 3 }), connectDatabase(t.database.url, { max: 3 })];
    const others = await Promise.all(pools.map((pool) => buildApp({ config: t.config, db: pool.db, clock, jobs: false })));
    const other = others[0]!;
    await Promise.all([
      services().sendDueReminders(),
      ...others.flatMap((o) => [o.services.notifications.sendDueReminders(), o.services.notifications.sendDueReminders()]),
      services().sendDueReminders(),
    ]);
    await eventually(async () => (await reminders(memberB)).length === 1, '24 h reminder');
    const [first] = await reminders(memberB);
    expect(first!.text).toMatch(/^Còn 23 giờ để góp ý vòng 1 dự thảo “Báo cáo kiểm điểm” \(hạn .+\); đồng chí chưa gửi ý kiến nào\.$/);
    expect(first).toMatchObject({ roundId });
    for (const m of [secretary, drafter, communeSecretary]) expect(await reminders(m)).toHaveLength(1);
    expect(await reminders(memberA)).toEqual([]);
    expect(await reminders(outsider)).toEqual([]);

    // A restart does not send it again.
    await t.restart();
    await services().sendDueReminders();
    await other.services.notifications.sendDueReminders();
    expect(await reminders(memberB)).toHaveLength(1);

    // 90 minutes before: the 2 h stage, once.
    await advance(21.5 * 3600_000);
    await Promise.all([services().sendDueReminders(), other.services.notifications.sendDueReminders()]);
    await eventually(async () => (await reminders(memberB)).length === 2, '2 h reminder');
    await services().sendDueReminders();
    expect((await reminders(memberB)).map((r) => r.text.slice(0, 7))).toEqual(['Còn 2 g', 'Còn 23 ']);
    const claims = await t.database.db.selectFrom('round_reminders').selectAll().where('round_id', '=', roundId).orderBy('stage').execute();
    expect(claims.map((c) => [c.stage, c.recipients])).toEqual([['24h', 4], ['2h', 4]]);
    for (const o of others) await o.close();
    for (const pool of pools) await pool.close();
  });

  it('sends no 24 h reminder for a round opened with less than a day to go, and only the 2 h one after an outage', async () => {
    const documentId = await newDocument('Đề án nhân sự');
    await openRoundClosingIn(documentId, 10);
    const reminders = async () => ofDocument((await notificationsOf(memberB)).items, documentId, 'round.closing');
    await t.app.services.notifications.sendDueReminders();
    expect(await reminders()).toEqual([]);
    await advance(9 * 3600_000);
    await t.app.services.notifications.sendDueReminders();
    await eventually(async () => (await reminders()).length === 1, '2 h reminder');
    expect((await reminders())[0]!.text).toMatch(/^Còn 1 giờ/);
  });
});

describe('audit', () => {
  it('records who opened, exported, decided, applied and distributed what; only the unit’s secretary reads it', async () => {
    const documentId = await newDocument('Báo cáo tổng kết');
    const roundId = await openRoundClosingIn(documentId, 72);
    const id = randomUUID();
    expect((await t.request({ method: 'PUT', url: `/api/v1/rounds/${roundId}/annotations/${id}`, token: memberA.token, payload: { kind: 'suggestion', body: 'Sửa số liệu.', replacement: '9%', anchor: { start: 35, end: 37 } } })).statusCode).toBe(201);
    expect((await t.request({ method: 'GET', url: `/api/v1/documents/${documentId}`, token: memberA.token })).statusCode).toBe(200);
    expect((await t.request({ method: 'GET', url: `/api/v1/documents/${documentId}`, token: memberA.token })).statusCode).toBe(200);
    expect((await t.request({ method: 'GET', url: `/api/v1/documents/${documentId}/export?format=md`, token: memberB.token })).statusCode).toBe(200);
    expect((await t.request({ method: 'PUT', url: `/api/v1/annotations/${id}/disposition`, token: drafter.token, payload: { decision: 'accepted', note: '' } })).statusCode).toBe(200);
    expect((await t.request({ method: 'POST', url: `/api/v1/annotations/${id}/apply`, token: drafter.token })).statusCode).toBe(200);

    const response = await t.request({ method: 'GET', url: `/api/v1/documents/${documentId}/audit`, token: secretary.token });
    expect(response.statusCode).toBe(200);
    const items = (response.json() as { items: Array<{ at: string; memberId: string; name: string; action: string; target: string }> }).items;
    expect(items.map((i) => [i.action, i.name, i.target])).toEqual([
      ['applied', drafter.displayName, 'ý kiến về “8%”: “9%”'],
      ['decided', drafter.displayName, 'ý kiến về “8%”: tiếp thu'],
      ['exported', memberB.displayName, 'bao-cao-tong-ket.md'],
      ['opened', memberA.displayName, 'dự thảo “Báo cáo tổng kết”'],
      ['distributed', drafter.displayName, 'vòng 1 — Huyện ủy Đông Sơn'],
    ]);
    expect(items[0]!.memberId).toBe(drafter.id);

    for (const m of [drafter, memberA, memberB, communeSecretary]) {
      expectProblem(await t.request({ method: 'GET', url: `/api/v1/documents/${documentId}/audit`, token: m.token }), 403, 'forbidden');
    }
    expectProblem(await t.request({ method: 'GET', url: `/api/v1/documents/${documentId}/audit`, token: outsider.token }), 404, 'not_found');
    expectProblem(await t.request({ method: 'GET', url: `/api/v1/documents/${randomUUID()}/audit`, token: secretary.token }), 404, 'not_found');
    expectProblem(await t.request({ method: 'GET', url: `/api/v1/documents/${documentId}/audit` }), 401, 'unauthenticated');
  });
});
