/**
 * Ids enter over HTTP in route params, query strings and bodies; PostgreSQL matches a `uuid`
 * whatever its letter case, but the in-memory caches (sessions, summaries, rounds, version docs)
 * and the live rooms key on the string. So every UUID an id field carries is made canonical
 * (domain/ids.ts) before validation and before any handler sees it: one spelling, one entry.
 */
import type { FastifyInstance } from 'fastify';
import { canonicalId } from '../domain/ids.js';

const uuidAnywhere = /[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}/gi;
/** Fields that hold ids: `id`, `…Id`, `…Ids` (`unitId`, `roundIds`, `memberIds`, …). */
const idField = /^(?:id|.*Id|.*Ids)$/;

export function installIdCanonicalisation(app: FastifyInstance): void {
  app.addHook('preValidation', async (request) => {
    canonicaliseFields(request.params, 0);
    canonicaliseFields(request.query, 0);
    canonicaliseFields(request.body, 0);
  });
}

/** Lower-cases the UUIDs in the id fields of a parsed params/query/body object, in place. */
export function canonicaliseFields(value: unknown, depth: number): void {
  if (depth > 4 || typeof value !== 'object' || value === null) return;
  if (Array.isArray(value)) {
    for (const item of value) canonicaliseFields(item, depth + 1);
    return;
  }
  const record = value as Record<string, unknown>;
  for (const key of Object.keys(record)) {
    let field = record[key];
    // An object keyed by ids (`itemNotes: {itemId: note}`).
    const canonicalKey = canonicalId(key);
    if (canonicalKey !== key && !(canonicalKey in record)) {
      delete record[key];
      record[canonicalKey] = field;
    }
    if (idField.test(key)) {
      if (typeof field === 'string') field = field.replace(uuidAnywhere, (id) => id.toLowerCase());
      else if (Array.isArray(field)) field = field.map((item) => (typeof item === 'string' ? canonicalId(item) : item));
      record[canonicalKey] = field;
    }
    canonicaliseFields(field, depth + 1);
  }
}
