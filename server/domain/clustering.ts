/**
 * Points and passages of a round's annotations (API.md, "Aggregation and consolidated feedback").
 *
 * Two annotations are one point (a cluster) when all of these hold:
 * - same section path;
 * - compatible kinds: comments, questions, objections and suggestions are all remarks and are
 *   compared by what they say (a suggestion by the words it inserts into its quote, so "nên sửa
 *   thành 52,4 triệu" meets the suggestion "52 → 52,4"); supports only with supports, on
 *   touching anchors, whatever their bodies say;
 * - the same meaning (text-similarity.ts: cannot-links on numbers, stances and named things, then
 *   word overlap);
 * - anchors where the point is: a generic remark ("đề nghị bỏ câu này") only on an overlapping
 *   anchor, any other on an anchor touching the point's (gap ≤ `adjacentGap`). An anchor on a
 *   heading reaches to the end of the section's first paragraph: a remark on "II. Về văn hóa, xã
 *   hội" and the same remark on its first sentence are one point.
 * Passages (passages.ts) then gather a section's anchors that overlap or touch, each with its
 * points inside.
 *
 * General comments (scope 'section' or 'document': a whole section or the whole draft, no quote)
 * form points only with general comments of the same scope and section, by meaning alone (no
 * anchor to be near), and belong to no passage. The caller gives document-wide ones a section of
 * their own (aggregation.service.ts puts them in the summary's `document` part).
 *
 * Deterministic: inputs are ordered by `createdAt`, then id. A cluster's id is its earliest
 * annotation's id: it stays while the point keeps that annotation, whoever joins later.
 */
import { invalid } from '../errors.js';
import { compareIds, groupNearDuplicates, type GroupItem } from './near-duplicate-groups.js';
import { UnitMatcher } from './unit-matching.js';
import { passagesOf, type Passage } from './passages.js';
import { type TextProfile, TextProfiler } from './text-similarity.js';
import { changedWords } from './suggestion-change.js';
import { applyClusterEdits, type ClusterEdit } from './cluster-edits.js';

import type { AnnotationKind, AnnotationScope, Decision } from './vocabulary.js';
export type { AnnotationKind, Decision };

export interface AnnotationForClustering {
  readonly id: string;
  readonly kind: AnnotationKind;
  readonly body: string;
  readonly replacement: string | null;
  /** Section path (sections.ts), e.g. "PHẦN THỨ NHẤT > I". */
  readonly section: string;
  /** Offsets in the base version's text (UTF-16), `start ≤ end`. */
  readonly start: number;
  readonly end: number;
  /** Null for a discussion group. */
  readonly authorId: string | null;
  readonly unitId: string;
  readonly decision: Decision | null;
  /** When it was written (ISO 8601 or ms): decides "earliest"; absent → id order. */
  readonly createdAt?: string | number | Date;
  /** Absent → 'passage'. */
  readonly scope?: AnnotationScope;
  /** Entered by staff on someone's behalf. */
  readonly recorded?: boolean;
  /** The discussion group it speaks for. */
  readonly group?: string | null;
}

export interface SectionRef {
  readonly path: string;
  readonly title: string;
  /** Offset of the section's heading in the base text, when known (for heading anchors). */
  readonly start?: number;
}

export interface ClusterOptions {
  /** Anchors this many characters apart or fewer touch (default 3: the ". " between sentences). */
  readonly adjacentGap?: number;
  /** The base version's text: quotes of suggestions, and where headings and paragraphs end. */
  readonly text?: string;
  /** Merges and splits by hand, in the order they were made, applied after the automatic step (cluster-edits.ts). */
  readonly edits?: readonly ClusterEdit[];
}

export interface Representative {
  readonly body: string;
  readonly replacement: string | null;
}

export type DecisionCounts = Record<Decision | 'undecided', number>;

export interface Cluster {
  /** The earliest member's id. */
  readonly id: string;
  /** The kind most members have (ties → the earliest member's). */
  readonly kind: AnnotationKind;
  /** Number of annotations (one author may have written several). */
  readonly count: number;
  /** Sorted. */
  readonly annotationIds: string[];
  /** From the smallest member start to the largest member end. */
  readonly anchor: { start: number; end: number };
  /** One member's original texts, never folded: the wording most members used. */
  readonly representative: Representative;
  /** Sums to `count`. */
  readonly decisions: DecisionCounts;
  /** Distinct and sorted (groups have none); the service decides whether to reveal them. */
  readonly authorIds: string[];
  readonly unitIds: string[];
  /** 'passage', or a general comment's 'section' / 'document'. */
  readonly scope: AnnotationScope;
  /** How many of its annotations staff recorded on someone's behalf. */
  readonly recorded: number;
  /** The discussion groups among its authors, distinct and sorted. */
  readonly groups: string[];
}

export interface SectionClusters {
  readonly path: string;
  readonly title: string;
  /** Sorted by anchor start, then count (largest first), then id. */
  readonly clusters: Cluster[];
  /** In text order; every cluster is in exactly one. */
  readonly passages: Passage[];
}

/** The class within which kinds merge (see the module comment). */
export function kindClass(kind: AnnotationKind): string {
  return kind === 'support' ? 'support' : 'remark';
}

export function displayText(r: { readonly kind: AnnotationKind; readonly body: string; readonly replacement: string | null }): string {
  return r.kind === 'suggestion' && r.replacement !== null ? r.replacement : r.body;
}

const time = (v: string | number | Date | undefined): number => (v === undefined ? 0 : v instanceof Date ? v.getTime() : typeof v === 'number' ? v : Date.parse(v));

/**
 * Clusters a round's annotations, per section, in the order of `sections` (document order); a
 * section missing from `sections` is appended after them (sorted by path, title "") so nothing is
 * dropped. Every annotation is in exactly one cluster and each cluster in one passage; counts sum
 * to the input size. The result does not depend on the order of `annotations`. Throws
 * `validation_failed` on duplicate ids or an anchor with `start > end` or a negative offset.
 */
export function clusterAnnotations(
  annotations: readonly AnnotationForClustering[],
  sections: readonly SectionRef[],
  options: ClusterOptions = {},
): SectionClusters[] {
  const seen = new Set<string>();
  for (const a of annotations) {
    if (seen.has(a.id)) throw invalid(`annotation ${a.id} appears twice`);
    seen.add(a.id);
    if (!(a.start >= 0 && a.end >= a.start)) throw invalid(`annotation ${a.id} has an invalid anchor`);
  }
  const gap = options.adjacentGap ?? 3;
  const text = options.text;
  const reach = headingReach(sections, text);
  const ordered = [...annotations].sort((a, b) => time(a.createdAt) - time(b.createdAt) || compareIds(a.id, b.id));
  const rank = new Map(ordered.map((a, i) => [a.id, i]));
  const spans = annotations.map((a) => reach(a.start, a.end));
  const items: GroupItem[] = annotations.map((a, i) => {
    const scope = a.scope ?? 'passage';
    const change = scope === 'passage' && a.kind === 'suggestion' && a.replacement !== null && text !== undefined ? changedWords(text.slice(a.start, a.end), a.replacement) : undefined;
    return {
      block: `${a.section}\u0000${kindClass(a.kind)}${scope === 'passage' ? '' : `\u0000${scope}`}`,
      text: a.kind === 'support' ? '' : (change ?? displayText(a)),
      partial: change !== undefined && !change.startsWith('bỏ '),
      span: scope === 'passage' ? spans[i]! : null,
      id: a.id,
      rank: rank.get(a.id)!,
    };
  });
  // One profiler for matching and for representatives (which compare what members wrote: a
  // suggestion's replacement, not its change), so each distinct text is read once.
  const profiler = new TextProfiler();
  const automatic = groupNearDuplicates(items, { gap, profiler }).groups;
  const groups = options.edits?.length ? withEdits(automatic, annotations, rank, options.edits) : automatic;
  const profileOf = (t: string) => profiler.profile(t);
  const bySection = new Map<string, Cluster[]>();
  const groupOf = new Map<string, Cluster>();
  for (const members of groups) {
    const list = members.map((i) => annotations[i]!);
    const cluster = toCluster(list, (m) => profileOf(displayText(m)), (m) => rank.get(m.id)!);
    for (const m of list) groupOf.set(m.id, cluster);
    const clusters = bySection.get(list[0]!.section);
    if (clusters) clusters.push(cluster);
    else bySection.set(list[0]!.section, [cluster]);
  }
  const ordering = (a: Cluster, b: Cluster) => a.anchor.start - b.anchor.start || b.count - a.count || compareIds(a.id, b.id);
  const inSection = new Map<string, number[]>();
  annotations.forEach((a, i) => {
    if ((a.scope ?? 'passage') === 'passage') (inSection.get(a.section) ?? inSection.set(a.section, []).get(a.section)!).push(i);
  });
  return orderSections(sections, bySection, ordering).map((s) => {
    const passages = passagesOf(
      (inSection.get(s.path) ?? []).map((i) => ({ start: annotations[i]!.start, end: annotations[i]!.end, reach: spans[i]!, clusterId: groupOf.get(annotations[i]!.id)!.id })),
      s.clusters.filter((c) => c.scope === 'passage').map((c) => c.id),
      gap,
      text,
    );
    return { ...s, passages };
  });
}

/**
 * The automatic groups (indices into `annotations`) with the edits by hand applied; members
 * earliest first, as `toCluster` expects (its first member names the cluster). Edits never join
 * two sections: the service refuses them, and a group here holds one section's annotations.
 */
function withEdits(groups: readonly number[][], annotations: readonly AnnotationForClustering[], rank: ReadonlyMap<string, number>, edits: readonly ClusterEdit[]): number[][] {
  const indexOf = new Map(annotations.map((a, i) => [a.id, i]));
  const ids = groups.map((g) => g.map((i) => annotations[i]!.id));
  return applyClusterEdits(ids, edits).map((g) => g.map((id) => indexOf.get(id)!).sort((a, b) => rank.get(annotations[a]!.id)! - rank.get(annotations[b]!.id)!));
}

/** Sections of `known` in order (each with its items, possibly none), then unknown paths sorted. */
export function orderSections<T>(known: readonly SectionRef[], bySection: ReadonlyMap<string, T[]>, compare: (a: T, b: T) => number): { path: string; title: string; clusters: T[] }[] {
  const out: { path: string; title: string; clusters: T[] }[] = [];
  const listed = new Set<string>();
  for (const s of known) {
    if (listed.has(s.path)) continue;
    listed.add(s.path);
    out.push({ path: s.path, title: s.title, clusters: [...(bySection.get(s.path) ?? [])].sort(compare) });
  }
  const unknown = [...bySection.keys()].filter((p) => !listed.has(p)).sort(compareIds);
  for (const path of unknown) out.push({ path, title: '', clusters: [...bySection.get(path)!].sort(compare) });
  return out;
}

/**
 * Where an anchor reaches for matching: itself, except that an anchor inside a section's heading
 * reaches to the end of the section's first paragraph (needs the text and section starts).
 */
function headingReach(sections: readonly SectionRef[], text: string | undefined): (start: number, end: number) => { start: number; end: number } {
  const headings: { start: number; end: number; reach: number }[] = [];
  if (text !== undefined) {
    for (const s of sections) {
      if (s.start === undefined) continue;
      const headingEnd = text.indexOf('\n', s.start);
      if (headingEnd < 0) continue;
      const next = text.indexOf('\n', headingEnd + 1);
      headings.push({ start: s.start, end: headingEnd, reach: next < 0 ? text.length : next });
    }
  }
  return (start, end) => {
    for (const h of headings) if (start >= h.start && end <= h.end) return { start, end: h.reach };
    return { start, end };
  };
}

function toCluster(members: readonly AnnotationForClustering[], profileOf: (m: AnnotationForClustering) => TextProfile, rankOf: (m: AnnotationForClustering) => number): Cluster {
  const decisions: DecisionCounts = { accepted: 0, partially_accepted: 0, rejected: 0, noted: 0, undecided: 0 };
  let start = Infinity;
  let end = -Infinity;
  const kinds = new Map<AnnotationKind, number>();
  for (const m of members) {
    decisions[m.decision ?? 'undecided'] += 1;
    start = Math.min(start, m.start);
    end = Math.max(end, m.end);
    kinds.set(m.kind, (kinds.get(m.kind) ?? 0) + 1);
  }
  // Members are in precedence order: the first kind to reach the largest count is the earliest's.
  let kind = members[0]!.kind;
  for (const [k, n] of kinds) if (n > kinds.get(kind)!) kind = k;
  const rep = chooseRepresentative(members.map((m) => ({ id: m.id, rank: rankOf(m), text: displayText(m), profile: profileOf(m), weight: 1, value: m })));
  return {
    id: members[0]!.id,
    kind,
    count: members.length,
    annotationIds: members.map((m) => m.id).sort(),
    anchor: { start, end },
    representative: { body: rep.body, replacement: rep.replacement },
    decisions,
    authorIds: distinctSorted(members.flatMap((m) => (m.authorId === null ? [] : [m.authorId]))),
    unitIds: distinctSorted(members.map((m) => m.unitId)),
    // A point merged by hand across scopes is a passage's (it has a passage to show).
    scope: members.some((m) => (m.scope ?? 'passage') === 'passage') ? 'passage' : members[0]!.scope!,
    recorded: members.filter((m) => m.recorded).length,
    groups: distinctSorted(members.flatMap((m) => (m.group ? [m.group] : []))),
  };
}

/** Distinct values in code-unit order (the default sort's order for strings). */
export function distinctSorted(values: readonly string[]): string[] {
  if (values.length === 1) return [values[0]!];
  return [...new Set(values)].sort();
}

/**
 * The member whose text stands for a group: the wording most members used. Wordings are folded
 * keys (the same words whatever the accents and filler); a wording with content beats an empty
 * one; then the heaviest (sum of weights); ties → the one used earliest (smallest `rank`, then id).
 * Within it, the spelling most typed (accents as the majority typed them, case and punctuation
 * aside), then the original most typed; ties → earliest at each step.
 * Always returns an original value, never a folded text.
 */
export function chooseRepresentative<T>(entries: readonly { id: string; rank?: number; text: string; profile: TextProfile; weight: number; value: T }[]): T {
  if (entries.length === 1) return entries[0]!.value;
  const earlier = (a: { rank?: number; id: string }, b: { rank?: number; id: string }) => (a.rank ?? 0) - (b.rank ?? 0) || compareIds(a.id, b.id);
  type Tally = { weight: number; first: (typeof entries)[number] };
  const tally = (map: Map<string, Tally>, key: string, e: (typeof entries)[number]) => {
    const t = map.get(key);
    if (!t) map.set(key, { weight: e.weight, first: e });
    else {
      t.weight += e.weight;
      if (earlier(e, t.first) < 0) t.first = e;
    }
  };
  const best = (map: Map<string, Tally>, hasContent: (key: string) => boolean) => {
    let pick: [string, Tally] | undefined;
    for (const entry of map) {
      if (!pick) {
        pick = entry;
        continue;
      }
      const [k, t] = entry;
      const d = Number(hasContent(k)) - Number(hasContent(pick[0])) || t.weight - pick[1].weight || -earlier(t.first, pick[1].first);
      if (d > 0) pick = entry;
    }
    return pick!;
  };
  const wordings = new Map<string, Tally>();
  for (const e of entries) tally(wordings, e.profile.key, e);
  const [key] = best(wordings, (k) => k.length > 0);
  // Then the spelling with accents as most typed it (case and punctuation aside), then its most typed original.
  const spellingOf = new Map<string, string>();
  const spelled = (t: string) => spellingOf.get(t) ?? spellingOf.set(t, t.normalize('NFC').toLowerCase().replace(/[^\p{L}\p{M}\p{N}]+/gu, ' ').trim()).get(t)!;
  const spellings = new Map<string, Tally>();
  for (const e of entries) if (e.profile.key === key) tally(spellings, spelled(e.text), e);
  const [spelling] = best(spellings, (t) => t.length > 0);
  const originals = new Map<string, Tally>();
  for (const e of entries) if (e.profile.key === key && spelled(e.text) === spelling) tally(originals, e.text, e);
  return best(originals, (t) => t.length > 0)[1].first.value;
}

/** An item of a feedback package: a cluster, or a matched item of a lower roll-up. */
export interface ClusterLike {
  /** Unique across all packages given to one `matchAcrossUnits` call (e.g. package id + cluster id). */
  readonly id: string;
  readonly section: string;
  readonly kind: AnnotationKind;
  readonly count: number;
  readonly representative: Representative;
  /** A general comment's point matches only points of the same scope (absent → 'passage'). */
  readonly scope?: AnnotationScope;
  /** Items with the same `apart` are never matched into one (see GroupItem.apart). */
  readonly apart?: string;
}

export interface FeedbackPackageInput {
  readonly unitId: string;
  readonly items: readonly ClusterLike[];
}

export interface MatchedItem {
  /** The smallest source item id. */
  readonly id: string;
  readonly section: string;
  readonly kind: AnnotationKind;
  readonly representative: Representative;
  /** Sum of the source items' counts. */
  readonly count: number;
  /** Distinct units whose packages raised it ("raised by unitCount of M units"). */
  readonly unitCount: number;
  readonly unitIds: string[];
  /** The package items merged into this one (provenance), sorted. */
  readonly sourceItemIds: string[];
  readonly scope: AnnotationScope;
}

/**
 * Merges the items of several units' feedback packages: items on the same section, of compatible
 * kinds, with similar content (the rules of `clusterAnnotations`, supports compared by body) become
 * one item. Anchors are ignored — packages may come from rounds on different versions. A matched
 * item is itself a `ClusterLike`, so a roll-up can be passed one level further up. Every source
 * item lands in exactly one result; counts add up. Ordered by `options.sections` (paths in document
 * order; others after, sorted), then unitCount, count (largest first), id. Independent of the order
 * of packages and items. Throws `validation_failed` when an item id appears twice.
 */
export function matchAcrossUnits(
  packages: readonly FeedbackPackageInput[],
  options: { sections?: readonly string[] } = {},
): MatchedItem[] {
  const matching = new CrossUnitMatching();
  matching.add(packages);
  return matching.result(options);
}

/**
 * The kind of a matched item from its sources (in precedence order): the first source's, except
 * that comments and questions (one kind class) take whichever of the two counts more annotations.
 */
export function matchedKind(sources: readonly { kind: AnnotationKind; count: number }[]): AnnotationKind {
  const first = sources[0]!.kind;
  if (first !== 'comment' && first !== 'question') return first;
  let comments = 0;
  let questions = 0;
  for (const item of sources) {
    if (item.kind === 'comment') comments += item.count;
    if (item.kind === 'question') questions += item.count;
  }
  return questions > comments ? 'question' : 'comment';
}

/**
 * `matchAcrossUnits` kept up to date as packages arrive: `add` the packages one after another (or
 * all at once), and `result` is always what `matchAcrossUnits` gives for every package added so
 * far (unit-matching.ts: adding costs the new items' comparisons; a matched item whose sources did
 * not change is the object built before). `section` answers one section's part of it, computing
 * only that section's groups: a section no added item fell in since it was last asked is handed
 * back as it was. Nothing can be taken out: for a smaller set (a package superseded), start a new one.
 */
export class CrossUnitMatching {
  private readonly matcher = new UnitMatcher();
  private readonly sources = new Map<string, { unitId: string; item: ClusterLike }>();
  /** Per section: the matcher's blocks holding its items. */
  private readonly blocks = new Map<string, Set<string>>();
  /** Per section, its matched items as last computed (ordered) and by their sources (ids joined); dropped when an item is added to it. */
  private readonly computed = new Map<string, { items: MatchedItem[]; bySignature: Map<string, MatchedItem> }>();
  /** Per section, the matched items by sources of the last computation before the section changed (reused where their sources did not). */
  private readonly stale = new Map<string, Map<string, MatchedItem>>();

  /** Adds packages' items (throws `validation_failed`, changing nothing, when an item id was already added). */
  add(packages: readonly FeedbackPackageInput[]): void {
    const sectionOf = new Map<string, string>();
    const entries = packages.flatMap((pkg) =>
      pkg.items.map((item) => {
        const block = `${item.section}\u0000${kindClass(item.kind)}${(item.scope ?? 'passage') === 'passage' ? '' : `\u0000${item.scope}`}`;
        sectionOf.set(block, item.section);
        return {
          id: item.id,
          block,
          text: displayText({ kind: item.kind, ...item.representative }),
          ...(item.apart === undefined ? {} : { apart: item.apart }),
        };
      }),
    );
    const changed = this.matcher.add(entries);
    for (const pkg of packages) for (const item of pkg.items) this.sources.set(item.id, { unitId: pkg.unitId, item });
    for (const block of changed) {
      const section = sectionOf.get(block)!;
      (this.blocks.get(section) ?? this.blocks.set(section, new Set()).get(section)!).add(block);
      const before = this.computed.get(section);
      if (before) {
        this.stale.set(section, before.bySignature);
        this.computed.delete(section);
      }
    }
  }

  /** Paths of the sections holding items, sorted (code-unit order). */
  sections(): string[] {
    return [...this.blocks.keys()].sort(compareIds);
  }

  /** One section's part of `result` (the same objects, in the same order); `[]` for a section without items. Do not mutate. */
  section(path: string): readonly MatchedItem[] {
    const kept = this.computed.get(path);
    if (kept) return kept.items;
    const blocks = this.blocks.get(path);
    if (!blocks) return [];
    const before = this.stale.get(path);
    const bySignature = new Map<string, MatchedItem>();
    const items: MatchedItem[] = [];
    for (const ids of this.matcher.groups(blocks)) {
      const signature = ids.join('\n');
      const m = before?.get(signature) ?? this.toMatched(ids);
      bySignature.set(signature, m);
      items.push(m);
    }
    items.sort((a, b) => b.unitCount - a.unitCount || b.count - a.count || compareIds(a.id, b.id));
    this.stale.delete(path);
    this.computed.set(path, { items, bySignature });
    return items;
  }

  /**
   * One section's groups without building its items: each group the ids of one matched item's
   * sources (its `sourceItemIds`), in no particular order; `[]` for a section without items. What
   * the roll-up's index counts (aggregation.service.ts): `section` also picks each item's
   * representative, which is most of its cost. Do not mutate.
   */
  groupsOf(path: string): readonly (readonly string[])[] {
    const kept = this.computed.get(path);
    if (kept) return kept.items.map((m) => m.sourceItemIds);
    const blocks = this.blocks.get(path);
    return blocks ? this.matcher.groups(blocks) : [];
  }

  /** The matched items of everything added, ordered as `matchAcrossUnits` orders them. */
  result(options: { sections?: readonly string[] } = {}): MatchedItem[] {
    const out: MatchedItem[] = [];
    const listed = new Set<string>();
    for (const path of options.sections ?? []) {
      if (listed.has(path)) continue;
      listed.add(path);
      for (const m of this.section(path)) out.push(m);
    }
    for (const path of this.sections()) if (!listed.has(path)) for (const m of this.section(path)) out.push(m);
    return out;
  }

  private toMatched(ids: readonly string[]): MatchedItem {
    const list = ids.map((id) => this.sources.get(id)!);
    const first = list[0]!.item;
    const kind = matchedKind(list.map((l) => l.item));
    const rep = chooseRepresentative(
      list.map(({ item }) => ({ id: item.id, text: displayText({ kind: item.kind, ...item.representative }), profile: this.matcher.profileOf(item.id), weight: item.count, value: item.representative })),
    );
    const unitIds = distinctSorted(list.map((l) => l.unitId));
    return {
      id: first.id,
      section: first.section,
      kind,
      representative: { body: rep.body, replacement: rep.replacement },
      count: list.reduce((sum, l) => sum + l.item.count, 0),
      unitCount: unitIds.length,
      unitIds,
      sourceItemIds: [...ids],
      scope: first.scope ?? 'passage',
    };
  }
}
