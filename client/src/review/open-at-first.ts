/** Which sections of a sectioned view (the round summary, the merged feedback) open by themselves. Pure: its unit test imports it. */
/**
 * The sections that open by themselves on a view's first index: every section with something in
 * it when the whole index holds at most `upTo` (counted by `count`: points, annotations), none in
 * a larger one (`null`: leave the reader's choice alone).
 */
export function sectionsOpenAtFirst<S>(sections: readonly S[], count: (section: S) => number, path: (section: S) => string, upTo: number): Set<string> | null {
  const total = sections.reduce((n, s) => n + count(s), 0);
  return total <= upTo ? new Set(sections.filter((s) => count(s) > 0).map(path)) : null;
}
