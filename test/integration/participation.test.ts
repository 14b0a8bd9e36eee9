import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Unit } from '../../server/db/units.repository.js';
import type { Participation } from '../../server/http/schemas/participation.js';
import { makeAnnotation, makeDocumentInRound, makeMember, makeMembers, makeUnit, type SignedInMember } from '../helpers/factories.js';
import { expectProblem, startTestApp, type TestApp } from '../helpers/test-app.js';

let t: TestApp;
let district: Unit, communeA: Unit, communeB: Unit, elsewhere: Unit;
let drafter: SignedInMember, secretaryA: SignedInMember, secretaryB: SignedInMember, alice: SignedInMember, bob: SignedInMember, carol: SignedInMember, admin: SignedInMember, stranger: SignedInMember;
const report = '# I. Kinh tế\nTốc độ tăng trưởng đạt 8,2% mỗi năm.\n';
const plain = report.replace(/^# /gm, '');
let roundId: string;

beforeAll(async () => {
  t = await startTestApp();
  const db = t.database.db;
  district = await makeUnit(db, { level: 'district' });
  communeA = await makeUnit(db, { parent: district });
  communeB = await makeUnit(db, { parent: district });
  elsewhere = await makeUnit(db, { level: 'district' });
  ({ drafter, secretaryA, secretaryB, alice, bob, carol, stranger } = await makeMembers(t, {
    drafter: [[district, 'drafter']],
    secretaryA: [[communeA, 'secretary']],
    secretaryB: [[communeB, 'secretary']],
    alice: [[communeA, 'member']],
    bob: [[communeA, 'member']],
    carol: [[communeB, 'member']],
    stranger: [[elsewhere, 'secretary']],
  }));
  const adminRow = await makeMember(db, { isAdmin: true });
  admin = { ...adminRow, token: await t.tokenFor(adminRow) };
  ({ roundId } = await makeDocumentInRound(t, drafter.token, { unitId: district.id, markdown: report }));
  const start = plain.indexOf('8,2%');
  for (const [member, n] of [[alice, 2], [carol, 1]] as const) {
    for (let i = 0; i < n; i++) await makeAnnotation(t, member.token, roundId, { kind: 'comment', body: `Ý kiến ${i}`, anchor: { start, end: start + 4 } });
  }
});
afterAll(async () => t.close());

const ask = (member: SignedInMember | null, query = '', round = roundId) =>
  t.request({ method: 'GET', url: `/api/v1/rounds/${round}/participation${query}`, ...(member ? { token: member.token } : {}) });

describe('who has commented in a round', () => {
  it('lists a unit’s members for its secretary, with counts and when last', async () => {
    const response = await ask(secretaryA, `?unitId=${communeA.id}`);
    expect(response.statusCode).toBe(200);
    const { members } = response.json() as Participation;
    expect(members.map((m) => m.id).sort()).toEqual([secretaryA.id, alice.id, bob.id].sort());
    const a = members.find((m) => m.id === alice.id)!;
    expect(a).toMatchObject({ displayName: alice.displayName, unitId: communeA.id, commented: true, annotations: 2 });
    expect(Date.parse(a.lastAt!)).toBeGreaterThan(Date.now() - 60_000);
    expect(members.find((m) => m.id === bob.id)).toMatchObject({ commented: false, annotations: 0, lastAt: null });
  });

  it('keeps the silent or the commented ones with status', async () => {
    const silent = (await ask(secretaryA, `?unitId=${communeA.id}&status=silent`)).json() as Participation;
    expect(silent.members.map((m) => m.id).sort()).toEqual([secretaryA.id, bob.id].sort());
    const commented = (await ask(secretaryA, `?unitId=${communeA.id}&status=commented`)).json() as Participation;
    expect(commented.members.map((m) => m.id)).toEqual([alice.id]);
  });

  it('covers the whole scope for the round’s reviewers, once per member', async () => {
    for (const member of [drafter]) {
      const { members } = (await ask(member)).json() as Participation;
      expect(members.map((m) => m.id).sort()).toEqual([drafter.id, secretaryA.id, secretaryB.id, alice.id, bob.id, carol.id].sort());
      expect(members.filter((m) => m.commented).map((m) => m.id).sort()).toEqual([alice.id, carol.id].sort());
    }
    const { members } = (await ask(drafter, `?unitId=${communeB.id}&status=commented`)).json() as Participation;
    expect(members).toEqual([expect.objectContaining({ id: carol.id, unitId: communeB.id, annotations: 1 })]);
  });

  it('refuses others with the exact errors', async () => {
    expectProblem(await ask(secretaryA, `?unitId=${communeB.id}`), 403, 'forbidden');
    expectProblem(await ask(secretaryA), 403, 'forbidden'); // the scope unit (the district) is not theirs
    expectProblem(await ask(alice, `?unitId=${communeA.id}`), 403, 'forbidden');
    expectProblem(await ask(stranger), 404, 'not_found');
    expectProblem(await ask(admin), 404, 'not_found'); // drafts are confidential, even to admins
    expectProblem(await ask(drafter, `?unitId=${elsewhere.id}`), 404, 'not_found');
    expectProblem(await ask(drafter, `?unitId=${randomUUID()}`), 404, 'not_found');
    expectProblem(await ask(drafter, '', randomUUID()), 404, 'not_found');
    expectProblem(await ask(drafter, '?status=quiet'), 400, 'validation_failed');
    expectProblem(await ask(drafter, '?unitId=district'), 400, 'validation_failed');
    expectProblem(await ask(drafter, '?colour=red'), 400, 'validation_failed');
    expectProblem(await ask(null), 401, 'unauthenticated');
  });
});
