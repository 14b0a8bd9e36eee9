/**
 * Files people take away: a round's summary as Markdown or DOCX (what committees open), its
 * annotations as W3C Web Annotation JSON-LD, and the merged feedback of a unit. The data comes
 * from the aggregation service, with its permission checks; the renderers in exports/ are pure.
 */
import type { Db } from '../db/connect.js';
import { activeAnnotations } from '../db/annotations.repository.js';
import { unitNames } from '../db/units.repository.js';
import { findVersionContent } from '../db/versions.repository.js';
import type { Actor } from '../domain/permissions.js';
import type { Section } from '../domain/sections.js';
import { feedbackToDocx } from '../exports/feedback-docx.js';
import { feedbackToMarkdown } from '../exports/feedback-markdown.js';
import type { ExportLocale } from '../exports/labels.js';
import { summaryToDocx } from '../exports/summary-docx.js';
import { annotationsToJsonLd } from '../exports/summary-jsonld.js';
import { summaryToMarkdown } from '../exports/summary-markdown.js';
import type { AggregationService } from './aggregation.service.js';
import type { DocumentsService } from './documents.service.js';

/** A rendered export: what to send, as what, under which file name. */
export interface ExportFile {
  contentType: string;
  filename: string;
  body: string | Buffer;
}

export class ExportsService {
  constructor(
    private readonly db: Db,
    private readonly documents: DocumentsService,
    private readonly aggregation: AggregationService,
  ) {}

  /** The summary as Markdown, DOCX, or the round's annotations as W3C Web Annotation JSON-LD. */
  async exportSummary(actor: Actor, roundId: string, format: 'md' | 'docx' | 'jsonld', locale: ExportLocale, origin: string): Promise<ExportFile> {
    const { summary, document } = await this.aggregation.summaryWithDocument(actor, roundId);
    const stem = `${slug(document.title)}-vong-${summary.roundNumber}`;
    if (format === 'jsonld') {
      const rows = await activeAnnotations(this.db, [roundId]);
      const version = await findVersionContent<Section>(this.db, document.id, summary.baseVersion);
      const jsonld = annotationsToJsonLd({
        collectionId: `${origin}/api/v1/rounds/${roundId}/summary?format=jsonld`,
        label: `${document.title} — round ${summary.roundNumber}`,
        versionUrl: `${origin}/api/v1/documents/${document.id}/content?version=${summary.baseVersion}`,
        annotationBaseUrl: `${origin}/api/v1/annotations/`,
        annotations: rows.map((r) => ({
          id: r.id,
          kind: r.kind,
          body: r.body,
          replacement: r.replacement,
          start: r.anchor_start,
          end: r.anchor_end,
          quote: { exact: r.quote_exact, prefix: r.quote_prefix, suffix: r.quote_suffix },
          created: r.created_at.toISOString(),
        })),
        ...(version ? { text: version.text } : {}),
        language: 'vi',
      });
      return { contentType: 'application/ld+json; profile="http://www.w3.org/ns/anno.jsonld"', filename: `${stem}.jsonld`, body: JSON.stringify(jsonld, null, 2) };
    }
    const names = await unitNames(this.db, summary.participation.byUnit.map((u) => u.unitId));
    const data = {
      title: document.title,
      participation: { ...summary.participation, byUnit: summary.participation.byUnit.map((u) => ({ ...u, name: names.get(u.unitId) ?? u.unitId })) },
      sections: summary.sections,
    };
    if (format === 'md') return { contentType: 'text/markdown; charset=utf-8', filename: `${stem}.md`, body: summaryToMarkdown(data, locale) };
    return { contentType: docxType, filename: `${stem}.docx`, body: await summaryToDocx(data, locale) };
  }

  /** The merged feedback as Markdown or DOCX (JSON is the route's own answer). */
  async exportFeedback(actor: Actor, documentId: string, unitId: string | undefined, format: 'md' | 'docx', locale: ExportLocale): Promise<ExportFile> {
    const { feedback, document } = await this.aggregation.feedbackWithDocument(actor, documentId, unitId);
    const content = await this.documents.liveContent(documentId);
    const data = {
      title: document.title,
      units: feedback.units.map((u) => ({ unitId: u.unitId, name: u.name })),
      items: feedback.items,
      sectionTitles: Object.fromEntries(content.sections.map((s) => [s.path, s.title])),
    };
    const stem = `${slug(document.title)}-gop-y`;
    if (format === 'md') return { contentType: 'text/markdown; charset=utf-8', filename: `${stem}.md`, body: feedbackToMarkdown(data, locale) };
    return { contentType: docxType, filename: `${stem}.docx`, body: await feedbackToDocx(data, locale) };
  }
}

const docxType = 'application/vnd.openxmlformats-officedocument.wordprocessingml.document';

/** An ASCII file name stem from a Vietnamese title (accents folded, đ → d). */
function slug(title: string): string {
  const folded = title.normalize('NFD').replace(/\p{M}/gu, '').replace(/đ/g, 'd').replace(/Đ/g, 'D');
  return folded.toLowerCase().replace(/[^a-z0-9]+/g, '-').replace(/^-|-$/g, '').slice(0, 60) || 'draftroom';
}
