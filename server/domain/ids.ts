/**
 * Ids are UUIDs (API.md), and one id has one spelling inside the server: lower case, as
 * PostgreSQL prints a `uuid`. PostgreSQL compares uuids case-blind, but rooms, locks, Redis keys and
 * every in-memory cache key on the string, so an id is made canonical once, where it enters (the
 * HTTP routes, /collab), before it names anything.
 */

const uuidPattern = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** True for a UUID in any letter case (the 8-4-4-4-12 hex form). */
export function isUuid(value: string): boolean {
  return uuidPattern.test(value);
}

/** The canonical spelling of a UUID (lower case); any other string is returned unchanged. */
export function canonicalId(value: string): string {
  return uuidPattern.test(value) ? value.toLowerCase() : value;
}
