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
import { type TextProfile, TextProfiler } from './text-similarity.js';

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
  /** Position of `key` in code-unit order among this call's keys. */
  readonly keyRank: number;
  readonly members: number[];
  readonly start: number;
  readonly end: number;
  readonly hasSpan: boolean;
  readonly profile: TextProfile;
  /** The profile's features as ids of this call's TextProfiler. */
  readonly features: Int32Array;
  /** Positions of the features in the block's rarest-first order, ascending. */
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
  const n = items.length;
  const profiler = new TextProfiler();
  const cache = new Map<string, { profile: TextProfile; key: number }>();
  const keyIds = new Map<string, number>();
  const blockIds = new Map<string, number>();
  const profiles: TextProfile[] = new Array<TextProfile>(n);
  const exactKey: number[] = new Array<number>(n);
  for (let i = 0; i < n; i++) {
    const item = items[i]!;
    let hit = cache.get(item.text);
    if (!hit) {
      const profile = profiler.profile(item.text);
      let key = keyIds.get(profile.key);
      if (key === undefined) keyIds.set(profile.key, (key = keyIds.size));
      cache.set(item.text, (hit = { profile, key }));
    }
    let block = blockIds.get(item.block);
    if (block === undefined) blockIds.set(item.block, (block = blockIds.size));
    profiles[i] = hit.profile;
    exactKey[i] = block * n + hit.key;
  }
  // The default sort compares strings by code units, like compareIds, without a callback per pair.
  // Keys are ranked once, so sorting atoms compares integers rather than long folded strings.
  const keyRank = new Int32Array(keyIds.size);
  [...keyIds.keys()].sort().forEach((key, rank) => (keyRank[keyIds.get(key)!] = rank));
  const indexOfId = new Map<string, number>();
  items.forEach((item, i) => indexOfId.set(item.id, i));
  const order = items.map((item) => item.id).sort().map((id) => indexOfId.get(id)!);

  // Exact groups, filled in id order (Map iteration order is then independent of input order).
  const exact = new Map<number, number[]>();
  for (const i of order) {
    const list = exact.get(exactKey[i]!);
    if (list) list.push(i);
    else exact.set(exactKey[i]!, [i]);
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
      const profile = signatureSource(atomMembers, items, profiles);
      const atom: Atom = {
        block: first.block,
        key: profiles[atomMembers[0]!]!.key,
        keyRank: keyRank[exactKey[atomMembers[0]!]! % n]!,
        members: atomMembers,
        start,
        end,
        hasSpan: first.span !== null,
        profile,
        features: profile.featureIds,
        ranks: new Int32Array(0),
      };
      const list = blocks.get(atom.block);
      if (list) list.push(atom);
      else blocks.set(atom.block, [atom]);
    }
  }

  // Group members listed in id order by one pass over `order`, not a sort per group.
  const groupOf = new Int32Array(n);
  const groups: number[][] = [];
  const scratch = { df: new Int32Array(profiler.featureCount), rank: new Int32Array(profiler.featureCount) };
  for (const atoms of blocks.values()) {
    for (const g of groupBlock(atoms, options, scratch)) {
      for (const a of g.atoms) for (const i of a.members) groupOf[i] = groups.length;
      groups.push([]);
    }
  }
  for (const i of order) groups[groupOf[i]!]!.push(i);
  return { groups, profiles };
}

/** Connected runs of touching spans among members that share a folded key; members and runs in
 * id order (the input is in id order). */
function splitBySpan(members: number[], items: readonly GroupItem[], gap: number): number[][] {
  if (members.length === 1 || items[members[0]!]!.span === null) return [members];
  const byStart = members.map((i, pos) => ({ i, pos, start: items[i]!.span!.start, end: items[i]!.span!.end }));
  byStart.sort((a, b) => a.start - b.start || a.pos - b.pos);
  const runOf = new Int32Array(members.length);
  let runs = 0;
  let runEnd = -Infinity;
  for (const m of byStart) {
    if (runs > 0 && m.start > runEnd + gap) {
      runs++;
      runEnd = -Infinity;
    }
    if (runs === 0) runs = 1;
    runOf[m.pos] = runs - 1;
    runEnd = Math.max(runEnd, m.end);
  }
  if (runs === 1) return [members];
  const out: number[][] = Array.from({ length: runs }, () => []);
  members.forEach((i, pos) => out[runOf[pos]!]!.push(i));
  return out;
}

/** Members share a key but may differ in accents, hence in polarity: the most accented original
 * (then the most frequent, then the smallest string) speaks for the atom. */
function signatureSource(members: readonly number[], items: readonly GroupItem[], profiles: readonly TextProfile[]): TextProfile {
  let best = members[0]!;
  for (const i of members) {
    const p = profiles[i]!;
    const b = profiles[best]!;
    // Equal profiles are equal texts (one profile per distinct text): nothing to compare.
    if (p === b) continue;
    if (p.accents > b.accents || (p.accents === b.accents && compareIds(items[i]!.text, items[best]!.text) < 0)) best = i;
  }
  return profiles[best]!;
}

function prefixLength(n: number, threshold: number): number {
  return n - Math.ceil(threshold * n - 1e-9) + 1;
}

function groupBlock(atoms: Atom[], options: GroupOptions, scratch: { df: Int32Array; rank: Int32Array }): Group[] {
  const { threshold, gap } = options;
  atoms.sort((a, b) => b.members.length - a.members.length || a.keyRank - b.keyRank || a.start - b.start);

  // One order of features for the prefix filter: rarest in the block first. Any fixed order finds
  // every pair above the threshold, so ties may be broken by the (input-order dependent) ids.
  const { df, rank } = scratch;
  const distinct: number[] = [];
  for (const a of atoms) {
    for (const f of a.features) {
      if (df[f] === 0) distinct.push(f);
      df[f]! += 1;
    }
  }
  // Sorted by (df, id) as one number each: a numeric typed-array sort, no callback per pair.
  const byRarity = Float64Array.from(distinct, (f) => df[f]! * rank.length + f).sort();
  for (let i = 0; i < byRarity.length; i++) rank[byRarity[i]! % rank.length] = i;
  for (const a of atoms) {
    const ranks = new Int32Array(a.features.length);
    for (let k = 0; k < ranks.length; k++) ranks[k] = rank[a.features[k]!]!;
    a.ranks = ranks.sort();
  }
  for (const f of distinct) df[f] = 0;

  const groups: Group[] = [];
  // Postings by rank (ranks are 0 … distinct.length − 1): the groups whose leader's prefix has it.
  const index: (number[] | undefined)[] = new Array<number[] | undefined>(distinct.length);
  // lastProbe[g] === the current atom's position: group g was already examined for this atom.
  let lastProbe = new Int32Array(64).fill(-1);
  atoms.forEach((atom, position) => {
    const n = atom.ranks.length;
    let best = -1;
    let bestSim = -1;
    const p = n > 0 ? prefixLength(n, threshold) : 0;
    for (let k = 0; k < p; k++) {
      const postings = index[atom.ranks[k]!];
      if (!postings) continue;
      for (const g of postings) {
        if (lastProbe[g] === position) continue;
        lastProbe[g] = position;
        const group = groups[g]!;
        const leader = group.leader;
        const m = leader.ranks.length;
        if (m < threshold * n - 1e-9 || n < threshold * m - 1e-9) continue;
        if (leader.profile.signature !== atom.profile.signature) continue;
        if (atom.hasSpan && (atom.start > group.end + gap || group.start > atom.end + gap)) continue;
        const sim = jaccardSorted(atom.ranks, leader.ranks);
        // Ties go to the group created first, whatever order the postings were visited in.
        if (sim >= threshold - 1e-9 && (sim > bestSim || (sim === bestSim && g < best))) {
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
      return;
    }
    const g = groups.length;
    groups.push({ leader: atom, atoms: [atom], start: atom.start, end: atom.end });
    if (g >= lastProbe.length) {
      const grown = new Int32Array(lastProbe.length * 2).fill(-1);
      grown.set(lastProbe);
      lastProbe = grown;
    }
    for (let k = 0; k < p; k++) {
      const r = atom.ranks[k]!;
      const list = index[r];
      if (list) list.push(g);
      else index[r] = [g];
    }
  });
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
