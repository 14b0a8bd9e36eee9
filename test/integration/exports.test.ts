import { randomUUID } from 'node:crypto';
import mammoth from 'mammoth';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Unit } from '../../server/db/units.repository.js';
import { docxPart, pdfContent, xmlTexts } from '../helpers/export-files.js';
import { decide, inHours, makeAnnotation, makeDocumentInRound, makeMembers, makeUnit, type SignedInMember } from '../helpers/factories.js';
import { expectProblem, startTestApp, type TestApp } from '../helpers/test-app.js';

let t: TestApp;
let district: Unit, commune: Unit, other: Unit;
let drafter: SignedInMember, alice: SignedInMember, bob: SignedInMember, outsider: SignedInMember;
let documentId: string;
let roundId: string;

const markdown = '# BÁO CÁO CHÍNH TRỊ\n\n## I. Kinh tế\n\nTốc độ tăng trưởng đạt **8,2%** mỗi năm.\n\n- Nông nghiệp hàng hóa\n- Du lịch\n\nTỷ lệ hộ nghèo giảm còn 4,1%.\n';
const plain = 'BÁO CÁO CHÍNH TRỊ\nI. Kinh tế\nTốc độ tăng trưởng đạt 8,2% mỗi năm.\nNông nghiệp hàng hóa\nDu lịch\nTỷ lệ hộ nghèo giảm còn 4,1%.\n';
const at = (quote: string) => ({ start: plain.indexOf(quote), end: plain.indexOf(quote) + quote.length });
const docxText = async (buffer: Buffer) => (await mammoth.extractRawText({ buffer })).value;

beforeAll(async () => {
  t = await startTestApp();
  const db = t.database.db;
  const province = await makeUnit(db, { level: 'province', name: 'Tỉnh ủy Minh Hà' });
  district = await makeUnit(db, { level: 'district', parent: province, name: 'Huyện ủy Đông Sơn' });
  commune = await makeUnit(db, { level: 'commune', parent: district, name: 'Đảng ủy xã Minh Sơn' });
  other = await makeUnit(db, { level: 'district', parent: province, name: 'Huyện ủy Tây Sơn' });
  ({ drafter, alice, bob, outsider } = await makeMembers(t, { drafter: [[district, 'drafter']], alice: [[district, 'member']], bob: [[commune, 'member']], outsider: [[other, 'secretary']] }));
  ({ documentId, roundId } = await makeDocumentInRound(t, drafter.token, { unitId: district.id, title: 'Dự thảo Báo cáo chính trị', markdown, closesAt: inHours(1) }));
  const put = (who: SignedInMember, payload: Record<string, unknown>) => makeAnnotation(t, who.token, roundId, payload);
  await put(alice, { kind: 'question', body: 'Số liệu 8,2% lấy từ đâu?', anchor: at('8,2%') });
  await put(bob, { kind: 'objection', body: 'Chưa sát thực tế.', anchor: at('Du lịch') });
  const suggestion = await put(alice, { kind: 'suggestion', body: 'Cập nhật số liệu.', replacement: '3,9%', anchor: at('4,1%') });
  // Accept and apply it: the live draft changes, and version 2 freezes it.
  expect((await decide(t, drafter.token, suggestion, 'accepted')).statusCode).toBe(200);
  expect((await t.request({ method: 'POST', url: `/api/v1/annotations/${suggestion}/apply`, token: drafter.token })).statusCode).toBe(200);
  expect((await t.request({ method: 'POST', url: `/api/v1/documents/${documentId}/versions`, token: drafter.token, payload: { label: 'Sau vòng 1' } })).statusCode).toBe(201);
});
afterAll(async () => t.close());

describe('GET /documents/:id/export', () => {
  it('exports the live draft as DOCX in the Party frame with the downloader in the footer', async () => {
    const response = await t.request({ method: 'GET', url: `/api/v1/documents/${documentId}/export?format=docx`, token: bob.token });
    expect(response.statusCode).toBe(200);
    expect(response.headers['content-type']).toBe('application/vnd.openxmlformats-officedocument.wordprocessingml.document');
    expect(response.headers['content-disposition']).toBe('attachment; filename="du-thao-bao-cao-chinh-tri.docx"');
    expect(response.headers['cache-control']).toBe('no-store');
    const html = (await mammoth.convertToHtml({ buffer: response.rawPayload })).value;
    expect(html).toContain('<h1>BÁO CÁO CHÍNH TRỊ</h1>');
    expect(html).toContain('<strong>8,2%</strong>');
    expect(html).toContain('3,9%');
    expect(html).toContain('ĐẢNG BỘ TỈNH MINH HÀ');
    expect(html).toContain('HUYỆN ỦY ĐÔNG SƠN');
    const footer = (await docxPart(response.rawPayload, 'word/footer1.xml'))!;
    expect(xmlTexts(footer, 'w:t').join('')).toContain(`Tải xuống bởi ${bob.displayName} lúc`);
  });

  it('exports version n as PDF and Markdown', async () => {
    const pdf = await t.request({ method: 'GET', url: `/api/v1/documents/${documentId}/export?format=pdf&version=1`, token: alice.token });
    expect(pdf.statusCode).toBe(200);
    expect(pdf.headers['content-type']).toBe('application/pdf');
    const { text, fonts } = await pdfContent(pdf.rawPayload);
    const squashed = text.replace(/\s+/g, '');
    expect(squashed).toContain('Tỷlệhộnghèogiảmcòn4,1%');
    expect(squashed).toContain(`Tảixuốngbởi${alice.displayName.replace(/\s+/g, '')}`);
    expect(squashed).toContain('Bản1');
    expect(fonts.every((f) => f.includes('+Tinos'))).toBe(true);
    const md = await t.request({ method: 'GET', url: `/api/v1/documents/${documentId}/export?format=md&version=1`, token: alice.token });
    expect(md.headers['content-type']).toBe('text/markdown; charset=utf-8');
    expect(md.body).toBe('# BÁO CÁO CHÍNH TRỊ\n\n## I. Kinh tế\n\nTốc độ tăng trưởng đạt **8,2%** mỗi năm.\n\n- Nông nghiệp hàng hóa\n- Du lịch\n\nTỷ lệ hộ nghèo giảm còn 4,1%.\n');
  });

  it('answers 404 to those who may not see the document, 401 without a token, 400 for a bad format, 404 for a missing version', async () => {
    const url = `/api/v1/documents/${documentId}/export`;
    expectProblem(await t.request({ method: 'GET', url: `${url}?format=docx`, token: outsider.token }), 404, 'not_found');
    expectProblem(await t.request({ method: 'GET', url: `${url}?format=pdf` }), 401, 'unauthenticated');
    expectProblem(await t.request({ method: 'GET', url: `${url}?format=odt`, token: alice.token }), 400, 'validation_failed');
    expectProblem(await t.request({ method: 'GET', url, token: alice.token }), 400, 'validation_failed');
    expectProblem(await t.request({ method: 'GET', url: `${url}?format=docx&version=99`, token: alice.token }), 404, 'not_found');
    expectProblem(await t.request({ method: 'GET', url: `/api/v1/documents/${randomUUID()}/export?format=docx`, token: alice.token }), 404, 'not_found');
  });
});

describe('GET /documents/:id/diff?format=docx', () => {
  it('answers version m with the changes from n as tracked changes', async () => {
    const response = await t.request({ method: 'GET', url: `/api/v1/documents/${documentId}/diff?from=1&to=2&format=docx`, token: alice.token });
    expect(response.statusCode).toBe(200);
    expect(response.headers['content-disposition']).toBe('attachment; filename="du-thao-bao-cao-chinh-tri-thay-doi-1-2.docx"');
    const xml = (await docxPart(response.rawPayload, 'word/document.xml'))!;
    const inserted = [...xml.matchAll(/<w:ins [^>]*>([^]*?)<\/w:ins>/g)].map((m) => xmlTexts(m[1]!, 'w:t').join('')).join('');
    const deleted = [...xml.matchAll(/<w:del [^>]*>([^]*?)<\/w:del>/g)].map((m) => xmlTexts(m[1]!, 'w:delText').join('')).join('');
    expect(inserted).toBe('3,9');
    expect(deleted).toBe('4,1');
    expect(xml).toMatch(/<w:ins [^>]*w:author="Bản 2"/);
    expect(await docxText(response.rawPayload)).toContain('Các thay đổi từ bản 1 đến bản 2');
    const live = await t.request({ method: 'GET', url: `/api/v1/documents/${documentId}/diff?from=1&to=live&format=docx`, token: alice.token });
    expect(live.statusCode).toBe(200);
  });

  it('keeps the JSON answer and the permission checks of the diff', async () => {
    const json = await t.request({ method: 'GET', url: `/api/v1/documents/${documentId}/diff?from=1&to=2`, token: alice.token });
    expect(json.json().stats).toEqual({ inserted: 3, deleted: 3 });
    expectProblem(await t.request({ method: 'GET', url: `/api/v1/documents/${documentId}/diff?from=1&to=2&format=docx`, token: outsider.token }), 404, 'not_found');
    expectProblem(await t.request({ method: 'GET', url: `/api/v1/documents/${documentId}/diff?from=1&to=9&format=docx`, token: alice.token }), 404, 'not_found');
  });
});

describe('GET /rounds/:roundId/annotations?format=docx', () => {
  const comments = async (token: string) => {
    const response = await t.request({ method: 'GET', url: `/api/v1/rounds/${roundId}/annotations?format=docx`, token });
    expect(response.statusCode).toBe(200);
    const xml = (await docxPart(response.rawPayload, 'word/comments.xml')) ?? '';
    const document = (await docxPart(response.rawPayload, 'word/document.xml'))!;
    const authors = [...xml.matchAll(/<w:comment [^>]*w:author="([^"]*)"/g)].map((m) => m[1]);
    const passages = [...document.matchAll(/<w:commentRangeStart w:id="(\d+)"\/>/g)].map((m) =>
      xmlTexts(document.slice(m.index, document.indexOf(`<w:commentRangeEnd w:id="${m[1]}"/>`)), 'w:t').join(''),
    );
    return { authors, passages, text: xmlTexts(xml, 'w:t').join('|') };
  };

  it('gives reviewers every annotation as a Word comment on its passage in the base version, with its author', async () => {
    const { authors, passages, text } = await comments(drafter.token!);
    expect(authors.sort()).toEqual([alice.displayName, alice.displayName, bob.displayName].sort());
    expect(passages).toEqual(['8,2%', 'Du lịch', '4,1%']);
    expect(text).toContain('Câu hỏi: Số liệu 8,2% lấy từ đâu?');
    expect(text).toContain('Đề xuất sửa thành: 3,9%');
  });

  it('gives a member of a private round only their own', async () => {
    const { authors, passages } = await comments(bob.token!);
    expect(authors).toEqual([bob.displayName]);
    expect(passages).toEqual(['Du lịch']);
  });

  it('answers 404 to those who may not see the round', async () => {
    expectProblem(await t.request({ method: 'GET', url: `/api/v1/rounds/${roundId}/annotations?format=docx`, token: outsider.token }), 404, 'not_found');
    expectProblem(await t.request({ method: 'GET', url: `/api/v1/rounds/${randomUUID()}/annotations?format=docx`, token: alice.token }), 404, 'not_found');
  });
});
