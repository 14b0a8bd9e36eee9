/**
 * Text typed live, through a real WebsocketProvider, reaching versions, rounds, content and diffs
 * (DESIGN.md "Plain-text projection", "Normalisation"): controls and half emoji never break them,
 * decomposed and precomposed typing are the same text, and a hard break reads as a line break.
 */
import { randomUUID } from 'node:crypto';
import * as Y from 'yjs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Unit } from '../../server/db/units.repository.js';
import { makeMember, makeUnit, type TestMember } from '../helpers/factories.js';
import { startTestApp, type TestApp } from '../helpers/test-app.js';
import { connectClient, eventually, type TestClient } from '../helpers/ws-client.js';

let t: TestApp;
let baseUrl: string;
let unit: Unit;
let drafter: TestMember;
let token: string;
const clients: TestClient[] = [];

beforeAll(async () => {
  t = await startTestApp();
  baseUrl = await t.listen();
  unit = await makeUnit(t.database.db);
  drafter = await makeMember(t.database.db, { roles: [[unit, 'secretary']] });
  token = await t.tokenFor(drafter);
});
afterAll(async () => {
  for (const c of clients) c.destroy();
  await t.close();
});

async function newDocument(): Promise<string> {
  const response = await t.request({ method: 'POST', url: '/api/v1/documents', token, payload: { unitId: unit.id, title: 'Dự thảo' } });
  expect(response.statusCode).toBe(201);
  return response.json().id as string;
}

/** Opens the document live and replaces its content with paragraphs of inline pieces, as an editor does. */
async function typeLive(id: string, paragraphs: Array<Array<string | 'BR'>>): Promise<TestClient> {
  const client = connectClient(baseUrl, id, token);
  clients.push(client);
  await client.synced;
  const fragment = client.doc.getXmlFragment('default');
  client.doc.transact(() => {
    fragment.delete(0, fragment.length);
    fragment.insert(
      0,
      paragraphs.map((pieces) => {
        const paragraph = new Y.XmlElement('paragraph');
        paragraph.insert(0, pieces.map((piece) => (piece === 'BR' ? new Y.XmlElement('hardBreak') : new Y.XmlText(piece))));
        return paragraph;
      }),
    );
  });
  await settled(id, client);
  return client;
}

/** Waits until the server's live content is what the client typed. */
async function settled(id: string, client: TestClient): Promise<void> {
  const expected = client.doc.getXmlFragment('default').length;
  await eventually(async () => {
    const content = await t.request({ method: 'GET', url: `/api/v1/documents/${id}/content`, token });
    return content.statusCode === 200 && content.json().text.split('\n').length - 1 >= expected;
  }, 'the live edit reached the server');
}

const get = (url: string) => t.request({ method: 'GET', url, token });

describe('text typed live', () => {
  it('lets NUL, other controls and half an emoji typed live freeze into versions and rounds', async () => {
    const id = await newDocument();
    await typeLive(id, [['Mục tiêu\u0000 tăng\u0007 trưởng\ud83d'], ['dòng\u000bhai\r']]);
    const live = (await get(`/api/v1/documents/${id}/content`)).json();
    expect(live.text).toBe('Mục tiêu\ufffd tăng\ufffd trưởng\ufffd\ndòng hai \n');

    const version = await t.request({ method: 'POST', url: `/api/v1/documents/${id}/versions`, token, payload: { label: 'Có ký tự lạ' } });
    expect(version.statusCode).toBe(201);
    const round = await t.request({
      method: 'POST',
      url: `/api/v1/documents/${id}/rounds`,
      token,
      payload: { closesAt: new Date(Date.now() + 86_400_000).toISOString() },
    });
    expect(round.statusCode).toBe(201);
    expect((await get(`/api/v1/documents/${id}/content?version=1`)).json().text).toBe(live.text);
    expect((await get(`/api/v1/documents/${id}/content?version=2`)).json().text).toBe(live.text);
    const diff = (await get(`/api/v1/documents/${id}/diff?from=1&to=live`)).json();
    expect(diff.stats).toEqual({ inserted: 0, deleted: 0 });
  });

  it('diffs a sentence typed decomposed, frozen, then retyped precomposed as no change, and freezes NFC', async () => {
    const sentence = 'Tốc độ tăng trưởng kinh tế bình quân đạt khoảng 8,5%/năm, vượt mục tiêu Nghị quyết đề ra.';
    const id = await newDocument();
    const client = await typeLive(id, [['I. Đánh giá'], [sentence.normalize('NFD')]]);
    expect((await get(`/api/v1/documents/${id}/content`)).json().text).toContain(sentence.normalize('NFD')); // live stays as typed
    expect((await t.request({ method: 'POST', url: `/api/v1/documents/${id}/versions`, token, payload: { label: 'NFD' } })).statusCode).toBe(201);
    const frozen = (await get(`/api/v1/documents/${id}/content?version=1`)).json();
    expect(frozen.text).toBe(`I. Đánh giá\n${sentence}\n`);

    const fragment = client.doc.getXmlFragment('default');
    const run = (fragment.get(1) as Y.XmlElement).get(0) as Y.XmlText;
    client.doc.transact(() => {
      run.delete(0, run.length);
      run.insert(0, sentence);
    });
    await eventually(async () => (await get(`/api/v1/documents/${id}/content`)).json().text.includes(sentence), 'the retyped sentence arrived');

    const toLive = (await get(`/api/v1/documents/${id}/diff?from=1&to=live`)).json();
    expect(toLive).toMatchObject({ ops: [[0, frozen.text]], stats: { inserted: 0, deleted: 0 }, sections: [] });
    expect((await t.request({ method: 'POST', url: `/api/v1/documents/${id}/versions`, token, payload: { label: 'NFC' } })).statusCode).toBe(201);
    expect((await get(`/api/v1/documents/${id}/diff?from=1&to=2`)).json().stats).toEqual({ inserted: 0, deleted: 0 });
  });

  it('reads a hard break as a line break in content, versions and diffs', async () => {
    const id = await newDocument();
    const client = await typeLive(id, [['tăng trưởng 8%', 'BR', 'giảm nghèo 1%']]);
    const text = 'tăng trưởng 8%\ngiảm nghèo 1%\n';
    expect((await get(`/api/v1/documents/${id}/content`)).json().text).toBe(text);
    expect((await t.request({ method: 'POST', url: `/api/v1/documents/${id}/versions`, token, payload: { label: 'v' } })).statusCode).toBe(201);
    expect((await get(`/api/v1/documents/${id}/content?version=1`)).json().text).toBe(text);

    const paragraph = client.doc.getXmlFragment('default').get(0) as Y.XmlElement;
    const tail = paragraph.get(2) as Y.XmlText;
    client.doc.transact(() => tail.insert(tail.length, ' nữa'));
    await eventually(async () => (await get(`/api/v1/documents/${id}/content`)).json().text.includes('nữa'), 'the edit arrived');
    const diff = (await get(`/api/v1/documents/${id}/diff?from=1&to=live`)).json();
    expect(diff.ops).toEqual([[0, 'tăng trưởng 8%\ngiảm nghèo 1%'], [1, ' nữa'], [0, '\n']]);
    expect(diff.html).toBe('<p>tăng trưởng 8%</p>\n<p>giảm nghèo 1%<ins> nữa</ins></p>');

    // Quotes and the W3C Web Annotation export read the two lines as two lines.
    const round = await t.request({ method: 'POST', url: `/api/v1/documents/${id}/rounds`, token, payload: { closesAt: new Date(Date.now() + 86_400_000).toISOString() } });
    const roundId = round.json().id as string;
    const base = (await get(`/api/v1/documents/${id}/content?version=2`)).json().text as string;
    const start = base.indexOf('8%');
    const annotation = await t.request({
      method: 'PUT',
      url: `/api/v1/rounds/${roundId}/annotations/${randomUUID()}`,
      token,
      payload: { kind: 'comment', body: 'Hai chỉ tiêu', anchor: { start, end: start + '8%\ngiảm'.length } },
    });
    expect(annotation.statusCode).toBe(201);
    expect(annotation.json().anchor.quote).toMatchObject({ exact: '8%\ngiảm', suffix: ' nghèo 1% nữa\n' });
    const jsonld = await get(`/api/v1/rounds/${roundId}/summary?format=jsonld`);
    expect(jsonld.statusCode).toBe(200);
    expect(jsonld.body).toContain('"exact": "8%\\ngiảm"');
  });
});
