/** Schemas of round summaries, feedback packages and merged feedback (API.md "Aggregation and consolidated feedback"). */
import { Type, type Static, type TInteger } from '@sinclair/typebox';
import { DateTime, ExportLang, Nullable, Uuid, Words } from './common.js';
import { annotationKinds, annotationScopes, textMax, type AnnotationKind } from '../../domain/vocabulary.js';
import { DecisionSchema, GroupSchema, KindSchema } from './annotations.js';
import { FEEDBACK_DECISION_NOTE_MAX } from './limits.js';

/** How many annotations of a cluster or item got each decision, and how many none yet. */
export const DecisionCountsSchema = Type.Object({
  accepted: Type.Integer(),
  partially_accepted: Type.Integer(),
  rejected: Type.Integer(),
  noted: Type.Integer(),
  undecided: Type.Integer(),
});
export type DecisionCounts = Static<typeof DecisionCountsSchema>;

/** The wording most members used. */
export const RepresentativeSchema = Type.Object({ body: Type.String(), replacement: Nullable(Type.String()) });

export const ClusterSchema = Type.Object({
  id: Type.String(),
  kind: KindSchema,
  count: Type.Integer(),
  annotationIds: Type.Array(Uuid),
  anchor: Type.Object(
    { start: Type.Integer(), end: Type.Integer() },
    { description: 'Offsets in the round’s base version text (a general comment’s: zero-width at its section’s start, 0 for the document)' },
  ),
  representative: RepresentativeSchema,
  decisions: DecisionCountsSchema,
  unitIds: Type.Array(Uuid),
  scope: Words(annotationScopes, { description: '`section` or `document` for a point of general comments (in no passage)' }),
  recorded: Type.Integer({ description: 'How many of its annotations staff recorded on someone’s behalf' }),
  groups: Type.Array(Type.String(), { description: 'Discussion groups among its authors' }),
});
export type Cluster = Static<typeof ClusterSchema>;

/** A passage of the base text several clusters point at, with how many annotations fall on it. */
export const PassageSchema = Type.Object({
  start: Type.Integer(),
  end: Type.Integer(),
  quote: Type.String(),
  count: Type.Integer(),
  clusterIds: Type.Array(Type.String()),
});
export type Passage = Static<typeof PassageSchema>;

/** One section of a round's summary: its points and its passages. */
export const SummarySectionSchema = Type.Object({ path: Type.String(), title: Type.String(), clusters: Type.Array(ClusterSchema), passages: Type.Array(PassageSchema) });

// `sections` must stay the last property: the summary route writes the sections after the rest (aggregation.routes.ts).
export const SummarySchema = Type.Object({
  documentId: Uuid,
  roundId: Uuid,
  roundNumber: Type.Integer(),
  baseVersion: Type.Integer(),
  participation: Type.Object({
    invited: Type.Integer(),
    commented: Type.Integer(),
    annotations: Type.Integer(),
    groups: Type.Array(Type.Intersect([GroupSchema, Type.Object({ annotations: Type.Integer() })]), { description: 'Discussion groups whose comments were recorded' }),
    byUnit: Type.Array(Type.Object({ unitId: Uuid, invited: Type.Integer(), commented: Type.Integer() })),
  }),
  document: Type.Object({ clusters: Type.Array(ClusterSchema) }, { description: 'General comments on the whole draft, clustered (empty in a one-section answer)' }),
  sections: Type.Array(SummarySectionSchema),
});
export type RoundSummary = Static<typeof SummarySchema>;

/**
 * The summary's index (`GET /rounds/:id/summary/sections`): the summary with each section's points
 * and passages replaced by their counts, so a client lists the sections and reads each on demand
 * (`?section=`). The comments on the whole draft belong to no section and come whole.
 */
export const SummarySectionCountsSchema = Type.Object({
  path: Type.String(),
  title: Type.String(),
  annotations: Type.Integer({ description: 'Annotations in the section’s points (the sum of their `count`)' }),
  points: Type.Integer({ description: 'Its clusters' }),
  passages: Type.Integer(),
  decisions: DecisionCountsSchema,
});
export type SummarySectionCounts = Static<typeof SummarySectionCountsSchema>;
export const SummaryIndexSchema = Type.Object({
  documentId: Uuid,
  roundId: Uuid,
  roundNumber: Type.Integer(),
  baseVersion: Type.Integer(),
  participation: SummarySchema.properties.participation,
  document: Type.Object({ clusters: Type.Array(ClusterSchema) }, { description: 'General comments on the whole draft, clustered, as in the whole summary' }),
  sections: Type.Array(SummarySectionCountsSchema, { description: 'Every section of the round’s base version, in the draft’s order, as the summary lists them' }),
});
export type SummaryIndex = Static<typeof SummaryIndexSchema>;

/** Merges and splits by hand (API.md: `clusters/merge`, `clusters/split`, `clusters/edits`). */
export const ClusterEditBody = Type.Object(
  { annotationIds: Type.Array(Uuid, { minItems: 1, maxItems: 10_000, description: 'Annotations of this round, of one section (a merge needs two or more)' }) },
  { additionalProperties: false },
);
export const ClusterEditSchema = Type.Object(
  {
    id: Uuid,
    kind: Words(['merge', 'split'] as const),
    annotationIds: Type.Array(Uuid),
    by: Type.Object({ id: Uuid, name: Type.String() }),
    at: DateTime,
  },
  { $id: 'ClusterEdit' },
);
export type ClusterEdit = Static<typeof ClusterEditSchema>;
export const ClusterEditParams = Type.Object({ roundId: Uuid, editId: Uuid });
export const ClusterParams = Type.Object({ roundId: Uuid, clusterId: Type.String({ minLength: 1, maxLength: 100 }) });
export const PointDecidedSchema = Type.Object({ decided: Type.Integer({ description: 'Annotations of the point, all now carrying the decision' }) });

export const PackageItemSchema = Type.Object({
  id: Type.String(),
  section: Type.String(),
  sectionTitle: Type.String({ description: 'The section’s heading in the draft the package is about' }),
  quote: Type.String({ description: 'The passage’s text in the draft the package is about; empty for a general comment' }),
  kind: KindSchema,
  count: Type.Integer(),
  representative: RepresentativeSchema,
  unitIds: Type.Array(Uuid),
  annotationIds: Type.Array(Uuid),
  decisions: DecisionCountsSchema,
  note: Type.String({ description: 'The sending unit’s note on this point' }),
  sources: Type.Array(Type.String()),
  authorIds: Type.Optional(Type.Array(Uuid)),
  scope: Type.Optional(Words(['section', 'document'] as const, { description: 'Only for a point of general comments' })),
  recorded: Type.Optional(Type.Integer({ description: 'How many of its annotations staff recorded on someone’s behalf' })),
  groups: Type.Optional(Type.Array(Type.String(), { description: 'Discussion groups among its authors' })),
});
export type PackageItem = Static<typeof PackageItemSchema>;

export const PackageSchema = Type.Object(
  {
    id: Uuid,
    documentId: Uuid,
    fromUnitId: Uuid,
    toUnitId: Uuid,
    roundIds: Type.Array(Uuid),
    note: Type.String(),
    items: Type.Array(PackageItemSchema),
    contentHash: Type.String(),
    submittedBy: Uuid,
    submittedAt: DateTime,
    supersedes: Nullable(Uuid),
  },
  { $id: 'FeedbackPackage' },
);
export type FeedbackPackage = Static<typeof PackageSchema>;

export const PackagePreviewSchema = Type.Object({
  documentId: Uuid,
  fromUnitId: Uuid,
  toUnitId: Uuid,
  roundIds: Type.Array(Uuid),
  note: Type.String(),
  items: Type.Array(PackageItemSchema),
  submittedBy: Uuid,
  supersedes: Nullable(Uuid),
});
export type PackagePreview = Static<typeof PackagePreviewSchema>;

export const PackagePreviewQuery = Type.Object(
  {
    fromUnitId: Uuid,
    roundIds: Type.Optional(
      Type.String({ pattern: '^[0-9a-fA-F-]{36}(,[0-9a-fA-F-]{36}){0,9}$', description: 'Comma-separated round ids; default: every round the unit takes part in' }),
    ),
  },
  { additionalProperties: false },
);

export const SubmitPackageBody = Type.Object(
  {
    id: Type.Optional(Uuid),
    fromUnitId: Uuid,
    roundIds: Type.Array(Uuid, { minItems: 1, maxItems: 10 }),
    note: Type.Optional(Type.String({ maxLength: textMax.packageNote })),
    itemNotes: Type.Optional(Type.Record(Type.String({ pattern: '^[0-9a-f]{16}$' }), Type.String({ maxLength: textMax.packageItemNote }), { maxProperties: 2_000 })),
    supersedes: Type.Optional(Uuid),
  },
  { additionalProperties: false },
);
export type SubmitPackage = Static<typeof SubmitPackageBody>;

export const FeedbackUnitSchema = Type.Object({
  unitId: Uuid,
  name: Type.String(),
  packageId: Nullable(Uuid),
  submittedAt: Nullable(Type.String()),
  /** The general note of the unit's package ("Ý kiến chung của đơn vị"); null when it sent none or wrote none. */
  note: Nullable(Type.String()),
});
export type FeedbackUnit = Static<typeof FeedbackUnitSchema>;

export const FeedbackDispositionSchema = Type.Object({
  decision: DecisionSchema,
  note: Type.String(),
  by: Type.Object({ id: Uuid, name: Type.String() }),
  at: DateTime,
});

export const FeedbackItemSchema = Type.Object({
  id: Type.String(),
  section: Type.String(),
  sectionTitle: Type.String(),
  quote: Type.String(),
  kind: KindSchema,
  representative: RepresentativeSchema,
  count: Type.Integer(),
  unitCount: Type.Integer({ description: 'How many of the sending units raised it (N of M, M = `units.length`)' }),
  unitIds: Type.Array(Uuid),
  units: Type.Array(Type.Object({ unitId: Uuid, name: Type.String(), count: Type.Integer(), note: Type.String() })),
  annotationIds: Type.Array(Uuid),
  decisions: DecisionCountsSchema,
  disposition: Nullable(FeedbackDispositionSchema),
  scope: Type.Optional(Words(['section', 'document'] as const, { description: 'Only for a point of general comments' })),
});
export type FeedbackItem = Static<typeof FeedbackItemSchema>;

export const FeedbackSchema = Type.Object({
  documentId: Uuid,
  unitId: Uuid,
  units: Type.Array(FeedbackUnitSchema),
  pending: Type.Array(
    Type.Object({
      unitId: Uuid,
      name: Type.String(),
      remindedAt: Type.Optional(Type.Union([DateTime, Type.Null()], { description: 'When the receiving unit last asked it for its package (at most once per 12 h), or null.' })),
    }),
  ),
  items: Type.Array(FeedbackItemSchema),
});

/**
 * The merged feedback's index (`GET /documents/:id/feedback/sections`): who sent and who did not,
 * as the whole answer, and each section as counts, so a client lists the sections and reads each
 * on demand (`GET /documents/:id/feedback?section=`). A province's whole roll-up is tens of megabytes.
 */
export const FeedbackSectionCountsSchema = Type.Object({
  section: Type.String({ description: 'Its path, as the items’ `section` (`""`: comments on the whole draft, and text before the first heading)' }),
  sectionTitle: Type.String({ description: 'Its heading in the draft (the latest round’s base version), else as the packages name it' }),
  items: Type.Integer({ description: 'Merged items in it' }),
  annotations: Type.Integer({ description: 'Annotations its items stand for (the sum of their `count`)' }),
  unitIds: Type.Array(Uuid, { description: 'The sending units that raised anything in it, sorted' }),
  maxUnitCount: Type.Integer({ description: 'The largest `unitCount` among its items (0 without items)' }),
  kinds: Type.Object(Object.fromEntries(annotationKinds.map((k) => [k, Type.Integer()])) as { [K in AnnotationKind]: TInteger }, { description: 'Its items by kind' }),
  decisions: Type.Object(DecisionCountsSchema.properties, { description: 'The sending units’ decisions, summed over its items (as their `decisions`)' }),
  dispositions: Type.Object(DecisionCountsSchema.properties, { description: 'The receiving unit’s own decisions, by item: `undecided` counts its items without one' }),
  revision: Type.String({ description: 'Changes when its items may have (a package speaking in it arrived or was superseded); not with `dispositions`' }),
});
export type FeedbackSectionCounts = Static<typeof FeedbackSectionCountsSchema>;
export const FeedbackIndexSchema = Type.Object({
  documentId: Uuid,
  unitId: Uuid,
  units: Type.Array(FeedbackUnitSchema),
  pending: FeedbackSchema.properties.pending,
  sections: Type.Array(FeedbackSectionCountsSchema, {
    description: 'Every section of the draft in its order (with or without items), then any other section with items: `""` first when it has items and the draft has no text before its first heading, the rest by path',
  }),
});
export type FeedbackIndex = Static<typeof FeedbackIndexSchema>;
export const FeedbackIndexQuery = Type.Object({ unitId: Type.Optional(Uuid) }, { additionalProperties: false });

export const FeedbackItemParams = Type.Object({ id: Uuid, itemId: Type.String({ pattern: '^[0-9a-f]{16}$' }) });
export const FeedbackDispositionBody = Type.Object(
  { decision: DecisionSchema, note: Type.Optional(Type.String({ maxLength: FEEDBACK_DECISION_NOTE_MAX })) },
  { additionalProperties: false },
);
export const FeedbackDispositionQuery = Type.Object({ unitId: Type.Optional(Uuid) }, { additionalProperties: false });
export type Feedback = Static<typeof FeedbackSchema>;

/** Formats of the exports, and their language. */
export const exportFormats = ['json', 'md', 'docx', 'pdf', 'jsonld'] as const;
export type ExportFormat = (typeof exportFormats)[number];

export const SummaryQuery = Type.Object({
  format: Words(exportFormats, { default: 'json' }),
  lang: ExportLang,
  section: Type.Optional(
    Type.String({
      maxLength: 2000,
      description: 'JSON only: answer with this section alone (its `path`), computed as the whole summary would be; `404 not_found` for a path the summary does not have. A province round’s whole summary is tens of megabytes.',
    }),
  ),
});
export const FeedbackQuery = Type.Object({
  unitId: Type.Optional(Uuid),
  format: Words(['json', 'md', 'docx', 'pdf'] as const, { default: 'json' }),
  lang: ExportLang,
  section: Type.Optional(
    Type.String({
      maxLength: 2000,
      description: 'JSON only: answer with the merged items of this section alone (its path; `""` for comments on the whole draft), computed as the whole roll-up would be; no items when it has none. A province’s whole roll-up is tens of megabytes.',
    }),
  ),
});

export const PackageExportParams = Type.Object({ id: Uuid, packageId: Uuid });
export const PackageExportQuery = Type.Object({ format: Words(['docx', 'pdf'] as const), lang: ExportLang }, { additionalProperties: false });

export const FeedbackRemindersQuery = Type.Object(
  { unitId: Type.Optional(Type.String({ format: 'uuid', description: 'The receiving unit (default: the caller’s unit on the document’s chain — the document’s own unit, else the unit above that receives its package).' })) },
  { additionalProperties: false },
);

export const FeedbackRemindersBody = Type.Object(
  {
    unitIds: Type.Optional(
      Type.Array(Type.String({ format: 'uuid' }), { minItems: 1, maxItems: 1000, description: 'Only these units (each one the draft went to that has not sent its package); default: every pending one.' }),
    ),
  },
  { additionalProperties: false },
);
