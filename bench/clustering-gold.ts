/**
 * The hand-grouped gold sets of test/fixtures/clustering-*.json (issue 12) and how a clustering
 * is scored against them. A gold file lists points (grouped by hand) of annotations anchored by
 * quote on the shared draft reports; this module resolves each quote to offsets in the draft's
 * projection (the coordinates the server stores), finds its section, and gives every annotation a
 * deterministic id that does not follow the file's order (a hash of its content), so that the
 * grouping in the file cannot leak into tie-breaks.
 *
 * Scores (standard in coreference and near-duplicate evaluation):
 * - pairwise precision / recall / F1 over pairs of annotations put in one cluster;
 * - B-cubed (Bagga & Baldwin 1998): per annotation, the share of its predicted cluster that is in
 *   its gold point (precision) and of its gold point that is in its predicted cluster (recall),
 *   averaged over annotations; F1 of the two averages.
 */
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import * as Y from 'yjs';
import type { AnnotationForClustering, AnnotationKind } from '../server/domain/clustering.js';
import { importContent } from '../server/domain/content-import.js';
import { projectFragment, type Section } from '../server/domain/projection.js';
import { sectionAt } from '../server/domain/sections.js';

interface GoldFile {
  drafts: Record<string, string>;
  points: { id: string; draft: string; note: string; annotations: { m: string; k: AnnotationKind; q: string; n?: number; b: string; r?: string }[] }[];
}

export interface Draft {
  readonly text: string;
  readonly sections: readonly Section[];
  /** Offsets where paragraphs start (after each "\n"), as AggregationService computes them. */
  readonly paragraphStarts: number[];
}

export interface GoldAnnotation extends AnnotationForClustering {
  readonly point: string;
  readonly draft: string;
  readonly quote: string;
}

export interface GoldSet {
  readonly drafts: Map<string, Draft>;
  readonly annotations: GoldAnnotation[];
  readonly points: number;
  readonly members: number;
}

function loadDraft(path: string): Draft {
  const doc = new Y.Doc();
  importContent(doc, { format: 'markdown', value: readFileSync(path, 'utf8') });
  const projection = projectFragment(doc.getXmlFragment('default'));
  const text = projection.text;
  const paragraphStarts = [0];
  for (let i = text.indexOf('\n'); i >= 0 && i + 1 < text.length; i = text.indexOf('\n', i + 1)) paragraphStarts.push(i + 1);
  return { text, sections: projection.sections, paragraphStarts };
}

/** Reads a gold file; throws when a quote is not in its draft or is ambiguous without `n`. */
export function loadGold(file: string): GoldSet {
  const gold = JSON.parse(readFileSync(file, 'utf8')) as GoldFile;
  const drafts = new Map<string, Draft>();
  for (const [name, path] of Object.entries(gold.drafts)) drafts.set(name, loadDraft(path));
  const annotations: GoldAnnotation[] = [];
  const ids = new Set<string>();
  for (const point of gold.points) {
    const draft = drafts.get(point.draft);
    if (!draft) throw new Error(`point ${point.id}: unknown draft ${point.draft}`);
    for (const a of point.annotations) {
      const at: number[] = [];
      for (let i = draft.text.indexOf(a.q); i >= 0; i = draft.text.indexOf(a.q, i + 1)) at.push(i);
      if (at.length === 0) throw new Error(`point ${point.id}: quote not in the draft: "${a.q}"`);
      if (at.length > 1 && a.n === undefined) throw new Error(`point ${point.id}: quote occurs ${at.length} times, give n: "${a.q}"`);
      const start = at[a.n ?? 0]!;
      const id = createHash('sha256').update(`${point.draft}\n${a.m}\n${a.k}\n${a.q}\n${a.b}\n${a.r ?? ''}`).digest('hex');
      const uuid = `${id.slice(0, 8)}-${id.slice(8, 12)}-4${id.slice(13, 16)}-8${id.slice(17, 20)}-${id.slice(20, 32)}`;
      if (ids.has(uuid)) throw new Error(`point ${point.id}: duplicate annotation ${a.m} "${a.b}"`);
      ids.add(uuid);
      annotations.push({
        id: uuid,
        kind: a.k,
        body: a.b,
        replacement: a.k === 'suggestion' ? (a.r ?? '') : null,
        section: sectionAt(draft.sections, start)?.path ?? '',
        start,
        end: start + a.q.length,
        authorId: a.m,
        unitId: `unit-${point.draft}`,
        decision: null,
        point: point.id,
        draft: point.draft,
        quote: a.q,
      });
    }
  }
  annotations.sort((a, b) => (a.id < b.id ? -1 : 1));
  return { drafts, annotations, points: gold.points.length, members: new Set(annotations.map((a) => a.authorId)).size };
}

export interface Scores {
  pairwise: { precision: number; recall: number; f1: number; truePairs: number; predictedPairs: number; goldPairs: number };
  bcubed: { precision: number; recall: number; f1: number };
  clusters: number;
}

const f1 = (p: number, r: number) => (p + r === 0 ? 0 : (2 * p * r) / (p + r));
const pairs = (n: number) => (n * (n - 1)) / 2;

/** Scores a partition (`predicted`: annotation id → cluster label) against the gold points. */
export function score(annotations: readonly GoldAnnotation[], predicted: ReadonlyMap<string, string>): Scores {
  const both = new Map<string, number>();
  const pred = new Map<string, number>();
  const gold = new Map<string, number>();
  for (const a of annotations) {
    const c = predicted.get(a.id);
    if (c === undefined) throw new Error(`annotation ${a.id} is in no cluster`);
    pred.set(c, (pred.get(c) ?? 0) + 1);
    gold.set(a.point, (gold.get(a.point) ?? 0) + 1);
    const k = `${c}\u0000${a.point}`;
    both.set(k, (both.get(k) ?? 0) + 1);
  }
  let truePairs = 0;
  for (const n of both.values()) truePairs += pairs(n);
  let predictedPairs = 0;
  for (const n of pred.values()) predictedPairs += pairs(n);
  let goldPairs = 0;
  for (const n of gold.values()) goldPairs += pairs(n);
  let bp = 0;
  let br = 0;
  for (const a of annotations) {
    const c = predicted.get(a.id)!;
    const shared = both.get(`${c}\u0000${a.point}`)!;
    bp += shared / pred.get(c)!;
    br += shared / gold.get(a.point)!;
  }
  const precision = predictedPairs === 0 ? 1 : truePairs / predictedPairs;
  const recall = goldPairs === 0 ? 1 : truePairs / goldPairs;
  bp /= annotations.length;
  br /= annotations.length;
  return {
    pairwise: { precision, recall, f1: f1(precision, recall), truePairs, predictedPairs, goldPairs },
    bcubed: { precision: bp, recall: br, f1: f1(bp, br) },
    clusters: pred.size,
  };
}

export interface Mistake {
  /** Wrongly merged pairs (false merge) or pairs left apart (missed merge). */
  readonly pairs: number;
  readonly line: string;
}

const show = (a: GoldAnnotation) => `[${a.kind}] "${a.kind === 'suggestion' ? `${a.body} → ${a.replacement}` : a.body}" @"${a.quote.slice(0, 40)}"`;

/** Predicted clusters that mix gold points, and gold points split across clusters, worst first. */
export function mistakes(annotations: readonly GoldAnnotation[], predicted: ReadonlyMap<string, string>): { falseMerges: Mistake[]; missedMerges: Mistake[] } {
  const byCluster = new Map<string, GoldAnnotation[]>();
  const byPoint = new Map<string, GoldAnnotation[]>();
  for (const a of annotations) {
    const c = predicted.get(a.id)!;
    byCluster.set(c, [...(byCluster.get(c) ?? []), a]);
    byPoint.set(a.point, [...(byPoint.get(a.point) ?? []), a]);
  }
  const split = (members: GoldAnnotation[], key: (a: GoldAnnotation) => string) => {
    const parts = new Map<string, GoldAnnotation[]>();
    for (const a of members) parts.set(key(a), [...(parts.get(key(a)) ?? []), a]);
    return [...parts.values()];
  };
  const crossPairs = (parts: GoldAnnotation[][]) => pairs(parts.reduce((n, p) => n + p.length, 0)) - parts.reduce((n, p) => n + pairs(p.length), 0);
  const falseMerges: Mistake[] = [];
  for (const members of byCluster.values()) {
    const parts = split(members, (a) => a.point);
    if (parts.length < 2) continue;
    falseMerges.push({ pairs: crossPairs(parts), line: parts.map((p) => `${p[0]!.point}: ${p.map(show).join(' | ')}`).join('\n      + ') });
  }
  const missedMerges: Mistake[] = [];
  for (const [point, members] of byPoint) {
    const parts = split(members, (a) => predicted.get(a.id)!);
    if (parts.length < 2) continue;
    missedMerges.push({ pairs: crossPairs(parts), line: `${point}: ${parts.map((p) => p.map(show).join(' | ')).join('\n      / ')}` });
  }
  const worst = (a: Mistake, b: Mistake) => b.pairs - a.pairs || (a.line < b.line ? -1 : 1);
  return { falseMerges: falseMerges.sort(worst), missedMerges: missedMerges.sort(worst) };
}
