/**
 * A real app listening on a port with one unit, two drafters and a member, for the live (collab)
 * integration tests: documents created through the API, stock WebsocketProvider clients closed
 * when the file ends, and counts of stored log rows.
 */
import * as Y from 'yjs';
import type { Unit } from '../../server/db/units.repository.js';
import { makeMember, makeUnit, type TestMember } from './factories.js';
import { startTestApp, type TestApp } from './test-app.js';
import { connectClient, type TestClient } from './ws-client.js';

export interface LiveWorkspace {
  t: TestApp;
  baseUrl: string;
  unit: Unit;
  drafter: TestMember;
  drafter2: TestMember;
  /** A plain member of the unit: reads live, writes are discarded. */
  reader: TestMember;
  token(m: TestMember): Promise<string>;
  /** A new document of the unit, created by `drafter` with `text` as its content; its id. */
  newDocument(text?: string): Promise<string>;
  /** A stock provider for `m` on document `id` (on `doc` if given), destroyed when the file ends. */
  client(m: TestMember, id: string, doc?: Y.Doc): Promise<TestClient>;
  /** Rows of `document_updates` stored for document `id`. */
  rows(id: string): Promise<number>;
  /** Destroys the clients this workspace opened. */
  destroyClients(): void;
  /**
   * Destroys its clients, then closes the app: a stock provider still open when the server shuts
   * down reconnects to it while it drains.
   */
  close(): Promise<void>;
}

export async function startLiveWorkspace(options: Parameters<typeof startTestApp>[0] = {}): Promise<LiveWorkspace> {
  const t = await startTestApp(options);
  const unit = await makeUnit(t.database.db);
  const drafter = await makeMember(t.database.db, { roles: [[unit, 'drafter']] });
  const drafter2 = await makeMember(t.database.db, { roles: [[unit, 'drafter']] });
  const reader = await makeMember(t.database.db, { roles: [[unit, 'member']] });
  const baseUrl = await t.listen();
  const tokens = new Map<string, string>();
  const token = async (m: TestMember) => tokens.get(m.id) ?? tokens.set(m.id, await t.tokenFor(m)).get(m.id)!;
  const clients: TestClient[] = [];
  return {
    t,
    baseUrl,
    unit,
    drafter,
    drafter2,
    reader,
    token,
    async newDocument(text = 'Mở đầu') {
      const response = await t.request({
        method: 'POST',
        url: '/api/v1/documents',
        token: await token(drafter),
        payload: { unitId: unit.id, title: 'Dự thảo', content: { format: 'text', value: text } },
      });
      if (response.statusCode !== 201) throw new Error(`creating a document failed: ${response.body}`);
      return (response.json() as { id: string }).id;
    },
    async client(m, id, doc) {
      const c = connectClient(baseUrl, id, await token(m), doc ? { doc } : {});
      clients.push(c);
      return c;
    },
    async rows(id) {
      const row = await t.database.db.selectFrom('document_updates').select((eb) => eb.fn.countAll<string>().as('n')).where('document_id', '=', id).executeTakeFirstOrThrow();
      return Number(row.n);
    },
    destroyClients() {
      for (const c of clients.splice(0)) c.destroy();
    },
    async close() {
      for (const c of clients.splice(0)) c.destroy();
      await t.close();
    },
  };
}
