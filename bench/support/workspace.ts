/**
 * The rows a live-editing benchmark needs: one commune with drafters (who write) and members (who
 * read live), and documents in it. Written through the app's repositories.
 */
import { randomUUID } from 'node:crypto';
import * as Y from 'yjs';
import type { Db } from '../../server/db/connect.js';
import { insertDocument } from '../../server/db/documents.repository.js';
import { insertMember, upsertMembership } from '../../server/db/members.repository.js';
import { insertUnit, type Unit } from '../../server/db/units.repository.js';
import { hashPassword } from '../../server/services/secrets.js';
import { ApiClient } from '../../test/helpers/api-client.js';

export const benchPassword = 'bench password 1';

export interface Workspace {
  unit: Unit;
  /** Logins with the drafter role (read-write on the unit's documents). */
  writers: string[];
  /** Logins with the member role (read-only, live). */
  readers: string[];
  ownerId: string;
}

export async function seedWorkspace(db: Db, counts: { writers: number; readers: number }): Promise<Workspace> {
  const unit = await insertUnit(db, { id: randomUUID(), name: 'Bench commune', level: 'commune', parent: undefined });
  const passwordHash = await hashPassword(benchPassword);
  let ownerId = '';
  const make = async (login: string, role: 'drafter' | 'member') => {
    const row = await insertMember(db, { login, displayName: `Bench ${login}`, passwordHash });
    if (!row) throw new Error(`login ${login} exists`);
    await upsertMembership(db, unit.id, row.id, role);
    ownerId ||= row.id;
  };
  const writers = Array.from({ length: counts.writers }, (_, i) => `writer${i}`);
  const readers = Array.from({ length: counts.readers }, (_, i) => `reader${i}`);
  for (const login of writers) await make(login, 'drafter');
  for (const login of readers) await make(login, 'member');
  return { unit, writers, readers, ownerId };
}

/** A document in the workspace's unit whose stored state is `doc`'s (empty by default). */
export async function createDocument(db: Db, workspace: Workspace, doc: Y.Doc = new Y.Doc(), title = 'Bench draft'): Promise<string> {
  return insertDocument(db, {
    unitId: workspace.unit.id,
    title,
    maxRounds: 3,
    createdBy: workspace.ownerId,
    initialState: Y.encodeStateAsUpdate(doc),
  });
}

/** Logs in over HTTP (the typed API client) and returns the bearer token. */
export async function login(baseUrl: string, loginName: string): Promise<string> {
  return (await new ApiClient(baseUrl).login(loginName, benchPassword)).token;
}
