/**
 * Words the exports print around user text, in the committees' language (Vietnamese) or English.
 * The words of the domain (kinds, decisions) come from domain/vocabulary.ts, as in the web client,
 * so a DOCX names a kind exactly as the screen does.
 */
import type { DecisionCounts } from '../domain/clustering.js';
import {
  decisionLabels,
  decisionTallies,
  kindLabels,
  lowerLabel,
  atPointLabel,
  scopeLabels,
  sourceLabels,
  type AnnotationKind,
  type AnnotationScope,
  type AnnotationSource,
  type DecisionTally,
  type Locale,
} from '../domain/vocabulary.js';

export type ExportLocale = Locale;

export interface ExportLabels {
  readonly summary: string;
  readonly feedback: string;
  readonly preamble: string;
  readonly participation: (p: { invited: number; commented: number; annotations: number; groups?: readonly { name: string; size: number; annotations: number }[] }) => string;
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
  /** As running text prints them ("5 tiếp thu"): the vocabulary's labels, lower-cased. */
  /** Lower case, for inside a sentence ("2 tiếp thu, 1 ghi nhận"). */
  readonly decision: Record<DecisionTally, string>;
  /** As a label on its own (a table cell, after "Xử lý:"): "Tiếp thu một phần". */
  readonly decisionName: Readonly<Record<DecisionTally, string>>;
  /** "Xử lý", before one decision. */
  readonly disposition: string;
  // The document frame (Vietnamese Party documents): header, date line, title, footer.
  readonly partyName: string;
  readonly report: string;
  /** "Minh Sơn, ngày 05 tháng 02 năm 2026": place may be null. */
  readonly dateLine: (place: string | null, d: { day: number; month: number; year: number }) => string;
  /** Footer: who downloaded the file and when ("14:05 ngày 29/11/2026"). */
  readonly downloadedBy: (name: string, when: string) => string;
  readonly page: string;
  readonly of: string;
  readonly vietnamTime: string;
  // Report parts.
  readonly summarySubject: (round: number, title: string) => string;
  readonly feedbackSubject: (title: string) => string;
  readonly participationPart: string;
  readonly pointsPart: string;
  readonly unitsPart: string;
  readonly sent: string;
  readonly pending: string;
  readonly nothingYet: string;
  readonly quote: string;
  readonly decisionAndReason: string;
  readonly unitsSent: (n: number, of: number) => string;
  readonly sentOn: string;
  // Draft exports: tracked changes and Word comments.
  readonly version: (n: number) => string;
  readonly live: string;
  readonly changesFrom: (from: string, to: string) => string;
  readonly annotationsOf: (round: number, version: number) => string;
  readonly replies: string;
  // A feedback package as sent.
  readonly packageSubject: (from: string, title: string) => string;
  readonly packageNote: string;
  /** The sending unit's note on one point. */
  readonly unitNote: string;
  /** Before the sending units' decisions on a merged point: "Đơn vị gửi đã xử lý: 2 không tiếp thu". */
  readonly sendersDecided: string;
  readonly contentHash: string;
  // General comments and comments recorded on behalf.
  readonly scopes: Record<AnnotationScope, string>;
  /** The quote cell of a passage point that quotes nothing (a zero-width anchor). */
  readonly atPoint: string;
  readonly sources: Record<AnnotationSource, string>;
  /** "ghi thay bởi Nguyễn Văn A (phiếu giấy)". */
  readonly recordedBy: (name: string, source: AnnotationSource | null) => string;
  /** "Tổ 3 (12 người)". */
  readonly group: (name: string, size: number) => string;
  /** A point's provenance: "2 ý kiến ghi thay; tổ thảo luận: Tổ 1, Tổ 3". */
  readonly recordedNote: (recorded: number, groups: readonly string[]) => string;
}

function lowered(labels: Readonly<Record<DecisionTally, string>>, locale: Locale): Record<DecisionTally, string> {
  return Object.fromEntries(decisionTallies.map((d) => [d, lowerLabel(labels[d], locale)])) as Record<DecisionTally, string>;
}

const vi: ExportLabels = {
  summary: 'Tổng hợp ý kiến',
  feedback: 'Tổng hợp ý kiến các đơn vị',
  preamble: 'Phần mở đầu',
  participation: (p) =>
    `Được mời: ${p.invited}; đã góp ý: ${p.commented}; số ý kiến: ${p.annotations}${p.groups?.length ? `; tổ thảo luận: ${p.groups.map((g) => `${g.name} (${g.size} người, ${g.annotations} ý kiến)`).join(', ')}` : ''}.`,
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
  kinds: kindLabels.vi,
  decision: lowered(decisionLabels.vi, 'vi'),
  decisionName: decisionLabels.vi,
  disposition: 'Xử lý',
  partyName: 'ĐẢNG CỘNG SẢN VIỆT NAM',
  report: 'BÁO CÁO',
  // Day below 10 and months 1–2 take a leading zero (Hướng dẫn 36-HD/VPTW on Party documents).
  dateLine: (place, d) =>
    `${place ? `${place}, ` : ''}ngày ${String(d.day).padStart(2, '0')} tháng ${d.month < 3 ? String(d.month).padStart(2, '0') : d.month} năm ${d.year}`,
  downloadedBy: (name, when) => `Tải xuống bởi ${name} lúc ${when}`,
  page: 'Trang',
  of: '/',
  vietnamTime: 'giờ Việt Nam',
  summarySubject: (round, title) => `Tổng hợp ý kiến góp ý vòng ${round} đối với ${title}`,
  feedbackSubject: (title) => `Tổng hợp ý kiến của các đơn vị đối với ${title}`,
  participationPart: 'Tình hình tham gia góp ý',
  pointsPart: 'Ý kiến góp ý theo từng phần',
  unitsPart: 'Các đơn vị gửi ý kiến',
  sent: 'Đã gửi',
  pending: 'Chưa gửi',
  nothingYet: 'Chưa có ý kiến góp ý.',
  quote: 'Đoạn trích',
  decisionAndReason: 'Xử lý, lý do',
  unitsSent: (n, of) => `${n}/${of} đơn vị đã gửi ý kiến.`,
  sentOn: 'Ngày gửi',
  version: (n) => `bản ${n}`,
  live: 'bản đang soạn',
  changesFrom: (from, to) => `Các thay đổi từ ${from} đến ${to} (theo dõi thay đổi)`,
  annotationsOf: (round, version) => `Ý kiến góp ý vòng ${round} trên bản ${version}`,
  replies: 'Trả lời',
  packageSubject: (from, title) => `Ý kiến của ${from} đối với ${title}`,
  packageNote: 'Ý kiến chung của đơn vị',
  unitNote: 'Ghi chú của đơn vị',
  sendersDecided: 'Đơn vị gửi đã xử lý',
  contentHash: 'Mã kiểm tra nội dung (SHA-256)',
  scopes: scopeLabels.vi,
  atPoint: atPointLabel.vi,
  sources: sourceLabels.vi,
  recordedBy: (name, source) => `ghi thay bởi ${name}${source ? ` (${lowerLabel(sourceLabels.vi[source], 'vi')})` : ''}`,
  group: (name, size) => `${name} (${size} người)`,
  recordedNote: (recorded, groups) =>
    [recorded > 0 ? `${recorded} ý kiến ghi thay` : '', groups.length > 0 ? `tổ thảo luận: ${groups.join(', ')}` : ''].filter(Boolean).join('; '),
};

const en: ExportLabels = {
  summary: 'Summary of comments',
  feedback: 'Consolidated feedback',
  preamble: 'Preamble',
  participation: (p) =>
    `Invited: ${p.invited}; commented: ${p.commented}; annotations: ${p.annotations}${p.groups?.length ? `; discussion groups: ${p.groups.map((g) => `${g.name} (${g.size} people, ${g.annotations} comments)`).join(', ')}` : ''}.`,
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
  kinds: kindLabels.en,
  decision: lowered(decisionLabels.en, 'en'),
  decisionName: decisionLabels.en,
  disposition: 'Decision',
  partyName: 'COMMUNIST PARTY OF VIETNAM',
  report: 'REPORT',
  dateLine: (place, d) =>
    `${place ? `${place}, ` : ''}${d.day} ${['January', 'February', 'March', 'April', 'May', 'June', 'July', 'August', 'September', 'October', 'November', 'December'][d.month - 1]} ${d.year}`,
  downloadedBy: (name, when) => `Downloaded by ${name} at ${when}`,
  page: 'Page',
  of: ' of ',
  vietnamTime: 'Vietnam time',
  summarySubject: (round, title) => `Comments of round ${round} on ${title}`,
  feedbackSubject: (title) => `Consolidated feedback of the units on ${title}`,
  participationPart: 'Participation',
  pointsPart: 'Comments by section',
  unitsPart: 'Units that sent feedback',
  sent: 'Sent',
  pending: 'Not sent yet',
  nothingYet: 'No comments yet.',
  quote: 'Quoted passage',
  decisionAndReason: 'Decision, reason',
  unitsSent: (n, of) => `${n} of ${of} units have sent their feedback.`,
  sentOn: 'Sent on',
  version: (n) => `version ${n}`,
  live: 'the live draft',
  changesFrom: (from, to) => `Changes from ${from} to ${to} (tracked changes)`,
  annotationsOf: (round, version) => `Comments of round ${round} on version ${version}`,
  replies: 'Replies',
  packageSubject: (from, title) => `Feedback of ${from} on ${title}`,
  packageNote: 'The unit’s general note',
  unitNote: 'The unit’s note',
  sendersDecided: 'Decided by the senders',
  contentHash: 'Content hash (SHA-256)',
  scopes: scopeLabels.en,
  atPoint: atPointLabel.en,
  sources: sourceLabels.en,
  recordedBy: (name, source) => `recorded by ${name}${source ? ` (${lowerLabel(sourceLabels.en[source], 'en')})` : ''}`,
  group: (name, size) => `${name} (${size} people)`,
  recordedNote: (recorded, groups) =>
    [recorded > 0 ? `${recorded} recorded on behalf` : '', groups.length > 0 ? `discussion groups: ${groups.join(', ')}` : ''].filter(Boolean).join('; '),
};

export function labelsFor(locale: ExportLocale = 'vi'): ExportLabels {
  return locale === 'en' ? en : vi;
}

/** "2 accepted, 5 undecided": the non-zero counts in a fixed order ("—" when all are zero). */
export function formatDecisions(d: DecisionCounts, labels: ExportLabels): string {
  const parts = decisionTallies.filter((k) => d[k] > 0).map((k) => `${d[k]} ${labels.decision[k]}`);
  return parts.length > 0 ? parts.join(', ') : '—';
}

/** A section's heading: its title, else its path, else the preamble's name. */
export function sectionHeading(s: { path: string; title: string }, labels: ExportLabels): string {
  return s.title || s.path || labels.preamble;
}

/**
 * What the sending units decided on a merged point ("2 không tiếp thu, 1 tiếp thu"), or null when
 * none decided anything: their own comments were answered below before the point came up.
 */
export function sendersDecisions(d: DecisionCounts | undefined, labels: ExportLabels): string | null {
  if (!d || decisionTallies.every((k) => k === 'undecided' || d[k] === 0)) return null;
  return formatDecisions(d, labels);
}
