/**
 * Unit paths: the chain of unit ids from the root down to a unit. Stored as an ltree whose labels
 * are the ids without dashes (PostgreSQL 15's ltree accepts only [A-Za-z0-9_]).
 */

export type UnitPath = readonly string[];

export function labelOf(unitId: string): string {
  return unitId.replaceAll('-', '');
}

export function idOfLabel(label: string): string {
  return `${label.slice(0, 8)}-${label.slice(8, 12)}-${label.slice(12, 16)}-${label.slice(16, 20)}-${label.slice(20)}`;
}

export function formatPath(path: UnitPath): string {
  return path.map(labelOf).join('.');
}

export function parsePath(ltree: string): UnitPath {
  return ltree.split('.').map(idOfLabel);
}

/** True when `ancestor` is `path` itself or lies above it. */
export function isAncestorOrSelf(ancestor: UnitPath, path: UnitPath): boolean {
  return ancestor.length <= path.length && ancestor.every((id, i) => path[i] === id);
}
