/**
 * Schemas shared by every resource, and the helpers the resource schemas are built with. Each
 * resource's schemas live in `schemas/<resource>.ts`; the routes import them, and the web client
 * imports their `Static` types (type-only, through the `@schemas` alias: nothing here is bundled).
 */
import { Type, type Static, type TSchema, type TUnsafe } from '@sinclair/typebox';
import { errorCodes } from '../../errors.js';
import { docxProblems } from '../../domain/docx-package.js';

export const Uuid = Type.String({ format: 'uuid' });
export const IdParams = Type.Object({ id: Uuid });
/** An ISO 8601 UTC instant. */
export const DateTime = Type.String({ format: 'date-time' });

/** `T` or `null`. */
export const Nullable = <T extends TSchema>(schema: T) => Type.Union([schema, Type.Null()]);

/** A union of string literals from a vocabulary list (server/domain/vocabulary.ts). */
export function Words<const W extends readonly string[]>(words: W, options: { description?: string; default?: W[number] } = {}) {
  return Type.Union(
    words.map((word) => Type.Literal(word)),
    options,
  ) as unknown as TUnsafe<W[number]>;
}

/**
 * A `$ref` to a schema registered with `addSchema` (by its `$id`), typed as that schema: OpenAPI
 * shows one component, and the route's handler is still checked against the full type.
 */
export function ref<T extends TSchema>(schema: T): TUnsafe<Static<T>> {
  if (!schema.$id) throw new Error('ref() needs a schema with an $id');
  return Type.Unsafe<Static<T>>(Type.Ref(schema.$id));
}

/** The language of an export's headings (server/exports/labels.ts). */
export const ExportLang = Type.Union([Type.Literal('vi'), Type.Literal('en')], { default: 'vi', description: 'Language of the export’s headings' });

/** RFC 9457 problem details with the stable `code` of API.md "Errors". */
export const ProblemSchema = Type.Object(
  {
    type: Type.String(),
    title: Type.String(),
    status: Type.Integer(),
    detail: Type.String(),
    code: Words(errorCodes),
    retryAfterSeconds: Type.Optional(Type.Integer()),
    currentText: Type.Optional(
      Type.Union([Type.String(), Type.Null()], { description: 'apply 409: the text at the suggestion’s place now (null when it is gone)' }),
    ),
    fileProblem: Type.Optional(Words(docxProblems, { description: 'a refused Word file (400 / 413): what is wrong with it' })),
  },
  { $id: 'Problem', description: 'RFC 9457 problem details with a stable machine `code`' },
);
export type Problem = Static<typeof ProblemSchema>;

const problem = ref(ProblemSchema);

/** The error answers a route may give, for the OpenAPI document. */
export function errors(...statuses: number[]): Record<number, TSchema> {
  return Object.fromEntries(statuses.map((s) => [s, problem]));
}
