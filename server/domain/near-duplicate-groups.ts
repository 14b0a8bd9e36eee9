/**
 * The grouping engine behind clustering.ts: partitions items into groups of near-duplicate texts
 * within a block, optionally only where their spans touch. Never compares all pairs:
 * 1. exact: items with the same block and folded key, split where their spans stop touching
 *    (sorted by start, a sweep) → "atoms";
 * 2. near: per block, atoms in a canonical order (size desc, key, start) each join the most
 *    similar existing group whose *leader* (first atom) passes `nearDuplicate`'s test and whose
 *    span touches, or lead a new group. Comparing with leaders only means no chain of small steps
 *    can drift from one point to another. Candidates come from an inverted index over each
 *    leader's prefix of rarest features (the AllPairs prefix filter: if Jaccard ≥ t, the prefixes
 *    of length n − ⌈t·n⌉ + 1 in one global order share a feature), so the work is proportional to
 *    rare-feature overlaps, not to pairs.
 * Everything is computed from inputs sorted by id, so the result does not depend on input order.
 */
import { type TextProfile, profileText } from './text-similarity.js';

export interface GroupItem {
  /** Items merge only within the same block (section and kind class). */
  readonly block: string;
  /** The text compared (an original; folded inside). */
  readonly text: string;
  /** Offsets of the item's anchor, already widened by the caller if it wants paragraph-level
   * adjacency; null when location does not matter. */
  readonly span: { readonly start: number; readonly end: number } | null;
  /** Unique among the items; decides every tie. */
  readonly id: string;
}

export interface GroupOptions {
  /** Spans touch when the gap between them is at most this many characters. */
  readonly gap: number;
  readonly threshold: number;
}

interface Atom {
  readonly block: string;
  readonly key: string;
  readonly members: number[];
  readonly start: number;
  readonly end: number;
  readonly hasSpan: boolean;
  readonly profile: TextProfile;
  ranks: Int32Array;
}

interface Group {
  readonly leader: Atom;
  readonly atoms: Atom[];
  start: number;
  end: number;
}

export const compareIds = (a: string, b: string): number => (a < b ? -1 : a > b ? 1 : 0);

/**
 * Partitions `items` into groups (arrays of indices into `items`, each sorted by id; groups in no
 * particular order). Every index appears in exactly one group. Also returns each item's profile
 * (shared objects for equal texts: profiles are computed once per distinct text).
 */
export function groupNearDuplicates(items: readonly GroupItem[], options: GroupOptions): { groups: number[][]; profiles: TextProfile[] } {
  const cache = new Map<string, TextProfile>();
  const profiles = items.map((item) => {
    let p = cache.get(item.text);
    if (!p) cache.set(item.text, (p = profileText(item.text)));
    return p;
  });
  const order = items.map((_, i) => i).sort((a, b) => compareIds(items[a]!.id, items[b]!.id));

  const exact = new Map<string, number[]>();
  for (const i of order) {
    const k = `${items[i]!.block}\u0000${profiles[i]!.key}`;
    const list = exact.get(k);
    if (list) list.push(i);
    else exact.set(k, [i]);
  }

  const blocks = new Map<string, Atom[]>();
  for (const members of exact.values()) {
    for (const atomMembers of splitBySpan(members, items, options.gap)) {
      const first = items[atomMembers[0]!]!;
      let start = first.span ? Infinity : 0;
      let end = first.span ? -Infinity : 0;
      for (const i of first.span ? atomMembers : []) {
        start = Math.min(start, items[i]!.span!.start);
        end = Math.max(end, items[i]!.span!.end);
      }
      const atom: Atom = {
        block: first.block,
        key: profiles[atomMembers[0]!]!.key,
        members: atomMembers,
        start,
        end,
        hasSpan: first.span !== null,
        profile: signatureSource(atomMembers, items, profiles),
        ranks: new Int32Array(0),
      };
      const list = blocks.get(atom.block);
      if (list) list.push(atom);
      else blocks.set(atom.block, [atom]);
    }
  }

  const groups: number[][] = [];
  for (const atoms of blocks.values()) {
    for (const g of groupBlock(atoms, options)) {
      const members = g.atoms.flatMap((a) => a.members);
      members.sort((a, b) => compareIds(items[a]!.id, items[b]!.id));
      groups.push(members);
    }
  }
  return { groups, profiles };
}

/** Connected runs of touching spans among members that share a folded key (input sorted by id). */
function splitBySpan(members: number[], items: readonly GroupItem[], gap: number): number[][] {
  if (items[members[0]!]!.span === null) return [members];
  const sorted = [...members].sort((a, b) => items[a]!.span!.start - items[b]!.span!.start || compareIds(items[a]!.id, items[b]!.id));
  const runs: number[][] = [];
  let run: number[] = [];
  let runEnd = -Infinity;
  for (const i of sorted) {
    const span = items[i]!.span!;
    if (run.length > 0 && span.start > runEnd + gap) {
      runs.push(run);
      run = [];
      runEnd = -Infinity;
    }
    run.push(i);
    runEnd = Math.max(runEnd, span.end);
  }
  runs.push(run);
  return runs.map((r) => r.sort((a, b) => compareIds(items[a]!.id, items[b]!.id)));
}

/** Members share a key but may differ in accents, hence in polarity: the most accented original
 * (then the most frequent, then the smallest string) speaks for the atom. */
function signatureSource(members: readonly number[], items: readonly GroupItem[], profiles: readonly TextProfile[]): TextProfile {
  let best = members[0]!;
  for (const i of members) {
    const p = profiles[i]!;
    const b = profiles[best]!;
    if (p.accents > b.accents || (p.accents === b.accents && compareIds(items[i]!.text, items[best]!.text) < 0)) best = i;
  }
  return profiles[best]!;
}

function prefixLength(n: number, threshold: number): number {
  return n - Math.ceil(threshold * n - 1e-9) + 1;
}

function groupBlock(atoms: Atom[], options: GroupOptions): Group[] {
  const { threshold, gap } = options;
  atoms.sort((a, b) => b.members.length - a.members.length || compareIds(a.key, b.key) || a.start - b.start);

  // Global feature order for the prefix filter: rarest first, then by string (deterministic).
  const df = new Map<string, number>();
  for (const a of atoms) for (const f of a.profile.features) df.set(f, (df.get(f) ?? 0) + 1);
  const rank = new Map<string, number>();
  [...df.keys()].sort((x, y) => df.get(x)! - df.get(y)! || compareIds(x, y)).forEach((f, i) => rank.set(f, i));
  for (const a of atoms) a.ranks = Int32Array.from(a.profile.features, (f) => rank.get(f)!).sort();

  const groups: Group[] = [];
  const index = new Map<number, number[]>();
  for (const atom of atoms) {
    const n = atom.ranks.length;
    let best = -1;
    let bestSim = -1;
    if (n > 0) {
      const candidates = new Set<number>();
      const p = prefixLength(n, threshold);
      for (let k = 0; k < p; k++) for (const g of index.get(atom.ranks[k]!) ?? []) candidates.add(g);
      for (const g of [...candidates].sort((x, y) => x - y)) {
        const group = groups[g]!;
        const leader = group.leader;
        const m = leader.ranks.length;
        if (m < threshold * n - 1e-9 || n < threshold * m - 1e-9) continue;
        if (leader.profile.signature !== atom.profile.signature) continue;
        if (atom.hasSpan && (atom.start > group.end + gap || group.start > atom.end + gap)) continue;
        const sim = jaccardSorted(atom.ranks, leader.ranks);
        if (sim >= threshold - 1e-9 && sim > bestSim) {
          best = g;
          bestSim = sim;
        }
      }
    }
    if (best >= 0) {
      const group = groups[best]!;
      group.atoms.push(atom);
      group.start = Math.min(group.start, atom.start);
      group.end = Math.max(group.end, atom.end);
      continue;
    }
    const g = groups.length;
    groups.push({ leader: atom, atoms: [atom], start: atom.start, end: atom.end });
    const p = n > 0 ? prefixLength(n, threshold) : 0;
    for (let k = 0; k < p; k++) {
      const r = atom.ranks[k]!;
      const list = index.get(r);
      if (list) list.push(g);
      else index.set(r, [g]);
    }
  }
  return groups;
}

function jaccardSorted(a: Int32Array, b: Int32Array): number {
  let i = 0;
  let j = 0;
  let shared = 0;
  while (i < a.length && j < b.length) {
    if (a[i]! === b[j]!) {
      shared++;
      i++;
      j++;
    } else if (a[i]! < b[j]!) i++;
    else j++;
  }
  return shared / (a.length + b.length - shared);
}
