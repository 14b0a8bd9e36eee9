import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import * as Y from 'yjs';
import * as encoding from 'lib0/encoding';
import { makeMember, makeUnit, type TestMember } from '../helpers/factories.js';
import { startTestApp, type TestApp } from '../helpers/test-app.js';
import { appendParagraph, connectClient, editRandomly, eventually, paragraphsOf, rawSocket, type TestClient } from '../helpers/ws-client.js';
import { docFromStoredState, readStoredState } from '../../server/db/document-log.repository.js';

let t: TestApp;
let baseUrl: string;
let drafter: TestMember, drafter2: TestMember, reader: TestMember, outsider: TestMember, districtSecretary: TestMember;
const tokens: Record<string, string> = {};
const clients: TestClient[] = [];

beforeAll(async () => {
  t = await startTestApp({ collab: { idleUnloadMs: 200 } });
  const db = t.database.db;
  const district = await makeUnit(db, { level: 'district' });
  const commune = await makeUnit(db, { parent: district });
  const other = await makeUnit(db, { parent: district });
  drafter = await makeMember(db, { roles: [[commune, 'drafter']] });
  drafter2 = await makeMember(db, { roles: [[commune, 'secretary']] });
  reader = await makeMember(db, { roles: [[commune, 'member']] });
  outsider = await makeMember(db, { roles: [[other, 'secretary']] });
  districtSecretary = await makeMember(db, { roles: [[district, 'secretary']] });
  for (const m of [drafter, drafter2, reader, outsider, districtSecretary]) tokens[m.id] = await t.tokenFor(m);
  (globalThis as { communeId?: string }).communeId = commune.id;
  baseUrl = await t.listen();
});
afterAll(async () => {
  for (const c of clients) c.destroy();
  await t.close();
});

function client(member: TestMember | undefined, documentId: string, token = member ? tokens[member.id] : undefined): TestClient {
  const c = connectClient(baseUrl, documentId, token);
  clients.push(c);
  return c;
}

async function newDocument(text = 'Dự thảo báo cáo chính trị\nPhần thứ nhất'): Promise<string> {
  const response = await t.request({
    method: 'POST',
    url: '/api/v1/documents',
    token: tokens[drafter.id],
    payload: { unitId: (globalThis as { communeId?: string }).communeId, title: 'Báo cáo', content: { format: 'text', value: text } },
  });
  expect(response.statusCode).toBe(201);
  return response.json().id;
}

async function storedParagraphs(documentId: string): Promise<string[]> {
  const doc = docFromStoredState(await readStoredState(t.database.db, documentId));
  return paragraphsOf(doc);
}

describe('live editing', () => {
  it('syncs the stored draft to a stock WebsocketProvider', async () => {
    const id = await newDocument();
    const c = client(drafter, id);
    await c.synced;
    expect(paragraphsOf(c.doc)).toEqual(['Dự thảo báo cáo chính trị', 'Phần thứ nhất']);
  });

  it('relays a writer’s edits to the others only after they are stored', async () => {
    const id = await newDocument();
    const writer = client(drafter, id);
    const watcher = client(reader, id);
    await Promise.all([writer.synced, watcher.synced]);
    let storedWhenSeen: string[] | undefined;
    watcher.doc.on('update', () => {
      void storedParagraphs(id).then((stored) => (storedWhenSeen ??= stored));
    });
    appendParagraph(writer.doc, 'Đoạn mới');
    await eventually(() => paragraphsOf(watcher.doc).includes('Đoạn mới'), 'the reader sees the edit');
    await eventually(() => storedWhenSeen !== undefined, 'stored state read');
    expect(storedWhenSeen).toContain('Đoạn mới');
  });

  it('converges several writers making random concurrent edits, and the stored state equals the live one', async () => {
    const id = await newDocument('');
    const writers = [client(drafter, id), client(drafter2, id), client(drafter, id)];
    await Promise.all(writers.map((w) => w.synced));
    await editRandomly(writers, 150, 42);
    const expected = () => JSON.stringify(paragraphsOf(writers[0]!.doc));
    await eventually(() => writers.every((w) => JSON.stringify(paragraphsOf(w.doc)) === expected()), 'all writers converge');
    await eventually(async () => JSON.stringify(await storedParagraphs(id)) === expected(), 'stored state equals live state');
    const content = await t.request({ method: 'GET', url: `/api/v1/documents/${id}/content`, token: tokens[drafter.id] });
    expect(content.json().text).toBe(paragraphsOf(writers[0]!.doc).map((p) => `${p}\n`).join(''));
  });

  it('discards what a read-only member sends, while the member keeps receiving', async () => {
    const id = await newDocument();
    const member = client(reader, id);
    const higher = client(districtSecretary, id);
    const writer = client(drafter, id);
    await Promise.all([member.synced, higher.synced, writer.synced]);
    appendParagraph(member.doc, 'sửa trái phép');
    appendParagraph(higher.doc, 'cấp trên sửa');
    appendParagraph(writer.doc, 'sửa hợp lệ');
    await eventually(() => paragraphsOf(member.doc).includes('sửa hợp lệ'), 'the member receives the drafter’s edit');
    await eventually(async () => (await storedParagraphs(id)).includes('sửa hợp lệ'), 'stored');
    await new Promise((resolve) => setTimeout(resolve, 100));
    expect(paragraphsOf(writer.doc)).not.toContain('sửa trái phép');
    expect(paragraphsOf(writer.doc)).not.toContain('cấp trên sửa');
    expect(await storedParagraphs(id)).not.toContain('sửa trái phép');
    expect(member.closes).toEqual([]);
  });
});

describe('refusals and close codes', () => {
  it('closes with 4401 without a token or with a forged one', async () => {
    const id = await newDocument();
    const anonymous = client(undefined, id);
    expect(await anonymous.nextClose()).toBe(4401);
    anonymous.destroy();
    const forged = client(drafter, id, 'forged');
    expect(await forged.nextClose()).toBe(4401);
    forged.destroy();
  });

  it('closes with 4404 for an unknown document and for one the member may not see', async () => {
    const unknown = client(drafter, '00000000-0000-4000-8000-000000000000');
    expect(await unknown.nextClose()).toBe(4404);
    unknown.destroy();
    const id = await newDocument();
    const hidden = client(outsider, id);
    expect(await hidden.nextClose()).toBe(4404);
    hidden.destroy();
  });

  it('closes with 4401 when the token is revoked mid-session', async () => {
    const id = await newDocument();
    const member = await makeMember(t.database.db, { roles: [[{ id: (globalThis as { communeId?: string }).communeId! } as never, 'member']] });
    const token = await t.tokenFor(member);
    const c = client(member, id, token);
    await c.synced;
    const closed = c.nextClose();
    await t.request({ method: 'POST', url: '/api/v1/auth/logout', token });
    expect(await closed).toBe(4401);
    c.destroy();
  });

  it('closes with 4403 when the membership is removed, and makes a demoted writer read-only', async () => {
    const id = await newDocument();
    const communeId = (globalThis as { communeId?: string }).communeId!;
    const member = await makeMember(t.database.db, { roles: [[{ id: communeId } as never, 'drafter']] });
    const c = client(member, id, await t.tokenFor(member));
    const watcher = client(drafter, id);
    await Promise.all([c.synced, watcher.synced]);
    const demoted = await t.request({ method: 'PUT', url: `/api/v1/units/${communeId}/members/${member.id}`, token: t.adminToken, payload: { role: 'member' } });
    expect(demoted.statusCode).toBe(200);
    await new Promise((resolve) => setTimeout(resolve, 100));
    appendParagraph(c.doc, 'sau khi bị hạ quyền');
    await new Promise((resolve) => setTimeout(resolve, 200));
    expect(paragraphsOf(watcher.doc)).not.toContain('sau khi bị hạ quyền');
    const closed = c.nextClose();
    await t.request({ method: 'DELETE', url: `/api/v1/units/${communeId}/members/${member.id}`, token: t.adminToken });
    expect(await closed).toBe(4403);
    c.destroy();
  });

  it('closes a garbage frame with 1007 and an over-size frame with 1009, while others keep working', async () => {
    const id = await newDocument();
    const writer = client(drafter, id);
    const watcher = client(reader, id);
    await Promise.all([writer.synced, watcher.synced]);

    const garbage = await rawSocket(baseUrl, id, tokens[drafter.id]!);
    garbage.socket.send(new Uint8Array([0, 2, 50, 1, 2, 3]));
    expect(await garbage.closed).toBe(1007);

    const truncated = await rawSocket(baseUrl, id, tokens[drafter.id]!);
    const update = Y.encodeStateAsUpdate(writer.doc);
    const encoder = encoding.createEncoder();
    encoding.writeVarUint(encoder, 0);
    encoding.writeVarUint(encoder, 2);
    encoding.writeVarUint8Array(encoder, update.subarray(0, Math.floor(update.length / 2)));
    truncated.socket.send(encoding.toUint8Array(encoder));
    expect(await truncated.closed).toBe(1007);

    const huge = await rawSocket(baseUrl, id, tokens[drafter.id]!);
    huge.socket.send(new Uint8Array(t.config.maxMessageBytes + 1));
    expect(await huge.closed).toBe(1009);

    appendParagraph(writer.doc, 'vẫn hoạt động');
    await eventually(() => paragraphsOf(watcher.doc).includes('vẫn hoạt động'), 'others keep working');
    expect(await storedParagraphs(id)).not.toContain(undefined);
  });
});
