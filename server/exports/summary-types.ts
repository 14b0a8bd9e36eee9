/** The data the round-summary exports take: API.md's summary plus a title (a subset of
 * `clusterAnnotations`' output, so identities can be left out by the service). */
import type { AnnotationKind, DecisionCounts, Representative } from '../domain/clustering.js';
import type { AnnotationScope } from '../domain/vocabulary.js';

export interface SummaryParticipation {
  readonly invited: number;
  readonly commented: number;
  readonly annotations: number;
  /** Discussion groups whose comments were recorded. */
  readonly groups?: readonly { readonly name: string; readonly size: number; readonly annotations: number }[];
  /** `name` is shown when given, else the unit id. */
  readonly byUnit: readonly { readonly unitId: string; readonly name?: string; readonly invited: number; readonly commented: number }[];
}

export interface SummaryCluster {
  readonly kind: AnnotationKind;
  readonly count: number;
  readonly representative: Representative;
  readonly decisions: DecisionCounts;
  /** The passage the point is about, as the base version reads. */
  readonly quote?: string;
  /** Names of the units whose members made the point. */
  readonly unitNames?: readonly string[];
  /** The reasons given with the decisions (distinct notes). */
  readonly reasons?: readonly string[];
  /** Absent → a passage; a general comment's point is on its whole section or the document. */
  readonly scope?: AnnotationScope;
  /** How many of its annotations staff recorded on someone's behalf, and the discussion groups. */
  readonly recorded?: number;
  readonly groups?: readonly string[];
}

export interface RoundSummaryExport {
  /** The document's title. */
  readonly title: string;
  readonly roundNumber?: number;
  readonly participation: SummaryParticipation;
  /** In document order. */
  readonly sections: readonly { readonly path: string; readonly title: string; readonly clusters: readonly SummaryCluster[] }[];
  /** General comments on the whole draft. */
  readonly document?: { readonly clusters: readonly SummaryCluster[] };
}

/** The data the feedback exports take: `matchAcrossUnits`' items with the units that were asked. */
export interface FeedbackExport {
  readonly title: string;
  /** Every unit whose feedback was expected: M in "raised by N of M units". */
  readonly units: readonly { readonly unitId: string; readonly name: string; readonly submittedAt?: string | null; readonly note?: string | null }[];
  /** In document order (as `matchAcrossUnits` returns them). */
  readonly items: readonly {
    readonly section: string;
    readonly kind: AnnotationKind;
    readonly representative: Representative;
    readonly count: number;
    readonly unitCount: number;
    readonly unitIds: readonly string[];
    /** The passage the point is about. */
    readonly quote?: string;
    /** Only for a point of general comments (then there is no passage). */
    readonly scope?: 'section' | 'document';
    /** Each sending unit's name and its note on the point. */
    readonly units?: readonly { readonly name: string; readonly note: string }[];
    /** The sending units' decisions on the point's comments, summed (as the item's `decisions`). */
    readonly decisions?: DecisionCounts;
    /** The receiving unit's own decision on the item. */
    readonly disposition?: { readonly decision: keyof DecisionCounts; readonly note: string } | null;
  }[];
  /** Section titles by path, for headings; the path is shown otherwise. */
  readonly sectionTitles?: Readonly<Record<string, string>>;
}
