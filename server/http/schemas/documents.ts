/** Schemas of documents and their plain-text content (API.md "Documents and live editing"). */
import { Type, type Static } from '@sinclair/typebox';
import { documentStatuses } from '../../domain/vocabulary.js';
import { DateTime, ExportLang, Uuid, Words } from './common.js';

export const DocumentSchema = Type.Object(
  {
    id: Uuid,
    unitId: Uuid,
    title: Type.String(),
    status: Words(documentStatuses),
    maxRounds: Type.Integer(),
    currentRound: Type.Integer(),
    createdAt: DateTime,
    updatedAt: DateTime,
  },
  { $id: 'Document' },
);
export type DocumentInfo = Static<typeof DocumentSchema>;

const ContentInput = Type.Union([
  Type.Object({ format: Type.Literal('text'), value: Type.String({ maxLength: 4_000_000 }) }, { additionalProperties: false }),
  Type.Object({ format: Type.Literal('markdown'), value: Type.String({ maxLength: 4_000_000 }) }, { additionalProperties: false }),
  Type.Object({ format: Type.Literal('prosemirror'), value: Type.Object({}, { additionalProperties: true }) }, { additionalProperties: false }),
  // No maxLength: a file over 20 MiB is 413 `too_large` (content-import.ts), not a schema 400;
  // the route's body limit (MAX_BODY_BYTES) bounds what is read at all.
  Type.Object(
    { format: Type.Literal('docx'), value: Type.String({ description: 'The Word (.docx) file in base64, at most 20 MiB decoded.' }) },
    { additionalProperties: false },
  ),
]);

export const CreateDocumentBody = Type.Object(
  {
    unitId: Uuid,
    title: Type.String({ minLength: 1, maxLength: 300 }),
    maxRounds: Type.Optional(Type.Integer({ minimum: 1, maximum: 10 })),
    content: Type.Optional(ContentInput),
  },
  { additionalProperties: false },
);
export type CreateDocument = Static<typeof CreateDocumentBody>;

export const SectionSchema = Type.Object({ path: Type.String(), title: Type.String(), level: Type.Integer(), start: Type.Integer(), end: Type.Integer() });
export type Section = Static<typeof SectionSchema>;

export const ContentSchema = Type.Object({ text: Type.String(), sections: Type.Array(SectionSchema) });
export type Content = Static<typeof ContentSchema>;

/** A text's sections without the text: what a screen needs to name them (the comment panel's outline). */
export const OutlineSchema = Type.Object({ sections: Type.Array(SectionSchema) });
export type Outline = Static<typeof OutlineSchema>;

/** The draft as a formatted file: live, or version `version`. */
export const draftExportFormats = ['docx', 'pdf', 'md'] as const;
export type DraftExportFormat = (typeof draftExportFormats)[number];
export const DraftExportQuery = Type.Object(
  { format: Words(draftExportFormats), version: Type.Optional(Type.Integer({ minimum: 1 })), lang: ExportLang },
  { additionalProperties: false },
);
