/** The data the round-summary exports take: API.md's summary plus a title (a subset of
 * `clusterAnnotations`' output, so identities can be left out by the service). */
import type { AnnotationKind, DecisionCounts, Representative } from '../domain/clustering.js';

export interface SummaryParticipation {
  readonly invited: number;
  readonly commented: number;
  readonly annotations: number;
  /** `name` is shown when given, else the unit id. */
  readonly byUnit: readonly { readonly unitId: string; readonly name?: string; readonly invited: number; readonly commented: number }[];
}

export interface SummaryCluster {
  readonly kind: AnnotationKind;
  readonly count: number;
  readonly representative: Representative;
  readonly decisions: DecisionCounts;
}

export interface RoundSummaryExport {
  /** The document's title. */
  readonly title: string;
  readonly participation: SummaryParticipation;
  /** In document order. */
  readonly sections: readonly { readonly path: string; readonly title: string; readonly clusters: readonly SummaryCluster[] }[];
}

/** The data the feedback exports take: `matchAcrossUnits`' items with the units that were asked. */
export interface FeedbackExport {
  readonly title: string;
  /** Every unit whose feedback was expected: M in "raised by N of M units". */
  readonly units: readonly { readonly unitId: string; readonly name: string }[];
  /** In document order (as `matchAcrossUnits` returns them). */
  readonly items: readonly {
    readonly section: string;
    readonly kind: AnnotationKind;
    readonly representative: Representative;
    readonly count: number;
    readonly unitCount: number;
    readonly unitIds: readonly string[];
  }[];
  /** Section titles by path, for headings; the path is shown otherwise. */
  readonly sectionTitles?: Readonly<Record<string, string>>;
}
