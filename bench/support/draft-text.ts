/**
 * Draft bodies for the annotation and aggregation benchmarks, built from the demo report
 * (server/demo/draft-political-report.vi.md, NFC): a ≈100-page Markdown draft, either the report
 * repeated (its own headings kept) or its paragraphs re-cut under exactly `sections` headings.
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { root } from './server.js';

const reportPath = path.join(root, 'server/demo/draft-political-report.vi.md');
const report = (): string => readFileSync(reportPath, 'utf8').normalize('NFC');

/** The report repeated, each copy under `# Phần n`, until at least `targetChars` characters. */
export function repeatedReport(targetChars = 300_000): string {
  const one = report();
  const parts: string[] = [];
  for (let copy = 1, length = 0; length < targetChars; copy++) {
    const part = `# Phần ${copy}\n\n${one}\n`;
    parts.push(part);
    length += part.length;
  }
  return parts.join('');
}

/** Section titles, numbered 1..n ("1. Về phát triển kinh tế (tiếp theo 2)"): label = the number. */
const topics = [
  'Về phát triển kinh tế', 'Về văn hóa, xã hội', 'Về quốc phòng, an ninh', 'Về xây dựng Đảng và hệ thống chính trị',
  'Về chuyển đổi số', 'Về nông nghiệp và nông thôn mới', 'Về giáo dục và đào tạo', 'Về y tế và chăm sóc sức khỏe nhân dân',
  'Về tài nguyên và môi trường', 'Về cải cách hành chính',
];

/**
 * The report's paragraphs (its headings dropped) repeated to at least `targetChars` characters and
 * cut into `sections` level-1 headings of about equal size, so the draft has exactly `sections`
 * sections (no preamble: it opens with a heading; no title heading: all headings are level 1).
 */
export function sectionedReport(sections = 50, targetChars = 300_000): string {
  const paragraphs = report()
    .split(/\n{2,}/)
    .map((p) => p.trim())
    .filter((p) => p.length > 0 && !p.startsWith('#'));
  const body: string[] = [];
  for (let i = 0, length = 0; length < targetChars; i++) {
    const p = paragraphs[i % paragraphs.length]!;
    body.push(p);
    length += p.length + 1;
  }
  const perSection = Math.ceil(body.length / sections);
  const out: string[] = [];
  for (let s = 0; s < sections; s++) {
    const topic = topics[s % topics.length]!;
    const round = Math.floor(s / topics.length);
    out.push(`# ${s + 1}. ${topic}${round > 0 ? ` (tiếp theo ${round + 1})` : ''}`);
    out.push(...body.slice(s * perSection, (s + 1) * perSection));
  }
  return out.join('\n\n') + '\n';
}
