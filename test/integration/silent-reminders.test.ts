/**
 * Issue 15, "who has commented": staff remind the members of a unit who have not commented
 * (`POST /rounds/:roundId/participation/reminders`) and the units that have not sent their
 * package (`POST /documents/:id/feedback/reminders`): only the silent (or pending) ones are
 * notified, each at most once per 12 h (the injected clock), with the exact errors, an e-mail in
 * the outbox and an audit entry.
 */
import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Unit } from '../../server/db/units.repository.js';
import { makeAnnotation, makeDocumentInRound, makeMembers, makeUnit, type SignedInMember } from '../helpers/factories.js';
import { expectProblem, startTestApp, type TestApp } from '../helpers/test-app.js';

/** The injected clock: tests move it past the 12 h window. */
let offsetMs = 0;
const clock = { now: () => new Date(Date.now() + offsetMs) };

let t: TestApp;
let district: Unit, communeA: Unit, communeB: Unit, communeC: Unit, elsewhere: Unit;
let drafter: SignedInMember, secretary: SignedInMember, secretaryA: SignedInMember, secretaryB: SignedInMember, secretaryC: SignedInMember;
let alice: SignedInMember, bob: SignedInMember, carol: SignedInMember, dan: SignedInMember, stranger: SignedInMember;
const all = () => [drafter, secretary, secretaryA, secretaryB, secretaryC, alice, bob, carol, dan, stranger];
let documentId: string;
let roundId: string;
const text = '# I. Kinh tế\nTốc độ tăng trưởng đạt 8,2% mỗi năm.\n';
const plain = text.replace(/^# /gm, '');

/** Moves the clock on; tokens outlive at most 12 h of it, so everyone logs in again. */
async function advance(ms: number): Promise<void> {
  offsetMs += ms;
  for (const m of all()) m.token = await t.tokenFor(m);
}

beforeAll(async () => {
  // SMTP configured (nothing listens there: the outbox keeps the mail, which is what is checked).
  t = await startTestApp({ clock, env: { SMTP_URL: 'smtp://127.0.0.1:9', MAIL_FROM: 'Văn phòng <vanphong@example.vn>' } });
  const db = t.database.db;
  district = await makeUnit(db, { level: 'district', name: 'Huyện ủy Đông Sơn' });
  communeA = await makeUnit(db, { parent: district, name: 'Xã Một' });
  communeB = await makeUnit(db, { parent: district, name: 'Xã Hai' });
  communeC = await makeUnit(db, { parent: district, name: 'Xã Ba' });
  elsewhere = await makeUnit(db, { level: 'district', name: 'Huyện ủy Tây Sơn' });
  ({ drafter, secretary, secretaryA, secretaryB, secretaryC, alice, bob, carol, dan, stranger } = await makeMembers(t, {
    drafter: [[district, 'drafter']],
    secretary: [[district, 'secretary']],
    secretaryA: [[communeA, 'secretary']],
    secretaryB: [[communeB, 'secretary']],
    secretaryC: [[communeC, 'secretary']],
    alice: [[communeA, 'member']],
    bob: [[communeA, 'member']],
    carol: [[communeA, 'member']],
    dan: [[communeB, 'member']],
    stranger: [[elsewhere, 'secretary']],
  }));
  await db.updateTable('members').set({ email: 'bob@example.vn' }).where('id', '=', bob.id).execute();
  ({ documentId, roundId } = await makeDocumentInRound(t, drafter.token, {
    unitId: district.id,
    title: 'Dự thảo Báo cáo chính trị',
    markdown: text,
    closesAt: new Date(clock.now().getTime() + 3 * 86_400_000).toISOString(),
  }));
  const start = plain.indexOf('8,2%');
  await makeAnnotation(t, alice.token, roundId, { kind: 'comment', body: 'Nên nêu rõ giải pháp.', anchor: { start, end: start + 4 } });
});
afterAll(async () => t.close());

const remind = (member: SignedInMember | null, payload: Record<string, unknown> = {}, round = roundId) =>
  t.request({ method: 'POST', url: `/api/v1/rounds/${round}/participation/reminders`, payload, ...(member ? { token: member.token } : {}) });

async function reminders(kind: string, m: SignedInMember): Promise<Array<{ kind: string; text: string; roundId?: string; documentId: string }>> {
  const response = await t.request({ method: 'GET', url: '/api/v1/me/notifications', token: m.token });
  expect(response.statusCode).toBe(200);
  return (response.json().items as Array<{ kind: string; text: string; documentId: string }>).filter((n) => n.kind === kind);
}

describe('reminding the members who have not commented', () => {
  it('refuses bad input with the exact errors, before anyone is notified', async () => {
    expectProblem(await remind(null), 401, 'unauthenticated');
    expectProblem(await remind(secretaryA, { unitId: randomUUID() }), 404, 'not_found'); // unknown unit
    expectProblem(await remind(drafter, { unitId: elsewhere.id }), 404, 'not_found'); // outside the round's scope
    expectProblem(await remind(drafter, {}, randomUUID()), 404, 'not_found'); // unknown round
    expectProblem(await remind(stranger), 404, 'not_found'); // cannot see the draft
    expectProblem(await remind(secretaryA, { unitId: communeB.id }), 403, 'forbidden'); // another commune
    expectProblem(await remind(secretaryA), 403, 'forbidden'); // the scope unit is the district's
    expectProblem(await remind(bob, { unitId: communeA.id }), 403, 'forbidden'); // a member
    expectProblem(await remind(secretaryA, { unitId: communeA.id, memberIds: [dan.id] }), 400, 'validation_failed'); // not invited from Xã Một
    expectProblem(await remind(secretaryA, { unitId: communeA.id, memberIds: [randomUUID()] }), 400, 'validation_failed');
    expectProblem(await remind(secretaryA, { unitId: communeA.id, memberIds: [alice.id] }), 409, 'conflict'); // alice has commented
    expectProblem(await remind(secretaryA, { unitId: communeA.id, memberIds: [] }), 400, 'validation_failed');
    expectProblem(await remind(secretaryA, { unitId: 'xa-mot' }), 400, 'validation_failed');
    expectProblem(await remind(secretaryA, { unitId: communeA.id, colour: 'red' }), 400, 'validation_failed');
    for (const m of [bob, carol, dan, alice]) expect(await reminders('round.reminder', m)).toEqual([]);
  });

  it('notifies only the unit’s silent members, in Vietnamese, with an e-mail and an audit entry', async () => {
    const response = await remind(secretaryA, { unitId: communeA.id });
    expect(response.statusCode).toBe(200);
    // Xã Một: alice commented; bob, carol and the secretary (who is reminding) have not.
    expect(response.json()).toEqual({ notified: 2, alreadyReminded: 0, nextAt: null });
    for (const m of [bob, carol]) {
      const [n, ...more] = await reminders('round.reminder', m);
      expect(more).toEqual([]);
      expect(n).toMatchObject({ documentId, roundId });
      expect(n!.text).toContain(secretaryA.displayName);
      expect(n!.text).toContain('nhắc đồng chí góp ý vòng 1 “Dự thảo Báo cáo chính trị”; hạn góp ý ');
    }
    for (const m of [alice, dan, secretaryA, secretaryB, drafter]) expect(await reminders('round.reminder', m)).toEqual([]);
    const mail = await t.database.db
      .selectFrom('mail_outbox')
      .innerJoin('notifications', 'notifications.id', 'mail_outbox.notification_id')
      .select('notifications.member_id')
      .where('notifications.kind', '=', 'round.reminder')
      .execute();
    expect(mail.map((r) => r.member_id)).toEqual([bob.id]); // the only one with an address
    const audit = (await t.request({ method: 'GET', url: `/api/v1/documents/${documentId}/audit`, token: secretary.token })).json().items;
    expect(audit[0]).toMatchObject({ memberId: secretaryA.id, action: 'reminded', target: 'vòng 1 — Xã Một: nhắc 2 đảng viên chưa góp ý' });
    const participation = (await t.request({ method: 'GET', url: `/api/v1/rounds/${roundId}/participation?unitId=${communeA.id}`, token: secretaryA.token })).json().members;
    expect(Date.parse(participation.find((m: { id: string }) => m.id === bob.id).remindedAt)).toBeGreaterThan(clock.now().getTime() - 60_000);
    expect(participation.find((m: { id: string }) => m.id === alice.id).remindedAt).toBeNull();
  });

  it('reminds each member at most once per 12 h: repeated clicks and the district’s reminder skip them', async () => {
    const again = await remind(secretaryA, { unitId: communeA.id });
    expect(again.statusCode).toBe(200);
    expect(again.json()).toMatchObject({ notified: 0, alreadyReminded: 2 });
    const nextAt = Date.parse(again.json().nextAt);
    expect(nextAt).toBeGreaterThan(clock.now().getTime() + 11.9 * 3600_000);
    expect(nextAt).toBeLessThanOrEqual(clock.now().getTime() + 12 * 3600_000);
    // Clicks at once answer the same and notify nobody twice.
    const clicks = await Promise.all([remind(secretaryA, { unitId: communeA.id }), remind(secretaryA, { unitId: communeA.id })]);
    expect(clicks.map((r) => r.json().notified)).toEqual([0, 0]);
    // The district's drafter reminds the whole scope: only those not reminded yet (Xã Hai's, Xã Ba's, the district's).
    // The district's drafter and secretary both remind the whole scope at the same moment: those not
    // reminded yet (dan, secretaryA, secretaryB, secretaryC; each asker is reminded by the other) are
    // notified once between them.
    const [byDrafter, bySecretary] = (await Promise.all([remind(drafter), remind(secretary)])).map((r) => r.json());
    expect(byDrafter.notified + bySecretary.notified).toBe(6);
    expect(byDrafter.notified + byDrafter.alreadyReminded).toBe(7); // the eight silent ones but the drafter
    expect(bySecretary.notified + bySecretary.alreadyReminded).toBe(7);
    for (const m of [dan, secretaryA, secretaryB, secretaryC, secretary, drafter]) expect(await reminders('round.reminder', m)).toHaveLength(1);
    expect(await reminders('round.reminder', bob)).toHaveLength(1);

    await advance(11 * 3600_000);
    expect((await remind(secretaryA, { unitId: communeA.id, memberIds: [bob.id] })).json()).toMatchObject({ notified: 0, alreadyReminded: 1 });
    await advance(1 * 3600_000 + 1000);
    expect((await remind(secretaryA, { unitId: communeA.id, memberIds: [bob.id, bob.id] })).json()).toEqual({ notified: 1, alreadyReminded: 0, nextAt: null });
    expect(await reminders('round.reminder', bob)).toHaveLength(2);
    expect(await reminders('round.reminder', carol)).toHaveLength(1);
  });

  it('answers 409 round_closed once the round no longer accepts comments', async () => {
    const closed = await t.request({ method: 'POST', url: `/api/v1/rounds/${roundId}/close`, token: drafter.token, payload: {} });
    expect(closed.statusCode).toBe(200);
    expectProblem(await remind(secretaryA, { unitId: communeA.id }), 409, 'round_closed');
  });
});

const remindUnits = (member: SignedInMember | null, payload: Record<string, unknown> = {}, query = '', document = documentId) =>
  t.request({ method: 'POST', url: `/api/v1/documents/${document}/feedback/reminders${query}`, payload, ...(member ? { token: member.token } : {}) });

describe('reminding the units that have not sent their package', () => {
  beforeAll(async () => {
    const sent = await t.request({ method: 'POST', url: `/api/v1/documents/${documentId}/packages`, token: secretaryA.token, payload: { fromUnitId: communeA.id, roundIds: [roundId] } });
    expect(sent.statusCode).toBe(201);
  });

  it('refuses bad input with the exact errors', async () => {
    expectProblem(await remindUnits(null), 401, 'unauthenticated');
    expectProblem(await remindUnits(drafter), 403, 'forbidden'); // a drafter, not the secretary
    expectProblem(await remindUnits(secretaryB), 403, 'forbidden'); // a sending unit's secretary
    expectProblem(await remindUnits(stranger), 404, 'not_found');
    expectProblem(await remindUnits(secretary, {}, '', randomUUID()), 404, 'not_found');
    expectProblem(await remindUnits(secretary, { unitIds: [elsewhere.id] }), 400, 'validation_failed'); // not a unit the draft went to
    expectProblem(await remindUnits(secretary, { unitIds: [communeA.id] }), 409, 'conflict'); // already sent
    expectProblem(await remindUnits(secretary, { unitIds: [] }), 400, 'validation_failed');
    expectProblem(await remindUnits(secretary, { unitIds: ['xa-hai'] }), 400, 'validation_failed');
    expect(await reminders('package.requested', secretaryB)).toEqual([]);
  });

  it('notifies the secretaries of the pending units once per 12 h, and the merged feedback says when', async () => {
    const first = await remindUnits(secretary, { unitIds: [communeB.id] });
    expect(first.statusCode).toBe(200);
    expect(first.json()).toEqual({ notified: 1, alreadyReminded: 0, nextAt: null });
    const [n] = await reminders('package.requested', secretaryB);
    expect(n).toMatchObject({ documentId });
    expect(n!.text).toBe('Huyện ủy Đông Sơn đề nghị Xã Hai gửi tổng hợp ý kiến về “Dự thảo Báo cáo chính trị”.');
    for (const m of [dan, secretaryA, secretaryC]) expect(await reminders('package.requested', m)).toEqual([]);
    // All pending: Xã Hai was reminded just now, Xã Ba is.
    expect((await remindUnits(secretary)).json()).toMatchObject({ notified: 1, alreadyReminded: 1 });
    expect(await reminders('package.requested', secretaryC)).toHaveLength(1);
    expect((await remindUnits(secretary)).json()).toMatchObject({ notified: 0, alreadyReminded: 2 });
    const feedback = (await t.request({ method: 'GET', url: `/api/v1/documents/${documentId}/feedback`, token: secretary.token })).json();
    expect(feedback.pending.map((p: { unitId: string }) => p.unitId).sort()).toEqual([communeB.id, communeC.id].sort());
    for (const p of feedback.pending) expect(Date.parse(p.remindedAt)).toBeGreaterThan(clock.now().getTime() - 60_000);
    const audit = (await t.request({ method: 'GET', url: `/api/v1/documents/${documentId}/audit`, token: secretary.token })).json().items;
    expect(audit[0]).toMatchObject({ memberId: secretary.id, action: 'reminded', target: 'nhắc gửi tổng hợp ý kiến: Xã Ba' });

    await advance(12 * 3600_000 + 1000);
    expect((await remindUnits(secretary)).json()).toEqual({ notified: 2, alreadyReminded: 0, nextAt: null });
    expect(await reminders('package.requested', secretaryB)).toHaveLength(2);
  });
});
