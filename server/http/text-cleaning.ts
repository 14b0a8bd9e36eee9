/**
 * One rule for text that enters through HTTP (DESIGN.md "Normalisation"), applied in one place:
 * before a route's schema validation, every string of the JSON body and of the query string —
 * values and object keys, at any depth — goes through `cleanText` (line endings → `\n`, control
 * characters but tab and newline removed, lone surrogates → U+FFFD, NFC). So no route can store a
 * NUL PostgreSQL refuses or half a surrogate pair, and a route added later is covered without a
 * line of its own. Length limits in schemas count the cleaned text.
 *
 * Passwords are secrets, not text: a `password` field is passed as sent (secrets.ts hashes it).
 */
import type { FastifyInstance } from 'fastify';
import { cleanText } from '../domain/text-normal.js';
import { invalid } from '../errors.js';

/** Deepest nesting of a body (a draft's ProseMirror JSON needs ~35; the stack must not overflow). */
export const MAX_BODY_DEPTH = 256;

/** Fields whose strings are passed as sent. */
const VERBATIM_KEYS: ReadonlySet<string> = new Set(['password']);

// Printable ASCII, tab and newline: already clean, the common case (ids, base64, English).
const NEEDS_CLEANING = /[^\t\n\u0020-\u007e]/;

/** Cleans `value` (a parsed JSON value or query object), returning the cleaned copy; strings that
 * are already clean and containers without changes are returned as they are. Throws
 * `AppError('validation_failed')` past MAX_BODY_DEPTH levels of nesting. */
export function cleanStrings(value: unknown, depth = 0): unknown {
  if (typeof value === 'string') return NEEDS_CLEANING.test(value) ? cleanText(value) : value;
  if (typeof value !== 'object' || value === null || ArrayBuffer.isView(value)) return value;
  if (depth >= MAX_BODY_DEPTH) throw invalid(`the request nests deeper than ${MAX_BODY_DEPTH} levels`);
  if (Array.isArray(value)) {
    let changed = false;
    const out = value.map((item) => {
      const cleaned = cleanStrings(item, depth + 1);
      if (cleaned !== item) changed = true;
      return cleaned;
    });
    return changed ? out : value;
  }
  let changed = false;
  // Same prototype as the original (fastify's query object has none); keys defined, never
  // assigned, so a key named "__proto__" stays a key.
  const out = Object.create(Object.getPrototypeOf(value) as object | null) as Record<string, unknown>;
  for (const [key, item] of Object.entries(value)) {
    const cleanKey = cleanStrings(key) as string;
    const cleaned = VERBATIM_KEYS.has(cleanKey) ? item : cleanStrings(item, depth + 1);
    if (cleanKey !== key || cleaned !== item) changed = true;
    Object.defineProperty(out, cleanKey, { value: cleaned, enumerable: true, writable: true, configurable: true });
  }
  return changed ? out : value;
}

/** Registers the cleaning hook on `app` (before its routes, so every route gets it). */
export function installTextCleaning(app: FastifyInstance): void {
  app.addHook('preValidation', async (request) => {
    if (request.body !== undefined && request.body !== null) request.body = cleanStrings(request.body);
    if (request.query !== undefined && request.query !== null) request.query = cleanStrings(request.query);
  });
}
