/**
 * Merges and splits made by hand on a round's points (API.md "Aggregation": `clusters/merge`,
 * `clusters/split`), applied as a pure step after automatic clustering.
 *
 * Edits are not stored as a result but as intentions, replayed in the order they were made on
 * whatever the automatic clustering gives now, so they hold when annotations arrive or leave:
 * - **merge** `ids`: the points that hold any of `ids` *now* become one point (a later annotation
 *   the automatic step put beside one of them comes along);
 * - **split** `ids`: those annotations leave their points and form one point of their own.
 * Later edits win (a merge after a split of the same annotations joins them again). Undoing an
 * edit is replaying without it. Ids no longer present (withdrawn annotations) are skipped; an edit
 * left with nothing to act on changes nothing.
 */

/** One edit by hand, as replayed (its author and time live with the stored row). */
export interface ClusterEdit {
  readonly kind: 'merge' | 'split';
  readonly annotationIds: readonly string[];
}

/**
 * Applies `edits` in the given order to a partition of annotation ids (`groups`: every id in
 * exactly one group, groups non-empty). Returns a partition of the same ids: the groups that
 * remain of the input in their order, then each group an edit made; members always in their input
 * order (so a caller that lists members earliest first still does). Pure; O(n log n) in the ids.
 */
export function applyClusterEdits(groups: readonly (readonly string[])[], edits: readonly ClusterEdit[]): string[][] {
  if (edits.length === 0) return groups.map((g) => [...g]);
  // Each group is a Set (or null once emptied); groupOf maps an id to its group's index.
  const sets: (Set<string> | null)[] = groups.map((g) => new Set(g));
  const groupOf = new Map<string, number>();
  const order = new Map<string, number>();
  groups.forEach((g, i) => g.forEach((id) => (groupOf.set(id, i), order.set(id, order.size))));
  const remove = (id: string) => {
    const set = sets[groupOf.get(id)!]!;
    set.delete(id);
    if (set.size === 0) sets[groupOf.get(id)!] = null;
  };
  for (const edit of edits) {
    const present = [...new Set(edit.annotationIds)].filter((id) => groupOf.has(id));
    if (edit.kind === 'merge') {
      const touched = [...new Set(present.map((id) => groupOf.get(id)!))];
      if (touched.length < 2) continue;
      const merged = new Set<string>();
      for (const g of touched) {
        for (const id of sets[g]!) merged.add(id);
        sets[g] = null;
      }
      sets.push(merged);
      for (const id of merged) groupOf.set(id, sets.length - 1);
    } else {
      if (present.length === 0) continue;
      for (const id of present) remove(id);
      sets.push(new Set(present));
      for (const id of present) groupOf.set(id, sets.length - 1);
    }
  }
  const byOrder = (a: string, b: string) => order.get(a)! - order.get(b)!;
  return sets.filter((s): s is Set<string> => s !== null).map((s) => [...s].sort(byOrder));
}
