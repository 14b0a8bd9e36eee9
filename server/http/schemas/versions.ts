/** Schemas of named versions and diffs (API.md "Versions and diffs"). */
import { Type, type Static } from '@sinclair/typebox';
import { DateTime, ExportLang, Nullable, Words } from './common.js';

export const VersionSchema = Type.Object(
  { number: Type.Integer(), label: Type.String(), createdAt: DateTime, roundNumber: Nullable(Type.Integer()) },
  { $id: 'Version' },
);
export type Version = Static<typeof VersionSchema>;

export const CreateVersionBody = Type.Object({ label: Type.String({ minLength: 1, maxLength: 200 }) }, { additionalProperties: false });

/** A version number, or `live` for the live draft. */
export const VersionRefSchema = Type.Union([Type.Integer({ minimum: 1 }), Type.Literal('live')]);
export type VersionRef = Static<typeof VersionRefSchema>;

export const DiffQuery = Type.Object(
  { from: VersionRefSchema, to: VersionRefSchema, format: Words(['json', 'docx'] as const, { default: 'json' }), lang: ExportLang },
  { additionalProperties: false },
);

export const DiffSchema = Type.Object({
  ops: Type.Array(
    Type.Tuple([
      Type.Unsafe<-1 | 0 | 1>(Type.Integer({ minimum: -1, maximum: 1, description: '-1 deleted, 0 kept, 1 inserted' })),
      Type.String(),
    ]),
  ),
  stats: Type.Object({ inserted: Type.Integer(), deleted: Type.Integer() }),
  sections: Type.Array(Type.Object({ path: Type.String(), inserted: Type.Integer(), deleted: Type.Integer() })),
  html: Type.String(),
});
export type Diff = Static<typeof DiffSchema>;
