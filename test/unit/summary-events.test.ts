/** Which sections of a summary read by section a live event makes stale (client/src/review/summary-events.ts). */
import { describe, expect, it } from 'vitest';
import { sectionOf, staleBy, type SectionState } from '../../client/src/review/summary-events.js';
import type { DocumentEvent } from '../../server/http/schemas/events.js';

const round = 'round-1';
const cluster = (id: string, annotationIds: string[]) => ({ id, annotationIds }) as unknown as NonNullable<SectionState['section']>['clusters'][number];
const read = new Map<string, SectionState>([
  ['I', { section: { path: 'I', title: 'I.', clusters: [cluster('a1', ['a1', 'a2'])], passages: [] }, annotations: new Map(), loading: false }],
  ['II', { section: { path: 'II', title: 'II.', clusters: [cluster('b1', ['b1'])], passages: [] }, annotations: new Map(), loading: false }],
]);
const event = (type: DocumentEvent['type'], data: Record<string, unknown>): DocumentEvent => ({ id: '1', type, data });

describe('what a live event makes stale in the summary', () => {
  it('finds the section of an annotation among the sections read', () => {
    expect(sectionOf(read, 'a2')).toBe('I');
    expect(sectionOf(read, 'b1')).toBe('II');
    expect(sectionOf(read, 'zz')).toBeUndefined();
  });

  it('a new or edited annotation: the index, its section now and the section it was in', () => {
    expect(staleBy(event('annotation.upserted', { id: 'new', roundId: round, anchor: { section: 'III' } }), round, read)).toEqual({ index: true, sections: ['III'] });
    expect(staleBy(event('annotation.upserted', { id: 'a2', roundId: round, anchor: { section: 'II' } }), round, read)).toEqual({ index: true, sections: ['II', 'I'] });
    expect(staleBy(event('annotation.upserted', { id: 'x', roundId: 'other', anchor: { section: 'I' } }), round, read)).toBeNull();
  });

  it('a withdrawal: the index and the section that held it, if read', () => {
    expect(staleBy(event('annotation.withdrawn', { id: 'b1', roundId: round }), round, read)).toEqual({ index: true, sections: ['II'] });
    expect(staleBy(event('annotation.withdrawn', { id: 'unread', roundId: round }), round, read)).toEqual({ index: true, sections: [] });
  });

  it('an edit or undo by hand: the index, the edits and the section of its annotations', () => {
    expect(staleBy(event('clusters.edited', { roundId: round, action: 'merge', edit: { annotationIds: ['a1', 'a2'] } }), round, read)).toEqual({ index: true, edits: true, sections: ['I', 'I'] });
    expect(staleBy(event('clusters.edited', { roundId: round, action: 'undo', annotationIds: ['b1'] }), round, read)).toEqual({ index: true, edits: true, sections: ['II'] });
    expect(staleBy(event('clusters.edited', { roundId: 'other', action: 'split', edit: { annotationIds: ['b1'] } }), round, read)).toBeNull();
  });

  it('a decision: its section and the counts; a reply or an applied rewording: its section only, if read', () => {
    expect(staleBy(event('disposition.set', { annotationId: 'a1' }), round, read)).toEqual({ index: true, sections: ['I'] });
    expect(staleBy(event('disposition.set', { annotationId: 'unread' }), round, read)).toEqual({ index: true, sections: [] });
    expect(staleBy(event('reply.created', { annotationId: 'b1' }), round, read)).toEqual({ sections: ['II'] });
    expect(staleBy(event('reply.created', { annotationId: 'unread' }), round, read)).toBeNull();
    expect(staleBy(event('suggestion.applied', { annotationId: 'a2' }), round, read)).toEqual({ sections: ['I'] });
  });

  it('events about other things change nothing', () => {
    expect(staleBy(event('round.opened', { roundId: round }), round, read)).toBeNull();
    expect(staleBy(event('version.created', {}), round, read)).toBeNull();
  });
});
