/**
 * The words of the domain, defined once with their Vietnamese and English labels: roles, kinds
 * of annotation, decisions, round and annotation statuses, visibilities, anchor statuses, and the
 * names of the live events. The route schemas, the database types, the exports and the web
 * client (through the `@domain` alias) all import them from here, so a word and its label cannot
 * drift apart between the screen and a DOCX.
 *
 * Labels are written as a heading or a table cell shows them (capitalised where Vietnamese
 * capitalises a heading); running text lower-cases them with `lowerLabel`.
 */

/** A language draftroom speaks: Vietnamese (the committees' language, the default) or English. */
export type Locale = 'vi' | 'en';
/** Label of every word of a vocabulary, per language. */
export type Labels<W extends string> = Readonly<Record<Locale, Readonly<Record<W, string>>>>;

/** A member's role in a unit (API.md "Auth, units, members"). */
export const roles = ['member', 'drafter', 'secretary'] as const;
export type Role = (typeof roles)[number];
export const roleLabels: Labels<Role> = {
  vi: { member: 'đảng viên', drafter: 'tổ soạn thảo', secretary: 'thư ký' },
  en: { member: 'member', drafter: 'drafter', secretary: 'secretary' },
};

/**
 * What an annotation says (API.md "Annotations"). The Vietnamese follows the words of Party
 * consultation: "tán thành" / "không tán thành" (as in a vote), "đề nghị sửa câu chữ" for a
 * proposed rewording.
 */
export const annotationKinds = ['comment', 'question', 'objection', 'support', 'suggestion'] as const;
export type AnnotationKind = (typeof annotationKinds)[number];
export const kindLabels: Labels<AnnotationKind> = {
  vi: { comment: 'Góp ý', question: 'Câu hỏi', objection: 'Không tán thành', support: 'Tán thành', suggestion: 'Đề nghị sửa câu chữ' },
  en: { comment: 'Comment', question: 'Question', objection: 'Objection', support: 'Support', suggestion: 'Suggested rewording' },
};

/**
 * What an annotation is about: a passage it quotes, or (a general comment, a written submission)
 * a whole section or the whole document.
 */
export const annotationScopes = ['passage', 'section', 'document'] as const;
export type AnnotationScope = (typeof annotationScopes)[number];
/**
 * How long a comment's body may be, in UTF-16 characters, by where it is anchored: a passage
 * comment, or a general comment on a section or the whole draft (a written submission). Past it
 * the write is refused with 413 `too_large`; the client's forms stop there (`maxLength`).
 */
export const annotationBodyMax: Readonly<Record<AnnotationScope, number>> = { passage: 10_000, section: 50_000, document: 50_000 };

/**
 * A suggestion whose wording is the quoted text itself (spaces around either aside) changes nothing:
 * the server refuses it (400) and the forms, which start the wording from the quote, say so.
 */
export function rewordsNothing(quote: string, replacement: string): boolean {
  return replacement.trim() === quote.trim();
}

/**
 * The other texts people type, in UTF-16 characters, refused past these (413 from the services,
 * 400 from a route's schema); the client's fields stop there. A reply to a comment; a decision's
 * reason on a comment or a round's point; a suggestion's wording; a package's general note and its
 * note on one point.
 */
export const textMax = { reply: 10_000, decisionNote: 10_000, replacement: 10_000, packageNote: 20_000, packageItemNote: 5_000 } as const;

export const scopeLabels: Labels<AnnotationScope> = {
  vi: { passage: 'Đoạn văn', section: 'Góp ý chung cho mục', document: 'Góp ý chung cho toàn văn' },
  en: { passage: 'Passage', section: 'General comment on the section', document: 'General comment on the whole draft' },
};

/**
 * What a passage comment on no characters is about (a zero-width anchor: "add this here", or a
 * Word comment on an insertion point): it quotes nothing, yet is no general comment.
 */
export const atPointLabel: Readonly<Record<'vi' | 'en', string>> = { vi: 'Tại một vị trí trong văn bản (không trích đoạn)', en: 'At a point in the text (nothing quoted)' };

/** Where a comment recorded on someone's behalf was collected (API.md "Recorded on behalf"). */
export const annotationSources = ['paper', 'meeting', 'phone', 'other'] as const;
export type AnnotationSource = (typeof annotationSources)[number];
export const sourceLabels: Labels<AnnotationSource> = {
  vi: { paper: 'Phiếu giấy', meeting: 'Ý kiến tại cuộc họp', phone: 'Qua điện thoại', other: 'Nguồn khác' },
  en: { paper: 'On paper', meeting: 'In a meeting', phone: 'By phone', other: 'Other' },
};

/** The drafters' decision on an annotation (API.md "Annotations", disposition). */
export const decisions = ['accepted', 'partially_accepted', 'rejected', 'noted'] as const;
export type Decision = (typeof decisions)[number];
/** Decisions that must say why (API.md: the note is required when rejecting or accepting in part). */
const decisionsNeedingReason: ReadonlySet<string> = new Set<Decision>(['rejected', 'partially_accepted']);

/** Whether `decision` (or none chosen yet, `''`) must come with a reason. */
export const needsReason = (decision: Decision | ''): boolean => decisionsNeedingReason.has(decision);

/**
 * Why a decision with this `note` (already cleaned and trimmed) is refused, or null when it is
 * not: a rejection or a partial acceptance without a reason. One rule for annotations, points and
 * merged feedback; the services answer it as 400 `validation_failed`.
 */
export function missingReason(decision: Decision, note: string): string | null {
  return needsReason(decision) && note.length === 0 ? `a ${decision.replace('_', ' ')} decision needs a reason in note` : null;
}
/** A decision, or none yet: the columns of a cluster's tally. */
export const decisionTallies = [...decisions, 'undecided'] as const;
export type DecisionTally = (typeof decisionTallies)[number];
export const decisionLabels: Labels<DecisionTally> = {
  vi: { accepted: 'Tiếp thu', partially_accepted: 'Tiếp thu một phần', rejected: 'Không tiếp thu', noted: 'Ghi nhận', undecided: 'Chưa xử lý' },
  en: { accepted: 'Accepted', partially_accepted: 'Partially accepted', rejected: 'Rejected', noted: 'Noted', undecided: 'Undecided' },
};

/** A document's state: being drafted, or frozen for comment in a round. */
export const documentStatuses = ['drafting', 'in_round'] as const;
export type DocumentStatus = (typeof documentStatuses)[number];
export const documentStatusLabels: Labels<DocumentStatus> = {
  vi: { drafting: 'đang soạn thảo', in_round: 'đang lấy ý kiến' },
  en: { drafting: 'drafting', in_round: 'in a comment round' },
};

/** A round's state (API.md "Rounds"). */
export const roundStatuses = ['open', 'closed'] as const;
export type RoundStatus = (typeof roundStatuses)[number];
export const roundStatusLabels: Labels<RoundStatus> = {
  vi: { open: 'đang mở', closed: 'đã đóng' },
  en: { open: 'open', closed: 'closed' },
};

/** Who sees whose annotations in a round: `private` (own only) or `open` (all participants'). */
export const visibilities = ['private', 'open'] as const;
export type Visibility = (typeof visibilities)[number];
export const visibilityLabels: Labels<Visibility> = {
  vi: { private: 'riêng tư (thành viên chỉ thấy ý kiến của mình)', open: 'công khai (thành viên thấy ý kiến của nhau)' },
  en: { private: 'private (members see only their own comments)', open: 'open (members see each other’s comments)' },
};

/** An annotation is active until its author withdraws it. */
export const annotationStatuses = ['active', 'withdrawn'] as const;
export type AnnotationStatus = (typeof annotationStatuses)[number];
export const annotationStatusLabels: Labels<AnnotationStatus> = {
  vi: { active: 'đang có hiệu lực', withdrawn: 'đã rút' },
  en: { active: 'active', withdrawn: 'withdrawn' },
};

/** How an annotation re-anchored into a later text (DESIGN.md, anchoring). */
export const anchorStatuses = ['exact', 'moved', 'fuzzy', 'orphaned'] as const;
export type AnchorStatus = (typeof anchorStatuses)[number];
export const anchorStatusLabels: Labels<AnchorStatus> = {
  vi: { exact: 'đúng vị trí', moved: 'đã dịch chuyển', fuzzy: 'vị trí gần đúng', orphaned: 'đoạn văn không còn trong dự thảo' },
  en: { exact: 'in place', moved: 'moved', fuzzy: 'approximate place', orphaned: 'the passage is no longer in the draft' },
};

/** The names of the live events of a document (API.md "Live events"), as the SSE `event:` field carries them. */
export const documentEventTypes = [
  'round.opened',
  'round.closed',
  'version.created',
  'annotation.upserted',
  'annotation.withdrawn',
  'reply.created',
  'disposition.set',
  'suggestion.applied',
  'package.submitted',
  'clusters.edited',
  'feedback.decided',
] as const;
export type DocumentEventType = (typeof documentEventTypes)[number];

/**
 * What a member is notified of (API.md "People and notifications"); `round.reminder` and
 * `package.requested` are the reminders staff send by hand (README changelog 0.4.0).
 */
export const notificationKinds = ['round.opened', 'round.closing', 'reply.created', 'disposition.set', 'package.received', 'round.reminder', 'package.requested'] as const;
export type NotificationKind = (typeof notificationKinds)[number];
export const notificationKindLabels: Labels<NotificationKind> = {
  vi: {
    'round.opened': 'Mở vòng lấy ý kiến',
    'round.closing': 'Sắp hết hạn góp ý',
    'reply.created': 'Trả lời ý kiến',
    'disposition.set': 'Kết quả xử lý ý kiến',
    'package.received': 'Nhận tổng hợp ý kiến',
    'round.reminder': 'Nhắc góp ý',
    'package.requested': 'Nhắc gửi tổng hợp ý kiến',
  },
  en: {
    'round.opened': 'Round opened',
    'round.closing': 'Deadline approaching',
    'reply.created': 'Reply',
    'disposition.set': 'Decision on a comment',
    'package.received': 'Feedback package received',
    'round.reminder': 'Reminder to comment',
    'package.requested': 'Reminder to send feedback',
  },
};

/** What the audit trail records someone did to a document (API.md "People and notifications"). */
export const auditActions = ['opened', 'exported', 'decided', 'applied', 'distributed', 'submitted', 'reminded'] as const;
export type AuditAction = (typeof auditActions)[number];
export const auditActionLabels: Labels<AuditAction> = {
  vi: { opened: 'Mở xem', exported: 'Tải xuống', decided: 'Xử lý ý kiến', applied: 'Áp dụng đề nghị sửa', distributed: 'Phát hành lấy ý kiến', submitted: 'Gửi tổng hợp ý kiến', reminded: 'Nhắc góp ý' },
  en: { opened: 'Opened', exported: 'Downloaded', decided: 'Decided', applied: 'Applied a rewording', distributed: 'Distributed for comment', submitted: 'Sent feedback', reminded: 'Sent reminders' },
};

/** A label as running text prints it ("5 tiếp thu"), lower-cased by the language's rules. */
export function lowerLabel(label: string, locale: Locale): string {
  return label.toLocaleLowerCase(locale);
}

/**
 * The labels of one vocabulary as message entries `prefix_word` (the client's dictionaries):
 * `messageEntries('kind', kindLabels.vi)` → `{kind_comment: 'Góp ý', …}`.
 */
export function messageEntries<P extends string, W extends string>(prefix: P, labels: Readonly<Record<W, string>>): Record<`${P}_${W}`, string> {
  return Object.fromEntries(Object.entries(labels).map(([word, label]) => [`${prefix}_${word}`, label])) as Record<`${P}_${W}`, string>;
}
