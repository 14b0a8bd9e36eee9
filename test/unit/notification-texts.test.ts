import { describe, expect, it } from 'vitest';
import { auditTargets, excerpt, notificationPath, notificationSubject, notificationText, vietnameseDeadline } from '../../server/domain/notification-texts.js';

describe('notification texts', () => {
  it('prints deadlines in Vietnam time (UTC+7), across midnight', () => {
    expect(vietnameseDeadline(new Date('2026-11-30T10:00:00Z'))).toBe('17:00 ngày 30/11/2026');
    expect(vietnameseDeadline(new Date('2026-12-31T18:30:00Z'))).toBe('01:30 ngày 01/01/2027');
  });

  it('cuts long quotes on a word boundary and flattens line breaks', () => {
    expect(excerpt('ngắn')).toBe('ngắn');
    expect(excerpt('một hai\nba', 80)).toBe('một hai ba');
    expect(excerpt('Tăng trưởng kinh tế đạt tám phần trăm mỗi năm trong giai đoạn', 30)).toBe('Tăng trưởng kinh tế đạt tám…');
  });

  it('says what happened, without a quote for a comment on the whole draft', () => {
    expect(notificationText({ kind: 'disposition.set', title: 'Báo cáo', decision: 'partially_accepted', quote: '' })).toBe('Ý kiến của đồng chí trong dự thảo “Báo cáo”: tiếp thu một phần.');
    expect(notificationText({ kind: 'round.closing', title: 'Báo cáo', roundNumber: 2, closesAt: new Date('2026-11-30T10:00:00Z'), hoursLeft: 2 })).toBe(
      'Còn 2 giờ để góp ý vòng 2 dự thảo “Báo cáo” (hạn 17:00 ngày 30/11/2026); đồng chí chưa gửi ý kiến nào.',
    );
    expect(notificationSubject('reply.created', 'Báo cáo')).toBe('[draftroom] Trả lời ý kiến — Báo cáo');
    expect(auditTargets.annotation('', 'ghi nhận')).toBe('ý kiến chung: ghi nhận');
  });

  it('does not say "dự thảo" twice when the title says it', () => {
    expect(notificationText({ kind: 'round.opened', title: 'Dự thảo Nghị quyết Đại hội', roundNumber: 1, closesAt: new Date('2026-11-30T10:00:00Z') })).toBe(
      '“Dự thảo Nghị quyết Đại hội” mở vòng 1 lấy ý kiến; hạn góp ý 17:00 ngày 30/11/2026.',
    );
    expect(notificationText({ kind: 'round.opened', title: 'Báo cáo chính trị', roundNumber: 1, closesAt: new Date('2026-11-30T10:00:00Z') })).toMatch(/^Dự thảo “Báo cáo chính trị” mở vòng 1/);
    expect(auditTargets.draft('dự thảo Chương trình')).toBe('“dự thảo Chương trình”');
  });

  it('links a package to the merged feedback and anything else to the draft at its annotation', () => {
    expect(notificationPath({ kind: 'package.received', documentId: 'd' })).toBe('/d/d/feedback');
    expect(notificationPath({ kind: 'reply.created', documentId: 'd', annotationId: 'a' })).toBe('/d/d/draft?annotation=a');
    expect(notificationPath({ kind: 'round.opened', documentId: 'd', annotationId: null })).toBe('/d/d/draft');
  });

  it('words the reminders staff send by hand, and leads a package request to the feedback tab', () => {
    expect(notificationText({ kind: 'round.reminder', title: 'Báo cáo', roundNumber: 1, closesAt: new Date('2026-11-30T10:00:00Z'), senderName: 'Phạm Thị Huyền' })).toBe(
      'Phạm Thị Huyền nhắc đồng chí góp ý vòng 1 dự thảo “Báo cáo”; hạn góp ý 17:00 ngày 30/11/2026, đồng chí chưa gửi ý kiến nào.',
    );
    expect(notificationText({ kind: 'package.requested', title: 'Báo cáo', unitName: 'Đảng ủy xã Hòa Bình', receiverName: 'Huyện ủy Đông Sơn' })).toBe(
      'Huyện ủy Đông Sơn đề nghị Đảng ủy xã Hòa Bình gửi tổng hợp ý kiến về dự thảo “Báo cáo”.',
    );
    expect(notificationSubject('round.reminder', 'Báo cáo')).toBe('[draftroom] Nhắc góp ý — Báo cáo');
    expect(notificationPath({ kind: 'package.requested', documentId: 'd' })).toBe('/d/d/feedback');
    expect(notificationPath({ kind: 'round.reminder', documentId: 'd' })).toBe('/d/d/draft');
    expect(auditTargets.membersReminded(1, 'Xã Một', 3)).toBe('vòng 1 — Xã Một: nhắc 3 đảng viên chưa góp ý');
  });
});
