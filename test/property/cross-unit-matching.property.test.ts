import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { CrossUnitMatching, matchAcrossUnits, matchedKind, type ClusterLike, type FeedbackPackageInput } from '../../server/domain/clustering.js';

const seed = Number(process.env.CLUSTERING_SEED ?? Math.floor(Math.random() * 2 ** 31));
console.log(`cross-unit matching property tests: seed ${seed} (rerun with CLUSTERING_SEED=${seed})`);
const params = (numRuns: number) => ({ seed, numRuns });

// Few points in many spellings (accents, filler, numbers, stances, one named thing swapped), so that
// matches, cannot-links and atoms of several equal keys all happen.
const opener = fc.constantFrom('Đề nghị ', 'Cần ', 'đề nghị ', 'De nghi ', 'Nên ', '');
const point = fc.constantFrom(
  'bổ sung chỉ tiêu về chuyển đổi số',
  'bổ sung thêm chỉ tiêu chuyển đổi số',
  'bo sung chi tieu ve chuyen doi so',
  'bổ sung chỉ tiêu về chuyển đổi xanh',
  'bỏ chỉ tiêu này',
  'bo chi tieu nay',
  'giữ chỉ tiêu này',
  'nâng chỉ tiêu lên 9%',
  'nâng chỉ tiêu lên 8,0 %',
  'giảm chỉ tiêu xuống 8%',
  'làm rõ nguồn vốn cho chi bộ',
  'làm rõ nguồn vốn cho chi đoàn',
  'nhất trí',
  '',
);
const ending = fc.constantFrom('', '.', '!', ' thêm', ' ạ');
const text = fc.tuple(opener, point, ending).map(([o, p, e]) => `${o}${p}${e}`);

const item = fc.record({
  section: fc.constantFrom('I', 'II', ''),
  kind: fc.constantFrom('comment', 'question', 'objection', 'support', 'suggestion') as fc.Arbitrary<ClusterLike['kind']>,
  count: fc.integer({ min: 1, max: 5 }),
  body: text,
  replacement: text,
  scope: fc.constantFrom('passage', 'passage', 'section') as fc.Arbitrary<ClusterLike['scope']>,
});

/** Packages from up to six units; each package's items are kept apart, as the services send them (or not). */
const packages = fc
  .array(fc.tuple(fc.array(item, { maxLength: 12 }), fc.boolean()), { minLength: 1, maxLength: 6 })
  .map((list) =>
    list.map(([items, apart], p): FeedbackPackageInput => ({
      unitId: `unit-${p}`,
      items: items.map((it, i) => ({
        id: `pkg-${p}/${String((i * 7919 + p * 104729) % 1000003).padStart(7, '0')}`,
        section: it.section,
        kind: it.kind,
        count: it.count,
        representative: { body: it.body, replacement: it.kind === 'suggestion' ? it.replacement : null },
        scope: it.scope!,
        ...(apart ? { apart: `pkg-${p}` } : {}),
      })),
    })),
  );

describe('CrossUnitMatching (property)', () => {
  it('equals matching everything at once after every package added, in any order of arrival', () => {
    fc.assert(
      fc.property(packages.chain((list) => fc.tuple(fc.constant(list), fc.shuffledSubarray(list, { minLength: list.length, maxLength: list.length }))), ([list, arrival]) => {
        const sections = { sections: ['I', 'II'] };
        const matching = new CrossUnitMatching();
        for (let n = 1; n <= arrival.length; n++) {
          matching.add([arrival[n - 1]!]);
          expect(matching.result(sections)).toEqual(matchAcrossUnits(arrival.slice(0, n), sections));
        }
        expect(matching.result(sections)).toEqual(matchAcrossUnits(list, sections));
      }),
      params(300),
    );
  });

  it('answers each section as matching everything at once does, whichever sections were read between arrivals', () => {
    fc.assert(
      fc.property(packages, fc.array(fc.subarray(['I', 'II', '', 'III']), { minLength: 6, maxLength: 6 }), (list, reads) => {
        const matching = new CrossUnitMatching();
        for (let n = 1; n <= list.length; n++) {
          matching.add([list[n - 1]!]);
          const batch = matchAcrossUnits(list.slice(0, n));
          // Before a section is read, its groups (what the roll-up's index counts) are its items' sources already.
          const sourcesOf = (path: string) => batch.filter((m) => m.section === path).map((m) => m.sourceItemIds.join('\n')).sort();
          for (const path of ['I', 'II', '', 'III']) expect(matching.groupsOf(path).map((g) => g.join('\n')).sort()).toEqual(sourcesOf(path));
          // Only some sections are read after this arrival: the others are brought up to date later.
          for (const path of reads[n - 1] ?? []) expect(matching.section(path)).toEqual(batch.filter((m) => m.section === path));
          for (const path of reads[n - 1] ?? []) expect(matching.groupsOf(path).map((g) => g.join('\n')).sort()).toEqual(sourcesOf(path));
          // An item's kind follows from its sources in the order the groups give them.
          const kindOf = new Map(list.slice(0, n).flatMap((p) => p.items.map((i) => [i.id, i] as const)));
          for (const m of batch) expect(matchedKind(m.sourceItemIds.map((id) => kindOf.get(id)!))).toBe(m.kind);
          expect(matching.sections()).toEqual([...new Set(batch.map((m) => m.section))].sort());
        }
        expect(matching.result({ sections: ['II', 'I'] })).toEqual(matchAcrossUnits(list, { sections: ['II', 'I'] }));
      }),
      params(300),
    );
  });

  it('equals matching everything at once when packages come item by item (atoms of equal keys grow and change spelling)', () => {
    fc.assert(
      fc.property(packages, fc.integer({ min: 0, max: 1000 }), (list, salt) => {
        const all = list.flatMap((p) => p.items.map((i) => ({ unitId: p.unitId, item: i })));
        const order = [...all].sort((a, b) => ((a.item.id.length * 31 + a.item.id.charCodeAt(a.item.id.length - 1) * salt) % 97) - ((b.item.id.length * 31 + b.item.id.charCodeAt(b.item.id.length - 1) * salt) % 97));
        const matching = new CrossUnitMatching();
        for (const { unitId, item: it } of order) matching.add([{ unitId, items: [it] }]);
        expect(matching.result()).toEqual(matchAcrossUnits(list));
      }),
      params(300),
    );
  });
});

describe('CrossUnitMatching', () => {
  const it2 = (id: string, body: string, apart?: string): ClusterLike => ({ id, section: 'I', kind: 'comment', count: 1, representative: { body, replacement: null }, ...(apart ? { apart } : {}) });

  it('hands back the matched item built before when its sources did not change', () => {
    const matching = new CrossUnitMatching();
    matching.add([{ unitId: 'a', items: [it2('a/1', 'Đề nghị làm rõ nguồn vốn', 'a'), it2('a/2', 'Bỏ đoạn này', 'a')] }]);
    const before = matching.result();
    matching.add([{ unitId: 'b', items: [it2('b/1', 'Cần làm rõ nguồn vốn.', 'b')] }]);
    const after = matching.result();
    expect(after.find((m) => m.id === 'a/1')!.sourceItemIds).toEqual(['a/1', 'b/1']);
    expect(after.find((m) => m.id === 'a/2')).toBe(before.find((m) => m.id === 'a/2'));
  });

  it('hands back a section no item was added to as it was, and computes only the section asked for', () => {
    const matching = new CrossUnitMatching();
    const inII = (id: string, body: string): ClusterLike => ({ ...it2(id, body), section: 'II' });
    matching.add([{ unitId: 'a', items: [it2('a/1', 'Đề nghị làm rõ nguồn vốn', 'a'), inII('a/2', 'Bỏ đoạn này')] }]);
    const first = matching.section('II');
    matching.add([{ unitId: 'b', items: [it2('b/1', 'Cần làm rõ nguồn vốn.')] }]);
    expect(matching.section('II')).toBe(first);
    expect(matching.section('I').map((m) => m.sourceItemIds)).toEqual([['a/1', 'b/1']]);
    expect(matching.section('IX')).toEqual([]);
    expect(matching.sections()).toEqual(['I', 'II']);
  });

  it('refuses an item id already added, and changes nothing then', () => {
    const matching = new CrossUnitMatching();
    matching.add([{ unitId: 'a', items: [it2('a/1', 'Làm rõ nguồn vốn')] }]);
    const before = matching.result();
    expect(() => matching.add([{ unitId: 'b', items: [it2('b/1', 'Làm rõ nguồn vốn'), it2('a/1', 'x')] }])).toThrow('package item a/1 appears twice');
    expect(matching.result()).toEqual(before);
  });
});
