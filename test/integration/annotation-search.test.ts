import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Unit } from '../../server/db/units.repository.js';
import type { FoundAnnotation } from '../../server/http/schemas/annotations.js';
import { makeAnnotation, makeDocumentInRound, makeMember, makeUnit, sampleReportText as plain, type TestMember, signIn } from '../helpers/factories.js';
import { expectProblem, startTestApp, type TestApp } from '../helpers/test-app.js';

let t: TestApp;
let district: Unit, commune: Unit, otherCommune: Unit;
let drafter: TestMember, alice: TestMember, bob: TestMember, carol: TestMember, outsider: TestMember;
let tok: Record<string, string> = {};
const on = (quote: string) => ({ start: plain.indexOf(quote), end: plain.indexOf(quote) + quote.length });

let documentId: string;
let privateRound: string;
const ids: Record<string, string> = {};

beforeAll(async () => {
  t = await startTestApp();
  const db = t.database.db;
  district = await makeUnit(db, { level: 'district' });
  commune = await makeUnit(db, { parent: district });
  otherCommune = await makeUnit(db, { parent: district });
  drafter = await makeMember(db, { roles: [[district, 'drafter']] });
  alice = await makeMember(db, { roles: [[commune, 'member']] });
  bob = await makeMember(db, { roles: [[commune, 'member']] });
  carol = await makeMember(db, { roles: [[otherCommune, 'member']] });
  outsider = await makeMember(db, { roles: [[await makeUnit(db, { level: 'district' }), 'member']] });
  tok = await signIn(t, [drafter, alice, bob, carol, outsider]);

  ({ documentId, roundId: privateRound } = await makeDocumentInRound(t, tok[drafter.id], { unitId: district.id, visibility: 'private' }));
  const write = async (key: string, member: TestMember, body: Record<string, unknown>) => {
    ids[key] = await makeAnnotation(t, tok[member.id], privateRound, body);
  };
  await write('aliceRemove', alice, { kind: 'objection', body: 'Đề nghị bỏ câu này vì số liệu chưa chính xác.', anchor: on('8,2%') });
  await write('aliceSource', alice, { kind: 'question', body: 'Nguồn số liệu hộ nghèo là gì?', anchor: on('4,1%') });
  await write('bobRemove', bob, { kind: 'comment', body: 'Đề nghị bỏ', anchor: on('4,1%') });
  await write('carolRewording', carol, { kind: 'suggestion', body: 'Theo rà soát cuối năm.', replacement: 'giảm còn 3,9%', anchor: on('giảm còn 4,1%') });
  const decided = await t.request({ method: 'PUT', url: `/api/v1/annotations/${ids.bobRemove}/disposition`, token: tok[drafter.id], payload: { decision: 'noted', note: '' } });
  expect(decided.statusCode).toBe(200);
});
afterAll(async () => t.close());

const search = (member: TestMember, query: string) => t.request({ method: 'GET', url: `/api/v1/documents/${documentId}/annotations/search?${query}`, token: tok[member.id] });
const found = async (member: TestMember, query: string) => {
  const response = await search(member, query);
  expect(response.statusCode).toBe(200);
  return (response.json() as FoundAnnotation[]).map((a) => a.id);
};

describe('searching annotations', () => {
  it('finds "Đề nghị bỏ" from "de nghi bo", the whole phrase first, for a reviewer', async () => {
    const result = await found(drafter, 'q=de%20nghi%20bo');
    expect(result).toEqual([ids.bobRemove, ids.aliceRemove]);
  });

  it('is case-insensitive and tolerates a typo', async () => {
    expect(await found(drafter, `q=${encodeURIComponent('NGUỒN SỐ LIÊU')}`)).toEqual([ids.aliceSource]);
    expect(await found(drafter, 'q=nguon%20so%20leiu')).toEqual([ids.aliceSource]);
    expect(await found(drafter, 'q=chinh%20xac%20khong%20co')).toEqual([]);
  });

  it('shows a member of a private round only their own annotations', async () => {
    expect(await found(bob, 'q=de%20nghi%20bo')).toEqual([ids.bobRemove]);
    expect((await found(alice, 'q=')).sort()).toEqual([ids.aliceRemove, ids.aliceSource].sort());
    expect(await found(carol, 'q=so%20lieu')).toEqual([]);
  });

  it('filters by kind, decision, section, round and the author’s unit, with an empty query', async () => {
    expect(await found(drafter, 'kind=suggestion')).toEqual([ids.carolRewording]);
    expect(await found(drafter, 'decision=noted')).toEqual([ids.bobRemove]);
    expect((await found(drafter, 'decision=undecided')).sort()).toEqual([ids.aliceRemove, ids.aliceSource, ids.carolRewording].sort());
    expect(await found(drafter, `section=${encodeURIComponent('I')}`)).toEqual([ids.aliceRemove]);
    expect(await found(drafter, `unitId=${otherCommune.id}`)).toEqual([ids.carolRewording]);
    expect((await found(drafter, `roundId=${privateRound}&q=de%20nghi`)).sort()).toEqual([ids.aliceRemove, ids.bobRemove].sort());
    // The proposed wording and the author's name are searched too.
    expect(await found(drafter, 'q=3%2C9')).toEqual([ids.carolRewording]);
    const response = await search(drafter, `q=${encodeURIComponent(carol.displayName)}`);
    expect((response.json() as FoundAnnotation[]).map((a) => a.id)).toContain(ids.carolRewording);
    expect((response.json() as FoundAnnotation[])[0]).toMatchObject({ authorUnitId: otherCommune.id, score: expect.any(Number) });
  });

  it('refuses bad input with the exact errors', async () => {
    expectProblem(await search(drafter, 'kind=opinion'), 400, 'validation_failed');
    expectProblem(await search(drafter, 'decision=maybe'), 400, 'validation_failed');
    expectProblem(await search(drafter, 'roundId=not-a-uuid'), 400, 'validation_failed');
    expectProblem(await search(drafter, `q=${'a'.repeat(201)}`), 400, 'validation_failed');
    expectProblem(await search(drafter, 'colour=red'), 400, 'validation_failed');
    expectProblem(await search(drafter, `roundId=${randomUUID()}`), 404, 'not_found');
    expectProblem(await t.request({ method: 'GET', url: `/api/v1/documents/${randomUUID()}/annotations/search?q=x` , token: tok[drafter.id] }), 404, 'not_found');
    expectProblem(await t.request({ method: 'GET', url: `/api/v1/documents/${documentId}/annotations/search?q=x` }), 401, 'unauthenticated');
  });

  it('hides the document from someone outside its units (404), and a round of another document', async () => {
    expectProblem(await search(outsider, 'q=de'), 404, 'not_found');
    const { roundId: otherRound } = await makeDocumentInRound(t, tok[drafter.id], { unitId: district.id, title: 'Khác' });
    expectProblem(await search(drafter, `roundId=${otherRound}`), 404, 'not_found');
  });
});
