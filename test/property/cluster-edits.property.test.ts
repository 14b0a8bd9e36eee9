/** Merges and splits by hand hold whatever the automatic step gives (issue 12). */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { applyClusterEdits, type ClusterEdit } from '../../server/domain/cluster-edits.js';

const seed = Number(process.env.CLUSTER_EDITS_SEED ?? Math.floor(Math.random() * 2 ** 31));
console.log(`cluster-edits property tests: seed ${seed} (rerun with CLUSTER_EDITS_SEED=${seed})`);

const ids = Array.from({ length: 12 }, (_, i) => `a${i}`);
/** A partition of a prefix of `ids` (an annotation beyond it "arrives later"). */
const partition = fc.tuple(fc.integer({ min: 0, max: ids.length }), fc.array(fc.integer({ min: 0, max: 4 }), { minLength: ids.length, maxLength: ids.length })).map(([n, labels]) => {
  const groups = new Map<number, string[]>();
  ids.slice(0, n).forEach((id, i) => (groups.get(labels[i]!) ?? groups.set(labels[i]!, []).get(labels[i]!)!).push(id));
  return [...groups.values()];
});
const edit = fc.record({ kind: fc.constantFrom('merge', 'split') as fc.Arbitrary<ClusterEdit['kind']>, annotationIds: fc.subarray(ids, { minLength: 1, maxLength: 4 }) });
const edits = fc.array(edit, { maxLength: 6 });

const groupOf = (groups: string[][], id: string) => groups.findIndex((g) => g.includes(id));

describe('applyClusterEdits (property)', () => {
  it('keeps a partition of the same ids, and the last edit holds', () => {
    fc.assert(
      fc.property(partition, edits, (groups, list) => {
        const result = applyClusterEdits(groups, list);
        expect(result.flat().sort()).toEqual(groups.flat().sort());
        expect(result.every((g) => g.length > 0)).toBe(true);
        const last = list.at(-1);
        if (!last) return;
        const present = last.annotationIds.filter((id) => groups.flat().includes(id));
        if (present.length === 0) return;
        // Whatever came before, the last edit's annotations end up together.
        expect(new Set(present.map((id) => groupOf(result, id))).size).toBe(1);
        // A split's group is exactly its annotations.
        if (last.kind === 'split') expect([...result[groupOf(result, present[0]!)]!].sort()).toEqual([...present].sort());
      }),
      { seed, numRuns: 300 },
    );
  });

  it('undoing the only edit gives the automatic groups back, and edits on absent ids change nothing', () => {
    fc.assert(
      fc.property(partition, edit, (groups, one) => {
        expect(applyClusterEdits(applyClusterEdits(groups, []), [])).toEqual(groups);
        const absent = { ...one, annotationIds: one.annotationIds.map((id) => `gone-${id}`) };
        expect(applyClusterEdits(groups, [absent])).toEqual(groups);
      }),
      { seed, numRuns: 100 },
    );
  });

  it('a merge holds when a new annotation arrives beside one of the merged ones', () => {
    fc.assert(
      fc.property(partition, fc.subarray(ids, { minLength: 2, maxLength: 4 }), (groups, merged) => {
        const present = merged.filter((id) => groups.flat().includes(id));
        const newcomer = 'late';
        // The automatic step puts the newcomer beside the first merged annotation (or alone).
        const withNew = present.length ? groups.map((g) => (g.includes(present[0]!) ? [...g, newcomer] : g)) : [...groups, [newcomer]];
        const result = applyClusterEdits(withNew, [{ kind: 'merge', annotationIds: merged }]);
        const together = new Set(present.map((id) => groupOf(result, id)));
        expect(together.size).toBeLessThanOrEqual(1);
        if (present.length) expect(groupOf(result, newcomer)).toBe(groupOf(result, present[0]!));
      }),
      { seed, numRuns: 200 },
    );
  });
});
