/**
 * Clusters of a round's annotations (API.md, "Aggregation and consolidated feedback").
 *
 * Two annotations are one point when all of these hold:
 * - same section path;
 * - compatible kinds: comment ~ question (both ask for a change of wording or a clarification);
 *   objection, support and suggestion only with their own kind (a support and an objection on one
 *   passage are two stances, and tallies of stances must not be muddled with remarks);
 * - anchors that overlap or are adjacent: gap ≤ `adjacentGap` characters (default 3: the ". "
 *   between two sentences), or, when `paragraphStarts` is given, in the same paragraph instead —
 *   through a chain of members with the same text, or touching the cluster's span when joining it;
 * - similar content (text-similarity.ts): identical after folding, or near-identical with the same
 *   polarity and numbers. Suggestions are compared by their replacement, comments, questions and
 *   objections by body; supports on touching passages are one point whatever their bodies say.
 *
 * Deterministic: inputs are sorted by id first, so any order of the same annotations gives the
 * same clusters. A cluster's id is its smallest member id: unique (clusters partition the
 * annotations), a valid annotation-id string, and unchanged when later annotations join unless one
 * sorts before it — unlike a hash of all members, which changes with every new member.
 */
import { invalid } from '../errors.js';
import { compareIds, groupNearDuplicates, type GroupItem } from './near-duplicate-groups.js';
import { NEAR_THRESHOLD, type TextProfile, profileText } from './text-similarity.js';

export type AnnotationKind = 'comment' | 'question' | 'objection' | 'support' | 'suggestion';
export type Decision = 'accepted' | 'partially_accepted' | 'rejected' | 'noted';

export interface AnnotationForClustering {
  readonly id: string;
  readonly kind: AnnotationKind;
  readonly body: string;
  readonly replacement: string | null;
  /** Section path (sections.ts), e.g. "PHẦN THỨ NHẤT > I". */
  readonly section: string;
  /** Offsets in the base version's text, `start ≤ end`. */
  readonly start: number;
  readonly end: number;
  readonly authorId: string;
  readonly unitId: string;
  readonly decision: Decision | null;
}

export interface SectionRef {
  readonly path: string;
  readonly title: string;
}

export interface ClusterOptions {
  /** Anchors this many characters apart or fewer are adjacent (default 3); ignored with paragraphs. */
  readonly adjacentGap?: number;
  /** Sorted offsets where paragraphs start; anchors in one paragraph are then adjacent. */
  readonly paragraphStarts?: readonly number[];
  /** Near-duplicate Jaccard threshold (default NEAR_THRESHOLD). */
  readonly threshold?: number;
}

export interface Representative {
  readonly body: string;
  readonly replacement: string | null;
}

export type DecisionCounts = Record<Decision | 'undecided', number>;

export interface Cluster {
  /** The smallest member id (code-unit order). */
  readonly id: string;
  readonly kind: AnnotationKind;
  /** Number of annotations (one author may have written several). */
  readonly count: number;
  /** Sorted. */
  readonly annotationIds: string[];
  /** From the smallest member start to the largest member end. */
  readonly anchor: { start: number; end: number };
  /** One member's original texts, never folded. */
  readonly representative: Representative;
  /** Sums to `count`. */
  readonly decisions: DecisionCounts;
  /** Distinct and sorted; the service decides whether to reveal them. */
  readonly authorIds: string[];
  readonly unitIds: string[];
}

export interface SectionClusters {
  readonly path: string;
  readonly title: string;
  /** Sorted by anchor start, then count (largest first), then id. */
  readonly clusters: Cluster[];
}

/** The class within which kinds merge (see the module comment). */
export function kindClass(kind: AnnotationKind, replacement: string | null): string {
  if (kind === 'comment' || kind === 'question') return 'remark';
  if (kind === 'suggestion') return replacement === null ? 'suggestion:body' : 'suggestion:replacement';
  return kind;
}

/** The text compared: a suggestion's replacement, a support's nothing (location alone decides), else the body. */
function matchingText(kind: AnnotationKind, body: string, replacement: string | null): string {
  if (kind === 'suggestion' && replacement !== null) return replacement;
  if (kind === 'support') return '';
  return body;
}

export function displayText(r: { readonly kind: AnnotationKind; readonly body: string; readonly replacement: string | null }): string {
  return r.kind === 'suggestion' && r.replacement !== null ? r.replacement : r.body;
}

/**
 * Clusters a round's annotations, per section, in the order of `sections` (document order); a
 * section missing from `sections` is appended after them (sorted by path, title "") so nothing is
 * dropped. Every annotation is in exactly one cluster; counts sum to the input size. The result
 * does not depend on the order of `annotations`. Throws `validation_failed` on duplicate ids or an
 * anchor with `start > end` or a negative offset.
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
  const space = anchorSpace(options);
  const blockKey = blockKeys();
  const items: GroupItem[] = annotations.map((a) => ({
    block: blockKey(a.section, kindClass(a.kind, a.replacement)),
    text: matchingText(a.kind, a.body, a.replacement),
    span: space.span(a.start, a.end),
    id: a.id,
  }));
  const { groups, profiles } = groupNearDuplicates(items, { gap: space.gap, threshold: options.threshold ?? NEAR_THRESHOLD });
  // Supports were matched on location only; their bodies still compete to represent the cluster.
  const bodyProfiles = new Map<string, TextProfile>();
  const displayProfile = (i: number): TextProfile => {
    const a = annotations[i]!;
    if (a.kind !== 'support') return profiles[i]!;
    let p = bodyProfiles.get(a.body);
    if (!p) bodyProfiles.set(a.body, (p = profileText(a.body)));
    return p;
  };
  const bySection = new Map<string, Cluster[]>();
  for (const members of groups) {
    const list = members.map((i) => annotations[i]!);
    const cluster = toCluster(list, (k) => displayProfile(members[k]!));
    const section = list[0]!.section;
    const clusters = bySection.get(section);
    if (clusters) clusters.push(cluster);
    else bySection.set(section, [cluster]);
  }
  return orderSections(sections, bySection, (a, b) => a.anchor.start - b.anchor.start || b.count - a.count || compareIds(a.id, b.id));
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
 * Where anchors are compared. Without paragraphs: character offsets, touching within `gap`. With
 * paragraphs: the range of paragraph indexes an anchor covers, touching only when they share one —
 * two anchors in the same paragraph are adjacent, two across a paragraph break are not.
 */
function anchorSpace(options: ClusterOptions): { gap: number; span: (start: number, end: number) => { start: number; end: number } } {
  const starts = options.paragraphStarts;
  if (!starts || starts.length === 0) return { gap: options.adjacentGap ?? 3, span: (start, end) => ({ start, end }) };
  const sorted = [...starts].sort((a, b) => a - b);
  // Index of the last paragraph start ≤ offset (−1 before the first).
  const at = (offset: number): number => {
    let lo = 0;
    let hi = sorted.length - 1;
    let found = -1;
    while (lo <= hi) {
      const mid = (lo + hi) >> 1;
      if (sorted[mid]! <= offset) {
        found = mid;
        lo = mid + 1;
      } else hi = mid - 1;
    }
    return found;
  };
  return { gap: 0, span: (start, end) => ({ start: at(start), end: at(Math.max(start, end - 1)) }) };
}

/** Interned "section, kind class" keys: one string per block, not one per annotation. */
function blockKeys(): (section: string, cls: string) => string {
  const keys = new Map<string, Map<string, string>>();
  return (section, cls) => {
    let bySection = keys.get(section);
    if (!bySection) keys.set(section, (bySection = new Map()));
    let key = bySection.get(cls);
    if (key === undefined) bySection.set(cls, (key = `${section}\u0000${cls}`));
    return key;
  };
}

/** `profileOf(k)`: the profile of `members[k]`'s display text (asked only when members compete). */
function toCluster(members: readonly AnnotationForClustering[], profileOf: (k: number) => TextProfile): Cluster {
  const decisions: DecisionCounts = { accepted: 0, partially_accepted: 0, rejected: 0, noted: 0, undecided: 0 };
  let start = Infinity;
  let end = -Infinity;
  let comments = 0;
  let questions = 0;
  for (const m of members) {
    decisions[m.decision ?? 'undecided'] += 1;
    start = Math.min(start, m.start);
    end = Math.max(end, m.end);
    if (m.kind === 'comment') comments++;
    if (m.kind === 'question') questions++;
  }
  const kind = members[0]!.kind === 'comment' || members[0]!.kind === 'question' ? (questions > comments ? 'question' : 'comment') : members[0]!.kind;
  const rep = members.length === 1 ? members[0]! : chooseRepresentative(members.map((m, k) => ({ id: m.id, text: displayText(m), profile: profileOf(k), weight: 1, value: m })));
  return {
    id: members[0]!.id,
    kind,
    count: members.length,
    annotationIds: members.map((m) => m.id),
    anchor: { start, end },
    representative: { body: rep.body, replacement: rep.replacement },
    decisions,
    authorIds: distinctSorted(members.map((m) => m.authorId)),
    unitIds: distinctSorted(members.map((m) => m.unitId)),
  };
}

/** Distinct values in code-unit order (the default sort's order for strings). */
export function distinctSorted(values: readonly string[]): string[] {
  if (values.length === 1) return [values[0]!];
  return [...new Set(values)].sort();
}

/**
 * The member whose text stands for a group: among phrasings (folded keys), prefer one with content
 * over an empty or filler-only text, then the most common (weighted: the central phrasing), then
 * the most informative (more content features, then longer); within that phrasing, an original
 * typed with accents over one typed without (unaccented Vietnamese is ambiguous to read: "bo" is
 * bỏ, bổ or bộ), then the most common, then the most accented, then the smallest string; then the
 * smallest id. Always returns an original value, never a folded text. `profile` must be
 * `profileText(text)`, the same object for equal texts (it is the grouping key of originals).
 */
export function chooseRepresentative<T>(entries: readonly { id: string; text: string; profile: TextProfile; weight: number; value: T }[]): T {
  // One entry (a one-off remark, a lone package item) speaks for itself: the rules below pick it.
  if (entries.length === 1) return entries[0]!.value;
  type Original = { text: string; weight: number; id: string; value: T };
  const byKey = new Map<string, { weight: number; profile: TextProfile; originals: Map<TextProfile, Original> }>();
  for (const e of entries) {
    const p = e.profile;
    let k = byKey.get(p.key);
    if (!k) byKey.set(p.key, (k = { weight: 0, profile: p, originals: new Map() }));
    k.weight += e.weight;
    const o = k.originals.get(p);
    if (!o) k.originals.set(p, { text: e.text, weight: e.weight, id: e.id, value: e.value });
    else {
      o.weight += e.weight;
      if (compareIds(e.id, o.id) < 0) {
        o.id = e.id;
        o.value = e.value;
      }
    }
  }
  let best: { key: string; weight: number; profile: TextProfile; originals: Map<TextProfile, Original> } | undefined;
  for (const [key, k] of byKey) {
    const c = { key, ...k };
    if (
      !best ||
      (Number(c.profile.featureIds.length > 0) - Number(best.profile.featureIds.length > 0) ||
        c.weight - best.weight ||
        c.profile.featureIds.length - best.profile.featureIds.length ||
        c.key.length - best.key.length ||
        compareIds(best.key, c.key)) > 0
    )
      best = c;
  }
  let pick: [TextProfile, Original] | undefined;
  for (const entry of best!.originals) {
    const [p, o] = entry;
    if (!pick || (Number(p.accents > 0) - Number(pick[0].accents > 0) || o.weight - pick[1].weight || p.accents - pick[0].accents || compareIds(pick[1].text, o.text)) > 0) pick = entry;
  }
  return pick![1].value;
}

/** An item of a feedback package: a cluster, or a matched item of a lower roll-up. */
export interface ClusterLike {
  /** Unique across all packages given to one `matchAcrossUnits` call (e.g. package id + cluster id). */
  readonly id: string;
  readonly section: string;
  readonly kind: AnnotationKind;
  readonly count: number;
  readonly representative: Representative;
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
  options: { sections?: readonly string[]; threshold?: number } = {},
): MatchedItem[] {
  const flat: { unitId: string; item: ClusterLike }[] = [];
  const seen = new Set<string>();
  for (const pkg of packages) {
    for (const item of pkg.items) {
      if (seen.has(item.id)) throw invalid(`package item ${item.id} appears twice`);
      seen.add(item.id);
      flat.push({ unitId: pkg.unitId, item });
    }
  }
  const blockKey = blockKeys();
  const { groups, profiles } = groupNearDuplicates(
    flat.map(({ item }) => ({
      block: blockKey(item.section, kindClass(item.kind, item.representative.replacement)),
      text: displayText({ kind: item.kind, ...item.representative }),
      span: null,
      id: item.id,
    })),
    { gap: 0, threshold: options.threshold ?? NEAR_THRESHOLD },
  );
  const matched = groups.map((members): MatchedItem => {
    const list = members.map((i) => flat[i]!);
    const first = list[0]!.item;
    let comments = 0;
    let questions = 0;
    for (const { item } of list) {
      if (item.kind === 'comment') comments += item.count;
      if (item.kind === 'question') questions += item.count;
    }
    const kind = first.kind === 'comment' || first.kind === 'question' ? (questions > comments ? 'question' : 'comment') : first.kind;
    const rep = chooseRepresentative(
      members.map((i) => {
        const { item } = flat[i]!;
        return { id: item.id, text: displayText({ kind: item.kind, ...item.representative }), profile: profiles[i]!, weight: item.count, value: item.representative };
      }),
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
      sourceItemIds: list.map((l) => l.item.id),
    };
  });
  const bySection = new Map<string, MatchedItem[]>();
  for (const m of matched) {
    const list = bySection.get(m.section);
    if (list) list.push(m);
    else bySection.set(m.section, [m]);
  }
  const known = (options.sections ?? []).map((path) => ({ path, title: '' }));
  return orderSections(known, bySection, (a, b) => b.unitCount - a.unitCount || b.count - a.count || compareIds(a.id, b.id)).flatMap((s) => s.clusters);
}
