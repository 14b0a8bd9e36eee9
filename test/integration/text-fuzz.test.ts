/**
 * Seeded fuzz: text with NUL, other controls, lone surrogates, CR and decomposed marks through
 * every text field of the API (DESIGN.md "Normalisation"). No answer is a 500, and whatever was
 * stored is the cleaned text (`cleanText`, then the field's own trimming). The seed is printed;
 * replay a failure with FUZZ_SEED=<seed>.
 */
import { randomUUID } from 'node:crypto';
import fc from 'fast-check';
import * as Y from 'yjs';
import type { LightMyRequestResponse } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { importContent, type ContentInput } from '../../server/domain/content-import.js';
import { projectText } from '../../server/domain/projection.js';
import { cleanText, isClean } from '../../server/domain/text-normal.js';
import type { Unit } from '../../server/db/units.repository.js';
import { makeMember, makeUnit, type TestMember, signIn } from '../helpers/factories.js';
import { expectProblem, startTestApp, type TestApp } from '../helpers/test-app.js';

const seed = Number(process.env.FUZZ_SEED ?? Date.now() % 2 ** 31);
console.log(`text fuzz seed ${seed} (replay with FUZZ_SEED=${seed})`);

const PIECES = ['\u0000', '\ud83d', '\ude00', '\u0007', '\u001b', '\u007f', '\u0085', '\r\n', '\r', '\t', '\n', 'e\u0301', 'ư\u0309', 'Vie\u0323\u0302t', '😀', ' ', 'a', 'Ý kiến', '\u2028', '\uffff', '\ufeff'];
/** Dirty text that still has a word in it (so that length and non-empty rules pass). */
const dirty = fc
  .array(fc.oneof(fc.constantFrom(...PIECES), fc.string({ unit: 'binary', maxLength: 4 })), { minLength: 1, maxLength: 10 })
  .map((parts) => `${parts.join('')} đề nghị ${parts.reverse().join('')}`);

let t: TestApp;
let province: Unit, commune: Unit;
let secretary: TestMember, member: TestMember;
let tok: Record<string, string> = {};
let documentId: string, roundId: string;
let serial = 0;

beforeAll(async () => {
  t = await startTestApp();
  const db = t.database.db;
  province = await makeUnit(db, { level: 'province' });
  commune = await makeUnit(db, { parent: province });
  secretary = await makeMember(db, { roles: [[province, 'secretary']] });
  member = await makeMember(db, { roles: [[commune, 'member']] });
  tok = await signIn(t, [secretary, member]);
  documentId = (
    await t.request({ method: 'POST', url: '/api/v1/documents', token: tok[secretary.id], payload: { unitId: province.id, title: 'Dự thảo', content: { format: 'text', value: 'Tăng trưởng 8%.' } } })
  ).json().id;
  roundId = (
    await t.request({ method: 'POST', url: `/api/v1/documents/${documentId}/rounds`, token: tok[secretary.id], payload: { closesAt: new Date(Date.now() + 3600_000).toISOString() } })
  ).json().id;
});
afterAll(async () => t.close());

/** Fields that were written at least once (a fuzz whose every write is refused proves nothing). */
const written = new Set<string>();

/** Never a 500; when written, the stored text is the cleaned text (or it trimmed). */
function expectStored(field: string, response: LightMyRequestResponse, sent: string, stored: () => unknown): void {
  expect(response.statusCode, response.body).toBeLessThan(500);
  if (response.statusCode >= 300) return;
  written.add(field);
  const value = stored();
  expect(typeof value === 'string' && isClean(value)).toBe(true);
  expect([cleanText(sent), cleanText(sent).trim()]).toContain(value);
}

const imported = (content: ContentInput) => {
  const doc = new Y.Doc();
  importContent(doc, content);
  return projectText(doc.getXmlFragment('default'));
};

describe('text entering through the API', () => {
  it('is cleaned in every field, never answering 500', async () => {
    await fc.assert(
      fc.asyncProperty(dirty, dirty, fc.constantFrom('text', 'markdown', 'prosemirror'), async (a, b, format) => {
        const n = ++serial;
        const unit = await t.request({ method: 'POST', url: '/api/v1/units', token: t.adminToken, payload: { name: a, level: 'commune', parentId: province.id } });
        expectStored('unit name', unit, a, () => unit.json().name);

        const created = await t.request({ method: 'POST', url: '/api/v1/members', token: t.adminToken, payload: { login: `fuzz${n}`, displayName: a, password: `mật khẩu ${b}` } });
        expectStored('display name', created, a, () => created.json().displayName);

        const bulk = await t.request({
          method: 'POST',
          url: '/api/v1/import',
          token: t.adminToken,
          payload: { units: [{ key: `k${n}`, name: b, level: 'commune', parentKey: null }], members: [{ login: `bulk${n}`, displayName: a, unitKey: `k${n}`, role: 'member' }] },
        });
        expect(bulk.statusCode, bulk.body).toBeLessThan(500);
        if (bulk.statusCode === 200) {
          const row = await t.database.db.selectFrom('members').select('display_name').where('login', '=', `bulk${n}`).executeTakeFirstOrThrow();
          expectStored('imported display name', bulk, a, () => row.display_name);
          const unitRow = await t.database.db.selectFrom('units').select('name').where('import_key', '=', `k${n}`).executeTakeFirstOrThrow();
          expectStored('imported unit name', bulk, b, () => unitRow.name);
        }

        const value = format === 'prosemirror' ? { type: 'doc', content: [{ type: 'paragraph', content: [{ type: 'text', text: b }] }] } : b;
        const document = await t.request({ method: 'POST', url: '/api/v1/documents', token: tok[secretary.id], payload: { unitId: province.id, title: a, content: { format, value } } });
        expectStored('title', document, a, () => document.json().title);
        if (document.statusCode === 201) {
          const text = (await t.request({ method: 'GET', url: `/api/v1/documents/${document.json().id}/content`, token: tok[secretary.id] })).json().text as string;
          const cleanValue = format === 'prosemirror' ? { type: 'doc', content: [{ type: 'paragraph', content: [{ type: 'text', text: cleanText(b) }] }] } : cleanText(b);
          expect(text).toBe(imported({ format, value: cleanValue }));
          expect(isClean(text)).toBe(true);
        }

        const version = await t.request({ method: 'POST', url: `/api/v1/documents/${documentId}/versions`, token: tok[secretary.id], payload: { label: b } });
        expectStored('label', version, b, () => version.json().label);

        const annotationId = randomUUID();
        const annotation = await t.request({
          method: 'PUT',
          url: `/api/v1/rounds/${roundId}/annotations/${annotationId}`,
          token: tok[member.id],
          payload: { kind: 'suggestion', body: a, replacement: b, anchor: { start: 0, end: 4 } },
        });
        expectStored('body', annotation, a, () => annotation.json().body);
        expectStored('replacement', annotation, b, () => annotation.json().replacement);
        if (annotation.statusCode !== 201) return;

        const reply = await t.request({ method: 'POST', url: `/api/v1/annotations/${annotationId}/replies`, token: tok[secretary.id], payload: { body: b } });
        expectStored('reply', reply, b, () => reply.json().body);
        const decided = await t.request({ method: 'PUT', url: `/api/v1/annotations/${annotationId}/disposition`, token: tok[secretary.id], payload: { decision: 'rejected', note: a } });
        expectStored('note', decided, a, () => decided.json().disposition.note);

        // Queries and credentials: refused or answered, never a 500.
        // A query carries bytes: the text as UTF-8, then NUL and a UTF-8-encoded lone surrogate.
        const listed = await t.request({ method: 'GET', url: `/api/v1/documents?unitId=${encodeURIComponent(a.toWellFormed())}%00%ED%A0%BD`, token: tok[secretary.id] });
        expect(listed.statusCode).toBeLessThan(500);
        const login = await t.request({ method: 'POST', url: '/api/v1/auth/login', payload: { login: a, password: b } });
        expect(login.statusCode).toBeLessThan(500);
      }),
      { seed, numRuns: 12 },
    );
    expect([...written].sort()).toEqual(['body', 'display name', 'imported display name', 'imported unit name', 'label', 'note', 'replacement', 'reply', 'title', 'unit name']);
  });

  it('cleans a feedback package note', async () => {
    // A package needs a closed round; one submission, then corrections that supersede it.
    const commSecretary = await makeMember(t.database.db, { roles: [[commune, 'secretary']] });
    const token = await t.tokenFor(commSecretary);
    await t.request({ method: 'POST', url: `/api/v1/rounds/${roundId}/close`, token: tok[secretary.id] });
    let supersedes: string | undefined;
    for (const note of fc.sample(dirty, { seed, numRuns: 4 })) {
      const response = await t.request({
        method: 'POST',
        url: `/api/v1/documents/${documentId}/packages`,
        token,
        payload: { fromUnitId: commune.id, roundIds: [roundId], note, ...(supersedes ? { supersedes } : {}) },
      });
      expectStored('package note', response, note, () => response.json().note);
      supersedes = response.json().id;
    }
    expect(written.has('package note')).toBe(true);
  });

  it('refuses a body nested past the limit with validation_failed, not a crash', async () => {
    const nested = `${'['.repeat(5000)}"x"${']'.repeat(5000)}`;
    const response = await t.request({
      method: 'POST',
      url: '/api/v1/documents',
      token: tok[secretary.id],
      headers: { 'content-type': 'application/json' },
      payload: `{"unitId":"${province.id}","title":"T","content":{"format":"prosemirror","value":${nested}}}`,
    });
    expectProblem(response, 400, 'validation_failed');
    expect(response.json().detail).toBe('the request nests deeper than 256 levels');
  });
});
