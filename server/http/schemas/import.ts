/** Schemas of the bulk import of a unit tree and its members (API.md "Auth, units, members"). */
import { Type, type Static } from '@sinclair/typebox';
import { DisplayName, Login, Password, RoleSchema } from './auth.js';
import { Nullable, Words } from './common.js';
import { sheetProblemTexts, type SheetProblemCode } from '../../domain/import-sheet.js';
import { UnitLevel, UnitName } from './directory.js';

const Key = Type.String({ minLength: 1, maxLength: 100 });
const Counts = Type.Object({ created: Type.Integer(), updated: Type.Integer() });

export const ImportBody = Type.Object(
  {
    units: Type.Array(Type.Object({ key: Key, name: UnitName, level: UnitLevel, parentKey: Nullable(Key) }, { additionalProperties: false }), { maxItems: 20_000 }),
    members: Type.Array(
      Type.Object({ login: Login, displayName: DisplayName, password: Type.Optional(Password), unitKey: Key, role: RoleSchema }, { additionalProperties: false }),
      { maxItems: 500_000 },
    ),
  },
  { additionalProperties: false },
);
export type ImportRequest = Static<typeof ImportBody>;

export const ActivationSchema = Type.Object({ login: Type.String(), code: Type.String() });
export const ImportResultSchema = Type.Object({
  units: Counts,
  members: Counts,
  memberships: Type.Integer(),
  activations: Type.Array(ActivationSchema),
});
export type ImportResult = Static<typeof ImportResultSchema>;

export const ImportSheetBody = Type.Object(
  {
    filename: Type.String({ minLength: 1, maxLength: 255 }),
    dataBase64: Type.String({ minLength: 1, description: 'The CSV (UTF-8) or XLSX file, base64' }),
    dryRun: Type.Optional(Type.Boolean({ default: false, description: 'Only check and preview; import nothing' })),
  },
  { additionalProperties: false },
);
const SheetRow = { row: Type.Integer({ description: 'The spreadsheet row (the header is row 1)' }) };
export const ImportSheetResultSchema = Type.Object({
  units: Type.Array(Type.Object({ ...SheetRow, key: Type.String(), name: Type.String(), level: Type.String(), parentKey: Nullable(Type.String()) })),
  members: Type.Array(Type.Object({ ...SheetRow, login: Type.String(), displayName: Type.String(), unitKey: Type.String(), role: RoleSchema })),
  counts: Type.Object({ units: Type.Integer(), members: Type.Integer() }),
  problems: Type.Array(
    Type.Object({
      ...SheetRow,
      column: Nullable(Type.String()),
      code: Words(Object.keys(sheetProblemTexts) as SheetProblemCode[], { description: 'What is wrong (server/domain/import-sheet.ts `sheetProblemTexts` words it in each language)' }),
      values: Type.Record(Type.String(), Type.Union([Type.String(), Type.Number()])),
      message: Type.String({ description: 'The problem in English' }),
    }),
  ),
  imported: Nullable(ImportResultSchema),
});
export type ImportSheetResult = Static<typeof ImportSheetResultSchema>;
