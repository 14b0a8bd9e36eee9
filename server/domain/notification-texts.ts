/**
 * The sentences of notifications, in Vietnamese (the committees' language), composed in one
 * place from the vocabulary's labels, so the bell, the e-mail and its subject say the same thing.
 * Times are Vietnam time (UTC+7), as members read them.
 */
import { decisionLabels, lowerLabel, notificationKindLabels, type Decision, type NotificationKind } from './vocabulary.js';

const TIME_ZONE = 'Asia/Ho_Chi_Minh';

/** "17:00 ngày 30/11/2026": hour, minute and date in Vietnam. */
export function vietnameseDeadline(at: Date): string {
  const parts = new Intl.DateTimeFormat('en-GB', { timeZone: TIME_ZONE, year: 'numeric', month: '2-digit', day: '2-digit', hour: '2-digit', minute: '2-digit', hourCycle: 'h23' }).formatToParts(at);
  const get = (type: string) => parts.find((p) => p.type === type)?.value ?? '';
  return `${get('hour')}:${get('minute')} ngày ${get('day')}/${get('month')}/${get('year')}`;
}

/** Cuts a quoted excerpt to `max` characters (UTF-16), on a word boundary when one is near. */
export function excerpt(text: string, max = 80): string {
  const flat = text.replace(/\s+/g, ' ').trim();
  if (flat.length <= max) return flat;
  const cut = flat.slice(0, max);
  const space = cut.lastIndexOf(' ');
  return `${(space > max * 0.6 ? cut.slice(0, space) : cut).trimEnd()}…`;
}

export type NotificationFacts =
  | { kind: 'round.opened'; title: string; roundNumber: number; closesAt: Date }
  | { kind: 'round.closing'; title: string; roundNumber: number; closesAt: Date; hoursLeft: number }
  | { kind: 'reply.created'; title: string; replierName: string; quote: string }
  | { kind: 'disposition.set'; title: string; decision: Decision; quote: string }
  | { kind: 'package.received'; title: string; fromUnitName: string; items: number }
  | { kind: 'round.reminder'; title: string; roundNumber: number; closesAt: Date; senderName: string }
  | { kind: 'package.requested'; title: string; unitName: string; receiverName: string };

/**
 * How a sentence names the draft: "dự thảo “Báo cáo chính trị”", or just the quoted title when it
 * says "Dự thảo …" itself (no "dự thảo “Dự thảo …”"). `capital` for the start of a sentence.
 */
export function draftName(title: string, capital = false): string {
  const quoted = `“${title}”`;
  if (/^dự thảo\b/iu.test(title.normalize('NFC').trim())) return quoted;
  return `${capital ? 'Dự' : 'dự'} thảo ${quoted}`;
}

/** "về “quote” " for a passage; nothing for a comment on a whole section or the draft (no quote). */
const about = (quote: string): string => (quote.trim() ? `về “${excerpt(quote)}” ` : '');

/** The notification's sentence: what happened, on which draft, and what to do by when. */
export function notificationText(facts: NotificationFacts): string {
  const title = draftName(facts.title);
  switch (facts.kind) {
    case 'round.opened':
      return `${draftName(facts.title, true)} mở vòng ${facts.roundNumber} lấy ý kiến; hạn góp ý ${vietnameseDeadline(facts.closesAt)}.`;
    case 'round.closing':
      return `Còn ${facts.hoursLeft} giờ để góp ý vòng ${facts.roundNumber} ${title} (hạn ${vietnameseDeadline(facts.closesAt)}); đồng chí chưa gửi ý kiến nào.`;
    case 'reply.created':
      return `${facts.replierName} đã trả lời ý kiến của đồng chí ${about(facts.quote)}trong ${title}.`;
    case 'disposition.set':
      return `Ý kiến của đồng chí ${about(facts.quote)}trong ${title}: ${lowerLabel(decisionLabels.vi[facts.decision], 'vi')}.`;
    case 'package.received':
      return `${facts.fromUnitName} đã gửi tổng hợp ý kiến (${facts.items} nội dung) về ${title}.`;
    case 'round.reminder':
      return `${facts.senderName} nhắc đồng chí góp ý vòng ${facts.roundNumber} ${title}; hạn góp ý ${vietnameseDeadline(facts.closesAt)}, đồng chí chưa gửi ý kiến nào.`;
    case 'package.requested':
      return `${facts.receiverName} đề nghị ${facts.unitName} gửi tổng hợp ý kiến về ${title}.`;
  }
}

/** The e-mail subject of a notification: "[draftroom] Trả lời ý kiến — <title>". */
export function notificationSubject(kind: NotificationKind, title: string): string {
  return `[draftroom] ${notificationKindLabels.vi[kind]} — ${excerpt(title, 60)}`;
}

/** What an audit entry names as its target, in the trail's words (one place, like the notifications). */
export const auditTargets = {
  draft: (title: string): string => draftName(excerpt(title, 120)),
  round: (roundNumber: number, scopeName: string): string => `vòng ${roundNumber} — ${scopeName}`,
  file: (filename: string): string => filename,
  annotation: (quote: string, detail: string): string => (quote.trim() ? `ý kiến về “${excerpt(quote, 60)}”: ${detail}` : `ý kiến chung: ${detail}`),
  package: (fromUnitName: string, items: number): string => `tổng hợp ý kiến của ${fromUnitName} (${items} nội dung)`,
  membersReminded: (roundNumber: number, unitName: string, members: number): string => `vòng ${roundNumber} — ${unitName}: nhắc ${members} đảng viên chưa góp ý`,
  unitsReminded: (unitNames: readonly string[]): string => `nhắc gửi tổng hợp ý kiến: ${unitNames.join(', ')}`,
};

/**
 * Where a notification leads in the web client (client/src/ui/router.ts), the same in the bell and
 * in the e-mail: a received or requested package to the document's feedback tab, anything else to the draft,
 * at the annotation when there is one.
 */
export function notificationPath(n: { kind: NotificationKind; documentId: string; annotationId?: string | null | undefined }): string {
  // A unit asked for its package goes where it prepares and sends it (the same tab's package form).
  if (n.kind === 'package.received' || n.kind === 'package.requested') return `/d/${n.documentId}/feedback`;
  return `/d/${n.documentId}/draft${n.annotationId ? `?annotation=${n.annotationId}` : ''}`;
}
