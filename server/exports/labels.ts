/**
 * Words the exports print around user text, in the committees' language (Vietnamese) or English.
 */
import type { AnnotationKind, DecisionCounts } from '../domain/clustering.js';

export type ExportLocale = 'vi' | 'en';

export interface ExportLabels {
  readonly summary: string;
  readonly feedback: string;
  readonly preamble: string;
  readonly participation: (p: { invited: number; commented: number; annotations: number }) => string;
  readonly unit: string;
  readonly invited: string;
  readonly commented: string;
  readonly kind: string;
  readonly count: string;
  readonly text: string;
  readonly proposed: string;
  readonly decisions: string;
  readonly raisedBy: (n: number, of: number) => string;
  readonly units: string;
  readonly none: string;
  readonly kinds: Record<AnnotationKind, string>;
  readonly decision: Record<keyof DecisionCounts, string>;
}

const vi: ExportLabels = {
  summary: 'Tổng hợp ý kiến',
  feedback: 'Tổng hợp ý kiến các đơn vị',
  preamble: 'Phần mở đầu',
  participation: (p) => `Được mời: ${p.invited}; đã góp ý: ${p.commented}; số ý kiến: ${p.annotations}.`,
  unit: 'Đơn vị',
  invited: 'Được mời',
  commented: 'Đã góp ý',
  kind: 'Loại',
  count: 'Số lượt',
  text: 'Nội dung',
  proposed: 'Đề xuất sửa thành',
  decisions: 'Tiếp thu',
  raisedBy: (n, of) => `${n}/${of} đơn vị`,
  units: 'Đơn vị nêu',
  none: 'Không có ý kiến.',
  kinds: { comment: 'Góp ý', question: 'Câu hỏi', objection: 'Không đồng ý', support: 'Đồng ý', suggestion: 'Đề xuất sửa' },
  decision: { accepted: 'tiếp thu', partially_accepted: 'tiếp thu một phần', rejected: 'không tiếp thu', noted: 'ghi nhận', undecided: 'chưa xử lý' },
};

const en: ExportLabels = {
  summary: 'Summary of comments',
  feedback: 'Consolidated feedback',
  preamble: 'Preamble',
  participation: (p) => `Invited: ${p.invited}; commented: ${p.commented}; annotations: ${p.annotations}.`,
  unit: 'Unit',
  invited: 'Invited',
  commented: 'Commented',
  kind: 'Kind',
  count: 'Count',
  text: 'Text',
  proposed: 'Proposed text',
  decisions: 'Decisions',
  raisedBy: (n, of) => `raised by ${n} of ${of} units`,
  units: 'Raised by',
  none: 'No annotations.',
  kinds: { comment: 'Comment', question: 'Question', objection: 'Objection', support: 'Support', suggestion: 'Suggestion' },
  decision: { accepted: 'accepted', partially_accepted: 'partially accepted', rejected: 'rejected', noted: 'noted', undecided: 'undecided' },
};

export function labelsFor(locale: ExportLocale = 'vi'): ExportLabels {
  return locale === 'en' ? en : vi;
}

const ORDER: (keyof DecisionCounts)[] = ['accepted', 'partially_accepted', 'rejected', 'noted', 'undecided'];

/** "2 accepted, 5 undecided": the non-zero counts in a fixed order ("—" when all are zero). */
export function formatDecisions(d: DecisionCounts, labels: ExportLabels): string {
  const parts = ORDER.filter((k) => d[k] > 0).map((k) => `${d[k]} ${labels.decision[k]}`);
  return parts.length > 0 ? parts.join(', ') : '—';
}

/** A section's heading: its title, else its path, else the preamble's name. */
export function sectionHeading(s: { path: string; title: string }, labels: ExportLabels): string {
  return s.title || s.path || labels.preamble;
}
