/**
 * Drafts from Word (API.md "Documents", format `docx`): files written by the `docx` package as
 * Word writes them, read back into the draft schema; and every refusal of a bad file.
 */
import * as Y from 'yjs';
import { describe, expect, it } from 'vitest';
import { contentToProseMirrorNode, importContent, type ContentInput } from '../../server/domain/content-import.js';
import { MAX_DOCX_BYTES, openDocxPackage } from '../../server/domain/docx-package.js';
import { projectFragment } from '../../server/domain/projection.js';
import { Document, HeadingLevel, LevelFormat, Packer, Paragraph } from 'docx';
import { emptyDocx, mergedTableDocx, oversizeDocx, repackDocx, reportDocx, zipBombDocx } from '../helpers/docx-files.js';

const docx = (bytes: Uint8Array): ContentInput => ({ format: 'docx', value: Buffer.from(bytes).toString('base64') });

function imported(bytes: Uint8Array) {
  const doc = new Y.Doc();
  importContent(doc, docx(bytes));
  const fragment = doc.getXmlFragment('default');
  return { fragment, projection: projectFragment(fragment), json: contentToProseMirrorNode(docx(bytes)).toJSON() as Json };
}

interface Json {
  type: string;
  attrs?: Record<string, unknown>;
  content?: Json[];
  text?: string;
  marks?: { type: string }[];
}

function refusal(value: ContentInput): { code: string; message: string; extra: Record<string, unknown> } {
  try {
    importContent(new Y.Doc(), value);
  } catch (error) {
    return error as { code: string; message: string; extra: Record<string, unknown> };
  }
  throw new Error('expected the import to be refused');
}

const textOf = (node: Json): string => node.text ?? (node.content ?? []).map(textOf).join('');

describe('importContent: docx', () => {
  it('makes Title and Heading 1–3 headings, numbered and bulleted paragraphs lists, and keeps bold and italic', async () => {
    const { json, projection } = imported(await reportDocx());
    const blocks = json.content!;
    expect(blocks.map((b) => (b.type === 'heading' ? `h${String(b.attrs!.level)}` : b.type))).toEqual([
      'h1', // Title (the empty spacing paragraph after it is dropped)
      'h1',
      'paragraph',
      'h2',
      'orderedList',
      'paragraph',
      'table',
      'h3',
      'bulletList',
      'h1',
      'paragraph',
    ]);
    expect(textOf(blocks[0]!)).toBe('BÁO CÁO CHÍNH TRỊ CỦA BAN CHẤP HÀNH ĐẢNG BỘ XÃ');
    const marked = blocks[2]!.content!.filter((n) => n.marks).map((n) => [n.text, n.marks!.map((m) => m.type)]);
    expect(marked).toEqual([
      ['hoàn thành vượt mức', ['bold']],
      ['chủ yếu', ['italic']],
    ]);
    // 1. Phát triển … / a) Trồng lúa … nested in it / 2. Xây dựng …
    const list = blocks[4]!;
    expect(list.content!.map((item) => textOf(item.content![0]!))).toEqual(['Phát triển nông nghiệp hàng hóa', 'Xây dựng nông thôn mới nâng cao']);
    expect(list.content![0]!.content![1]!.type).toBe('orderedList');
    expect(textOf(list.content![0]!.content![1]!)).toBe('Trồng lúa chất lượng cao');
    expect(blocks[8]!.content!.map(textOf)).toEqual(['Chuyển dịch cơ cấu còn chậm', 'Nguồn lực đầu tư còn hạn chế']);
    // A line break (Shift+Enter in Word) is a hard break.
    expect(blocks[10]!.content!.map((n) => n.type)).toEqual(['text', 'hardBreak', 'text']);
    expect(projection.sections.map((s) => s.path)).toEqual(['BÁO CÁO CHÍNH TRỊ CỦA BAN CHẤP HÀNH ĐẢNG BỘ XÃ', 'I', 'I > 1', 'I > 1 > 1.1', 'II']);
  });

  it('keeps a table as a table: header row, cells of paragraphs, widths from the Word grid', async () => {
    const { json, projection } = imported(await reportDocx());
    const table = json.content!.find((b) => b.type === 'table')!;
    expect(table.content!.map((row) => row.content!.map((c) => `${c.type}:${textOf(c)}`))).toEqual([
      ['tableHeader:STT', 'tableHeader:Chỉ tiêu', 'tableHeader:Kết quả 2025'],
      ['tableCell:1', 'tableCell:Tốc độ tăng trưởng kinh tế', 'tableCell:7,2%'],
      ['tableCell:2', 'tableCell:Thu nhập bình quân đầu người', 'tableCell:52 triệu đồng'],
      ['tableCell:3', 'tableCell:Tỷ lệ hộ nghèo', 'tableCell:giảm còn 1,8%'],
    ]);
    expect(table.content![1]!.content!.map((c) => c.attrs!.colwidth)).toEqual([[60], [340], [200]]);
    // The projection reads the cells row by row, each cell's paragraph a line; they belong to the section above.
    const start = projection.text.indexOf('STT\n');
    expect(projection.text.slice(start, projection.text.indexOf('1.1. Hạn chế'))).toBe(
      'STT\nChỉ tiêu\nKết quả 2025\n1\nTốc độ tăng trưởng kinh tế\n7,2%\n2\nThu nhập bình quân đầu người\n52 triệu đồng\n3\nTỷ lệ hộ nghèo\ngiảm còn 1,8%\n',
    );
    expect(projection.sections.find((s) => s.start <= start && start < s.end)!.path).toBe('I > 1');
  });

  it('turns merged cells into colspan and rowspan and pads short rows to the grid', async () => {
    const { json, projection } = imported(await mergedTableDocx());
    const rows = json.content![0]!.content!;
    expect(rows.map((r) => r.content!.map((c) => [textOf(c), c.attrs!.colspan, c.attrs!.rowspan]))).toEqual([
      [
        ['Nhóm', 1, 2],
        ['Ý kiến', 2, 1],
      ],
      [
        ['Đồng ý', 1, 1],
        ['Khác', 1, 1],
      ],
      [
        ['Tổ 1', 1, 1],
        ['', 1, 1],
        ['', 1, 1],
      ],
    ]);
    expect(projection.text).toBe('Nhóm\nÝ kiến\nĐồng ý\nKhác\nTổ 1\n\n\n');
  });

  it('goes on numbering a list interrupted by text, and makes Heading 4 and deeper level 3', async () => {
    const numbering = { config: [{ reference: 'n', levels: [{ level: 0, format: LevelFormat.DECIMAL, text: '%1.' }] }] };
    const item = (text: string) => new Paragraph({ text, numbering: { reference: 'n', level: 0 } });
    const file = await Packer.toBuffer(
      new Document({
        numbering,
        sections: [{ children: [item('Một'), item('Hai'), new Paragraph('Xen giữa'), item('Ba'), new Paragraph({ heading: HeadingLevel.HEADING_4, text: 'a) Chi tiết' })] }],
      }),
    );
    const blocks = imported(file).json.content!;
    expect(blocks.map((b) => [b.type, b.attrs?.start ?? b.attrs?.level ?? null, textOf(b)])).toEqual([
      ['orderedList', 1, 'MộtHai'],
      ['paragraph', null, 'Xen giữa'],
      ['orderedList', 3, 'Ba'],
      ['heading', 3, 'a) Chi tiết'],
    ]);
  });

  it('keeps inserted text of tracked changes and drops deleted text and field codes', async () => {
    const original = await emptyDocx();
    const { unzipSync, strFromU8 } = await import('fflate');
    const xml = strFromU8(unzipSync(original)['word/document.xml']!);
    const body =
      '<w:p><w:r><w:t xml:space="preserve">Giữ </w:t></w:r><w:ins w:id="1" w:author="A"><w:r><w:t>thêm</w:t></w:r></w:ins>' +
      '<w:del w:id="2" w:author="A"><w:r><w:delText>bỏ</w:delText></w:r></w:del>' +
      '<w:r><w:fldChar w:fldCharType="begin"/></w:r><w:r><w:instrText> PAGE </w:instrText></w:r><w:r><w:fldChar w:fldCharType="separate"/></w:r><w:r><w:t> 3</w:t></w:r><w:r><w:fldChar w:fldCharType="end"/></w:r></w:p>';
    const changed = repackDocx(original, { 'word/document.xml': xml.replace(/<w:body>.*<w:sectPr/s, `<w:body>${body}<w:sectPr`) });
    expect(imported(changed).projection.text).toBe('Giữ thêm 3\n');
  });

  it('gives a Word file without text one empty paragraph, like empty text', async () => {
    const { json, projection } = imported(await emptyDocx());
    expect(json).toEqual({ type: 'doc', content: [{ type: 'paragraph' }] });
    expect(projection.text).toBe('\n');
  });

  it('refuses what is not a Word file, naming the problem', async () => {
    const report = await reportDocx();
    const cases: [string, Uint8Array | string, string][] = [
      ['text renamed .docx', Buffer.from('Đây không phải tệp Word'), 'not_docx'],
      ['an executable', Buffer.from([0x4d, 0x5a, 0x90, 0x00, 0x03, 0, 0, 0]), 'not_docx'],
      ['a truncated zip', report.subarray(0, report.length / 2), 'not_docx'],
      ['a zip without a Word document', repackDocx(report, { 'word/document.xml': null }), 'not_docx'],
      ['an old .doc or a password-protected file', Buffer.from([0xd0, 0xcf, 0x11, 0xe0, 0xa1, 0xb1, 0x1a, 0xe1, 0, 0]), 'legacy_or_encrypted'],
      ['malformed XML', repackDocx(report, { 'word/document.xml': '<w:document><w:body><w:p>' }), 'unreadable'],
      ['a DOCTYPE (entity expansion)', repackDocx(report, { 'word/document.xml': '<?xml version="1.0"?><!DOCTYPE x [<!ENTITY a "aaaa">]><w:document/>' }), 'unreadable'],
      ['a DOCTYPE behind a long comment', repackDocx(report, { 'word/document.xml': `<?xml version="1.0"?><!--${'x'.repeat(8192)}--><!DOCTYPE x [<!ENTITY a "aaaa">]><w:document/>` }), 'unreadable'],
      ['a macro project', repackDocx(report, { 'word/vbaProject.bin': new Uint8Array([1, 2, 3]) }), 'macros'],
      ['base64 that is not', 'không phải base64!', 'not_docx'],
    ];
    for (const [what, bytes, problem] of cases) {
      const error = refusal(typeof bytes === 'string' ? { format: 'docx', value: bytes } : docx(bytes));
      expect({ what, code: error.code, problem: error.extra.fileProblem }).toEqual({ what, code: 'validation_failed', problem });
    }
  });

  it('refuses a macro-enabled document type and a link to an external template', async () => {
    const report = await reportDocx();
    const { unzipSync, strFromU8 } = await import('fflate');
    const parts = unzipSync(report);
    const types = strFromU8(parts['[Content_Types].xml']!).replace('wordprocessingml.document.main+xml', 'x').replace('application/vnd.openxmlformats-officedocument.x', 'application/vnd.ms-word.document.macroEnabled.main+xml');
    expect(refusal(docx(repackDocx(report, { '[Content_Types].xml': types }))).extra.fileProblem).toBe('macros');
    const rels = strFromU8(parts['word/_rels/document.xml.rels']!).replace(
      '</Relationships>',
      '<Relationship Id="rIdT" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/attachedTemplate" Target="http://example.invalid/t.dotm" TargetMode="External"/></Relationships>',
    );
    expect(refusal(docx(repackDocx(report, { 'word/_rels/document.xml.rels': rels }))).extra.fileProblem).toBe('external_content');
    // An external hyperlink is only a link: the file is accepted.
    const withLink = strFromU8(parts['word/_rels/document.xml.rels']!).replace(
      '</Relationships>',
      '<Relationship Id="rIdL" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/hyperlink" Target="https://example.invalid/" TargetMode="External"/></Relationships>',
    );
    expect(imported(repackDocx(report, { 'word/_rels/document.xml.rels': withLink })).projection.text).toContain('Tốc độ tăng trưởng');
  });

  it('refuses a file over 20 MiB and a zip bomb with 413 too_large', async () => {
    const big = await oversizeDocx(MAX_DOCX_BYTES + 1024);
    expect(big.length).toBeGreaterThan(MAX_DOCX_BYTES);
    const error = refusal(docx(big));
    expect([error.code, error.extra.fileProblem]).toEqual(['too_large', 'file_too_large']);
    // Base64 too long for 20 MiB is refused before it is decoded.
    const long = refusal({ format: 'docx', value: 'A'.repeat(29 * 1024 * 1024) });
    expect([long.code, long.extra.fileProblem]).toEqual(['too_large', 'file_too_large']);
    const bomb = await zipBombDocx(101);
    expect(bomb.length).toBeLessThan(1024 * 1024);
    const bombError = refusal(docx(bomb));
    expect([bombError.code, bombError.extra.fileProblem]).toEqual(['too_large', 'unpacks_too_large']);
  });

  it('never unpacks past a part\'s declared size (a lying zip header)', async () => {
    const { unzipSync, strFromU8, zipSync, strToU8 } = await import('fflate');
    const parts = unzipSync(await emptyDocx());
    const xml = strFromU8(parts['word/document.xml']!).replace(/<w:body>.*<w:sectPr/s, `<w:body><w:p><w:r><w:t>${'A'.repeat(1024 * 1024)}</w:t></w:r></w:p><w:sectPr`);
    parts['word/document.xml'] = strToU8(xml);
    const honest = Buffer.from(zipSync(parts));
    expect(imported(honest).projection.text.length).toBe(1024 * 1024 + 1);
    // The same file declaring 4 KiB for word/document.xml in its central directory: read truncated, refused as damaged.
    const lying = Buffer.from(honest);
    for (let i = lying.length - 22; i >= 0; i--) {
      if (lying.readUInt32LE(i) === 0x02014b50 && lying.toString('latin1', i + 46, i + 46 + lying.readUInt16LE(i + 28)) === 'word/document.xml') lying.writeUInt32LE(4096, i + 24);
    }
    const error = refusal(docx(lying));
    expect([error.code, error.extra.fileProblem]).toEqual(['validation_failed', 'unreadable']);
  });

  it('opens the package by content: a DOCX under any name, the main part found through its relationship', async () => {
    const pkg = openDocxPackage(await reportDocx());
    expect(pkg.document.documentElement!.localName).toBe('document');
    expect(pkg.styles).not.toBeNull();
    expect(pkg.numbering).not.toBeNull();
  });
});
