import mammoth from 'mammoth';
import * as Y from 'yjs';
import { describe, expect, it } from 'vitest';
import { importContent } from '../../server/domain/content-import.js';
import { kindLabels } from '../../server/domain/vocabulary.js';
import { projectFragment, projectText } from '../../server/domain/projection.js';
import { diffVersions } from '../../server/domain/version-diff.js';
import { annotationsToDocx, diffToDocx, draftToDocx, draftToPdf, type CommentedAnnotation } from '../../server/exports/draft-docx.js';
import { draftToMarkdown } from '../../server/exports/draft-markdown.js';
import { nfcParagraphs, readDraft } from '../../server/exports/draft-reader.js';
import { organisationName, placeOf } from '../../server/exports/frame.js';
import type { FrameContext } from '../../server/exports/report-parts.js';
import { docxPart, pdfContent, xmlTexts } from '../helpers/export-files.js';

const markdown = [
  '# BÁO CÁO CHÍNH TRỊ NHIỆM KỲ 2025–2030',
  '',
  'Mở đầu có chữ **đậm** và *nghiêng*.',
  '',
  '## PHẦN THỨ NHẤT: KẾT QUẢ',
  '',
  '### I. Về kinh tế',
  '',
  'Tốc độ tăng trưởng đạt 8,2% mỗi năm.',
  '',
  '- Nông nghiệp hàng hóa',
  '- Du lịch cộng đồng',
  '',
  '1. Thứ nhất',
  '2. Thứ hai',
  '',
].join('\n');

const draftOf = (value: string) => {
  const doc = new Y.Doc();
  importContent(doc, { format: 'markdown', value });
  return doc;
};
const context: FrameContext = {
  locale: 'vi',
  issuer: { name: 'Đảng ủy xã Minh Sơn', upperName: 'Huyện ủy Đông Sơn' },
  date: new Date('2026-02-05T03:00:00Z'),
  downloadedBy: 'Trần Thị Soạn',
  downloadedAt: new Date('2026-02-05T07:05:00Z'),
};
const squash = (s: string) => s.replace(/\s+/g, '');

describe('reading a draft', () => {
  it('reads a draft typed decomposed (NFD) in the NFC text\'s offsets, where anchors and diffs count', () => {
    const doc = draftOf(markdown);
    const text = (doc.getXmlFragment('default').get(1) as Y.XmlElement).get(0) as Y.XmlText;
    text.insert(0, 'Xã Minh Sơn '.normalize('NFD'));
    const fragment = doc.getXmlFragment('default');
    const { nfc } = projectFragment(fragment);
    expect(nfc.identity).toBe(false);
    const paragraphs = nfcParagraphs(readDraft(fragment), nfc);
    expect(paragraphs.map((p) => p.spans.map((s) => ('text' in s ? s.text : '')).join('') + '\n').join('')).toBe(nfc.text);
    for (const p of paragraphs) {
      for (const s of p.spans) if ('text' in s) expect(nfc.text.slice(s.start, s.start + s.text.length)).toBe(s.text);
      expect(nfc.text[p.start + p.length]).toBe('\n');
    }
    // An NFC draft keeps the very same paragraphs.
    const plain = readDraft(draftOf(markdown).getXmlFragment('default'));
    expect(nfcParagraphs(plain, projectFragment(draftOf(markdown).getXmlFragment('default')).nfc)).toBe(plain);
  });

  it('gives paragraphs whose texts, each followed by a newline, are the projection', () => {
    const doc = draftOf(markdown);
    const paragraphs = readDraft(doc.getXmlFragment('default'));
    const joined = paragraphs.map((p) => `${p.spans.map((s) => ('text' in s ? s.text : '')).join('')}\n`).join('');
    expect(joined).toBe(projectText(doc.getXmlFragment('default')));
    for (const p of paragraphs) for (const s of p.spans) if ('text' in s) expect(joined.slice(s.start, s.start + s.text.length)).toBe(s.text);
    expect(paragraphs.map((p) => p.marker).filter((m) => m !== null)).toEqual(['–', '–', '1.', '2.']);
    expect(paragraphs[1]!.spans.filter((s) => 'text' in s && s.bold).map((s) => 'text' in s && s.text)).toEqual(['đậm']);
  });
});

describe('the frame', () => {
  it('names the upper Party organisation and the place as Party documents do', () => {
    expect(organisationName('Huyện ủy Đông Sơn')).toBe('Đảng bộ huyện Đông Sơn');
    expect(organisationName('Tỉnh uỷ Minh Hà')).toBe('Đảng bộ tỉnh Minh Hà');
    expect(organisationName('Chi bộ thôn 3')).toBe('Chi bộ thôn 3');
    expect(placeOf('Đảng ủy xã Minh Sơn')).toBe('Minh Sơn');
    expect(placeOf('Huyện ủy Đông Sơn')).toBe('Đông Sơn');
    expect(placeOf('Ban Tuyên giáo')).toBeNull();
  });
});

describe('the draft as DOCX', () => {
  it('keeps headings, lists, bold and italic, black Times New Roman styles, the frame and the downloader in the footer', async () => {
    const doc = draftOf(markdown);
    const buffer = await draftToDocx({ title: 'Dự thảo', paragraphs: readDraft(doc.getXmlFragment('default')), note: null }, context);
    const html = (await mammoth.convertToHtml({ buffer })).value;
    expect(html).toContain('<h1>BÁO CÁO CHÍNH TRỊ NHIỆM KỲ 2025–2030</h1>');
    expect(html).toContain('<h3>I. Về kinh tế</h3>');
    expect(html).toContain('<strong>đậm</strong>');
    expect(html).toContain('<em>nghiêng</em>');
    expect(html).toContain('–\tNông nghiệp hàng hóa');
    expect(html).toContain('ĐẢNG BỘ HUYỆN ĐÔNG SƠN');
    expect(html).toContain('<strong>ĐẢNG ỦY XÃ MINH SƠN</strong>');
    expect(html).toContain('ĐẢNG CỘNG SẢN VIỆT NAM');
    expect(html).toContain('Minh Sơn, ngày 05 tháng 02 năm 2026');
    const footer = (await docxPart(buffer, 'word/footer1.xml'))!;
    expect(xmlTexts(footer, 'w:t').join('')).toContain('Tải xuống bởi Trần Thị Soạn lúc 14:05 ngày 05/02/2026');
    const styles = (await docxPart(buffer, 'word/styles.xml'))!;
    expect(styles).toContain('w:ascii="Times New Roman"');
    expect(styles).not.toMatch(/w:color w:val="(2E74B5|1F4D78|365F91|4F81BD|0F4761)"/i);
    const document = (await docxPart(buffer, 'word/document.xml'))!;
    expect(document).toContain('<w:pgSz w:w="11906" w:h="16838"');
  });

  it('as PDF embeds Tinos and prints the Vietnamese text, the frame and the downloader', async () => {
    const doc = draftOf(markdown);
    const pdf = await pdfContent(await draftToPdf({ title: 'Dự thảo', paragraphs: readDraft(doc.getXmlFragment('default')), note: null }, context));
    expect(pdf.fonts.length).toBeGreaterThan(0);
    expect(pdf.fonts.every((f) => /\+Tinos/.test(f))).toBe(true);
    const text = squash(pdf.text);
    for (const expected of ['ĐẢNGCỘNGSẢNVIỆTNAM', 'ĐẢNGỦYXÃMINHSƠN', 'MinhSơn,ngày05tháng02năm2026', 'Tốcđộtăngtrưởngđạt8,2%mỗinăm.', 'TảixuốngbởiTrầnThịSoạn', 'Trang1/1']) {
      expect(text).toContain(expected);
    }
  });

  it('as Markdown keeps headings, lists and marks, and escapes the text', () => {
    const doc = draftOf(`${markdown}\nMột dòng có ký tự \\*sao\\* và <b>thẻ</b>.\n`);
    const md = draftToMarkdown('Dự thảo', readDraft(doc.getXmlFragment('default')));
    expect(md.startsWith('# BÁO CÁO CHÍNH TRỊ NHIỆM KỲ 2025–2030\n')).toBe(true);
    expect(md).toContain('### I. Về kinh tế');
    expect(md).toContain('2. Thứ hai\n\nMột dòng');
    expect(md).toContain('**đậm**');
    expect(md).toContain('- Nông nghiệp hàng hóa');
    expect(md).toContain('2. Thứ hai');
    expect(md).toContain('\\*sao\\*');
    expect(md).toContain('&lt;b&gt;');
  });
});

describe('a version change as tracked changes', () => {
  it('marks insertions w:ins and deletions w:del so accepting them gives the new text and rejecting them the old', async () => {
    const older = draftOf('# Báo cáo\n\nTỷ lệ hộ nghèo giảm còn 4,1%.\n\nĐoạn sẽ bị xóa.\n');
    const newer = draftOf('# Báo cáo\n\nTỷ lệ hộ nghèo giảm còn 3,9% theo rà soát.\n');
    const oldText = projectText(older.getXmlFragment('default'));
    const newText = projectText(newer.getXmlFragment('default'));
    const diff = diffVersions(oldText, newText, []);
    const buffer = await diffToDocx({ title: 'Báo cáo', paragraphs: readDraft(newer.getXmlFragment('default')), note: null }, diff.ops, context, { author: 'Bản 2', date: context.date });
    const xml = (await docxPart(buffer, 'word/document.xml'))!;
    const inserted = [...xml.matchAll(/<w:ins [^>]*w:author="Bản 2"[^>]*>([^]*?)<\/w:ins>/g)].map((m) => xmlTexts(m[1]!, 'w:t').join('')).join('|');
    const deleted = [...xml.matchAll(/<w:del [^>]*>([^]*?)<\/w:del>/g)].map((m) => xmlTexts(m[1]!, 'w:delText').join('')).join('|');
    expect(inserted).toContain('3,9%');
    expect(inserted).toContain('rà soát');
    expect(deleted).toContain('4,1%');
    expect(deleted).toContain('Đoạn sẽ bị xóa');
    // Accepting every change (dropping deletions) gives the new text; rejecting them, the old one.
    const body = xml.slice(xml.indexOf('Báo cáo</w:t>'));
    const accepted = body.replace(/<w:del [^>]*>[^]*?<\/w:del>/g, '');
    const rejected = body.replace(/<w:ins [^>]*>[^]*?<\/w:ins>/g, '').replace(/w:delText/g, 'w:t');
    const textOf = (part: string) => squash(part.split('</w:p>').map((p) => xmlTexts(p, 'w:t').join('')).join(''));
    expect(textOf(accepted)).toBe(squash(newText.replace(/^Báo cáo/, '')));
    expect(textOf(rejected)).toBe(squash(oldText.replace(/^Báo cáo/, '')));
  });
});

describe('annotations as Word comments', () => {
  it('puts each comment around its passage with its author, or its kind when names are hidden', async () => {
    const doc = draftOf('# Báo cáo\n\nTỷ lệ hộ nghèo giảm còn 4,1%.\n\nKhông để xảy ra điểm nóng.\n');
    const text = projectText(doc.getXmlFragment('default'));
    const at = (quote: string) => ({ start: text.indexOf(quote), end: text.indexOf(quote) + quote.length });
    const base = { createdAt: new Date('2026-02-01T02:00:00Z'), replacement: null, decision: null, replies: [] };
    const annotations: CommentedAnnotation[] = [
      { ...base, ...at('4,1%'), author: 'Vũ Thị Bình', kind: 'question', body: 'Số liệu lấy từ đâu?', replies: [{ author: 'Trần Thị Soạn', body: 'Niên giám 2024.' }] },
      { ...base, ...at('Không để xảy ra điểm nóng.'), author: null, kind: 'objection', body: 'Chưa sát thực tế.', decision: { decision: 'rejected', note: 'Đã kiểm tra.' } },
    ];
    const buffer = await annotationsToDocx({ title: 'Báo cáo', paragraphs: readDraft(doc.getXmlFragment('default')), note: null }, annotations, context);
    const comments = (await docxPart(buffer, 'word/comments.xml'))!;
    expect(comments).toMatch(/<w:comment [^>]*w:author="Vũ Thị Bình"/);
    // Names hidden: the comment is signed with its kind, in the vocabulary's words (as the client prints it).
    expect(comments).toContain(`w:author="${kindLabels.vi.objection}"`);
    const said = xmlTexts(comments, 'w:t').join('|');
    expect(said).toContain(`${kindLabels.vi.question}: Số liệu lấy từ đâu?`);
    expect(said).toContain('Trả lời (Trần Thị Soạn): Niên giám 2024.');
    expect(said).toContain('Xử lý: Không tiếp thu — Đã kiểm tra.');
    const xml = (await docxPart(buffer, 'word/document.xml'))!;
    const commented = (id: number) => xmlTexts(xml.slice(xml.indexOf(`<w:commentRangeStart w:id="${id}"/>`), xml.indexOf(`<w:commentRangeEnd w:id="${id}"/>`)), 'w:t').join('');
    expect(commented(1)).toBe('4,1%');
    expect(commented(2)).toBe('Không để xảy ra điểm nóng.');
    expect(xml).toContain('<w:commentReference w:id="2"/>');
  });
});
