/**
 * Drafts from Word over HTTP (API.md "Documents", `content: {format: "docx"}`): a committee's Word
 * report becomes a draft with its headings, lists and table; a member comments on text in a
 * table cell and suggests a rewording there; the drafter applies it; the exports keep the table.
 * Bad files are refused with the exact status and code, and nothing is created.
 */
import { randomUUID } from 'node:crypto';
import mammoth from 'mammoth';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Unit } from '../../server/db/units.repository.js';
import { MAX_DOCX_BYTES } from '../../server/domain/docx-package.js';
import { emptyDocx, oversizeDocx, repackDocx, reportDocx } from '../helpers/docx-files.js';
import { docxPart, pdfContent } from '../helpers/export-files.js';
import { makeMember, makeUnit, type TestMember, signIn } from '../helpers/factories.js';
import { expectProblem, startTestApp, type TestApp } from '../helpers/test-app.js';

let t: TestApp;
let unit: Unit;
let drafter: TestMember, member: TestMember;
let tok: Record<string, string> = {};

const create = (title: string, value: string, token = tok[drafter.id]) =>
  t.request({ method: 'POST', url: '/api/v1/documents', token, payload: { unitId: unit.id, title, content: { format: 'docx', value } } });
const documentCount = async () => (await t.request({ method: 'GET', url: `/api/v1/documents?unitId=${unit.id}`, token: tok[drafter.id] })).json().length as number;

beforeAll(async () => {
  t = await startTestApp();
  const db = t.database.db;
  const district = await makeUnit(db, { level: 'district', name: 'Huyện ủy Đông Sơn' });
  unit = await makeUnit(db, { level: 'commune', parent: district, name: 'Đảng ủy xã Minh Sơn' });
  drafter = await makeMember(db, { roles: [[unit, 'drafter']] });
  member = await makeMember(db, { roles: [[unit, 'member']] });
  tok = await signIn(t, [drafter, member]);
});
afterAll(async () => t.close());

describe('POST /documents with a Word file', () => {
  it('creates the draft from the file, comments and a suggestion land in a table cell, apply edits the cell, the exports keep the table', async () => {
    const created = await create('Dự thảo Báo cáo chính trị', (await reportDocx()).toString('base64'));
    expect(created.statusCode).toBe(201);
    const documentId = created.json().id as string;

    const content = (await t.request({ method: 'GET', url: `/api/v1/documents/${documentId}/content`, token: tok[drafter.id] })).json();
    expect(content.sections.map((s: { path: string }) => s.path)).toEqual(['BÁO CÁO CHÍNH TRỊ CỦA BAN CHẤP HÀNH ĐẢNG BỘ XÃ', 'I', 'I > 1', 'I > 1 > 1.1', 'II']);
    const text = content.text as string;
    expect(text).toContain('Các chỉ tiêu chủ yếu đạt được:\nSTT\nChỉ tiêu\nKết quả 2025\n1\nTốc độ tăng trưởng kinh tế\n7,2%\n2\nThu nhập bình quân đầu người\n52 triệu đồng\n');

    // Round 1 on the imported draft: the member questions one cell and suggests a rewording of another.
    const round = await t.request({ method: 'POST', url: `/api/v1/documents/${documentId}/rounds`, token: tok[drafter.id], payload: { closesAt: new Date(Date.now() + 3600_000).toISOString() } });
    expect(round.statusCode).toBe(201);
    const roundId = round.json().id as string;
    const at = (quote: string) => ({ start: text.indexOf(quote), end: text.indexOf(quote) + quote.length });
    const question = randomUUID();
    const asked = await t.request({ method: 'PUT', url: `/api/v1/rounds/${roundId}/annotations/${question}`, token: tok[member.id], payload: { kind: 'question', body: 'Tốc độ này tính theo giá nào?', anchor: at('7,2%') } });
    expect(asked.statusCode).toBe(201);
    expect(asked.json().anchor).toMatchObject({ quote: { exact: '7,2%' }, section: 'I > 1' });
    const suggestion = randomUUID();
    const suggested = await t.request({
      method: 'PUT',
      url: `/api/v1/rounds/${roundId}/annotations/${suggestion}`,
      token: tok[member.id],
      payload: { kind: 'suggestion', body: 'Theo số liệu Chi cục Thống kê.', replacement: '55 triệu đồng', anchor: at('52 triệu đồng') },
    });
    expect(suggested.statusCode).toBe(201);

    expect((await t.request({ method: 'PUT', url: `/api/v1/annotations/${suggestion}/disposition`, token: tok[drafter.id], payload: { decision: 'accepted', note: 'Đúng số liệu' } })).statusCode).toBe(200);
    expect((await t.request({ method: 'POST', url: `/api/v1/annotations/${suggestion}/apply`, token: tok[drafter.id] })).statusCode).toBe(200);
    const live = (await t.request({ method: 'GET', url: `/api/v1/documents/${documentId}/content`, token: tok[drafter.id] })).json().text as string;
    expect(live).toContain('Thu nhập bình quân đầu người\n55 triệu đồng\n3\n');

    // The question still sits on its cell in the live draft.
    const placed = (await t.request({ method: 'GET', url: `/api/v1/documents/${documentId}/annotations?version=live`, token: tok[drafter.id] })).json() as { id: string; anchorStatus: string; position: { start: number; end: number; section: string } }[];
    const placedQuestion = placed.find((a) => a.id === question)!;
    expect(placedQuestion.anchorStatus).toBe('exact');
    expect(live.slice(placedQuestion.position.start, placedQuestion.position.end)).toBe('7,2%');
    expect(placedQuestion.position.section).toBe('I > 1');

    // Exports: the table is a table in Word, the applied text is in its cell, the PDF and Markdown carry it.
    const docx = await t.request({ method: 'GET', url: `/api/v1/documents/${documentId}/export?format=docx`, token: tok[member.id] });
    expect(docx.statusCode).toBe(200);
    const html = (await mammoth.convertToHtml({ buffer: docx.rawPayload })).value;
    expect(html).toMatch(/<tr><td><p>2<\/p><\/td><td><p>Thu nhập bình quân đầu người<\/p><\/td><td><p>55 triệu đồng<\/p><\/td><\/tr>/);
    expect(html).toContain('<h1>BÁO CÁO CHÍNH TRỊ CỦA BAN CHẤP HÀNH ĐẢNG BỘ XÃ</h1>');
    const pdf = await pdfContent((await t.request({ method: 'GET', url: `/api/v1/documents/${documentId}/export?format=pdf`, token: tok[member.id] })).rawPayload);
    expect(pdf.text).toContain('Thu nhập bình quân đầu người 55 triệu đồng');
    const md = (await t.request({ method: 'GET', url: `/api/v1/documents/${documentId}/export?format=md`, token: tok[member.id] })).body;
    expect(md).toContain('| 2 | Thu nhập bình quân đầu người | 55 triệu đồng |');

    // The Word comments of the round sit inside the table's cells.
    const comments = await t.request({ method: 'GET', url: `/api/v1/rounds/${roundId}/annotations?format=docx`, token: tok[drafter.id] });
    const xml = (await docxPart(comments.rawPayload, 'word/document.xml'))!;
    expect(xml).toMatch(/<w:tc>(?:(?!<\/w:tc>).)*<w:commentRangeStart w:id="\d+"\/>(?:(?!<\/w:tc>).)*7,2%/s);
    // And the version diff (base → live) shows the change inside the cell, as tracked changes too.
    const diff = (await t.request({ method: 'GET', url: `/api/v1/documents/${documentId}/diff?from=1&to=live`, token: tok[drafter.id] })).json();
    expect(diff.ops.filter((op: [number, string]) => op[0] !== 0)).toEqual([
      [-1, '52'],
      [1, '55'],
    ]);
    expect(diff.sections).toEqual([{ path: 'I > 1', inserted: 2, deleted: 2 }]);
  });

  it('gives an empty Word file an empty draft (one empty paragraph), as empty text does', async () => {
    const created = await create('Dự thảo trống', (await emptyDocx()).toString('base64'));
    expect(created.statusCode).toBe(201);
    const content = (await t.request({ method: 'GET', url: `/api/v1/documents/${created.json().id}/content`, token: tok[drafter.id] })).json();
    expect(content).toEqual({ text: '\n', sections: [{ path: '', title: '', level: 0, start: 0, end: 1 }] });
  });

  it('refuses a file that is not a Word document with 400 validation_failed and says why, creating nothing', async () => {
    const before = await documentCount();
    const report = await reportDocx();
    const cases: [string, string][] = [
      [Buffer.from('MZ\x90\x00 not a document').toString('base64'), 'not_docx'],
      [Buffer.from([0xd0, 0xcf, 0x11, 0xe0, 0xa1, 0xb1, 0x1a, 0xe1]).toString('base64'), 'legacy_or_encrypted'],
      [repackDocx(report, { 'word/document.xml': '<w:document><w:body>' }).toString('base64'), 'unreadable'],
      [repackDocx(report, { 'word/vbaProject.bin': new Uint8Array([0]) }).toString('base64'), 'macros'],
      ['%%% không phải base64', 'not_docx'],
    ];
    for (const [value, problem] of cases) {
      const response = await create('Tệp hỏng', value);
      expectProblem(response, 400, 'validation_failed');
      expect(response.json().fileProblem).toBe(problem);
    }
    expect(await documentCount()).toBe(before);
  });

  it('refuses a Word file over 20 MiB with 413 too_large, creating nothing', async () => {
    const before = await documentCount();
    const big = await oversizeDocx(MAX_DOCX_BYTES + 1);
    const response = await create('Tệp quá lớn', big.toString('base64'));
    expectProblem(response, 413, 'too_large');
    expect(response.json().fileProblem).toBe('file_too_large');
    expect(await documentCount()).toBe(before);
  });

  it('lets only drafters and secretaries create from a file', async () => {
    expectProblem(await create('Không được', (await emptyDocx()).toString('base64'), tok[member.id]), 403, 'forbidden');
  });
});
