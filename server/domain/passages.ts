/**
 * Passages of a section (API.md: `sections[].passages`): everything said about one stretch of
 * text. Anchors that overlap or touch (gap ≤ `gap` characters, a heading reaching into its first
 * paragraph as clustering.ts says) form one passage, and a point (cluster) is never cut in two: a
 * point whose anchors sit in two runs joins them. A sweep over anchors sorted by start, then a
 * union-find over the points; O(n log n).
 */
export interface Passage {
  /** Smallest anchor start and largest anchor end of its annotations (UTF-16 offsets). */
  readonly start: number;
  readonly end: number;
  /** The base text from `start` to `end` ("" when the text was not given). */
  readonly quote: string;
  /** Annotations in it. */
  readonly count: number;
  /** Its points, in the section's cluster order. */
  readonly clusterIds: string[];
}

export interface PassageMember {
  readonly start: number;
  readonly end: number;
  /** Where the anchor reaches for touching (a heading's reaches its first paragraph). */
  readonly reach: { readonly start: number; readonly end: number };
  readonly clusterId: string;
}

/**
 * The passages of one section's annotations, in text order (by start, then end). `clusterOrder`
 * lists the section's cluster ids in display order; every id of `members` must be in it.
 */
export function passagesOf(members: readonly PassageMember[], clusterOrder: readonly string[], gap: number, text?: string): Passage[] {
  const index = new Map(clusterOrder.map((id, i) => [id, i]));
  const parent = clusterOrder.map((_, i) => i);
  const find = (i: number): number => {
    while (parent[i] !== i) i = parent[i] = parent[parent[i]!]!;
    return i;
  };
  const union = (a: number, b: number) => {
    const x = find(a);
    const y = find(b);
    if (x !== y) parent[Math.max(x, y)] = Math.min(x, y);
  };
  const sorted = [...members].sort((a, b) => a.reach.start - b.reach.start || a.reach.end - b.reach.end);
  let runEnd = -Infinity;
  let runCluster = -1;
  for (const m of sorted) {
    const c = index.get(m.clusterId)!;
    if (runCluster >= 0 && m.reach.start <= runEnd + gap) union(runCluster, c);
    else runEnd = -Infinity;
    runCluster = c;
    runEnd = Math.max(runEnd, m.reach.end);
  }
  const byRoot = new Map<number, { start: number; end: number; count: number; clusters: Set<number> }>();
  for (const m of members) {
    const c = index.get(m.clusterId)!;
    const root = find(c);
    let p = byRoot.get(root);
    if (!p) byRoot.set(root, (p = { start: m.start, end: m.end, count: 0, clusters: new Set() }));
    p.start = Math.min(p.start, m.start);
    p.end = Math.max(p.end, m.end);
    p.count++;
    p.clusters.add(c);
  }
  return [...byRoot.values()]
    .map((p) => ({
      start: p.start,
      end: p.end,
      quote: text?.slice(p.start, p.end) ?? '',
      count: p.count,
      clusterIds: [...p.clusters].sort((a, b) => a - b).map((i) => clusterOrder[i]!),
    }))
    .sort((a, b) => a.start - b.start || a.end - b.end);
}
