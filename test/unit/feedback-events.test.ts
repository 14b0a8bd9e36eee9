/** What live events and a new index make stale in the merged feedback read by section (client/src/review/feedback-events.ts). */
import { describe, expect, it } from 'vitest';
import { feedbackStaleBy, staleSections } from '../../client/src/review/feedback-events.js';
import type { FeedbackIndex } from '../../server/http/schemas/aggregation.js';
import type { DocumentEvent } from '../../server/http/schemas/events.js';

const event = (type: DocumentEvent['type'], data: Record<string, unknown>): DocumentEvent => ({ id: '1', type, data });
const index = (revisions: Record<string, string>) => ({ sections: Object.entries(revisions).map(([section, revision]) => ({ section, revision })) }) as unknown as FeedbackIndex;

describe('what a live event makes stale in the merged feedback', () => {
  it('reads the index again for a package sent to this unit and a new round, a decided item’s section too, nothing else', () => {
    expect(feedbackStaleBy(event('package.submitted', { toUnitId: 'district', fromUnitId: 'c1' }), 'district')).toEqual({ index: true, sections: [] });
    expect(feedbackStaleBy(event('package.submitted', { toUnitId: 'province', fromUnitId: 'district' }), 'district')).toBeNull();
    expect(feedbackStaleBy(event('round.opened', { id: 'r2' }), 'district')).toEqual({ index: true, sections: [] });
    expect(feedbackStaleBy(event('feedback.decided', { unitId: 'district', itemId: '0123456789abcdef', section: 'II' }), 'district')).toEqual({ index: true, sections: ['II'] });
    expect(feedbackStaleBy(event('feedback.decided', { unitId: 'district', itemId: '0123456789abcdef', section: '' }), 'district')).toEqual({ index: true, sections: [''] });
    expect(feedbackStaleBy(event('feedback.decided', { unitId: 'province', itemId: '0123456789abcdef', section: 'II' }), 'district')).toBeNull();
    for (const type of ['annotation.upserted', 'annotation.withdrawn', 'disposition.set', 'reply.created', 'clusters.edited', 'round.closed', 'version.created'] as const) {
      expect(feedbackStaleBy(event(type, { toUnitId: 'district', unitId: 'district', section: 'II' }), 'district'), type).toBeNull();
    }
  });

  it('reads again the open sections whose revision changed, forgets the closed ones, keeps the rest', () => {
    const read = new Map([
      ['I', { revision: 'a' }],
      ['II', { revision: 'b' }],
      ['III', { revision: 'c' }],
      ['IV', { revision: 'd' }],
      ['V', { revision: undefined }],
    ]);
    const fresh = index({ I: 'a', II: 'b2', III: 'c2', V: 'e' });
    expect(staleSections(fresh, read, new Set(['I', 'II', 'IV', 'V']))).toEqual({ reread: ['II', 'IV', 'V'], forget: ['III'] });
    expect(staleSections(index({ I: 'a', II: 'b', III: 'c', IV: 'd' }), new Map([...read].slice(0, 4)), new Set(['I']))).toEqual({ reread: [], forget: [] });
  });
});
