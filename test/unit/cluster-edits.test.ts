/** Merges and splits by hand, replayed after automatic clustering (issue 12; API.md "Aggregation"). */
import { describe, expect, it } from 'vitest';
import { applyClusterEdits, type ClusterEdit } from '../../server/domain/cluster-edits.js';
import { clusterAnnotations, type AnnotationForClustering } from '../../server/domain/clustering.js';

const text = 'I. Kinh tế\nThu nhập đạt 52 triệu đồng. Cơ cấu chuyển dịch đúng hướng.\nNông nghiệp chiếm 38%.\n';
const sections = [{ path: 'I', title: 'I. Kinh tế', start: 0 }];
const at = (quote: string) => ({ start: text.indexOf(quote), end: text.indexOf(quote) + quote.length });

function ann(n: number, quote: string, body: string): AnnotationForClustering {
  return { id: `a-${String(n).padStart(4, '0')}`, kind: 'comment', body, replacement: null, section: 'I', ...at(quote), authorId: `m-${n}`, unitId: 'u', decision: null, createdAt: n };
}
const points = (anns: AnnotationForClustering[], edits: ClusterEdit[] = []) =>
  clusterAnnotations(anns, sections, { text, edits })[0]!.clusters.map((c) => ({ id: c.id, annotationIds: c.annotationIds }));
const sorted = (p: { id: string; annotationIds: string[] }[]) => [...p].sort((a, b) => a.id.localeCompare(b.id));

const drop1 = ann(1, 'Cơ cấu chuyển dịch', 'Đề nghị bỏ câu này.');
const drop2 = ann(2, 'Cơ cấu chuyển dịch', 'Nên bỏ câu này ạ');
const income = ann(3, 'Thu nhập đạt 52 triệu', 'Thu nhập phải là 54 triệu đồng');
const check = ann(4, 'chiếm 38%', 'Số liệu này cần kiểm tra lại');

describe('applyClusterEdits', () => {
  it('merges the groups that hold the ids, and splits ids into a group of their own', () => {
    const groups = [['a', 'b'], ['c'], ['d', 'e']];
    expect(applyClusterEdits(groups, [{ kind: 'merge', annotationIds: ['a', 'd'] }])).toEqual([['c'], ['a', 'b', 'd', 'e']]);
    expect(applyClusterEdits(groups, [{ kind: 'split', annotationIds: ['b', 'e'] }])).toEqual([['a'], ['c'], ['d'], ['b', 'e']]);
  });

  it('lets later edits win, skips ids no longer present, and changes nothing without edits', () => {
    const groups = [['a', 'b'], ['c']];
    expect(applyClusterEdits(groups, [])).toEqual(groups);
    const splitThenMerge: ClusterEdit[] = [
      { kind: 'split', annotationIds: ['b'] },
      { kind: 'merge', annotationIds: ['a', 'b'] },
    ];
    expect(applyClusterEdits(groups, splitThenMerge)).toEqual([['c'], ['a', 'b']]);
    expect(applyClusterEdits(groups, [{ kind: 'merge', annotationIds: ['a', 'gone'] }])).toEqual(groups);
    expect(applyClusterEdits(groups, [{ kind: 'split', annotationIds: ['gone'] }])).toEqual(groups);
  });
});

describe('edits on clusters', () => {
  it('a merge holds when a new annotation arrives and the clusters are recomputed', () => {
    const merge: ClusterEdit = { kind: 'merge', annotationIds: [drop1.id, income.id] };
    const before = points([drop1, drop2, income, check], [merge]);
    expect(before.find((p) => p.id === drop1.id)!.annotationIds).toEqual([drop1.id, drop2.id, income.id]);
    const drop5 = ann(5, 'Cơ cấu chuyển dịch', 'Tôi đề nghị bỏ câu này.');
    const after = points([drop1, drop2, income, check, drop5], [merge]);
    expect(after.find((p) => p.id === drop1.id)!.annotationIds).toEqual([drop1.id, drop2.id, income.id, drop5.id]);
    expect(after).toHaveLength(2);
  });

  it('a split takes annotations out with an id of their own; undoing it gives the clusters back', () => {
    const automatic = points([drop1, drop2, income, check]);
    expect(automatic.find((p) => p.id === drop1.id)!.annotationIds).toEqual([drop1.id, drop2.id]);
    const split = points([drop1, drop2, income, check], [{ kind: 'split', annotationIds: [drop2.id] }]);
    expect(split.find((p) => p.id === drop1.id)!.annotationIds).toEqual([drop1.id]);
    expect(split.find((p) => p.id === drop2.id)!.annotationIds).toEqual([drop2.id]);
    expect(sorted(points([drop1, drop2, income, check], []))).toEqual(sorted(automatic));
  });

  it('keeps cluster ids stable: a point is named by its earliest annotation, whichever edit made it', () => {
    const split = points([drop1, drop2, income, check], [{ kind: 'split', annotationIds: [drop1.id] }]);
    // The point that lost its earliest annotation is named by the next one; the split one keeps drop1's id.
    expect(split.map((p) => p.id).sort()).toEqual([drop1.id, drop2.id, income.id, check.id].sort());
    const merged = points([drop1, drop2, income, check], [{ kind: 'merge', annotationIds: [check.id, income.id] }]);
    expect(merged.find((p) => p.annotationIds.includes(check.id))!.id).toBe(income.id);
  });

  it('recounts a merged point: count, anchor, decisions and representative', () => {
    const decided = { ...income, decision: 'accepted' as const };
    const [section] = clusterAnnotations([drop1, drop2, decided], sections, { text, edits: [{ kind: 'merge', annotationIds: [drop2.id, decided.id] }] });
    const point = section!.clusters.find((c) => c.id === drop1.id)!;
    expect(point.count).toBe(3);
    expect(point.anchor).toEqual({ start: at('Thu nhập đạt 52 triệu').start, end: at('Cơ cấu chuyển dịch').end });
    expect(point.decisions).toMatchObject({ accepted: 1, undecided: 2 });
    expect(section!.passages.flatMap((p) => p.clusterIds)).toEqual([drop1.id]);
  });
});

describe('matchAcrossUnits with points kept apart', () => {
  it('never joins two items of the same `apart`, but still matches each with other units’ items', async () => {
    const { matchAcrossUnits } = await import('../../server/domain/clustering.js');
    const item = (id: string, body: string, apart?: string) => ({ id, section: 'I', kind: 'comment' as const, count: 1, representative: { body, replacement: null }, ...(apart ? { apart } : {}) });
    const packages = (apart?: string) => [
      { unitId: 'own', items: [item('own/a', 'Đề nghị bổ sung chỉ tiêu về chuyển đổi số', apart), item('own/b', 'Đề nghị bổ sung thêm chỉ tiêu chuyển đổi số.', apart)] },
      { unitId: 'child', items: [item('p/c', 'đề nghị bổ sung chỉ tiêu về chuyển đổi số')] },
    ];
    expect(matchAcrossUnits(packages()).map((m) => m.sourceItemIds)).toEqual([['own/a', 'own/b', 'p/c']]);
    const apart = matchAcrossUnits(packages('own')).map((m) => [...m.sourceItemIds].sort());
    expect(apart).toHaveLength(2);
    expect(apart).toContainEqual(['own/a', 'p/c']);
    expect(apart).toContainEqual(['own/b']);
  });
});
