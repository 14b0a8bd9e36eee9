/**
 * Response serialisation without Ajv. fast-json-stringify (Fastify's serializer) tells the
 * branches of an `anyOf` apart by running an Ajv validator per branch, and compiles those
 * validators on the first answer each route sends: for the annotation schema (two dozen `Nullable`
 * and `Words` unions) that is 0.1–0.9 s of the event loop on a route's first answer (the first
 * apply of a suggestion stalled `/healthz` for 0.9 s on a loaded machine), plus an Ajv validation
 * per union on every answer. The unions our schemas use need no validator to be written out:
 *
 * - `Words(...)`, a union of string literals, is written as a string;
 * - `Nullable(X)`, `anyOf: [X, { type: 'null' }]`, is written as X with `nullable: true` (null
 *   written as null), when X is a plain typed schema (no union or `$ref` of its own).
 *
 * Any other union is left as it is. Only what the serializer sees changes: requests are still
 * validated against the schemas as written, and the OpenAPI document still shows them.
 */
import { createRequire } from 'node:module';
import type { FastifyServerOptions } from 'fastify';

type Schema = Record<string, unknown>;

const isObject = (value: unknown): value is Schema => typeof value === 'object' && value !== null && !Array.isArray(value);

/** Keywords whose value is a schema, or an array of schemas. */
const schemaKeywords = new Set(['items', 'additionalProperties', 'allOf', 'anyOf', 'oneOf', 'not', 'if', 'then', 'else', 'contains', 'additionalItems']);
/** Keywords whose value maps names to schemas. */
const schemaMapKeywords = new Set(['properties', 'patternProperties', 'definitions', '$defs', 'dependentSchemas']);

/**
 * `schema` as fast-json-stringify may write it without a validator (see the module comment): a
 * copy, never the schema given (Fastify and the OpenAPI document keep using that one). Writes
 * the same JSON for every value the schema admits.
 */
export function serializableSchema<T>(schema: T): T {
  return convert(schema) as T;
}

function convert(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(convert);
  if (!isObject(value)) return value;
  const out: Schema = {};
  for (const [key, child] of Object.entries(value)) {
    if (schemaKeywords.has(key)) out[key] = Array.isArray(child) ? child.map(convert) : convert(child);
    else if (schemaMapKeywords.has(key) && isObject(child)) out[key] = Object.fromEntries(Object.entries(child).map(([name, s]) => [name, convert(s)]));
    else out[key] = child;
  }
  // TypeBox's symbols (Kind, Hint) are not enumerable keys of Object.entries; none is needed to serialize.
  return Array.isArray(out.anyOf) ? simplifyUnion(out) : out;
}

/** A union of string literals → a string; `[X, null]` → X nullable; anything else unchanged. */
function simplifyUnion(schema: Schema): Schema {
  const { anyOf, ...siblings } = schema as Schema & { anyOf: unknown[] };
  if (anyOf.length > 0 && anyOf.every((b) => isObject(b) && typeof b.const === 'string' && Object.keys(b).every((k) => k === 'const' || k === 'type'))) {
    return { ...siblings, type: 'string' };
  }
  if (anyOf.length === 2) {
    const nullAt = anyOf.findIndex((b) => isObject(b) && b.type === 'null' && Object.keys(b).length === 1);
    const other = anyOf[1 - nullAt];
    if (nullAt >= 0 && isObject(other) && typeof other.type === 'string' && !('anyOf' in other || 'oneOf' in other || 'allOf' in other || '$ref' in other || 'nullable' in other)) {
      return { ...siblings, ...other, nullable: true };
    }
  }
  return schema;
}

type BuildSerializer = NonNullable<NonNullable<NonNullable<FastifyServerOptions['schemaController']>['compilersFactory']>['buildSerializer']>;

/**
 * Fastify's own serializer factory (@fastify/fast-json-stringify-compiler, resolved from Fastify
 * as Fastify resolves it), given every schema through `serializableSchema`: pass as
 * `schemaController: { compilersFactory: { buildSerializer } }`.
 */
export const buildSerializer: BuildSerializer = (externalSchemas, options) => {
  const fromFastify = createRequire(createRequire(import.meta.url).resolve('fastify'));
  const { SerializerSelector } = fromFastify('@fastify/fast-json-stringify-compiler') as { SerializerSelector: () => BuildSerializer };
  const external = Object.fromEntries(Object.entries(externalSchemas as Record<string, unknown>).map(([id, s]) => [id, serializableSchema(s)]));
  const compile = SerializerSelector()(external, options);
  return (route) => compile({ ...route, schema: serializableSchema(route.schema) });
};
