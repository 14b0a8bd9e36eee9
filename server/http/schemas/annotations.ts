/** Schemas of annotations, replies and dispositions (API.md "Annotations"). */
import { Type, type Static } from '@sinclair/typebox';
import { anchorStatuses, annotationBodyMax, annotationKinds, annotationScopes, annotationSources, annotationStatuses, decisions, decisionTallies } from '../../domain/vocabulary.js';
import { DateTime, ExportLang, Nullable, ref, Uuid, Words } from './common.js';

export const KindSchema = Words(annotationKinds);
export const DecisionSchema = Words(decisions);
const Text = Type.String({ maxLength: 20_000 });

/** Where an annotation is: a passage (offsets, positions, quote), or a whole section or the document (those null). */
export const AnchorSchema = Type.Object({
  scope: Words(annotationScopes),
  start: Nullable(Type.Integer()),
  end: Nullable(Type.Integer()),
  relStart: Nullable(Type.String()),
  relEnd: Nullable(Type.String()),
  quote: Nullable(Type.Object({ exact: Type.String(), prefix: Type.String(), suffix: Type.String() })),
  /** The section path; "" for the document (and for the text before the first heading). */
  section: Type.String(),
});
export type Anchor = Static<typeof AnchorSchema>;

export const GroupSchema = Type.Object(
  { name: Type.String({ minLength: 1, maxLength: 200 }), size: Type.Integer({ minimum: 1, maximum: 100_000 }) },
  { additionalProperties: false, description: 'A discussion group: its name and how many members took part' },
);

export const ReplySchema = Type.Object({ id: Uuid, authorId: Uuid, authorName: Type.String(), body: Type.String(), createdAt: DateTime });
export type Reply = Static<typeof ReplySchema>;

export const DispositionSchema = Type.Object({
  decision: DecisionSchema,
  note: Type.String(),
  decidedBy: Uuid,
  decidedAt: DateTime,
  appliedAt: Nullable(DateTime),
});
export type Disposition = Static<typeof DispositionSchema>;

export const AnnotationSchema = Type.Object(
  {
    id: Uuid,
    roundId: Uuid,
    /** The member it speaks for; null for a discussion group. */
    authorId: Nullable(Uuid),
    /** The member's name, or the group's. */
    authorName: Type.String(),
    /** Set when a secretary or drafter entered it on the member's or group's behalf. */
    recordedBy: Nullable(Type.Object({ id: Uuid, name: Type.String() })),
    source: Nullable(Words(annotationSources)),
    group: Nullable(GroupSchema),
    attachment: Nullable(Type.Object({ filename: Type.String(), contentType: Type.String(), size: Type.Integer() })),
    kind: KindSchema,
    body: Type.String(),
    replacement: Nullable(Type.String()),
    anchor: AnchorSchema,
    status: Words(annotationStatuses),
    disposition: Nullable(DispositionSchema),
    replies: Type.Array(ReplySchema),
    createdAt: DateTime,
    updatedAt: DateTime,
    carriedForward: Type.Optional(
      Type.Object({
        fromRoundId: Uuid,
        anchorStatus: Words(anchorStatuses),
        start: Nullable(Type.Integer()),
        end: Nullable(Type.Integer()),
        section: Nullable(Type.String()),
      }),
    ),
  },
  { $id: 'Annotation' },
);
export type Annotation = Static<typeof AnnotationSchema>;

/** An annotation re-anchored into a later text (`GET /documents/:id/annotations`). */
export const PlacedAnnotationSchema = Type.Intersect([
  ref(AnnotationSchema),
  Type.Object({
    anchorStatus: Words(anchorStatuses),
    position: Type.Object({ start: Nullable(Type.Integer()), end: Nullable(Type.Integer()), section: Nullable(Type.String()) }),
  }),
]);
export type PlacedAnnotation = Static<typeof PlacedAnnotationSchema>;

export const AnnotationParams = Type.Object({ roundId: Uuid, annotationId: Uuid });

/**
 * Offsets in the round's base version text, or two base64 `Y.encodeRelativePosition`s; or a
 * whole section (its path) or the whole document.
 */
export const AnchorInputSchema = Type.Union([
  Type.Object({ scope: Type.Optional(Type.Literal('passage')), start: Type.Integer({ minimum: 0 }), end: Type.Integer({ minimum: 0 }) }, { additionalProperties: false }),
  Type.Object(
    { scope: Type.Optional(Type.Literal('passage')), relStart: Type.String({ maxLength: 4096 }), relEnd: Type.String({ maxLength: 4096 }) },
    { additionalProperties: false },
  ),
  Type.Object({ scope: Type.Literal('section'), section: Type.String({ maxLength: 2000 }) }, { additionalProperties: false }),
  Type.Object({ scope: Type.Literal('document') }, { additionalProperties: false }),
]);
export type AnchorInput = Static<typeof AnchorInputSchema>;

/** For whom a secretary or drafter records a comment: a member, or a discussion group. */
export const OnBehalfOfSchema = Type.Union([
  Type.Object({ memberId: Uuid }, { additionalProperties: false }),
  Type.Object({ group: GroupSchema }, { additionalProperties: false }),
]);

/** A file attached to a general comment; its type is judged by its content (415 otherwise). */
export const AttachmentInputSchema = Type.Object(
  {
    filename: Type.String({ minLength: 1, maxLength: 255 }),
    contentType: Type.String({ maxLength: 200 }),
    // No maxLength: a file over 10 MiB is a 413 after decoding; the route's body limit bounds it first.
    dataBase64: Type.String({ minLength: 1 }),
  },
  { additionalProperties: false },
);

export const AnnotationWriteBody = Type.Object(
  {
    kind: KindSchema,
    // The limit depends on the anchor (annotationBodyMax: 413 past it, checked in the service); the schema caps the request.
    body: Type.String({
      maxLength: 100_000,
      description: `At most ${annotationBodyMax.passage.toLocaleString('en')} characters on a passage and ${annotationBodyMax.section.toLocaleString('en')} on a section or the whole draft (413 \`too_large\` past those).`,
    }),
    replacement: Type.Optional(Text),
    anchor: AnchorInputSchema,
    onBehalfOf: Type.Optional(OnBehalfOfSchema),
    source: Type.Optional(Words(annotationSources)),
    /** Only on a general comment; `null` removes the one stored, absent keeps it. */
    attachment: Type.Optional(Nullable(AttachmentInputSchema)),
  },
  { additionalProperties: false },
);
export type AnnotationWrite = Static<typeof AnnotationWriteBody>;

export const PlacedQuery = Type.Object({ version: Type.Union([Type.Integer({ minimum: 1 }), Type.Literal('live')], { default: 'live' }) });
export const ReplyBody = Type.Object({ body: Text }, { additionalProperties: false });
export const DispositionBody = Type.Object({ decision: DecisionSchema, note: Type.Optional(Text) }, { additionalProperties: false });
export type DispositionWrite = Static<typeof DispositionBody>;

/** `format=docx`: the round's annotations as Word comments on its base version. */
export const RoundAnnotationsQuery = Type.Object({
  format: Words(['json', 'docx'] as const, { default: 'json' }),
  lang: ExportLang,
  section: Type.Optional(
    Type.String({
      maxLength: 2000,
      description: 'JSON only: the round’s annotations stored in this section (its exact `path`, as the summary names it; "" is the text before the first heading and the comments on the whole draft), none carried forward.',
    }),
  ),
});

/** A member's Word file with comments and tracked changes, to become annotations. */
export const WordImportBody = Type.Object(
  {
    filename: Type.String({ minLength: 1, maxLength: 255 }),
    // No maxLength: a file over 10 MiB is a 413 after its size is known; the route's body limit bounds it first.
    dataBase64: Type.String({ minLength: 1 }),
    onBehalfOf: Type.Optional(OnBehalfOfSchema),
    source: Type.Optional(Words(annotationSources)),
  },
  { additionalProperties: false },
);
export type WordImport = Static<typeof WordImportBody>;

export const WordImportResultSchema = Type.Object({
  created: Type.Array(ref(AnnotationSchema)),
  unplaced: Type.Integer({ description: 'Items of the file that could not be placed on a passage and became section or document comments' }),
});
export type WordImportResult = Static<typeof WordImportResultSchema>;

/** `GET /documents/:id/annotations/search` (API.md): every filter optional, `q` empty to filter only. */
export const AnnotationSearchQuery = Type.Object(
  {
    q: Type.String({ maxLength: 200, default: '', description: 'Words to find: accent- and case-insensitive, tolerant of small typos.' }),
    kind: Type.Optional(KindSchema),
    section: Type.Optional(Type.String({ maxLength: 2000, description: 'A section path: annotations in it or its subsections.' })),
    decision: Type.Optional(Words(decisionTallies)),
    roundId: Type.Optional(Uuid),
    unitId: Type.Optional(Type.String({ format: 'uuid', description: 'The unit the author wrote from.' })),
  },
  { additionalProperties: false },
);
export const FoundAnnotationSchema = Type.Intersect([
  ref(AnnotationSchema),
  Type.Object({ authorUnitId: Uuid, score: Type.Number({ description: 'Higher is a better match; 1 for every one when q is empty.' }) }),
]);
export type FoundAnnotation = Static<typeof FoundAnnotationSchema>;
