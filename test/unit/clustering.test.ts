import { describe, expect, it } from 'vitest';
import { clusterAnnotations, matchAcrossUnits, type AnnotationForClustering, type Cluster } from '../../server/domain/clustering.js';
import { nearDuplicate } from '../../server/domain/same-meaning.js';
import { profileText } from '../../server/domain/text-similarity.js';

const S1 = 'PHẦN THỨ NHẤT > I';
const S2 = 'PHẦN THỨ HAI > II';
const sections = [
  { path: S1, title: 'I. Về phát triển kinh tế' },
  { path: S2, title: 'II. Các chỉ tiêu chủ yếu' },
];

let next = 0;
function ann(over: Partial<AnnotationForClustering> & { body: string }): AnnotationForClustering {
  next += 1;
  return {
    id: `a-${String(next).padStart(4, '0')}`,
    kind: 'comment',
    replacement: null,
    section: S1,
    start: 100,
    end: 140,
    authorId: `m-${next}`,
    unitId: 'u-1',
    decision: null,
    ...over,
  };
}

const clustersOf = (anns: AnnotationForClustering[]): Cluster[] => clusterAnnotations(anns, sections).flatMap((s) => s.clusters);

function shuffled<T>(xs: readonly T[], seed: number): T[] {
  const out = [...xs];
  let s = seed;
  for (let i = out.length - 1; i > 0; i--) {
    s = (s * 48271) % 2147483647;
    const j = s % (i + 1);
    [out[i], out[j]] = [out[j]!, out[i]!];
  }
  return out;
}

describe('text similarity', () => {
  it.each([
    ['Đề nghị bổ sung chỉ tiêu về chuyển đổi số', 'Đề nghị bổ sung thêm chỉ tiêu chuyển đổi số'],
    ['Đề nghị bổ sung chỉ tiêu về chuyển đổi số', 'De nghi bo sung chi tieu ve chuyen doi so'],
    ['Cần làm rõ hơn các giải pháp thu hút đầu tư', 'Đề nghị làm rõ giải pháp thu hút đầu tư.'],
    ['Đề nghị làm rõ giải pháp thu hút đầu tư', 'Giải pháp thu hút đầu tư cần làm rõ'],
    ['Đề nghị phân tích sâu hơn nguyên nhân chủ quan của hạn chế', 'Cần phân tích sâu nguyên nhân chủ quan của các hạn chế'],
    ['Đề nghị bổ sung giải pháp phát triển sản phẩm OCOP', 'Đề nghị bổ sung thêm giải pháp để phát triển sản phẩm OCOP'],
    ['Please add a target for digital transformation.', 'We should add targets for digital transformation'],
    ['Clarify the sources of investment capital', 'Please clarify the sources of the investment capital'],
    ['Tỷ lệ hộ nghèo', 'Tỷ lệ hộ nghèo'.normalize('NFD')],
  ])('treats "%s" and "%s" as the same point', (a, b) => {
    expect(nearDuplicate(a, b)).toBe(true);
    expect(nearDuplicate(b, a)).toBe(true);
  });

  it.each([
    ['Đề nghị bỏ chỉ tiêu này', 'Đề nghị giữ chỉ tiêu này'],
    ['Đề nghị bổ sung chỉ tiêu về tỷ lệ che phủ rừng', 'Đề nghị bỏ chỉ tiêu về tỷ lệ che phủ rừng'],
    ['Đề nghị bổ sung chỉ tiêu về chuyển đổi số', 'Đề nghị bổ sung chỉ tiêu về chuyển đổi xanh'],
    ['Đề nghị nâng chỉ tiêu thu nhập lên 90 triệu đồng', 'Đề nghị nâng chỉ tiêu thu nhập lên 95 triệu đồng'],
    ['Chỉ tiêu tăng trưởng 9% là quá cao', 'Chỉ tiêu tăng trưởng 9% là quá thấp'],
    ['Đề nghị phân tích sâu hơn nguyên nhân chủ quan', 'Đề nghị phân tích sâu hơn nguyên nhân khách quan'],
    ['Đồng ý với dự thảo', 'Không đồng ý với dự thảo'],
    ['Remove this target', 'Keep this target'],
    ['The growth target of 9% is too high', 'The growth target of 9% is too low'],
    ['Clarify the sources of investment capital', 'Clarify the uses of investment capital'],
  ])('keeps "%s" and "%s" apart', (a, b) => {
    expect(nearDuplicate(a, b)).toBe(false);
    expect(nearDuplicate(b, a)).toBe(false);
  });

  it('folds case, spacing, punctuation, Unicode form and accents into one key', () => {
    expect(profileText('  ĐỀ NGHỊ   bổ sung: chỉ tiêu!! ').key).toBe(profileText('de nghi bo sung chi tieu').key);
    expect(profileText('Tỷ lệ'.normalize('NFD')).key).toBe(profileText('Tỷ lệ').key);
  });

  it('reads stances from accents, so "bổ sung" is not "bỏ", and fixed phrases are no stance', () => {
    expect(profileText('Đề nghị bổ sung chỉ tiêu').features).toContain('@add');
    expect(profileText('Đề nghị bỏ chỉ tiêu').features).toContain('@remove');
    expect(profileText('Tốc độ tăng trưởng và kết cấu hạ tầng').stances).toBe(0);
    expect(profileText('de nghi bo chi tieu').stances).toBe(0);
  });
});

describe('clusterAnnotations', () => {
  it('merges duplicates and near-duplicates on one passage, Vietnamese and English', () => {
    const anns = [
      ann({ body: 'Đề nghị bổ sung chỉ tiêu về chuyển đổi số' }),
      ann({ body: 'đề nghị bổ sung chỉ tiêu về chuyển đổi số.', start: 110, end: 150 }),
      ann({ body: 'Đề nghị bổ sung thêm chỉ tiêu chuyển đổi số', start: 90, end: 120 }),
      ann({ body: 'De nghi bo sung chi tieu ve chuyen doi so', start: 141, end: 160 }),
      ann({ body: 'Please add a target for digital transformation.', start: 100, end: 120 }),
      ann({ body: 'Add targets on digital transformation', start: 100, end: 120 }),
    ];
    const clusters = clustersOf(anns);
    expect(clusters.map((c) => c.count).sort()).toEqual([2, 4]);
    const vi = clusters.find((c) => c.count === 4)!;
    expect(vi.annotationIds).toEqual(anns.slice(0, 4).map((a) => a.id));
    expect(vi.anchor).toEqual({ start: 90, end: 160 });
  });

  it('keeps distinct points apart: the negation pair, support vs objection, far passages, other sections', () => {
    const anns = [
      ann({ body: 'Đề nghị bỏ chỉ tiêu này' }),
      ann({ body: 'Đề nghị giữ chỉ tiêu này' }),
      ann({ kind: 'support', body: 'Đồng ý' }),
      ann({ kind: 'objection', body: 'Đồng ý' }),
      ann({ body: 'Đề nghị bỏ chỉ tiêu này', start: 900, end: 950 }),
      ann({ body: 'Đề nghị bỏ chỉ tiêu này', section: S2 }),
    ];
    const result = clusterAnnotations(anns, sections);
    expect(result.map((s) => s.clusters.length)).toEqual([5, 1]);
    expect(result.flatMap((s) => s.clusters).every((c) => c.count === 1)).toBe(true);
  });

  it('merges anchors a few characters apart (the gap is an option), not farther', () => {
    const a = ann({ body: 'Cần làm rõ giải pháp thu hút đầu tư', start: 100, end: 120 });
    const b = ann({ body: 'Cần làm rõ giải pháp thu hút đầu tư', start: 122, end: 130 });
    const c = ann({ body: 'Cần làm rõ giải pháp thu hút đầu tư', start: 160, end: 170 });
    expect(clustersOf([a, b, c]).map((x) => x.count)).toEqual([2, 1]);
    const wide = clusterAnnotations([a, b, c], sections, { adjacentGap: 40 }).flatMap((s) => s.clusters);
    expect(wide.map((x) => x.count)).toEqual([3]);
  });

  it('merges supports on one passage whatever they say, and suggestions by their replacement', () => {
    const anns = [
      ann({ kind: 'support', body: '' }),
      ann({ kind: 'support', body: 'Nhất trí cao với nội dung này' }),
      ann({ kind: 'suggestion', body: 'Cho chính xác', replacement: 'đạt 8,2%' }),
      ann({ kind: 'suggestion', body: 'Sửa số liệu', replacement: 'Đạt 8,2 %.' }),
      ann({ kind: 'suggestion', body: 'Cho chính xác', replacement: 'đạt 8,5%' }),
    ];
    const clusters = clustersOf(anns);
    const supports = clusters.find((c) => c.kind === 'support')!;
    expect(supports.count).toBe(2);
    expect(supports.representative.body).toBe('Nhất trí cao với nội dung này');
    expect(clusters.filter((c) => c.kind === 'suggestion').map((c) => c.count).sort()).toEqual([1, 2]);
  });

  it('counts decisions per cluster', () => {
    const anns = [
      ann({ body: 'Làm rõ nguồn vốn', decision: 'accepted' }),
      ann({ body: 'Làm rõ nguồn vốn', decision: 'accepted' }),
      ann({ body: 'Làm rõ nguồn vốn.', decision: 'partially_accepted' }),
      ann({ body: 'làm rõ nguồn vốn', decision: 'rejected' }),
      ann({ body: 'Làm rõ nguồn vốn', decision: 'noted' }),
      ann({ body: 'Làm rõ nguồn vốn', decision: null }),
    ];
    const [cluster] = clustersOf(anns);
    expect(cluster!.decisions).toEqual({ accepted: 2, partially_accepted: 1, rejected: 1, noted: 1, undecided: 1 });
  });

  it('is deterministic: shuffled input gives the same clusters, ids and order', () => {
    const bodies = ['Đề nghị bổ sung chỉ tiêu về chuyển đổi số', 'Đề nghị bổ sung thêm chỉ tiêu chuyển đổi số', 'Đề nghị bỏ chỉ tiêu này', 'Đề nghị giữ chỉ tiêu này', 'Cần làm rõ hơn các giải pháp thu hút đầu tư', 'Đề nghị làm rõ giải pháp thu hút đầu tư'];
    const anns = Array.from({ length: 120 }, (_, i) =>
      ann({ body: bodies[i % bodies.length]!, kind: i % 7 === 0 ? 'question' : 'comment', start: (i % 5) * 60, end: (i % 5) * 60 + 30, section: i % 3 === 0 ? S2 : S1 }),
    );
    const expected = clusterAnnotations(anns, sections);
    for (const seed of [1, 7, 42]) expect(clusterAnnotations(shuffled(anns, seed), sections)).toEqual(expected);
    for (const c of expected.flatMap((s) => s.clusters)) expect(c.id).toBe([...c.annotationIds].sort()[0]);
  });

  it('shows an original, accented text as the representative, never the folded key', () => {
    const anns = [
      ann({ body: 'de nghi bo sung chi tieu ve chuyen doi so' }),
      ann({ body: 'de nghi bo sung chi tieu ve chuyen doi so' }),
      ann({ body: 'Đề nghị bổ sung chỉ tiêu về chuyển đổi số' }),
      ann({ body: 'Đề nghị bổ sung chỉ tiêu về chuyển đổi số' }),
      ann({ body: 'Đề nghị bổ sung chỉ tiêu về chuyển đổi số!!!' }),
    ];
    const [cluster] = clustersOf(anns);
    expect(cluster!.count).toBe(5);
    expect(cluster!.representative).toEqual({ body: 'Đề nghị bổ sung chỉ tiêu về chuyển đổi số', replacement: null });
  });

  it('lists every section in order, with unknown sections after, and refuses duplicate ids', () => {
    const result = clusterAnnotations([ann({ body: 'x', section: 'PHỤ LỤC' })], sections);
    expect(result.map((s) => s.path)).toEqual([S1, S2, 'PHỤ LỤC']);
    const a = ann({ body: 'x' });
    expect(() => clusterAnnotations([a, { ...a }], sections)).toThrow(/twice/);
  });

  it('collects distinct authors and units', () => {
    const anns = [ann({ body: 'Làm rõ', authorId: 'm-b', unitId: 'u-2' }), ann({ body: 'Làm rõ', authorId: 'm-a', unitId: 'u-2' }), ann({ body: 'Làm rõ', authorId: 'm-a', unitId: 'u-1' })];
    const [cluster] = clustersOf(anns);
    expect(cluster!.authorIds).toEqual(['m-a', 'm-b']);
    expect(cluster!.unitIds).toEqual(['u-1', 'u-2']);
  });
});

describe('matchAcrossUnits', () => {
  const item = (id: string, section: string, body: string, count: number, kind: Cluster['kind'] = 'comment') => ({ id, section, kind, count, representative: { body, replacement: null } });

  it('merges similar items of different units on one section, counts units and keeps provenance', () => {
    const result = matchAcrossUnits(
      [
        { unitId: 'xa-a', items: [item('a1', S1, 'Đề nghị bổ sung chỉ tiêu về chuyển đổi số', 12), item('a2', S1, 'Đề nghị bỏ chỉ tiêu này', 3)] },
        { unitId: 'xa-b', items: [item('b1', S1, 'Đề nghị bổ sung thêm chỉ tiêu chuyển đổi số', 5), item('b2', S2, 'Đề nghị bổ sung chỉ tiêu về chuyển đổi số', 2)] },
        { unitId: 'xa-c', items: [item('c1', S1, 'de nghi bo sung chi tieu ve chuyen doi so', 1), item('c2', S1, 'Đề nghị giữ chỉ tiêu này', 4)] },
      ],
      { sections: [S1, S2] },
    );
    expect(result.map((r) => [r.section, r.count, r.unitCount])).toEqual([
      [S1, 18, 3],
      [S1, 4, 1],
      [S1, 3, 1],
      [S2, 2, 1],
    ]);
    expect(result[0]!.unitIds).toEqual(['xa-a', 'xa-b', 'xa-c']);
    expect(result[0]!.sourceItemIds).toEqual(['a1', 'b1', 'c1']);
    expect(result[0]!.id).toBe('a1');
    expect(result[0]!.representative.body).toBe('Đề nghị bổ sung chỉ tiêu về chuyển đổi số');
  });

  it('chains: a roll-up is itself a package one level up', () => {
    const district = matchAcrossUnits([
      { unitId: 'xa-a', items: [item('a1', S1, 'Làm rõ nguồn vốn', 2)] },
      { unitId: 'xa-b', items: [item('b1', S1, 'Làm rõ nguồn vốn.', 3)] },
    ]);
    const province = matchAcrossUnits([
      { unitId: 'huyen-1', items: district.map((d) => ({ ...d, id: `huyen-1/${d.id}` })) },
      { unitId: 'huyen-2', items: [item('huyen-2/x', S1, 'Cần làm rõ nguồn vốn', 4)] },
    ]);
    expect(province).toHaveLength(1);
    expect(province[0]).toMatchObject({ count: 9, unitCount: 2, unitIds: ['huyen-1', 'huyen-2'], sourceItemIds: ['huyen-1/a1', 'huyen-2/x'] });
  });

  it('does not depend on the order of packages or items, and refuses repeated item ids', () => {
    const pkgs = [
      { unitId: 'u1', items: [item('1', S1, 'Làm rõ nguồn vốn', 2), item('2', S1, 'Bỏ đoạn này', 1, 'objection')] },
      { unitId: 'u2', items: [item('3', S1, 'Làm rõ nguồn vốn!', 1), item('4', S1, 'Bỏ đoạn này', 1)] },
    ];
    const reversed = [...pkgs].reverse().map((p) => ({ ...p, items: [...p.items].reverse() }));
    expect(matchAcrossUnits(reversed)).toEqual(matchAcrossUnits(pkgs));
    expect(() => matchAcrossUnits([{ unitId: 'u1', items: [item('1', S1, 'x', 1)] }, { unitId: 'u2', items: [item('1', S1, 'y', 1)] }])).toThrow(/twice/);
  });
});
