/**
 * A round's clusters, recomputed only where annotations changed. Clustering never joins two
 * sections (blocks, passages and edits are per section; test/property/clustering.property.test.ts
 * checks that a section clustered alone equals the same section clustered with the rest), so each
 * section is computed from its own annotations and edits and kept with a fingerprint of them; on
 * the next computation of the round, a section whose fingerprint is unchanged is reused. After one
 * new annotation at a province's scale this re-clusters one section of fifty.
 */
import { createHash } from 'node:crypto';
import { clusterAnnotations, type AnnotationForClustering, type ClusterOptions, type SectionClusters, type SectionRef } from '../domain/clustering.js';
import type { ClusterEdit } from '../domain/cluster-edits.js';
import { compareIds } from '../domain/near-duplicate-groups.js';

export type Computed = ReadonlyMap<string, { fingerprint: string; section: SectionClusters }>;

/**
 * Clusters `annotations` as `clusterAnnotations(annotations, sections, {text, edits})` would,
 * reusing the sections of `previous` whose inputs did not change. Returns the result and what to
 * pass as `previous` next time. `sections` and `text` must be those `previous` was computed with
 * (one round's base version never changes).
 */
export function clusterBySection(
  annotations: readonly AnnotationForClustering[],
  sections: readonly SectionRef[],
  options: Pick<ClusterOptions, 'text'> & { edits: readonly ClusterEdit[] },
  previous: Computed | undefined,
): { sections: SectionClusters[]; computed: Computed } {
  const computed = new Map<string, { fingerprint: string; section: SectionClusters }>();
  for (const [path, { list, edits }] of bySectionWithEdits(annotations, options.edits)) {
    const fingerprint = fingerprintOf(list, edits);
    const before = previous?.get(path);
    computed.set(path, before && before.fingerprint === fingerprint ? before : { fingerprint, section: clusterSection(path, list, edits, sections, options.text) });
  }
  return { sections: inDocumentOrder(computed, sections), computed };
}

/**
 * The same result as `clusterBySection(all, sections, options, …)` when the caller knows which
 * sections changed since `previous` was computed (e.g. from the outbox: the sections of the
 * annotations written, withdrawn or edited by hand since, before and after the change), without
 * reading the other sections' annotations: `annotations` holds every annotation of the `dirty`
 * sections (others are ignored), `options.edits` every edit of the round; every other section is
 * taken from `previous` as it is. A dirty section left without annotations is dropped.
 */
export function reclusterSections(
  previous: Computed,
  dirty: ReadonlySet<string>,
  annotations: readonly AnnotationForClustering[],
  sections: readonly SectionRef[],
  options: Pick<ClusterOptions, 'text'> & { edits: readonly ClusterEdit[] },
): { sections: SectionClusters[]; computed: Computed } {
  const computed = new Map<string, { fingerprint: string; section: SectionClusters }>();
  for (const [path, entry] of previous) if (!dirty.has(path)) computed.set(path, entry);
  const fresh = bySectionWithEdits(
    annotations.filter((a) => dirty.has(a.section)),
    options.edits,
  );
  for (const [path, { list, edits }] of fresh) computed.set(path, { fingerprint: fingerprintOf(list, edits), section: clusterSection(path, list, edits, sections, options.text) });
  return { sections: inDocumentOrder(computed, sections), computed };
}

/** Annotations by section, each section with the edits that touch its annotations (in order). */
function bySectionWithEdits(annotations: readonly AnnotationForClustering[], allEdits: readonly ClusterEdit[]): Map<string, { list: AnnotationForClustering[]; edits: ClusterEdit[] }> {
  const out = new Map<string, { list: AnnotationForClustering[]; edits: ClusterEdit[] }>();
  const sectionOf = new Map<string, string>();
  for (const a of annotations) {
    (out.get(a.section) ?? out.set(a.section, { list: [], edits: [] }).get(a.section)!).list.push(a);
    sectionOf.set(a.id, a.section);
  }
  // An edit acts on the sections of its annotations present now (the service refuses edits across sections).
  for (const edit of allEdits) {
    for (const path of new Set(edit.annotationIds.map((id) => sectionOf.get(id)).filter((p) => p !== undefined))) out.get(path)!.edits.push(edit);
  }
  return out;
}

function clusterSection(path: string, list: readonly AnnotationForClustering[], edits: readonly ClusterEdit[], sections: readonly SectionRef[], text: string | undefined): SectionClusters {
  return clusterAnnotations(list, sections, { ...(text === undefined ? {} : { text }), edits }).find((s) => s.path === path)!;
}

/** The order and the empty sections of clusterAnnotations: known sections in document order, then unknown paths sorted. */
function inDocumentOrder(computed: Computed, sections: readonly SectionRef[]): SectionClusters[] {
  const out: SectionClusters[] = [];
  const listed = new Set<string>();
  for (const s of sections) {
    if (listed.has(s.path)) continue;
    listed.add(s.path);
    out.push(computed.get(s.path)?.section ?? { path: s.path, title: s.title, clusters: [], passages: [] });
  }
  for (const path of [...computed.keys()].filter((p) => !listed.has(p)).sort(compareIds)) out.push(computed.get(path)!.section);
  return out;
}

/** What a section's clusters depend on: its annotations (every field read) and its edits, in order. */
function fingerprintOf(list: readonly AnnotationForClustering[], edits: readonly ClusterEdit[]): string {
  // One hash call per section, not one per annotation (a province round has 100,000 of them).
  const parts = list.map((a) => {
    const at = a.createdAt instanceof Date ? a.createdAt.getTime() : (a.createdAt ?? '');
    return `${a.id}\u0001${a.kind}\u0001${a.body}\u0001${a.replacement ?? '\u0002'}\u0001${a.start}\u0001${a.end}\u0001${a.authorId}\u0001${a.unitId}\u0001${a.decision ?? ''}\u0001${at}\u0001${a.scope ?? ''}\u0001${a.recorded ? 1 : 0}\u0001${a.group ?? ''}`;
  });
  parts.sort();
  for (const e of edits) parts.push(`\u0003${e.kind}\u0001${e.annotationIds.join(',')}`);
  return createHash('sha256').update(parts.join('\u0000')).digest('base64');
}
