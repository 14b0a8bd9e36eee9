/**
 * The grouping behind `matchAcrossUnits` (clustering.ts): package items matched across units, kept
 * up to date as packages arrive (a province receives 13 packages of thousands of items each, one
 * after another) with a result always equal to matching everything at once.
 *
 * The rule is near-duplicate-groups.ts's for items without anchors: items of one block (section,
 * kind class, scope) with the same folded key form an atom (or each its own, when kept `apart`);
 * atoms in a canonical order (size desc, key, smallest id) each join the group of the most
 * similar earlier atom whose words agree (same-meaning.ts `overlapAgrees`), unless a cannot-link
 * (numbers, stances, a swapped named thing) with an agreeing atom of that group or with the group's
 * first atom blocks it, or the group holds an item of the same `apart`.
 *
 * It is split in two so that adding items costs only their own comparisons:
 * 1. links: each pair of atoms whose words agree, with what blocks it, found once when the second
 *    of the two is added, through an index of the block's atoms by their rarest words (`link`);
 *    an atom whose spelling changes (a more accented member joined) is linked again;
 * 2. the greedy pass over the atoms in order, which reads only the links (no text): cheap enough to
 *    run again in full after every change, so its result is by construction the batch result.
 * The links, hence the result, depend only on the set of items, never on the order they were
 * added in or on word frequencies (which only order the prefixes, for speed). The one difference
 * from near-duplicate-groups.ts: there a cannot-link with any atom sharing a rare word blocks a
 * group, here only one with an atom whose words agree (which rare words are depends on the
 * whole set, so it could not be kept up to date exactly).
 */
import { invalid } from '../errors.js';
import { cannotLink, overlapAgrees, swapsOneWord, wordsOf, type Words } from './same-meaning.js';
import { OVERLAP_MIN, SHARE_MIN, sharedCount, TextProfiler, type TextProfile } from './text-similarity.js';

export interface MatchEntry {
  /** Unique among all entries ever added to one matcher. */
  readonly id: string;
  /** Entries merge only within the same block. */
  readonly block: string;
  /** The text compared (an original; folded inside). */
  readonly text: string;
  /** Entries with the same `apart` never share a group; each is also an atom of its own. */
  readonly apart?: string;
}

interface Link {
  readonly other: Atom;
  /** Numbers or stances in conflict (symmetric). */
  readonly conflict: boolean;
  /** Different keys (only then can one named thing be swapped). */
  readonly differs: boolean;
  readonly score: number;
  /** When this link's owner is the later atom: does it swap one named thing with `other`? (computed when first asked) */
  swap?: boolean;
}

interface Atom {
  readonly key: string;
  /** Sorted by id (the precedence order; the first is the smallest). */
  readonly members: MatchEntry[];
  profile: TextProfile;
  readonly apart: string | undefined;
  links: Link[];
  /** Its words, rarest first: the first `short` of them meet larger atoms, the first `long` smaller ones (`link`). */
  ranked: number[];
  short: number;
  long: number;
  /** Position in the last pass. */
  pos: number;
  /** Scratch: group index in the last pass, and the probe that last saw it. */
  group: number;
  seen: number;
}

interface Block {
  readonly atoms: Atom[];
  /** Folded key → the shared atom (entries without `apart`). */
  readonly byKey: Map<string, Atom>;
  /**
   * Word id → atoms with it in their short / long prefix (`link`); stance bit → atoms with that
   * stance (for unaccented words that may be it); key → atoms (equal keys agree even without
   * words); stance bit → atoms with an unaccented word that may be that stance.
   */
  readonly shortPostings: Map<number, Atom[]>;
  readonly longPostings: Map<number, Atom[]>;
  readonly stances: Map<number, Atom[]>;
  readonly keys: Map<string, Atom[]>;
  readonly vague: Map<number, Atom[]>;
  /** Entries per word id among the block's first entries: the one order of every prefix (rarest first). */
  df: Map<number, number>;
  /** The groups of the last pass, until an entry is added to the block (links never cross blocks). */
  groups: string[][] | undefined;
}

const compareIds = (a: string, b: string): number => (a < b ? -1 : a > b ? 1 : 0);
/** The canonical order of near-duplicate-groups.ts: size desc, key, then the smallest member id. */
const atomOrder = (a: Atom, b: Atom) => b.members.length - a.members.length || compareIds(a.key, b.key) || compareIds(a.members[0]!.id, b.members[0]!.id);

export class UnitMatcher {
  private readonly profiler = new TextProfiler();
  private readonly words: Words = wordsOf(this.profiler);
  private readonly blocks = new Map<string, Block>();
  private readonly profiles = new Map<string, TextProfile>();
  private probe = 0;

  /**
   * Adds entries (throws `validation_failed` on an id already added, before changing anything).
   * Returns the names of the blocks that changed: only their groups can differ from before.
   */
  add(entries: readonly MatchEntry[]): Set<string> {
    const fresh = new Set<string>();
    for (const e of entries) {
      if (this.profiles.has(e.id) || fresh.has(e.id)) throw invalid(`package item ${e.id} appears twice`);
      fresh.add(e.id);
    }
    // Smallest id first: an atom's members stay sorted by appending when ids come in order.
    const ordered = [...entries].sort((a, b) => compareIds(a.id, b.id));
    const relink = new Set<Atom>();
    // A block's word order is fixed by the first entries it receives (rarest first, for short
    // postings); a word first seen later sorts first. Fixed, so every prefix taken is in one order.
    const firstWords = new Map<Block, Map<number, number>>();
    for (const e of ordered) {
      const profile = this.profiler.profile(e.text);
      this.profiles.set(e.id, profile);
      const block = this.blockOf(e.block);
      if (block.atoms.length > 0) continue;
      const df = firstWords.get(block) ?? firstWords.set(block, new Map()).get(block)!;
      for (const f of profile.featureIds) df.set(f, (df.get(f) ?? 0) + 1);
    }
    for (const [block, df] of firstWords) block.df = df;
    for (const e of ordered) {
      const profile = this.profiles.get(e.id)!;
      const block = this.blockOf(e.block);
      const shared = e.apart === undefined ? block.byKey.get(profile.key) : undefined;
      if (shared) {
        insertSorted(shared.members, e);
        // Members share a key but may differ in accents: the most accented speaks for the atom.
        const speaker = this.mostAccented(shared.members);
        if (speaker !== shared.profile) {
          // Linked again below, once this batch is indexed (unlinked once, however often it changes).
          if (!relink.has(shared)) this.unlink(block, shared);
          shared.profile = speaker;
          relink.add(shared);
        }
        continue;
      }
      const atom: Atom = { key: profile.key, members: [e], profile, apart: e.apart, links: [], ranked: [], short: 0, long: 0, pos: -1, group: -1, seen: -1 };
      if (e.apart === undefined) block.byKey.set(profile.key, atom);
      block.atoms.push(atom);
      this.link(block, atom);
    }
    for (const atom of relink) this.link(this.blockOf(blockOfAtom(atom)), atom);
    const changed = new Set<string>();
    for (const e of ordered) {
      if (changed.has(e.block)) continue;
      changed.add(e.block);
      this.blockOf(e.block).groups = undefined;
    }
    return changed;
  }

  /** The profile an entry was compared by (one object per distinct text). */
  profileOf(id: string): TextProfile {
    return this.profiles.get(id)!;
  }

  /**
   * Every entry in exactly one group; each group's ids in precedence (id) order. Groups in no
   * particular order. With `blocks`, only the groups of those blocks (unknown names give none).
   * A block's groups are computed once after each change to it; the arrays are shared: do not mutate.
   */
  groups(blocks?: Iterable<string>): string[][] {
    const out: string[][] = [];
    for (const block of blocks === undefined ? this.blocks.values() : [...blocks].flatMap((name) => this.blocks.get(name) ?? [])) {
      block.groups ??= this.groupBlock(block);
      for (const g of block.groups) out.push(g);
    }
    return out;
  }

  private blockOf(name: string): Block {
    let block = this.blocks.get(name);
    if (!block) this.blocks.set(name, (block = { atoms: [], byKey: new Map(), shortPostings: new Map(), longPostings: new Map(), stances: new Map(), keys: new Map(), vague: new Map(), df: new Map(), groups: undefined }));
    return block;
  }

  private mostAccented(members: readonly MatchEntry[]): TextProfile {
    let best = members[0]!;
    let bestProfile = this.profiles.get(best.id)!;
    for (const m of members) {
      const p = this.profiles.get(m.id)!;
      if (p === bestProfile) continue;
      if (p.accents > bestProfile.accents || (p.accents === bestProfile.accents && compareIds(m.text, best.text) < 0)) {
        best = m;
        bestProfile = p;
      }
    }
    return bestProfile;
  }

  /**
   * Finds every atom of the block whose words agree with `atom`'s, records the link on both, then
   * indexes `atom`. Two texts of s ≤ l words agree only if they share at least OVERLAP_MIN·s and
   * SHARE_MIN·l words (same-meaning.ts `overlapAgrees`), so the first shared word in the block's
   * word order is within the first s − ⌈OVERLAP_MIN·s⌉ + 1 words of the smaller (its short prefix)
   * and the first l − ⌈SHARE_MIN·l⌉ + 1 of the larger (its long prefix): PPJoin's prefix filter,
   * probed both ways. Shared words may also be an unaccented "bo" meeting a "bỏ": those pairs are
   * found through the stance postings, and equal keys (which agree even without words) through
   * the key postings.
   */
  private link(block: Block, atom: Atom): void {
    const p = atom.profile;
    const n = p.featureIds.length;
    const probe = ++this.probe;
    atom.seen = probe;
    const candidates: Atom[] = [];
    const visit = (list: readonly Atom[] | undefined, keep: (size: number) => boolean = () => true) => {
      if (!list) return;
      for (const other of list) {
        if (other.seen === probe || !keep(other.profile.featureIds.length)) continue;
        other.seen = probe;
        candidates.push(other);
      }
    };
    const df = block.df;
    atom.ranked = Array.from(p.featureIds).sort((x, y) => (df.get(x) ?? 0) - (df.get(y) ?? 0) || x - y);
    atom.short = n > 0 ? n - Math.ceil(OVERLAP_MIN * n - 1e-9) + 1 : 0;
    atom.long = n > 0 ? n - Math.ceil(SHARE_MIN * n - 1e-9) + 1 : 0;
    // Atoms at least as large (this one is the smaller), then smaller ones.
    for (let k = 0; k < atom.short; k++) visit(block.longPostings.get(atom.ranked[k]!), (m) => m >= n);
    for (let k = 0; k < atom.long; k++) visit(block.shortPostings.get(atom.ranked[k]!), (m) => m < n);
    visit(block.keys.get(atom.key));
    for (const bit of bitsOf(vagueBits(p))) visit(block.stances.get(bit));
    for (const bit of bitsOf(p.stances)) visit(block.vague.get(bit));
    for (const other of candidates) {
      const q = other.profile;
      if (!overlapAgrees(p, q)) continue;
      const conflict = cannotLink(p, q);
      const differs = p.key !== q.key;
      const score = overlap(p, q);
      atom.links.push({ other, conflict, differs, score });
      other.links.push({ other: atom, conflict, differs, score });
    }
    for (let k = 0; k < atom.short; k++) push(block.shortPostings, atom.ranked[k]!, atom);
    for (let k = 0; k < atom.long; k++) push(block.longPostings, atom.ranked[k]!, atom);
    for (const bit of bitsOf(p.stances)) push(block.stances, bit, atom);
    push(block.keys, atom.key, atom);
    for (const bit of bitsOf(vagueBits(p))) push(block.vague, bit, atom);
  }

  /** Removes an atom's links and index entries (before it is linked again with a new spelling). */
  private unlink(block: Block, atom: Atom): void {
    for (const { other } of atom.links) other.links = other.links.filter((l) => l.other !== atom);
    atom.links = [];
    const p = atom.profile;
    for (let k = 0; k < atom.short; k++) remove(block.shortPostings, atom.ranked[k]!, atom);
    for (let k = 0; k < atom.long; k++) remove(block.longPostings, atom.ranked[k]!, atom);
    for (const bit of bitsOf(p.stances)) remove(block.stances, bit, atom);
    remove(block.keys, atom.key, atom);
    for (const bit of bitsOf(vagueBits(p))) remove(block.vague, bit, atom);
  }

  /** The greedy pass of one block over its links (module comment, step 2). */
  private groupBlock(block: Block): string[][] {
    const atoms = block.atoms.sort(atomOrder);
    atoms.forEach((a, i) => (a.pos = i));
    const groups: { first: Atom; apart: Set<string>; members: MatchEntry[] }[] = [];
    const blocked = new Set<number>();
    for (const atom of atoms) {
      blocked.clear();
      let best = -1;
      let bestScore = -1;
      for (const link of atom.links) {
        if (link.other.pos > atom.pos || !(link.conflict || (link.differs && (link.swap ??= swapsOneWord(atom.profile, link.other.profile, this.words))))) continue;
        blocked.add(link.other.group);
      }
      for (const link of atom.links) {
        if (link.other.pos > atom.pos || link.conflict || link.swap) continue;
        const group = link.other.group;
        const g = groups[group]!;
        if (blocked.has(group) || (atom.apart !== undefined && g.apart.has(atom.apart))) continue;
        if ((link.score > bestScore || (link.score === bestScore && group < best)) && !cannotLink(atom.profile, g.first.profile)) {
          best = group;
          bestScore = link.score;
        }
      }
      if (best >= 0) {
        atom.group = best;
        const g = groups[best]!;
        g.members.push(...atom.members);
        if (atom.apart !== undefined) g.apart.add(atom.apart);
      } else {
        atom.group = groups.length;
        groups.push({ first: atom, apart: new Set(atom.apart === undefined ? [] : [atom.apart]), members: [...atom.members] });
      }
    }
    return groups.map((g) => (g.members.length === 1 ? [g.members[0]!.id] : g.members.map((m) => m.id).sort(compareIds)));
  }
}

/** The stances an unaccented word of the text may be ("bo" → bỏ), as stance bits. */
function vagueBits(p: TextProfile): number {
  let bits = 0;
  for (const b of p.vague.values()) bits |= b;
  return bits;
}

/** The set bits of a mask, each as a number. */
function bitsOf(mask: number): number[] {
  const out: number[] = [];
  for (let bit = 1; bit <= mask; bit <<= 1) if (mask & bit) out.push(bit);
  return out;
}

/** The block an atom lives in (all its members share it). */
const blockOfAtom = (atom: Atom): string => atom.members[0]!.block;

function insertSorted(list: MatchEntry[], entry: MatchEntry): void {
  let i = list.length;
  while (i > 0 && compareIds(list[i - 1]!.id, entry.id) > 0) i--;
  list.splice(i, 0, entry);
}

function push<K>(index: Map<K, Atom[]>, key: K, atom: Atom): void {
  const list = index.get(key);
  if (list) list.push(atom);
  else index.set(key, [atom]);
}

function remove<K>(index: Map<K, Atom[]>, key: K, atom: Atom): void {
  const list = index.get(key)!;
  list.splice(list.indexOf(atom), 1);
}

function overlap(a: TextProfile, b: TextProfile): number {
  const shared = sharedCount(a.featureIds, b.featureIds);
  return shared / Math.max(1, a.featureIds.length + b.featureIds.length - shared);
}
