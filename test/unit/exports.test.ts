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

const none = { accepted: 0, partially_accepted: 0, rejected: 0, noted: 0, undecided: 0 };
const HOSTILE = '| *bold* _em_ # head [link](http://x) <script>alert(1)</script> `code` &lt; ~~s~~ \\ end';

const summary: RoundSummaryExport = {
  title: 'Báo cáo chính trị nhiệm kỳ 2025–2030',
  participation: { invited: 40, commented: 17, annotations: 23, byUnit: [{ unitId: 'u1', name: 'Chi bộ thôn Đồng Tâm', invited: 40, commented: 17 }] },
  sections: [
    {
      path: 'PHẦN THỨ NHẤT > I',
      title: 'I. Về phát triển kinh tế',
      clusters: [
        { kind: 'comment', count: 12, representative: { body: 'Đề nghị bổ sung chỉ tiêu về chuyển đổi số', replacement: null }, decisions: { ...none, accepted: 5, undecided: 7 } },
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
  it('opens in a DOCX reader with the headings, a Vietnamese comment and the counts', async () => {
    const buffer = await summaryToDocx({ ...summary, title: `${summary.title}\u0000\u0007` });
    expect(buffer.subarray(0, 2).toString()).toBe('PK');
    const { value } = await mammoth.extractRawText({ buffer });
    expect(value).toContain('I. Về phát triển kinh tế');
    expect(value).toContain('II. Về văn hóa, xã hội');
    expect(value).toContain('Đề nghị bổ sung chỉ tiêu về chuyển đổi số');
    expect(value).toContain('<script>alert(1)</script>');
    expect(value).toMatch(/\b12\b/);
    expect(value).toContain('5 tiếp thu, 7 chưa xử lý');
    const html = (await mammoth.convertToHtml({ buffer })).value;
    expect(html).toContain('<h2>I. Về phát triển kinh tế</h2>');
    expect(html).not.toContain('<script>');
    expect(html).toMatch(/<table>/);
  });
});

const feedback: FeedbackExport = {
  title: 'Dự thảo Báo cáo chính trị Đảng bộ huyện',
  units: [
    { unitId: 'x1', name: 'Xã Minh Sơn' },
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

  it('DOCX opens with the sections, texts and unit counts', async () => {
    const buffer = await feedbackToDocx(feedback);
    const { value } = await mammoth.extractRawText({ buffer });
    expect(value).toContain('II. Các chỉ tiêu chủ yếu');
    expect(value).toContain('Đề nghị nâng chỉ tiêu thu nhập');
    expect(value).toContain('2/3 đơn vị: Xã Minh Sơn, Thị trấn *Bắc* | Hà');
    expect(value).toContain('đạt *90%*');
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
  const items = (doc.first as { items: Record<string, any>[] }).items;

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
    expect(items[2]!.body.map((b: any) => [b.purpose, b.value])).toEqual([['assessing', 'Không đồng ý'], ['tagging', 'objection']]);
    expect(items[3]!.body.map((b: any) => [b.purpose, b.value])).toEqual([['tagging', 'support']]);
    expect(items[4]!.body.map((b: any) => [b.purpose, b.value])).toEqual([['editing', 'Chính xác hơn'], ['editing', 'Tốc độ tăng']]);
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
