/**
 * One term per concept: the web client and the exports print a kind or a decision with the same
 * words (domain/vocabulary.ts), in Vietnamese and in English.
 */
import mammoth from 'mammoth';
import { describe, expect, it } from 'vitest';
import { en } from '../../client/src/ui/en.js';
import { vi } from '../../client/src/ui/vi.js';
import { summaryToDocx } from '../../server/exports/summary-docx.js';
import { summaryToMarkdown } from '../../server/exports/summary-markdown.js';
import type { FrameContext } from '../../server/exports/report-parts.js';
import type { RoundSummaryExport } from '../../server/exports/summary-types.js';
import { CloseCode, errorCodes } from '../../server/errors.js';
import { annotationKinds, decisions, decisionTallies, kindLabels, missingReason, needsReason, type DecisionTally, type Locale } from '../../server/domain/vocabulary.js';

const client = { vi, en } as const;

const frameIn = (locale: Locale): FrameContext => ({
  locale,
  issuer: { name: 'Huyện ủy Đông Sơn', upperName: 'Tỉnh ủy Minh Hà' },
  date: new Date('2026-11-29T03:00:00Z'),
  downloadedBy: 'Phạm Thị Huyền',
  downloadedAt: new Date('2026-11-29T03:00:00Z'),
});

/** One cluster per kind; the n-th decision column counts n + 1, so every label appears. */
const counts = Object.fromEntries(decisionTallies.map((d, i) => [d, i + 1])) as Record<DecisionTally, number>;
const summary: RoundSummaryExport = {
  title: 'Dự thảo',
  participation: { invited: 3, commented: 2, annotations: 5, byUnit: [] },
  sections: [
    {
      path: 'I',
      title: 'I. Mục',
      clusters: annotationKinds.map((kind) => ({ kind, count: 1, representative: { body: `ý kiến ${kind}`, replacement: null }, decisions: counts })),
    },
  ],
};

describe.each(['vi', 'en'] as const)('labels in %s', (locale: Locale) => {
  const messages = client[locale];

  it('the client takes its kind and decision labels from the vocabulary', () => {
    for (const kind of annotationKinds) expect(messages[`kind_${kind}`]).toBe(kindLabels[locale][kind]);
  });

  it('a DOCX summary names each kind and decision exactly as the client does', async () => {
    const { value } = await mammoth.extractRawText({ buffer: await summaryToDocx(summary, frameIn(locale)) });
    const cells = value.split('\n').map((line) => line.trim());
    // A cluster's content cell leads with its kind: "Góp ý: <wording>".
    for (const kind of annotationKinds) expect(cells, kind).toContain(`${messages[`kind_${kind}`]}: ý kiến ${kind}`);
    for (const d of decisionTallies) expect(value).toContain(`${counts[d]} ${messages[`decision_${d}`].toLocaleLowerCase(locale)}`);
  });

  it('a Markdown summary names each kind and decision exactly as the client does', () => {
    const text = summaryToMarkdown(summary, locale);
    for (const kind of annotationKinds) expect(text).toContain(`| ${messages[`kind_${kind}`]} |`);
    for (const d of decisionTallies) expect(text).toContain(`${counts[d]} ${messages[`decision_${d}`].toLocaleLowerCase(locale)}`);
  });
});

describe('the Vietnamese terms', () => {
  it('use the words of Party consultation, one per concept', () => {
    expect(vi.kind_objection).toBe('Không tán thành');
    expect(vi.kind_support).toBe('Tán thành');
    expect(vi.decision_accepted).toBe('Tiếp thu');
    expect(vi.decision_partially_accepted).toBe('Tiếp thu một phần');
    expect(vi.decision_rejected).toBe('Không tiếp thu');
    expect(vi.decision_noted).toBe('Ghi nhận');
    expect(vi.decision_undecided).toBe('Chưa xử lý');
  });
});

describe('the client speaks every code of server/errors.ts', () => {
  it.each(['vi', 'en'] as const)('has a %s message for every error code and every close code but the internal one', (locale) => {
    const messages: Record<string, string> = client[locale];
    expect(errorCodes.filter((code) => !messages[`error_${code}`])).toEqual([]);
    const closes = Object.keys(CloseCode).filter((name) => name !== 'internalError');
    expect(closes.filter((name) => !messages[`close_${name}`])).toEqual([]);
  });
});

describe('the reason a decision needs', () => {
  it('is required when rejecting or accepting in part, and only then', () => {
    expect(decisions.map((d) => [d, missingReason(d, '')])).toEqual([
      ['accepted', null],
      ['partially_accepted', 'a partially accepted decision needs a reason in note'],
      ['rejected', 'a rejected decision needs a reason in note'],
      ['noted', null],
    ]);
    expect(missingReason('rejected', 'Giữ như dự thảo')).toBeNull();
    expect(needsReason('')).toBe(false);
  });
});
