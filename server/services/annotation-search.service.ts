/**
 * Searching a document's annotations (API.md, `GET /documents/:id/annotations/search`): the
 * annotations the caller may see (AnnotationsService.visibleOnDocument: the same rules as every
 * other annotation route), narrowed by round, kind, decision, section and author unit, then ranked
 * by the query with the pure rule of domain/annotation-search.ts.
 */
import type { AnnotationKind, Decision } from '../db/schema.js';
import { rankByQuery } from '../domain/annotation-search.js';
import type { Actor } from '../domain/permissions.js';
import { isWithin } from '../domain/sections.js';
import { cleanText } from '../domain/text-normal.js';
import type { AnnotationsService } from './annotations.service.js';
import type { FoundAnnotation } from '../http/schemas/annotations.js';

export interface AnnotationSearchQuery {
  /** Words to find; empty to filter only. */
  q: string;
  kind?: AnnotationKind | undefined;
  /** A section path (sections.ts): annotations in it or in its subsections. */
  section?: string | undefined;
  /** A decision, or `undecided` for those without one. */
  decision?: Decision | 'undecided' | undefined;
  roundId?: string | undefined;
  /** The unit the author wrote from. */
  unitId?: string | undefined;
}

export class AnnotationSearchService {
  constructor(private readonly annotations: AnnotationsService) {}

  /** Ranked matches, best first (ties newest first). 404 when the document, or `roundId` on it, is not visible. */
  async search(actor: Actor, documentId: string, query: AnnotationSearchQuery): Promise<FoundAnnotation[]> {
    const visible = await this.annotations.visibleOnDocument(actor, documentId, query.roundId);
    const section = query.section === undefined ? undefined : cleanText(query.section).trim();
    const filtered = visible.filter(
      (a) =>
        (query.kind === undefined || a.kind === query.kind) &&
        (query.decision === undefined || (a.disposition?.decision ?? 'undecided') === query.decision) &&
        (section === undefined || isWithin(a.anchor.section, section)) &&
        (query.unitId === undefined || a.authorUnitId === query.unitId),
    );
    const ranked = rankByQuery(filtered, cleanText(query.q), (a) => ({ body: a.body, replacement: a.replacement, quote: a.anchor.quote?.exact ?? '', authorName: a.authorName }));
    return ranked.map(({ item, score }) => ({ ...item, score: Math.round(score * 1000) / 1000 }));
  }
}
