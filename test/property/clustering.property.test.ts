import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { clusterAnnotations, matchAcrossUnits, type AnnotationForClustering } from '../../server/domain/clustering.js';

const seed = Number(process.env.CLUSTERING_SEED ?? Math.floor(Math.random() * 2 ** 31));
console.log(`clustering property tests: seed ${seed} (rerun with CLUSTERING_SEED=${seed})`);
const params = (numRuns: number) => ({ seed, numRuns });

const sections = [
  { path: '', title: '' },
  { path: 'PHẦN THỨ NHẤT > I', title: 'I. Về kinh tế' },
  { path: 'PHẦN THỨ NHẤT > II', title: 'II. Về văn hóa, xã hội' },
];

// Bodies built from a few phrasings of a few points, so that merges actually happen.
const opener = fc.constantFrom('Đề nghị ', 'Cần ', 'đề nghị ', 'De nghi ', 'Please ', '');
const point = fc.constantFrom(
  'bổ sung chỉ tiêu về chuyển đổi số',
  'bổ sung thêm chỉ tiêu chuyển đổi số',
  'bỏ chỉ tiêu này',
  'giữ chỉ tiêu này',
  'làm rõ giải pháp thu hút đầu tư',
  'nâng chỉ tiêu lên 9%',
  'add a target for digital transformation',
  '',
  '👍',
);
const ending = fc.constantFrom('', '.', '!', ' thêm', ' ạ', '\n');
const body = fc.tuple(opener, point, ending, fc.boolean()).map(([o, p, e, nfd]) => (nfd ? `${o}${p}${e}`.normalize('NFD') : `${o}${p}${e}`));

const annotation = fc.record({
  kind: fc.constantFrom('comment', 'question', 'objection', 'support', 'suggestion') as fc.Arbitrary<AnnotationForClustering['kind']>,
  body,
  replacement: fc.constantFrom('đạt 8,2%', 'Đạt 8,2 %', 'đạt 9%', ''),
  section: fc.constantFrom('', 'PHẦN THỨ NHẤT > I', 'PHẦN THỨ NHẤT > II', 'PHỤ LỤC'),
  start: fc.integer({ min: 0, max: 300 }),
  length: fc.integer({ min: 0, max: 40 }),
  authorId: fc.constantFrom('m1', 'm2', 'm3', 'm4'),
  unitId: fc.constantFrom('u1', 'u2'),
  decision: fc.constantFrom(null, 'accepted', 'partially_accepted', 'rejected', 'noted') as fc.Arbitrary<AnnotationForClustering['decision']>,
});

const annotations = fc
  .array(annotation, { maxLength: 60 })
  .map((list) =>
    list.map(({ length, replacement, ...a }, i): AnnotationForClustering => ({
      ...a,
      id: `00000000-0000-4000-8000-${String(i * 7919 % 1000003).padStart(12, '0')}`,
      replacement: a.kind === 'suggestion' ? replacement : null,
      end: a.start + length,
    })),
  );

const withShuffle = annotations.chain((list) => fc.tuple(fc.constant(list), fc.shuffledSubarray(list, { minLength: list.length, maxLength: list.length })));
const paragraphs = fc.option(fc.uniqueArray(fc.integer({ min: 0, max: 340 }), { maxLength: 8 }), { nil: undefined });

describe('clusterAnnotations (property)', () => {
  it('puts every annotation in exactly one cluster, counts add up, and shuffling changes nothing', () => {
    fc.assert(
      fc.property(withShuffle, paragraphs, ([list, shuffled], paragraphStarts) => {
        const result = clusterAnnotations(list, sections, { paragraphStarts });
        const clusters = result.flatMap((s) => s.clusters);
        const ids = clusters.flatMap((c) => c.annotationIds);
        expect([...ids].sort()).toEqual(list.map((a) => a.id).sort());
        expect(clusters.reduce((n, c) => n + c.count, 0)).toBe(list.length);
        for (const section of result) for (const c of section.clusters) {
          expect(c.count).toBe(c.annotationIds.length);
          expect(Object.values(c.decisions).reduce((n, d) => n + d, 0)).toBe(c.count);
          const members = list.filter((a) => c.annotationIds.includes(a.id));
          expect(members.every((m) => m.section === section.path)).toBe(true);
          // The representative is one member's original text.
          expect(members.some((m) => m.body === c.representative.body && m.replacement === c.representative.replacement)).toBe(true);
        }
        expect(clusterAnnotations(shuffled, sections, { paragraphStarts })).toEqual(result);
      }),
      params(150),
    );
  });
});

describe('matchAcrossUnits (property)', () => {
  it('puts every package item in exactly one item, counts and units add up, order does not matter', () => {
    fc.assert(
      fc.property(withShuffle, ([list, shuffled]) => {
        const packagesOf = (anns: readonly AnnotationForClustering[]) =>
          ['u1', 'u2'].map((unitId) => ({
            unitId,
            items: anns.filter((a) => a.unitId === unitId).map((a) => ({ id: a.id, section: a.section, kind: a.kind, count: 1 + (a.start % 3), representative: { body: a.body, replacement: a.replacement } })),
          }));
        const result = matchAcrossUnits(packagesOf(list), { sections: sections.map((s) => s.path) });
        expect(result.flatMap((r) => r.sourceItemIds).sort()).toEqual(list.map((a) => a.id).sort());
        expect(result.reduce((n, r) => n + r.count, 0)).toBe(list.reduce((n, a) => n + 1 + (a.start % 3), 0));
        for (const r of result) expect(r.unitCount).toBe(r.unitIds.length);
        expect(matchAcrossUnits(packagesOf(shuffled), { sections: sections.map((s) => s.path) })).toEqual(result);
      }),
      params(100),
    );
  });
});
