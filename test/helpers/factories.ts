/**
 * Real rows for tests: units and members through the repositories the app uses; documents, rounds
 * and annotations through the API, as a member makes them (so every rule on the way applies).
 */
import { randomUUID } from 'node:crypto';
import { expect } from 'vitest';
import type { Db } from '../../server/db/connect.js';
import { insertMember, upsertMembership } from '../../server/db/members.repository.js';
import type { Role } from '../../server/db/schema.js';
import { findUnit, insertUnit, type Unit } from '../../server/db/units.repository.js';
import { hashPassword } from '../../server/services/secrets.js';
import type { TestApp } from './test-app.js';

export const testPassword = 'correct horse battery';
let cachedHash: Promise<string> | undefined;

export async function makeUnit(db: Db, options: { name?: string; level?: string; parent?: Unit } = {}): Promise<Unit> {
  return insertUnit(db, {
    id: randomUUID(),
    name: options.name ?? `Unit ${randomUUID().slice(0, 6)}`,
    level: options.level ?? 'commune',
    parent: options.parent,
  });
}

export interface TestMember {
  id: string;
  login: string;
  displayName: string;
}

export async function makeMember(db: Db, options: { login?: string; isAdmin?: boolean; roles?: Array<[Unit, Role]> } = {}): Promise<TestMember> {
  const login = options.login ?? `m${randomUUID().slice(0, 8)}`;
  const row = await insertMember(db, {
    login,
    displayName: `Member ${login}`,
    passwordHash: await (cachedHash ??= hashPassword(testPassword)),
    isAdmin: options.isAdmin ?? false,
  });
  if (!row) throw new Error(`login ${login} exists`);
  for (const [unit, role] of options.roles ?? []) await upsertMembership(db, unit.id, row.id, role);
  return { id: row.id, login: row.login, displayName: row.display_name };
}

/** A member signed in: their row and a session token for `t.request`. */
export interface SignedInMember extends TestMember {
  token: string;
}

/**
 * Members by name, each given their roles and signed in, e.g.
 * `const { drafter, alice } = await makeMembers(t, { drafter: [[commune, 'drafter']], alice: [[commune, 'member']] })`.
 */
export async function makeMembers<K extends string>(t: TestApp, roles: Record<K, Array<[Unit, Role]>>): Promise<Record<K, SignedInMember>> {
  const out = {} as Record<K, SignedInMember>;
  for (const name of Object.keys(roles) as K[]) {
    const member = await makeMember(t.database.db, { roles: roles[name] });
    out[name] = { ...member, token: await t.tokenFor(member) };
  }
  return out;
}

/** Session tokens of `members`, by member id (for tests that keep a `tok[member.id]` table). */
export async function signIn(t: TestApp, members: readonly TestMember[]): Promise<Record<string, string>> {
  const tokens: Record<string, string> = {};
  for (const member of members) tokens[member.id] = await t.tokenFor(member);
  return tokens;
}

export async function reloadUnit(db: Db, id: string): Promise<Unit> {
  const unit = await findUnit(db, id);
  if (!unit) throw new Error(`no unit ${id}`);
  return unit;
}

/** A two-section report, in Markdown: "I. Kinh tế" (8,2%) and "II. Xã hội" (4,1%). */
export const sampleReport = '# I. Kinh tế\nTốc độ tăng trưởng đạt 8,2% mỗi năm.\n# II. Xã hội\nTỷ lệ hộ nghèo giảm còn 4,1%.\n';
/** `sampleReport` as its plain-text projection reads (headings without their `# `): what offsets count in. */
export const sampleReportText = sampleReport.replace(/^# /gm, '');

/** An ISO instant `hours` from now (a round's deadline). */
export const inHours = (hours: number): string => new Date(Date.now() + hours * 3600_000).toISOString();

export interface DocumentOptions {
  unitId: string;
  title?: string;
  /** The draft in Markdown (`sampleReport` unless told). */
  markdown?: string;
  /** The draft as plain text instead (`content.format: "text"`). */
  text?: string;
}

/** A document of `unitId` created by `token` (its drafter or secretary) from Markdown or text; its id. */
export async function makeDocument(t: TestApp, token: string | undefined, options: DocumentOptions): Promise<string> {
  const content = options.text !== undefined ? { format: 'text', value: options.text } : { format: 'markdown', value: options.markdown ?? sampleReport };
  const created = await t.request({ method: 'POST', url: '/api/v1/documents', token, payload: { unitId: options.unitId, title: options.title ?? 'Dự thảo', content } });
  expect(created.statusCode, created.body).toBe(201);
  return created.json().id;
}

export interface RoundOptions {
  closesAt?: string;
  visibility?: 'private' | 'open';
  scopeUnitId?: string;
}

/** Opens the document's next round (private, closing in 24 h unless told); its id. */
export async function openRound(t: TestApp, token: string | undefined, documentId: string, options: RoundOptions = {}): Promise<string> {
  const round = await t.request({
    method: 'POST',
    url: `/api/v1/documents/${documentId}/rounds`,
    token,
    payload: { closesAt: options.closesAt ?? inHours(24), ...(options.visibility ? { visibility: options.visibility } : {}), ...(options.scopeUnitId ? { scopeUnitId: options.scopeUnitId } : {}) },
  });
  expect(round.statusCode, round.body).toBe(201);
  return round.json().id;
}

/** A document of `unitId` with its first round open. */
export async function makeDocumentInRound(
  t: TestApp,
  token: string | undefined,
  options: RoundOptions & DocumentOptions,
): Promise<{ documentId: string; roundId: string }> {
  const documentId = await makeDocument(t, token, options);
  return { documentId, roundId: await openRound(t, token, documentId, options) };
}

/** Writes an annotation (PUT, under `id` or a new one) and answers the response as it came. */
export function putAnnotation(t: TestApp, token: string | undefined, roundId: string, body: Record<string, unknown>, id: string = randomUUID()) {
  return t.request({ method: 'PUT', url: `/api/v1/rounds/${roundId}/annotations/${id}`, token, payload: body });
}

/** Writes a new annotation that must be created (201); its id. */
export async function makeAnnotation(t: TestApp, token: string | undefined, roundId: string, body: Record<string, unknown>): Promise<string> {
  const id = randomUUID();
  const response = await putAnnotation(t, token, roundId, body, id);
  expect(response.statusCode, response.body).toBe(201);
  return id;
}

/** Decides an annotation (PUT …/disposition) and answers the response as it came. */
export function decide(t: TestApp, token: string | undefined, annotationId: string, decision: string, note = '') {
  return t.request({ method: 'PUT', url: `/api/v1/annotations/${annotationId}/disposition`, token, payload: { decision, note } });
}
