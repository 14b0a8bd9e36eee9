import MarkdownIt from 'markdown-it';
import mammoth from 'mammoth';
import { describe, expect, it } from 'vitest';
import { feedbackToDocx } from '../../server/exports/feedback-docx.js';
import { feedbackToMarkdown } from '../../server/exports/feedback-markdown.js';
import { summaryToDocx } from '../../server/exports/summary-docx.js';
import { annotationsToJsonLd } from '../../server/exports/summary-jsonld.js';
import { summaryToMarkdown } from '../../server/exports/summary-markdown.js';
import type { FeedbackExport, RoundSummaryExport } from '../../server/exports/summary-types.js';
import { escapeMarkdownInline } from '../../server/exports/text-escape.js';
import type { FrameContext } from '../../server/exports/report-parts.js';
import { feedbackToPdf } from '../../server/exports/feedback-docx.js';
import { summaryToPdf } from '../../server/exports/summary-docx.js';
import { docxPart, pdfContent, xmlTexts } from '../helpers/export-files.js';

const context: FrameContext = {
  locale: 'vi',
  issuer: { name: 'Huyện ủy Đông Sơn', upperName: 'Tỉnh ủy Minh Hà' },
  date: new Date('2026-11-29T03:00:00Z'),
  downloadedBy: 'Phạm Thị Huyền',
  downloadedAt: new Date('2026-11-29T03:00:00Z'),
};

const none = { accepted: 0, partially_accepted: 0, rejected: 0, noted: 0, undecided: 0 };
const HOSTILE = '| *bold* _em_ # head [link](http://x) <script>alert(1)</script> `code` &lt; ~~s~~ \\ end';

const summary: RoundSummaryExport = {
  title: 'Báo cáo chính trị nhiệm kỳ 2025–2030',
  roundNumber: 1,
  participation: { invited: 40, commented: 17, annotations: 23, byUnit: [{ unitId: 'u1', name: 'Chi bộ thôn Đồng Tâm', invited: 40, commented: 17 }] },
  sections: [
    {
      path: 'PHẦN THỨ NHẤT > I',
      title: 'I. Về phát triển kinh tế',
      clusters: [
        {
          kind: 'comment',
          count: 12,
          representative: { body: 'Đề nghị bổ sung chỉ tiêu về chuyển đổi số', replacement: null },
          decisions: { ...none, accepted: 5, undecided: 7 },
          quote: 'Tốc độ tăng trưởng đạt 8,2%',
          unitNames: ['Chi bộ thôn Đồng Tâm'],
          reasons: ['Bổ sung ở phụ lục.'],
        },
        { kind: 'suggestion', count: 3, representative: { body: HOSTILE, replacement: '- item\n2. second\n# not a heading' }, decisions: { ...none, undecided: 3 } },
      ],
    },
    { path: 'PHẦN THỨ NHẤT > II', title: 'II. Về văn hóa, xã hội', clusters: [] },
  ],
};

const md = new MarkdownIt();

describe('Markdown escaping', () => {
  it.each([
    '| *bold* _em_ # [link](http://x)',
    '<script>alert(1)</script>',
    '- list item',
    '+ plus',
    '12. numbered',
    '> quote',
    '# heading',
    '`code` and ``more``',
    '&amp; &lt; entity',
    'back\\slash \\* star',
    '===',
    'line one\nline two\r\n\r\n- item',
  ])('renders %j as its own text', (text) => {
    const html = md.renderInline(escapeMarkdownInline(text));
    const shown = html.replace(/&lt;/g, '<').replace(/&gt;/g, '>').replace(/&quot;/g, '"').replace(/&amp;/g, '&');
    expect(shown).toBe(text.replace(/\s*[\r\n]+\s*/g, ' '));
    expect(md.render(escapeMarkdownInline(text))).toMatch(/^<p>[^]*<\/p>\n$/);
  });
});

describe('summary as Markdown', () => {
  it('has a heading per section and a table whose hostile cells stay one cell of text', () => {
    const text = summaryToMarkdown(summary);
    expect(text).toContain('## I. Về phát triển kinh tế');
    const html = md.render(text);
    expect(html).not.toContain('<script>');
    expect(html).not.toMatch(/<(em|strong|a|code|s|del|ul|ol|li|blockquote)\b/);
    expect(html).toContain('&lt;script&gt;alert(1)&lt;/script&gt;');
    expect(html).toContain('<h2>II. Về văn hóa, xã hội</h2>');
    // Every body row of the clusters table has exactly five cells.
    const rows = html.split('<tr>').slice(1).map((r) => (r.match(/<t[dh][\s>]/g) ?? []).length);
    expect(rows.filter((n) => n !== 3 && n !== 5)).toEqual([]);
    expect(html).toContain('<td style="text-align:right">12</td>');
    expect(html).toContain('5 tiếp thu, 7 chưa xử lý');
  });
});

describe('summary as DOCX', () => {
  it('opens in a DOCX reader with numbered parts, the quoted passage, the counts and no empty sections', async () => {
    const buffer = await summaryToDocx({ ...summary, title: `${summary.title}\u0000\u0007` }, context);
    expect(buffer.subarray(0, 2).toString()).toBe('PK');
    const { value } = await mammoth.extractRawText({ buffer });
    // The draft's headings carry their own numbers; no second one goes before them ("1. PHẦN …").
    expect(value).toContain('PHẦN THỨ NHẤT › I. Về phát triển kinh tế');
    expect(value).not.toMatch(/\d\. PHẦN/);
    expect(value).toContain('“Tốc độ tăng trưởng đạt 8,2%”');
    expect(value).toContain('Chi bộ thôn Đồng Tâm');
    expect(value).toContain('Bổ sung ở phụ lục.');
    // A section without comments is left out, and nothing says "no comments" section by section.
    expect(value).not.toContain('II. Về văn hóa, xã hội');
    expect(value).not.toContain('Không có ý kiến');
    expect(value).toContain('Đề nghị bổ sung chỉ tiêu về chuyển đổi số');
    expect(value).toContain('<script>alert(1)</script>');
    expect(value).toMatch(/\b12\b/);
    expect(value).toContain('5 tiếp thu, 7 chưa xử lý');
    const html = (await mammoth.convertToHtml({ buffer })).value;
    // The report's own parts are lettered, above the draft's Roman-numbered sections.
    expect([...html.matchAll(/<h1>(.*?)<\/h1>/g)].map((m) => m[1])).toEqual(['A. TÌNH HÌNH THAM GIA GÓP Ý', 'B. Ý KIẾN GÓP Ý THEO TỪNG PHẦN']);
    expect(html).toContain('<h2>PHẦN THỨ NHẤT › I. Về phát triển kinh tế</h2>');
    expect(html).toContain('BÁO CÁO');
    expect(html).toContain('Tổng hợp ý kiến góp ý vòng 1 đối với Báo cáo chính trị nhiệm kỳ 2025–2030');
    const footer = (await docxPart(buffer, 'word/footer1.xml'))!;
    expect(xmlTexts(footer, 'w:t').join('')).toContain('Tải xuống bởi Phạm Thị Huyền lúc 10:00 ngày 29/11/2026');
    expect(html).not.toContain('<script>');
    expect(html).toMatch(/<table>/);
  });
});

const feedback: FeedbackExport = {
  title: 'Dự thảo Báo cáo chính trị Đảng bộ huyện',
  units: [
    { unitId: 'x1', name: 'Xã Minh Sơn', submittedAt: '2026-11-20T02:00:00Z' },
    { unitId: 'x2', name: 'Xã Đồng Tâm' },
    { unitId: 'x3', name: 'Thị trấn *Bắc* | Hà' },
  ],
  sectionTitles: { 'PHẦN THỨ HAI > II': 'II. Các chỉ tiêu chủ yếu' },
  items: [
    { section: 'PHẦN THỨ HAI > II', kind: 'comment', representative: { body: 'Đề nghị nâng chỉ tiêu thu nhập', replacement: null }, count: 31, unitCount: 2, unitIds: ['x1', 'x3'] },
    { section: 'PHẦN THỨ HAI > III', kind: 'suggestion', representative: { body: 'Sửa | cho đúng', replacement: 'đạt *90%*' }, count: 4, unitCount: 1, unitIds: ['x2'] },
  ],
};

describe('feedback exports', () => {
  it('Markdown says "raised by N of M units" and escapes unit names and texts', () => {
    const html = md.render(feedbackToMarkdown(feedback, 'en'));
    expect(html).toContain('raised by 2 of 3 units: Xã Minh Sơn, Thị trấn *Bắc* | Hà');
    expect(html).toContain('<h2>II. Các chỉ tiêu chủ yếu</h2>');
    expect(html).toContain('<h2>PHẦN THỨ HAI &gt; III</h2>');
    expect(html).not.toMatch(/<(em|strong)\b/);
  });

  it('Markdown and DOCX list each unit with its general note, and the receiving unit’s decision with its reason', async () => {
    const noted: FeedbackExport = {
      ...feedback,
      units: [{ ...feedback.units[0]!, note: 'Chi bộ thống nhất\ncác ý kiến' }, ...feedback.units.slice(1)],
      items: [{ ...feedback.items[0]!, disposition: { decision: 'rejected', note: 'Giữ như dự thảo' } }, feedback.items[1]!],
    };
    const markdown = feedbackToMarkdown(noted);
    expect(markdown).toContain('## Các đơn vị gửi ý kiến\n\n1/3 đơn vị đã gửi ý kiến.\n\n- Xã Minh Sơn — Ngày gửi: 20/11/2026 — Ý kiến chung của đơn vị: Chi bộ thống nhất các ý kiến\n- Xã Đồng Tâm — Chưa gửi\n');
    expect(markdown).toContain('| Xử lý, lý do |');
    expect(markdown).toContain('| Không tiếp thu: Giữ như dự thảo |');
    const { value } = await mammoth.extractRawText({ buffer: await feedbackToDocx(noted, context) });
    expect(value).toMatch(/Ý kiến chung của đơn vị[\s\S]*Xã Minh Sơn\s+20\/11\/2026\s+Chi bộ thống nhất\s+các ý kiến/);
    // Without notes, the table keeps its two columns.
    expect((await mammoth.extractRawText({ buffer: await feedbackToDocx(feedback, context) })).value).not.toContain('Ý kiến chung của đơn vị');
  });

  it('Markdown and DOCX (the PDF is the same page) say what the sending units decided on a point, and nothing when they decided nothing', async () => {
    const none = { accepted: 0, partially_accepted: 0, rejected: 0, noted: 0, undecided: 0 };
    const decidedBelow: FeedbackExport = {
      ...feedback,
      items: [{ ...feedback.items[0]!, decisions: { ...none, rejected: 2, accepted: 1 } }, { ...feedback.items[1]!, decisions: { ...none, undecided: 4 } }],
    };
    const markdown = feedbackToMarkdown(decidedBelow);
    expect(markdown).toContain('(Đơn vị gửi đã xử lý: 1 tiếp thu, 2 không tiếp thu)');
    expect(markdown.match(/Đơn vị gửi đã xử lý/g)).toHaveLength(1);
    const { value } = await mammoth.extractRawText({ buffer: await feedbackToDocx(decidedBelow, context) });
    expect(value).toMatch(/2\/3 đơn vị\s+Xã Minh Sơn\s+Thị trấn \*Bắc\* \| Hà\s+Đơn vị gửi đã xử lý: 1 tiếp thu, 2 không tiếp thu/);
    expect(value.match(/Đơn vị gửi đã xử lý/g)).toHaveLength(1);
    expect(feedbackToMarkdown(decidedBelow, 'en')).toContain('(Decided by the senders: 1 accepted, 2 rejected)');
  });

  it('DOCX says what a point quoting nothing is about: a point in the text, or a section or the whole draft', async () => {
    const unquoted: FeedbackExport = {
      ...feedback,
      items: [{ ...feedback.items[0]!, quote: '' }, { ...feedback.items[1]!, quote: '', scope: 'section' }],
    };
    const { value } = await mammoth.extractRawText({ buffer: await feedbackToDocx(unquoted, context) });
    expect(value).toContain('Tại một vị trí trong văn bản (không trích đoạn)');
    expect(value).toContain('Góp ý chung cho mục');
  });

  it('DOCX opens with the sections, texts and unit counts', async () => {
    const buffer = await feedbackToDocx(feedback, context);
    const { value } = await mammoth.extractRawText({ buffer });
    expect(value).toContain('II. Các chỉ tiêu chủ yếu');
    expect(value).toContain('Đề nghị nâng chỉ tiêu thu nhập');
    expect(value).toMatch(/2\/3 đơn vị\s+Xã Minh Sơn\s+Thị trấn \*Bắc\* \| Hà/);
    expect(value).toContain('đạt *90%*');
    expect(value).toContain('1/3 đơn vị đã gửi ý kiến.');
    expect(value).toContain('Chưa gửi');
  });

  it('DOCX adds no number before sections that carry their own, and writes a decision as a label', async () => {
    const decided: FeedbackExport = {
      ...feedback,
      sectionTitles: { ...feedback.sectionTitles, 'Mở đầu': 'Mở đầu' },
      items: [
        { ...feedback.items[0]!, disposition: { decision: 'partially_accepted', note: 'Nâng lên 60 triệu' } },
        { ...feedback.items[0]!, section: 'Mở đầu' },
      ],
    };
    const html = (await mammoth.convertToHtml({ buffer: await feedbackToDocx(decided, context) })).value;
    const headings = [...html.matchAll(/<h2>(.*?)<\/h2>/g)].map((m) => m[1]);
    expect(headings).toEqual(['PHẦN THỨ HAI › II. Các chỉ tiêu chủ yếu', 'Mở đầu']);
    expect(html).toContain('Tiếp thu một phần');
    expect(html).not.toContain('tiếp thu một phần');
    const plain: FeedbackExport = { ...feedback, sectionTitles: { a: 'Mở đầu', b: 'Kết luận' }, items: [{ ...feedback.items[0]!, section: 'a' }, { ...feedback.items[0]!, section: 'b' }] };
    const plainHtml = (await mammoth.convertToHtml({ buffer: await feedbackToDocx(plain, context) })).value;
    expect([...plainHtml.matchAll(/<h2>(.*?)<\/h2>/g)].map((m) => m[1])).toEqual(['1. Mở đầu', '2. Kết luận']);
  });

  it('PDF never ends a page with a section heading or a table header: each heading shares its page with its first row', async () => {
    const n = (i: number) => String(i).padStart(2, '0');
    const sections = Array.from({ length: 40 }, (_, i) => `s${n(i)}`);
    const long: FeedbackExport = {
      ...feedback,
      sectionTitles: Object.fromEntries(sections.map((s, i) => [s, `TIÊUĐỀ${n(i)} phần của dự thảo`])),
      items: sections.map((section, i) => ({
        ...feedback.items[0]!,
        section,
        representative: { body: `NỘIDUNG${n(i)} ${'đề nghị bổ sung số liệu '.repeat(1 + ((i * 7) % 11))}`, replacement: null },
      })),
    };
    const { pageTexts, pages } = await pdfContent(await feedbackToPdf(long, context));
    expect(pages).toBeGreaterThan(3);
    const pageOf = (token: string) => pageTexts.findIndex((text) => text.replace(/\s+/g, '').includes(token));
    for (let i = 0; i < sections.length; i++) expect([i, pageOf(`TIÊUĐỀ${n(i)}`)]).toEqual([i, pageOf(`NỘIDUNG${n(i)}`)]);
  });

  it('PDF carries the frame, the items and the downloader, in the embedded font', async () => {
    const pdf = await pdfContent(await feedbackToPdf(feedback, context));
    const text = pdf.text.replace(/\s+/g, '');
    for (const expected of ['ĐẢNGBỘTỈNHMINHHÀ', 'HUYỆNỦYĐÔNGSƠN', 'ĐôngSơn,ngày29tháng11năm2026', 'Đềnghịnângchỉtiêuthunhập', '2/3đơnvị', 'TảixuốngbởiPhạmThịHuyền']) {
      expect(text).toContain(expected);
    }
    expect(pdf.fonts.every((f) => f.includes('+Tinos'))).toBe(true);
  });

  it('a summary PDF has the same frame', async () => {
    const text = (await pdfContent(await summaryToPdf(summary, context))).text.replace(/\s+/g, '');
    expect(text).toContain('ĐẢNGCỘNGSẢNVIỆTNAM');
    expect(text).toContain('Đềnghịbổsungchỉtiêuvềchuyểnđổisố');
  });
});

describe('JSON-LD', () => {
  const doc = annotationsToJsonLd({
    collectionId: 'https://draftroom.example/api/v1/rounds/r1/summary?format=jsonld',
    label: 'Vòng 1',
    versionUrl: 'https://draftroom.example/api/v1/documents/d1/versions/3',
    annotationBaseUrl: 'https://draftroom.example/api/v1/annotations/',
    language: 'vi',
    text: '👍 Tốc độ tăng trưởng',
    annotations: [
      { id: 'a1', kind: 'comment', body: 'Làm rõ', replacement: null, start: 3, end: 9, quote: { exact: 'Tốc độ', prefix: '👍 ', suffix: ' tăng' } },
      { id: 'a2', kind: 'question', body: 'Vì sao?', replacement: null, start: 0, end: 2, quote: { exact: '👍', prefix: '', suffix: ' Tốc' } },
      { id: 'a3', kind: 'objection', body: 'Không đồng ý', replacement: null, start: 3, end: 9, quote: { exact: 'Tốc độ', prefix: '', suffix: '' } },
      { id: 'a4', kind: 'support', body: '', replacement: null, start: 3, end: 9, quote: { exact: 'Tốc độ', prefix: '', suffix: '' } },
      { id: 'a5', kind: 'suggestion', body: 'Chính xác hơn', replacement: 'Tốc độ tăng', start: 3, end: 9, quote: { exact: 'Tốc độ', prefix: '', suffix: '' } },
    ],
  });
  /** The parts of a W3C Web Annotation these tests read. */
  interface WebAnnotation {
    id: string;
    type: string;
    motivation: string;
    body: Array<{ type: string; value: string; purpose: string; format?: string; language?: string }>;
    target: { source: string; selector: unknown[] };
  }
  const items = (doc.first as { items: WebAnnotation[] }).items;

  it('is an AnnotationCollection in the W3C context with one page of Annotations', () => {
    expect(doc['@context']).toBe('http://www.w3.org/ns/anno.jsonld');
    expect(doc.type).toBe('AnnotationCollection');
    expect(doc.total).toBe(5);
    expect((doc.first as { type: string }).type).toBe('AnnotationPage');
    expect(items.every((a) => a.type === 'Annotation')).toBe(true);
    expect(items[0]!.id).toBe('https://draftroom.example/api/v1/annotations/a1');
  });

  it('maps kinds to the model\'s motivations and bodies', () => {
    expect(items.map((a) => a.motivation)).toEqual(['commenting', 'questioning', 'assessing', 'assessing', 'editing']);
    expect(items[0]!.body).toEqual([{ type: 'TextualBody', value: 'Làm rõ', format: 'text/plain', language: 'vi', purpose: 'commenting' }]);
    expect(items[2]!.body.map((b) => [b.purpose, b.value])).toEqual([['assessing', 'Không đồng ý'], ['tagging', 'objection']]);
    expect(items[3]!.body.map((b) => [b.purpose, b.value])).toEqual([['tagging', 'support']]);
    expect(items[4]!.body.map((b) => [b.purpose, b.value])).toEqual([['editing', 'Chính xác hơn'], ['editing', 'Tốc độ tăng']]);
  });

  it('targets the version with quote and position selectors, positions in code points', () => {
    expect(items[0]!.target).toEqual({
      source: 'https://draftroom.example/api/v1/documents/d1/versions/3',
      selector: [
        { type: 'TextQuoteSelector', exact: 'Tốc độ', prefix: '👍 ', suffix: ' tăng' },
        { type: 'TextPositionSelector', start: 2, end: 8 },
      ],
    });
    expect(items[1]!.target.selector[1]).toEqual({ type: 'TextPositionSelector', start: 0, end: 1 });
  });
});
