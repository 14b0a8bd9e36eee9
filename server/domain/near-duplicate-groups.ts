/**
 * The grouping engine behind clustering.ts: partitions items into groups that make the same point
 * (same-meaning.ts), within a block, where their anchors touch. Never compares all pairs:
 * 1. exact: items with the same block, folded key and role, split where their spans stop
 *    touching → "atoms";
 * 2. near: per block, atoms in a canonical order (size desc, key, start) each join the group of
 *    the most similar earlier atom whose words agree (same-meaning.ts), unless a cannot-link with
 *    any candidate of that group or with its first atom blocks it (so no chain of small steps
 *    drifts from one point to another, as in constrained clustering), and only where the point is: a generic remark ("bỏ câu này") only on an anchor overlapping the other's,
 *    any other remark on an anchor touching the group's. Candidates come from an inverted index
 *    over each atom's prefix of rarest words (the AllPairs prefix filter: a match shares at least
 *    SHARE_MIN of the longer text, so it hits the prefix of length n − ⌈SHARE_MIN·n⌉ + 1), plus a
 *    full index probed only by suggestions' changes, which are compared by containment.
 * Everything is computed from inputs in a fixed order, so the result does not depend on input order.
 */
import { cannotLink, overlapAgrees, swapsOneWord, wordsOf, type Words } from './same-meaning.js';
import { SHARE_MIN, sharedCount, type TextProfile, TextProfiler } from './text-similarity.js';

export interface GroupItem {
  /** Items merge only within the same block (section and kind class). */
  readonly block: string;
  /** The text compared (an original; folded inside). */
  readonly text: string;
  /** Offsets of the item's anchor; null when location does not matter. */
  readonly span: { readonly start: number; readonly end: number } | null;
  /** Unique among the items; decides ties after `rank`. */
  readonly id: string;
  /** The text is a suggestion's change, compared by containment. */
  readonly partial?: boolean;
  /** Position in the caller's order of precedence (earliest first); defaults to id order. */
  readonly rank?: number;
  /**
   * Items with the same `apart` never share a group (a unit's own points, already grouped with
   * its reviewers' merges and splits, must not be joined again when matched with other units').
   */
  readonly apart?: string;
}

export interface GroupOptions {
  /** Spans touch when the gap between them is at most this many characters. */
  readonly gap: number;
  /** The profiler to use (a caller that profiles more texts shares its memo); a new one by default. */
  readonly profiler?: TextProfiler;
}

interface Atom {
  readonly key: string;
  readonly keyRank: number;
  readonly members: number[];
  readonly start: number;
  readonly end: number;
  readonly hasSpan: boolean;
  readonly partial: boolean;
  readonly apart: string | undefined;
  readonly profile: TextProfile;
  ranks: Int32Array;
  group: number;
}

interface Group {
  readonly atoms: Atom[];
  /** The `apart` tags of its atoms. */
  readonly apart: Set<string>;
  start: number;
  end: number;
}

export const compareIds = (a: string, b: string): number => (a < b ? -1 : a > b ? 1 : 0);

/**
 * Partitions `items` into groups (arrays of indices into `items`, each in precedence order:
 * `rank`, then id). Every index appears in exactly one group. Also returns each item's profile
 * (shared objects for equal texts).
 */
export function groupNearDuplicates(items: readonly GroupItem[], options: GroupOptions): { groups: number[][]; profiles: TextProfile[] } {
  const profiler = options.profiler ?? new TextProfiler();
  const profiles = items.map((item) => profiler.profile(item.text));
  const order = items.map((_, i) => i).sort((a, b) => (items[a]!.rank ?? 0) - (items[b]!.rank ?? 0) || compareIds(items[a]!.id, items[b]!.id));
  const keys = [...new Set(profiles.map((p) => p.key))].sort();
  const keyRank = new Map(keys.map((k, r) => [k, r]));

  const exact = new Map<string, number[]>();
  for (const i of order) {
    // An item kept apart from its like is an atom of its own.
    const k = `${items[i]!.block}\u0000${items[i]!.partial ? 1 : 0}\u0000${profiles[i]!.key}${items[i]!.apart === undefined ? '' : `\u0000${i}`}`;
    const list = exact.get(k);
    if (list) list.push(i);
    else exact.set(k, [i]);
  }
  const blocks = new Map<string, Atom[]>();
  for (const members of exact.values()) {
    // A generic remark ("bỏ câu này") is about its anchor: the same words on the next sentence are another point.
    const gap = profiles[members[0]!]!.generic ? -1 : options.gap;
    for (const atomMembers of splitBySpan(members, items, gap)) {
      const first = items[atomMembers[0]!]!;
      let start = first.span ? Infinity : 0;
      let end = first.span ? -Infinity : 0;
      for (const i of first.span ? atomMembers : []) {
        start = Math.min(start, items[i]!.span!.start);
        end = Math.max(end, items[i]!.span!.end);
      }
      const profile = mostAccented(atomMembers, items, profiles);
      const atom: Atom = { key: profile.key, keyRank: keyRank.get(profile.key)!, members: atomMembers, start, end, hasSpan: first.span !== null, partial: first.partial === true, apart: first.apart, profile, ranks: new Int32Array(0), group: -1 };
      const list = blocks.get(first.block);
      if (list) list.push(atom);
      else blocks.set(first.block, [atom]);
    }
  }
  const groupOf = new Int32Array(items.length);
  const groups: number[][] = [];
  const words = wordsOf(profiler);
  for (const atoms of blocks.values()) {
    const base = groups.length;
    const count = groupBlock(atoms, options.gap, words, profiler.featureCount, (p) => profiler.vagueStanceIds(p));
    for (let g = 0; g < count; g++) groups.push([]);
    for (const a of atoms) for (const i of a.members) groupOf[i] = base + a.group;
  }
  for (const i of order) groups[groupOf[i]!]!.push(i);
  return { groups, profiles };
}

/** Connected runs of touching spans among members that share a key, in precedence order. */
function splitBySpan(members: number[], items: readonly GroupItem[], gap: number): number[][] {
  if (members.length === 1 || items[members[0]!]!.span === null) return [members];
  const byStart = members.map((i, pos) => ({ i, pos, start: items[i]!.span!.start, end: items[i]!.span!.end }));
  byStart.sort((a, b) => a.start - b.start || a.pos - b.pos);
  const runOf = new Int32Array(members.length);
  let runs = 0;
  let runEnd = -Infinity;
  for (const m of byStart) {
    if (runs === 0 || m.start > runEnd + gap) {
      runs++;
      runEnd = -Infinity;
    }
    runOf[m.pos] = runs - 1;
    runEnd = Math.max(runEnd, m.end);
  }
  if (runs === 1) return [members];
  const out: number[][] = Array.from({ length: runs }, () => []);
  members.forEach((i, pos) => out[runOf[pos]!]!.push(i));
  return out;
}

/** Members share a key but may differ in accents (hence in stance): the most accented speaks for the atom. */
function mostAccented(members: readonly number[], items: readonly GroupItem[], profiles: readonly TextProfile[]): TextProfile {
  let best = members[0]!;
  for (const i of members) {
    const p = profiles[i]!;
    const b = profiles[best]!;
    if (p === b) continue;
    if (p.accents > b.accents || (p.accents === b.accents && compareIds(items[i]!.text, items[best]!.text) < 0)) best = i;
  }
  return profiles[best]!;
}

const prefixLength = (n: number) => n - Math.ceil(SHARE_MIN * n - 1e-9) + 1;

/** Groups one block's atoms (sets `atom.group`); returns the number of groups. */
function groupBlock(atoms: Atom[], gap: number, words: Words, featureCount: number, vagueIds: (p: TextProfile) => number[]): number {
  atoms.sort((a, b) => b.members.length - a.members.length || a.keyRank - b.keyRank || a.start - b.start || Number(a.partial) - Number(b.partial));
  // Rarest words first (then by id): one global order for the prefix filter.
  const df = new Int32Array(featureCount);
  for (const a of atoms) for (const f of a.profile.featureIds) df[f]! += 1;
  for (const a of atoms) a.ranks = Int32Array.from(a.profile.featureIds).sort((x, y) => df[x]! - df[y]! || x - y);
  const prefixIndex = new Map<number, number[]>();
  const fullIndex = new Map<number, number[]>();
  const vagueIndex = new Map<number, number[]>();
  const groups: Group[] = [];
  const seen = new Int32Array(atoms.length).fill(-1);
  atoms.forEach((atom, position) => {
    // Candidates first, then the decision: a cannot-link with any candidate of a group blocks that
    // group (constrained clustering), so a point cannot drift through a reworded member.
    const candidates: number[] = [];
    const probe = (postings: number[] | undefined) => {
      for (const other of postings ?? []) {
        if (seen[other] === position) continue;
        seen[other] = position;
        candidates.push(other);
      }
    };
    for (const f of atom.ranks) probe(prefixIndex.get(f));
    if (atom.partial) for (const f of atom.ranks) probe(fullIndex.get(f));
    // An unaccented "bo" may be the "bỏ" of another atom, and the other way round.
    if (atom.profile.vague.size > 0) for (const f of vagueIds(atom.profile)) probe(fullIndex.get(f));
    for (const f of atom.profile.featureIds) if (words.special(f)) probe(vagueIndex.get(f));
    // Exact keys with empty content (supports, bare remarks) meet through the empty-key slot.
    if (atom.ranks.length === 0) probe(prefixIndex.get(-1));
    let best = -1;
    let bestScore = -1;
    const blocked = new Set<number>();
    const matches: { group: number; score: number }[] = [];
    for (const other of candidates) {
      const o = atoms[other]!;
      const group = groups[o.group]!;
      if (atom.hasSpan && !placedTogether(atom, o, group, gap)) continue;
      if (cannotLink(atom.profile, o.profile)) blocked.add(o.group);
      // The word-by-word alignment only where the words agree: a swap matters between near twins.
      else if (overlapAgrees(atom.profile, o.profile, { aPartial: atom.partial, bPartial: o.partial })) {
        if (atom.profile.key !== o.profile.key && swapsOneWord(atom.profile, o.profile, words)) blocked.add(o.group);
        else matches.push({ group: o.group, score: overlap(atom.profile, o.profile) });
      }
    }
    for (const { group, score } of matches) {
      if (blocked.has(group) || (atom.apart !== undefined && groups[group]!.apart.has(atom.apart)) || cannotLink(atom.profile, groups[group]!.atoms[0]!.profile)) continue;
      if (score > bestScore || (score === bestScore && group < best)) {
        best = group;
        bestScore = score;
      }
    }
    if (best >= 0) {
      const group = groups[best]!;
      atom.group = best;
      group.atoms.push(atom);
      if (atom.apart !== undefined) group.apart.add(atom.apart);
      group.start = Math.min(group.start, atom.start);
      group.end = Math.max(group.end, atom.end);
    } else {
      atom.group = groups.length;
      groups.push({ atoms: [atom], apart: new Set(atom.apart === undefined ? [] : [atom.apart]), start: atom.start, end: atom.end });
    }
    const p = atom.ranks.length > 0 ? prefixLength(atom.ranks.length) : 0;
    for (let k = 0; k < p; k++) push(prefixIndex, atom.ranks[k]!, position);
    if (atom.ranks.length === 0) push(prefixIndex, -1, position);
    for (const f of atom.ranks) push(fullIndex, f, position);
    if (atom.profile.vague.size > 0) for (const f of vagueIds(atom.profile)) push(vagueIndex, f, position);
  });
  return groups.length;
}

function push(index: Map<number, number[]>, key: number, value: number): void {
  const list = index.get(key);
  if (list) list.push(value);
  else index.set(key, [value]);
}

/** Generic remarks need overlapping anchors; others an anchor touching the group's. */
function placedTogether(atom: Atom, other: Atom, group: Group, gap: number): boolean {
  if (atom.profile.generic || other.profile.generic) return atom.start < other.end && other.start < atom.end || (atom.start === atom.end && atom.start >= other.start && atom.start <= other.end);
  return atom.start <= group.end + gap && group.start <= atom.end + gap;
}

function overlap(a: TextProfile, b: TextProfile): number {
  const x = a.featureIds;
  const y = b.featureIds;
  const shared = sharedCount(x, y);
  return shared / Math.max(1, x.length + y.length - shared);
}
