import { randomUUID } from 'node:crypto';
import { Document, Packer, Paragraph } from 'docx';
import JSZip from 'jszip';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Unit } from '../../server/db/units.repository.js';
import { zipBombDocx } from '../helpers/docx-files.js';
import { docxPart, xmlTexts } from '../helpers/export-files.js';
import { makeDocumentInRound, makeMember, makeUnit, putAnnotation, sampleReportText as text, type TestMember, signIn } from '../helpers/factories.js';
import { expectProblem, startTestApp, type TestApp } from '../helpers/test-app.js';

let t: TestApp;
let district: Unit, commune: Unit, otherCommune: Unit;
let drafter: TestMember, secretary: TestMember, alice: TestMember, bob: TestMember, communeSecretary: TestMember, stranger: TestMember, otherSecretary: TestMember;
let tok: Record<string, string> = {};

beforeAll(async () => {
  t = await startTestApp();
  const db = t.database.db;
  district = await makeUnit(db, { level: 'district' });
  commune = await makeUnit(db, { parent: district });
  otherCommune = await makeUnit(db, { parent: district });
  drafter = await makeMember(db, { roles: [[district, 'drafter']] });
  secretary = await makeMember(db, { roles: [[district, 'secretary']] });
  alice = await makeMember(db, { roles: [[commune, 'member']] });
  bob = await makeMember(db, { roles: [[otherCommune, 'member']] });
  communeSecretary = await makeMember(db, { roles: [[commune, 'secretary']] });
  otherSecretary = await makeMember(db, { roles: [[otherCommune, 'secretary']] });
  stranger = await makeMember(db, { roles: [[await makeUnit(db, { level: 'district' }), 'secretary']] });
  tok = await signIn(t, [drafter, secretary, alice, bob, communeSecretary, stranger, otherSecretary]);
});
afterAll(async () => t.close());

const roundOnDistrict = (visibility: 'private' | 'open' = 'private') => makeDocumentInRound(t, tok[drafter.id], { unitId: district.id, visibility });

const put = (roundId: string, id: string, member: TestMember, body: Record<string, unknown>) => putAnnotation(t, tok[member.id], roundId, body, id);
const get = (url: string, member: TestMember) => t.request({ method: 'GET', url, token: tok[member.id] });
const passage = (word: string) => ({ start: text.indexOf(word), end: text.indexOf(word) + word.length });

async function docxFile(): Promise<Buffer> {
  return Packer.toBuffer(new Document({ sections: [{ children: [new Paragraph('Ý kiến của chi bộ thôn Đông')] }] }));
}
async function odtFile(): Promise<Buffer> {
  const zip = new JSZip();
  zip.file('mimetype', 'application/vnd.oasis.opendocument.text', { compression: 'STORE' });
  zip.file('content.xml', '<office:document-content/>');
  zip.file('META-INF/manifest.xml', '<manifest/>');
  return zip.generateAsync({ type: 'nodebuffer' });
}
const pdfFile = () => Buffer.from('%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n');
const pngFile = () => Buffer.concat([Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]), Buffer.alloc(32, 1)]);
const jpegFile = () => Buffer.concat([Buffer.from([0xff, 0xd8, 0xff, 0xe0]), Buffer.alloc(32, 2)]);
const attach = (filename: string, contentType: string, data: Buffer) => ({ filename, contentType, dataBase64: data.toString('base64') });

describe('general comments', () => {
  it('takes a comment on a whole section and on the whole document, with null positions and quote', async () => {
    const { roundId } = await roundOnDistrict();
    const onSection = await put(roundId, randomUUID(), alice, { kind: 'comment', body: 'Mục này cần thêm số liệu về nông nghiệp', anchor: { scope: 'section', section: 'II' } });
    expect(onSection.statusCode).toBe(201);
    expect(onSection.json().anchor).toEqual({ scope: 'section', start: null, end: null, relStart: null, relEnd: null, quote: null, section: 'II' });
    const onDocument = await put(roundId, randomUUID(), alice, { kind: 'objection', body: 'Văn kiện quá dài'.padEnd(30_000, '.'), anchor: { scope: 'document' } });
    expect(onDocument.statusCode).toBe(201);
    expect(onDocument.json().anchor).toMatchObject({ scope: 'document', start: null, quote: null, section: '' });
    expect(onDocument.json().body).toHaveLength(30_000);
    const onPassage = await put(roundId, randomUUID(), alice, { kind: 'comment', body: 'Rõ hơn', anchor: passage('8,2%') });
    expect(onPassage.json().anchor).toMatchObject({ scope: 'passage', quote: { exact: '8,2%' } });
  });

  it('refuses bad general comments with exact errors', async () => {
    const { roundId } = await roundOnDistrict();
    expectProblem(await put(roundId, randomUUID(), alice, { kind: 'comment', body: 'x', anchor: { scope: 'section', section: 'IX' } }), 422, 'anchor_mismatch');
    expectProblem(await put(roundId, randomUUID(), alice, { kind: 'comment', body: 'x', anchor: { scope: 'section' } }), 400, 'validation_failed');
    expectProblem(await put(roundId, randomUUID(), alice, { kind: 'comment', body: 'x', anchor: { scope: 'document', start: 0 } }), 400, 'validation_failed');
    expectProblem(await put(roundId, randomUUID(), alice, { kind: 'comment', body: 'x', anchor: { scope: 'page' } }), 400, 'validation_failed');
    expectProblem(await put(roundId, randomUUID(), alice, { kind: 'suggestion', body: '', replacement: 'khác', anchor: { scope: 'document' } }), 400, 'validation_failed');
    expectProblem(await put(roundId, randomUUID(), alice, { kind: 'comment', body: 'x'.repeat(50_001), anchor: { scope: 'document' } }), 413, 'too_large');
    expectProblem(await put(roundId, randomUUID(), alice, { kind: 'comment', body: 'x'.repeat(10_001), anchor: passage('8,2%') }), 413, 'too_large');
    expectProblem(await put(roundId, randomUUID(), alice, { kind: 'comment', body: '   ', anchor: { scope: 'document' } }), 400, 'validation_failed');
  });

  it('stores an attachment judged by its content and serves it to those who may see the comment', async () => {
    const { roundId } = await roundOnDistrict();
    for (const [name, type, data] of [
      ['gop-y.docx', 'application/vnd.openxmlformats-officedocument.wordprocessingml.document', await docxFile()],
      ['gop-y.odt', 'application/vnd.oasis.opendocument.text', await odtFile()],
      ['gop-y.pdf', 'application/pdf', pdfFile()],
      ['anh chụp.png', 'image/png', pngFile()],
      ['ảnh.jpg', 'image/jpeg', jpegFile()],
    ] as const) {
      const id = randomUUID();
      const created = await put(roundId, id, alice, { kind: 'comment', body: 'Bản góp ý bằng văn bản', anchor: { scope: 'document' }, attachment: attach(name, type, data) });
      expect(created.statusCode, name).toBe(201);
      expect(created.json().attachment).toEqual({ filename: name, contentType: type, size: data.length });
      const file = await get(`/api/v1/annotations/${id}/attachment`, alice);
      expect(file.statusCode).toBe(200);
      expect(file.headers['content-type']).toBe(type);
      expect(Buffer.compare(file.rawPayload, data)).toBe(0);
      expect(file.headers['content-disposition']).toContain(`filename*=UTF-8''${encodeURIComponent(name)}`);
      // The reviewers read it; another member of a private round does not (404, as for the comment).
      expect((await get(`/api/v1/annotations/${id}/attachment`, secretary)).statusCode).toBe(200);
      expectProblem(await get(`/api/v1/annotations/${id}/attachment`, bob), 404, 'not_found');
    }
    const bare = randomUUID();
    await put(roundId, bare, alice, { kind: 'comment', body: 'Không kèm tệp', anchor: { scope: 'document' } });
    expectProblem(await get(`/api/v1/annotations/${bare}/attachment`, alice), 404, 'not_found');
  });

  it('refuses files that are not what they claim, too large, or on a passage', async () => {
    const { roundId } = await roundOnDistrict();
    const general = (attachment: unknown) => ({ kind: 'comment', body: 'Kèm tệp', anchor: { scope: 'section', section: 'I' }, attachment });
    const exe = Buffer.concat([Buffer.from('MZ'), Buffer.alloc(64, 0)]);
    expectProblem(await put(roundId, randomUUID(), alice, general(attach('gop-y.pdf', 'application/pdf', exe))), 415, 'unsupported_media_type');
    expectProblem(await put(roundId, randomUUID(), alice, general(attach('anh.pdf', 'application/pdf', pngFile()))), 415, 'unsupported_media_type');
    const zip = new JSZip();
    zip.file('readme.txt', 'hello');
    expectProblem(await put(roundId, randomUUID(), alice, general(attach('a.docx', 'application/vnd.openxmlformats-officedocument.wordprocessingml.document', await zip.generateAsync({ type: 'nodebuffer' })))), 415, 'unsupported_media_type');
    const macro = await JSZip.loadAsync(await docxFile());
    macro.file('word/vbaProject.bin', Buffer.alloc(16));
    const docm = await macro.generateAsync({ type: 'nodebuffer' });
    expectProblem(await put(roundId, randomUUID(), alice, general(attach('a.docx', 'application/vnd.openxmlformats-officedocument.wordprocessingml.document', docm))), 415, 'unsupported_media_type');
    const broken = Buffer.concat([Buffer.from([0x50, 0x4b, 0x03, 0x04]), Buffer.alloc(100, 7)]);
    expectProblem(await put(roundId, randomUUID(), alice, general(attach('a.docx', 'application/vnd.openxmlformats-officedocument.wordprocessingml.document', broken))), 415, 'unsupported_media_type');
    const big = Buffer.concat([pdfFile(), Buffer.alloc(10 * 1024 * 1024)]);
    expectProblem(await put(roundId, randomUUID(), alice, general(attach('lon.pdf', 'application/pdf', big))), 413, 'too_large');
    // A zip bomb is kept from whoever would open it: its directory declares 101 MiB in one part.
    expect(expectProblem(await put(roundId, randomUUID(), alice, general(attach('bom.docx', 'application/vnd.openxmlformats-officedocument.wordprocessingml.document', await zipBombDocx(101)))), 413, 'too_large').fileProblem).toBe('unpacks_too_large');
    expectProblem(await put(roundId, randomUUID(), alice, general({ filename: 'a.pdf', contentType: 'application/pdf', dataBase64: 'không phải base64!' })), 400, 'validation_failed');
    expectProblem(await put(roundId, randomUUID(), alice, general({ filename: 'a.pdf', contentType: 'application/pdf' })), 400, 'validation_failed');
    expectProblem(
      await put(roundId, randomUUID(), alice, { kind: 'comment', body: 'x', anchor: passage('8,2%'), attachment: attach('a.pdf', 'application/pdf', pdfFile()) }),
      400,
      'validation_failed',
    );
    // Nothing half-created: none of the refused writes left an annotation.
    expect((await get(`/api/v1/rounds/${roundId}/annotations`, alice)).json()).toEqual([]);
  });

  it('replaces, keeps and removes an attachment on update', async () => {
    const { roundId } = await roundOnDistrict();
    const id = randomUUID();
    const body = { kind: 'comment', body: 'Bản góp ý', anchor: { scope: 'document' } };
    expect((await put(roundId, id, alice, { ...body, attachment: attach('a.pdf', 'application/pdf', pdfFile()) })).statusCode).toBe(201);
    const replay = await put(roundId, id, alice, { ...body, attachment: attach('a.pdf', 'application/pdf', pdfFile()) });
    expect(replay.statusCode).toBe(200);
    const kept = await put(roundId, id, alice, { ...body, body: 'Bản góp ý (sửa)' });
    expect(kept.json().attachment).toMatchObject({ filename: 'a.pdf' });
    const replaced = await put(roundId, id, alice, { ...body, attachment: attach('b.png', 'image/png', pngFile()) });
    expect(replaced.json().attachment).toMatchObject({ filename: 'b.png', contentType: 'image/png' });
    const removed = await put(roundId, id, alice, { ...body, attachment: null });
    expect(removed.json().attachment).toBeNull();
    expectProblem(await get(`/api/v1/annotations/${id}/attachment`, alice), 404, 'not_found');
  });

  it('keeps general comments in place when re-anchoring, and clusters them in their section or the document part', async () => {
    const { documentId, roundId } = await roundOnDistrict();
    const a1 = randomUUID();
    const a2 = randomUUID();
    const d1 = randomUUID();
    await put(roundId, a1, alice, { kind: 'comment', body: 'Đề nghị bổ sung số liệu về giảm nghèo bền vững', anchor: { scope: 'section', section: 'II' } });
    await put(roundId, a2, bob, { kind: 'comment', body: 'đề nghị bổ sung số liệu giảm nghèo bền vững', anchor: { scope: 'section', section: 'II' } });
    await put(roundId, d1, alice, { kind: 'comment', body: 'Văn kiện cần ngắn gọn hơn', anchor: { scope: 'document' } });
    await put(roundId, randomUUID(), bob, { kind: 'comment', body: 'Đề nghị bổ sung số liệu về giảm nghèo bền vững', anchor: passage('4,1%') });

    const placed = (await get(`/api/v1/documents/${documentId}/annotations?version=live`, secretary)).json() as Array<{ id: string; anchorStatus: string; position: unknown }>;
    expect(placed.find((a) => a.id === a1)).toMatchObject({ anchorStatus: 'exact', position: { start: null, end: null, section: 'II' } });
    expect(placed.find((a) => a.id === d1)).toMatchObject({ anchorStatus: 'exact', position: { start: null, end: null, section: '' } });

    const summary = (await get(`/api/v1/rounds/${roundId}/summary`, secretary)).json();
    const ii = summary.sections.find((s: { path: string }) => s.path === 'II');
    const general = ii.clusters.filter((c: { scope: string }) => c.scope === 'section');
    expect(general).toHaveLength(1);
    expect(general[0]).toMatchObject({ count: 2, annotationIds: [a1, a2].sort() });
    // The passage comment saying the same is its own point (on the passage), and only it is in a passage.
    expect(ii.clusters.filter((c: { scope: string }) => c.scope === 'passage')).toHaveLength(1);
    expect(ii.passages.flatMap((p: { clusterIds: string[] }) => p.clusterIds)).not.toContain(general[0].id);
    expect(summary.document.clusters).toEqual([expect.objectContaining({ scope: 'document', count: 1, annotationIds: [d1] })]);
    expect(summary.sections.flatMap((s: { clusters: Array<{ scope: string }> }) => s.clusters).some((c: { scope: string }) => c.scope === 'document')).toBe(false);

    // Read again after a second comment on the whole draft and one withdrawn: the summary is
    // recomputed only where it changed, and the document part follows.
    const d2 = randomUUID();
    await put(roundId, d2, bob, { kind: 'comment', body: 'văn kiện cần ngắn gọn hơn', anchor: { scope: 'document' } });
    const again = (await get(`/api/v1/rounds/${roundId}/summary`, secretary)).json();
    expect(again.document.clusters).toEqual([expect.objectContaining({ scope: 'document', count: 2, annotationIds: [d1, d2].sort() })]);
    expect(again.sections.find((s: { path: string }) => s.path === 'II')).toEqual(ii);
    const withdrawn = await t.request({ method: 'DELETE', url: `/api/v1/rounds/${roundId}/annotations/${d1}`, token: tok[alice.id] });
    expect(withdrawn.statusCode).toBeLessThan(300);
    const third = (await get(`/api/v1/rounds/${roundId}/summary`, secretary)).json();
    expect(third.document.clusters).toEqual([expect.objectContaining({ count: 1, annotationIds: [d2] })]);
    // One section asked for alone: the whole-draft part belongs to no section.
    const one = (await get(`/api/v1/rounds/${roundId}/summary?section=II`, secretary)).json();
    expect(one.document.clusters).toEqual([]);
    expect(one.sections.map((s: { path: string }) => s.path)).toEqual(['II']);
  });
});

describe('comments recorded on behalf', () => {
  it('lets the scope unit’s secretary record for a member, who sees it as theirs and counts as having commented', async () => {
    const { roundId } = await roundOnDistrict();
    const id = randomUUID();
    const recorded = await put(roundId, id, secretary, { kind: 'comment', body: 'Ý kiến ghi trên phiếu', anchor: passage('8,2%'), onBehalfOf: { memberId: alice.id }, source: 'paper' });
    expect(recorded.statusCode).toBe(201);
    expect(recorded.json()).toMatchObject({ authorId: alice.id, authorName: alice.displayName, recordedBy: { id: secretary.id, name: secretary.displayName }, source: 'paper', group: null });
    const mine = (await get(`/api/v1/rounds/${roundId}/annotations`, alice)).json();
    expect(mine.map((a: { id: string }) => a.id)).toEqual([id]);
    expect(mine[0]).toMatchObject({ recordedBy: { id: secretary.id }, source: 'paper' });
    expect((await get(`/api/v1/rounds/${roundId}/annotations`, bob)).json()).toEqual([]);
    const summary = (await get(`/api/v1/rounds/${roundId}/summary`, secretary)).json();
    expect(summary.participation).toMatchObject({ commented: 1, annotations: 1, groups: [] });
    expect(summary.participation.byUnit.find((u: { unitId: string }) => u.unitId === commune.id)).toMatchObject({ commented: 1 });
    expect(summary.sections.flatMap((s: { clusters: unknown[] }) => s.clusters)).toEqual([expect.objectContaining({ recorded: 1, groups: [] })]);
    // A replay by the recorder is harmless; the member cannot rewrite it, but may withdraw it.
    expect((await put(roundId, id, secretary, { kind: 'comment', body: 'Ý kiến ghi trên phiếu', anchor: passage('8,2%'), onBehalfOf: { memberId: alice.id }, source: 'paper' })).statusCode).toBe(200);
    expectProblem(await put(roundId, id, alice, { kind: 'comment', body: 'Sửa', anchor: passage('8,2%') }), 403, 'forbidden');
    expect((await t.request({ method: 'DELETE', url: `/api/v1/rounds/${roundId}/annotations/${id}`, token: tok[alice.id] })).statusCode).toBe(204);
  });

  it('lets the member’s own unit’s secretary record for them, and records a discussion group', async () => {
    const { roundId } = await roundOnDistrict();
    const forAlice = await put(roundId, randomUUID(), communeSecretary, { kind: 'question', body: 'Hỏi qua điện thoại', anchor: { scope: 'section', section: 'I' }, onBehalfOf: { memberId: alice.id }, source: 'phone' });
    expect(forAlice.statusCode).toBe(201);
    expect(forAlice.json()).toMatchObject({ authorId: alice.id, recordedBy: { id: communeSecretary.id }, source: 'phone' });
    const group = await put(roundId, randomUUID(), communeSecretary, {
      kind: 'comment',
      body: 'Tổ thảo luận đề nghị làm rõ chỉ tiêu tăng trưởng',
      anchor: passage('8,2%'),
      onBehalfOf: { group: { name: 'Tổ 3', size: 12 } },
      source: 'meeting',
    });
    expect(group.statusCode).toBe(201);
    expect(group.json()).toMatchObject({ authorId: null, authorName: 'Tổ 3', group: { name: 'Tổ 3', size: 12 }, recordedBy: { id: communeSecretary.id }, source: 'meeting' });
    const summary = (await get(`/api/v1/rounds/${roundId}/summary`, secretary)).json();
    expect(summary.participation).toMatchObject({ commented: 1, annotations: 2, groups: [{ name: 'Tổ 3', size: 12, annotations: 1 }] });
    expect(summary.sections.flatMap((s: { clusters: unknown[] }) => s.clusters)).toContainEqual(expect.objectContaining({ groups: ['Tổ 3'], recorded: 1 }));
    // The recorder sees what they recorded even where they do not review the round.
    expect((await get(`/api/v1/rounds/${roundId}/annotations`, communeSecretary)).json()).toHaveLength(2);
  });

  it('refuses onBehalfOf from anyone else, and bad input, with exact errors', async () => {
    const { roundId } = await roundOnDistrict();
    const body = (extra: Record<string, unknown>) => ({ kind: 'comment', body: 'Ý kiến', anchor: passage('8,2%'), ...extra });
    // A member, a secretary of another commune (for a member not of theirs), a stranger (invisible round).
    expectProblem(await put(roundId, randomUUID(), alice, body({ onBehalfOf: { memberId: bob.id }, source: 'paper' })), 403, 'forbidden');
    expectProblem(await put(roundId, randomUUID(), otherSecretary, body({ onBehalfOf: { memberId: alice.id }, source: 'paper' })), 403, 'forbidden');
    expectProblem(await put(roundId, randomUUID(), alice, body({ onBehalfOf: { group: { name: 'Tổ 1', size: 5 } }, source: 'meeting' })), 403, 'forbidden');
    expectProblem(await put(roundId, randomUUID(), stranger, body({ onBehalfOf: { memberId: alice.id }, source: 'paper' })), 404, 'not_found');
    // Bad input from someone allowed.
    expectProblem(await put(roundId, randomUUID(), secretary, body({ onBehalfOf: { memberId: alice.id } })), 400, 'validation_failed');
    expectProblem(await put(roundId, randomUUID(), secretary, body({ onBehalfOf: { memberId: alice.id }, source: 'fax' })), 400, 'validation_failed');
    expectProblem(await put(roundId, randomUUID(), secretary, body({ source: 'paper' })), 400, 'validation_failed');
    expectProblem(await put(roundId, randomUUID(), secretary, body({ onBehalfOf: { memberId: stranger.id }, source: 'paper' })), 400, 'validation_failed');
    expectProblem(await put(roundId, randomUUID(), secretary, body({ onBehalfOf: { memberId: randomUUID() }, source: 'paper' })), 400, 'validation_failed');
    expectProblem(await put(roundId, randomUUID(), secretary, body({ onBehalfOf: { memberId: 'not-a-uuid' }, source: 'paper' })), 400, 'validation_failed');
    expectProblem(await put(roundId, randomUUID(), secretary, body({ onBehalfOf: { group: { name: '', size: 5 } }, source: 'meeting' })), 400, 'validation_failed');
    expectProblem(await put(roundId, randomUUID(), secretary, body({ onBehalfOf: { group: { name: '   ', size: 5 } }, source: 'meeting' })), 400, 'validation_failed');
    expectProblem(await put(roundId, randomUUID(), secretary, body({ onBehalfOf: { group: { name: 'Tổ 1', size: 0 } }, source: 'meeting' })), 400, 'validation_failed');
    expectProblem(await put(roundId, randomUUID(), secretary, body({ onBehalfOf: { group: { name: 'Tổ 1' } }, source: 'meeting' })), 400, 'validation_failed');
    expectProblem(await put(roundId, randomUUID(), secretary, body({ onBehalfOf: { memberId: alice.id, group: { name: 'Tổ 1', size: 3 } }, source: 'meeting' })), 400, 'validation_failed');
    expectProblem(await put(roundId, randomUUID(), secretary, body({ onBehalfOf: {}, source: 'meeting' })), 400, 'validation_failed');
    // An id another staff member recorded is theirs.
    const id = randomUUID();
    expect((await put(roundId, id, secretary, body({ onBehalfOf: { memberId: alice.id }, source: 'paper' }))).statusCode).toBe(201);
    expectProblem(await put(roundId, id, drafter, body({ onBehalfOf: { memberId: alice.id }, source: 'paper' })), 403, 'forbidden');
    // Who it speaks for stays recorded: the recorder cannot turn it into their own comment, nor their own into a recorded one.
    expectProblem(await put(roundId, id, secretary, body({})), 409, 'conflict');
    const own = randomUUID();
    expect((await put(roundId, own, communeSecretary, body({}))).statusCode).toBe(201);
    expectProblem(await put(roundId, own, communeSecretary, body({ onBehalfOf: { memberId: alice.id }, source: 'paper' })), 409, 'conflict');
    // Correcting the member it was recorded for is an update.
    const corrected = await put(roundId, id, secretary, body({ onBehalfOf: { memberId: bob.id }, source: 'phone' }));
    expect(corrected.statusCode).toBe(200);
    expect(corrected.json()).toMatchObject({ authorId: bob.id, source: 'phone' });
  });
});

describe('exports show general comments and who recorded what', () => {
  it('prints the document part, the recorded count and the groups in the summary, and places general comments as Word comments', async () => {
    const { roundId } = await roundOnDistrict();
    await put(roundId, randomUUID(), secretary, { kind: 'comment', body: 'Đề nghị rút gọn văn kiện', anchor: { scope: 'document' }, onBehalfOf: { group: { name: 'Tổ 2', size: 9 } }, source: 'meeting' });
    await put(roundId, randomUUID(), secretary, { kind: 'question', body: 'Chỉ tiêu giảm nghèo lấy từ đâu?', anchor: { scope: 'section', section: 'II' }, onBehalfOf: { memberId: alice.id }, source: 'paper' });
    await put(roundId, randomUUID(), bob, { kind: 'comment', body: 'Nên ghi rõ năm gốc', anchor: passage('8,2%') });

    const md = (await get(`/api/v1/rounds/${roundId}/summary?format=md`, secretary)).body;
    expect(md).toContain('## Góp ý chung cho toàn văn');
    expect(md).toContain('tổ thảo luận: Tổ 2 (9 người, 1 ý kiến)');
    expect(md).toContain('*Góp ý chung cho mục*: Chỉ tiêu giảm nghèo lấy từ đâu?');
    expect(md).toContain('*(1 ý kiến ghi thay)*');
    expect(md).toContain('*(1 ý kiến ghi thay; tổ thảo luận: Tổ 2)*');

    const docx = await get(`/api/v1/rounds/${roundId}/annotations?format=docx`, secretary);
    expect(docx.statusCode).toBe(200);
    const comments = (await docxPart(docx.rawPayload, 'word/comments.xml'))!;
    const authors = [...comments.matchAll(/w:author="([^"]*)"/g)].map((m) => m[1]);
    expect(authors).toContain(`${alice.displayName} (ghi thay bởi ${secretary.displayName} (phiếu giấy))`);
    expect(authors).toContain(`Tổ 2 (9 người) (ghi thay bởi ${secretary.displayName} (ý kiến tại cuộc họp))`);
    expect(xmlTexts(comments, 'w:t').join(' ')).toContain('Câu hỏi (Góp ý chung cho mục): Chỉ tiêu giảm nghèo lấy từ đâu?');
    // Comments in text order: the document's on its first line (1), the passage's (2), the section's on the heading "II. Xã hội" (3).
    const body = (await docxPart(docx.rawPayload, 'word/document.xml'))!;
    const commented = (id: number) => xmlTexts(body.slice(body.indexOf(`<w:commentRangeStart w:id="${id}"`), body.indexOf(`<w:commentRangeEnd w:id="${id}"`)), 'w:t').join('');
    expect(commented(1)).toContain('Kinh tế');
    expect(commented(2)).toBe('8,2%');
    expect(commented(3)).toContain('Xã hội');

    const jsonld = (await get(`/api/v1/rounds/${roundId}/summary?format=jsonld`, secretary)).json();
    const targets = jsonld.first.items.map((i: { target: unknown }) => i.target);
    expect(targets.filter((x: unknown) => typeof x === 'string')).toHaveLength(2);
  });
});
