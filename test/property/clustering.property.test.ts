import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { clusterAnnotations, matchAcrossUnits, type AnnotationForClustering } from '../../server/domain/clustering.js';
import { clusterBySection, reclusterSections } from '../../server/services/section-clusters.js';
import type { ClusterEdit } from '../../server/domain/cluster-edits.js';

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
// A base text with paragraph breaks (headings start the sections), or none.
const baseText = fc.option(
  fc.array(fc.constantFrom('Thu nhập đạt 52 triệu đồng. ', 'Tỷ lệ hộ nghèo giảm. ', '\n', 'chỉ tiêu ', 'chuyển đổi số '), { minLength: 30, maxLength: 60 }).map((parts) => parts.join('')),
  { nil: undefined },
);
const withStarts = (text: string | undefined) => sections.map((s, i) => ({ ...s, start: text === undefined ? undefined : Math.min(text.length, i * 120) }));

describe('clusterAnnotations (property)', () => {
  it('puts every annotation in exactly one cluster, counts add up, and shuffling changes nothing', () => {
    fc.assert(
      fc.property(withShuffle, baseText, ([list, shuffled], text) => {
        const result = clusterAnnotations(list, withStarts(text), { text });
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
          // The id is the earliest member's (no createdAt here: the smallest id).
          expect(c.id).toBe([...c.annotationIds].sort()[0]);
        }
        for (const section of result) {
          // Every point sits in exactly one passage; a passage's count is its points' counts.
          const inPassages = section.passages.flatMap((p) => p.clusterIds);
          expect([...inPassages].sort()).toEqual(section.clusters.map((c) => c.id).sort());
          for (const p of section.passages) {
            const points = section.clusters.filter((c) => p.clusterIds.includes(c.id));
            expect(p.count).toBe(points.reduce((n, c) => n + c.count, 0));
            for (const c of points) expect(c.anchor.start >= p.start && c.anchor.end <= p.end).toBe(true);
          }
        }
        expect(clusterAnnotations(shuffled, withStarts(text), { text })).toEqual(result);
      }),
      params(150),
    );
  });
});

describe('clusterAnnotations per section (property)', () => {
  it('gives each section the same clusters and passages whether clustered alone or with the rest', () => {
    fc.assert(
      fc.property(annotations, baseText, (list, text) => {
        const all = clusterAnnotations(list, withStarts(text), { text });
        for (const section of all) {
          const own = list.filter((a) => a.section === section.path);
          const alone = clusterAnnotations(own, withStarts(text), { text });
          expect(alone.find((s) => s.path === section.path)).toEqual(section);
        }
      }),
      params(150),
    );
  });

  it('recomputing only the changed sections (clusterBySection) gives what clustering everything gives', () => {
    fc.assert(
      fc.property(annotations, baseText, fc.integer({ min: 0, max: 10 }), (list, text, dropped) => {
        const known = withStarts(text);
        // First computed without a few annotations, then with all of them (as when annotations arrive).
        const before = clusterBySection(list.slice(dropped), known, { text, edits: [] }, undefined);
        const edits = list.length > 1 ? [{ kind: 'split' as const, annotationIds: [list[0]!.id] }] : [];
        const after = clusterBySection(list, known, { text, edits }, before.computed);
        expect(after.sections).toEqual(clusterAnnotations(list, known, { text, edits }));
        // Unchanged sections are the very objects computed before.
        const again = clusterBySection(list, known, { text, edits }, after.computed);
        again.sections.forEach((s, i) => {
          if (s.clusters.length > 0) expect(s).toBe(after.sections[i]);
        });
      }),
      params(150),
    );
  });
});

describe('reclusterSections (property)', () => {
  const change = fc.constantFrom('keep', 'keep', 'new', 'withdraw', 'move', 'reword');
  const otherSection = (path: string) => (path === 'PHẦN THỨ NHẤT > I' ? 'PHỤ LỤC' : 'PHẦN THỨ NHẤT > I');

  it('re-clustering only the sections the changes touch equals clustering everything again', () => {
    fc.assert(
      fc.property(annotations, fc.array(change, { minLength: 60, maxLength: 60 }), baseText, fc.boolean(), (list, changes, text, merge) => {
        const known = withStarts(text);
        // Each annotation before and after: written since, withdrawn since, moved to another section, reworded, or as it was.
        const before: AnnotationForClustering[] = [];
        const after: AnnotationForClustering[] = [];
        const touched = new Set<string>();
        list.forEach((a, i) => {
          const what = changes[i]!;
          if (what !== 'new') before.push(a);
          if (what === 'keep') after.push(a);
          else if (what === 'move') after.push({ ...a, section: otherSection(a.section), start: (a.start + 17) % 300, end: (a.start + 17) % 300 + (a.end - a.start) });
          else if (what === 'reword') after.push({ ...a, body: `${a.body} thêm`, kind: a.kind === 'support' ? 'comment' : a.kind });
          else if (what === 'new') after.push(a);
          if (what !== 'keep') touched.add(a.id);
        });
        // An edit made before (on an annotation kept as it was) holds; one made since touches its annotations.
        const kept = after.filter((a) => !touched.has(a.id));
        const editsBefore: ClusterEdit[] = kept.length > 0 ? [{ kind: 'split', annotationIds: [kept[0]!.id] }] : [];
        const pair = after.find((a, i) => after.slice(i + 1).some((b) => b.section === a.section));
        const partner = pair && after.find((b) => b !== pair && b.section === pair.section);
        const editsAfter: ClusterEdit[] = merge && pair && partner ? [...editsBefore, { kind: 'merge', annotationIds: [pair.id, partner.id] }] : editsBefore;
        if (editsAfter.length > editsBefore.length) editsAfter[editsAfter.length - 1]!.annotationIds.forEach((id) => touched.add(id));

        const first = clusterBySection(before, known, { text, edits: editsBefore }, undefined);
        const sectionsOf = (set: readonly AnnotationForClustering[]) => new Map(set.map((a) => [a.id, a.section]));
        const was = sectionsOf(before);
        const now = sectionsOf(after);
        const dirty = new Set([...touched].flatMap((id) => [was.get(id), now.get(id)]).filter((p) => p !== undefined));
        const next = reclusterSections(first.computed, dirty, after.filter((a) => dirty.has(a.section)), known, { text, edits: editsAfter });
        expect(next.sections).toEqual(clusterAnnotations(after, known, { text, edits: editsAfter }));
        // Sections nothing touched are the very objects computed before.
        for (const [path, entry] of next.computed) if (!dirty.has(path)) expect(entry).toBe(first.computed.get(path));
        // And a full pass over the result reuses every section (the fingerprints agree).
        const full = clusterBySection(after, known, { text, edits: editsAfter }, next.computed);
        for (const [path, entry] of full.computed) expect(entry).toBe(next.computed.get(path));
      }),
      params(200),
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
