/**
 * The content hash of a feedback package: `sha256:` + hex SHA-256 of the package's JSON
 * Canonicalization Scheme form (RFC 8785: keys sorted by UTF-16 code units at every level, no
 * whitespace, ECMAScript number form), through the `canonicalize` library written by one of the
 * RFC's authors. Anyone holding a package can verify it with any RFC 8785 implementation.
 */
import { createHash } from 'node:crypto';
import canonicalize from 'canonicalize';

/** RFC 8785 canonical JSON of a JSON value. Throws on values JSON cannot carry (NaN, Infinity). */
export function canonicalJson(value: unknown): string {
  const text = canonicalize(value);
  if (text === undefined) throw new TypeError('not a JSON value');
  return text;
}

export function contentHash(value: unknown): string {
  return `sha256:${createHash('sha256').update(canonicalJson(value)).digest('hex')}`;
}
