/**
 * Files people take away: a round's summary (Markdown, DOCX, PDF, or its annotations as W3C Web
 * Annotation JSON-LD), a unit's merged feedback (Markdown, DOCX, PDF), the draft itself (DOCX,
 * PDF, Markdown), a version's changes as a tracked-changes DOCX and a round's annotations as Word
 * comments. Each takes its data from the service that answers the JSON route, with that route's
 * permission check; the renderers in exports/ are pure and frame every file the same way.
 */
import type { Db } from '../db/connect.js';
import { activeAnnotations, dispositionsOf, quotesOf } from '../db/annotations.repository.js';
import { findUnit, unitNames } from '../db/units.repository.js';
import { findVersionContent, findVersionState } from '../db/versions.repository.js';
import type { Section } from '../domain/sections.js';
import { annotationsToDocx, diffToDocx, draftToDocx, draftToPdf, type CommentedAnnotation, type DraftExport } from '../exports/draft-docx.js';
import { draftToMarkdown } from '../exports/draft-markdown.js';
import type { DraftParagraph } from '../exports/draft-reader.js';
import { feedbackToDocx, feedbackToPdf } from '../exports/feedback-docx.js';
import { feedbackToMarkdown } from '../exports/feedback-markdown.js';
import { labelsFor, type ExportLocale } from '../exports/labels.js';
import { packageToDocx, packageToPdf } from '../exports/package-docx.js';
import type { FrameContext } from '../exports/report-parts.js';
import { summaryToDocx, summaryToPdf } from '../exports/summary-docx.js';
import { annotationsToJsonLd } from '../exports/summary-jsonld.js';
import { summaryToMarkdown } from '../exports/summary-markdown.js';
import type { FeedbackExport, RoundSummaryExport } from '../exports/summary-types.js';
import { notFound } from '../errors.js';
import type { AggregationService } from './aggregation.service.js';
import type { AnnotationsService, Author } from './annotations.service.js';
import type { Clock } from './clock.js';
import type { DiffService } from './diff.service.js';
import type { VersionRef } from '../http/schemas/versions.js';
import type { DocumentsService } from './documents.service.js';
import type { RoundsService } from './rounds.service.js';
import type { AuditService } from './audit.service.js';
import { auditTargets } from '../domain/notification-texts.js';

/** A rendered export: what to send, as what, under which file name. */
export interface ExportFile {
  contentType: string;
  filename: string;
  body: string | Buffer;
}

/** Who downloads (their name goes in the footer of DOCX and PDF files). */
export type Downloader = Author;

export interface ExportsDeps {
  db: Db;
  documents: DocumentsService;
  aggregation: AggregationService;
  rounds: RoundsService;
  annotations: AnnotationsService;
  diffs: DiffService;
  audit: AuditService;
  clock: Clock;
}

export class ExportsService {
  constructor(private readonly deps: ExportsDeps) {}

  /** The summary as Markdown, DOCX, PDF or JSON-LD; the download is recorded in the document's audit trail. */
  async exportSummary(actor: Downloader, roundId: string, format: 'md' | 'docx' | 'pdf' | 'jsonld', locale: ExportLocale, origin: string): Promise<ExportFile> {
    const file = await this.renderSummary(actor, roundId, format, locale, origin);
    return this.recorded(actor, (await this.deps.rounds.visibleRound(actor, roundId)).document.id, file);
  }

  async exportFeedback(actor: Downloader, documentId: string, unitId: string | undefined, format: 'md' | 'docx' | 'pdf', locale: ExportLocale): Promise<ExportFile> {
    return this.recorded(actor, documentId, await this.renderFeedback(actor, documentId, unitId, format, locale));
  }

  async exportPackage(actor: Downloader, documentId: string, packageId: string, format: 'docx' | 'pdf', locale: ExportLocale): Promise<ExportFile> {
    return this.recorded(actor, documentId, await this.renderPackage(actor, documentId, packageId, format, locale));
  }

  async exportDraft(actor: Downloader, documentId: string, format: 'docx' | 'pdf' | 'md', version: number | undefined, locale: ExportLocale): Promise<ExportFile> {
    return this.recorded(actor, documentId, await this.renderDraft(actor, documentId, format, version, locale));
  }

  async exportDiff(actor: Downloader, documentId: string, from: VersionRef, to: VersionRef, locale: ExportLocale): Promise<ExportFile> {
    return this.recorded(actor, documentId, await this.renderDiff(actor, documentId, from, to, locale));
  }

  async exportAnnotations(actor: Downloader, roundId: string, locale: ExportLocale): Promise<ExportFile> {
    const file = await this.renderAnnotations(actor, roundId, locale);
    return this.recorded(actor, (await this.deps.rounds.visibleRound(actor, roundId)).document.id, file);
  }

  /** Every file taken away is in the audit trail: who, when, which file. */
  private async recorded(actor: Downloader, documentId: string, file: ExportFile): Promise<ExportFile> {
    await this.deps.audit.record(undefined, { documentId, memberId: actor.memberId, action: 'exported', target: auditTargets.file(file.filename) });
    return file;
  }

  /** The summary as Markdown, DOCX, PDF, or the round's annotations as W3C Web Annotation JSON-LD. */
  private async renderSummary(actor: Downloader, roundId: string, format: 'md' | 'docx' | 'pdf' | 'jsonld', locale: ExportLocale, origin: string): Promise<ExportFile> {
    const { db } = this.deps;
    const { summary, document } = await this.deps.aggregation.summaryWithDocument(actor, roundId);
    const stem = `${slug(document.title)}-vong-${summary.roundNumber}`;
    const version = await findVersionContent<Section>(db, document.id, summary.baseVersion);
    if (format === 'jsonld') {
      const rows = await activeAnnotations(db, [roundId]);
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
          // A general comment targets the whole version (no selector), a section's names it.
          ...(r.scope === 'passage'
            ? { start: r.anchor_start, end: r.anchor_end, quote: { exact: r.quote_exact, prefix: r.quote_prefix, suffix: r.quote_suffix } }
            : { section: r.scope === 'section' ? r.section : null }),
          created: r.created_at.toISOString(),
        })),
        ...(version ? { text: version.text } : {}),
        language: 'vi',
      });
      return { contentType: 'application/ld+json; profile="http://www.w3.org/ns/anno.jsonld"', filename: `${stem}.jsonld`, body: JSON.stringify(jsonld, null, 2) };
    }
    const clusters = [...summary.sections.flatMap((s) => s.clusters), ...summary.document.clusters];
    const [names, dispositions] = await Promise.all([
      unitNames(db, [...new Set([...summary.participation.byUnit.map((u) => u.unitId), ...clusters.flatMap((c) => c.unitIds ?? [])])]),
      dispositionsOf(db, clusters.flatMap((c) => c.annotationIds)),
    ]);
    const point = (c: (typeof clusters)[number]) => ({
      ...c,
      quote: c.scope === 'passage' ? version?.text.slice(c.anchor.start, c.anchor.end) : undefined,
      unitNames: (c.unitIds ?? []).map((id) => names.get(id) ?? id),
      reasons: [...new Set(c.annotationIds.map((id) => dispositions.get(id)?.note ?? '').filter((n) => n.length > 0))],
    });
    const data: RoundSummaryExport = {
      title: document.title,
      roundNumber: summary.roundNumber,
      participation: { ...summary.participation, byUnit: summary.participation.byUnit.map((u) => ({ ...u, name: names.get(u.unitId) ?? u.unitId })) },
      sections: summary.sections.map((s) => ({ ...s, clusters: s.clusters.map(point) })),
      document: { clusters: summary.document.clusters.map(point) },
    };
    if (format === 'md') return { contentType: markdownType, filename: `${stem}.md`, body: summaryToMarkdown(data, locale) };
    const context = await this.frameContext(actor, document.unitId, locale);
    if (format === 'pdf') return { contentType: pdfType, filename: `${stem}.pdf`, body: await summaryToPdf(data, context) };
    return { contentType: docxType, filename: `${stem}.docx`, body: await summaryToDocx(data, context) };
  }

  /** The merged feedback as Markdown, DOCX or PDF (JSON is the route's own answer). */
  private async renderFeedback(actor: Downloader, documentId: string, unitId: string | undefined, format: 'md' | 'docx' | 'pdf', locale: ExportLocale): Promise<ExportFile> {
    const { feedback, document } = await this.deps.aggregation.feedbackWithDocument(actor, documentId, unitId);
    const content = await this.deps.documents.liveContent(documentId);
    const quotes = await this.firstQuotes(feedback.items.map((i) => i.annotationIds[0]).filter((id): id is string => id !== undefined));
    const data: FeedbackExport = {
      title: document.title,
      units: feedback.units.map((u) => ({ unitId: u.unitId, name: u.name, submittedAt: u.submittedAt, note: u.note })),
      // Packages carry the passage as the draft read when they were sent; older ones did not.
      items: feedback.items.map((i) => ({ ...i, quote: i.quote || quotes.get(i.annotationIds[0] ?? ''), units: i.units.map((u) => ({ name: u.name, note: u.note })) })),
      sectionTitles: { ...Object.fromEntries(content.sections.map((s) => [s.path, s.title])), ...Object.fromEntries(feedback.items.filter((i) => i.sectionTitle).map((i) => [i.section, i.sectionTitle])) },
    };
    const stem = `${slug(document.title)}-gop-y`;
    if (format === 'md') return { contentType: markdownType, filename: `${stem}.md`, body: feedbackToMarkdown(data, locale) };
    const context = await this.frameContext(actor, feedback.unitId, locale);
    if (format === 'pdf') return { contentType: pdfType, filename: `${stem}.pdf`, body: await feedbackToPdf(data, context) };
    return { contentType: docxType, filename: `${stem}.docx`, body: await feedbackToDocx(data, context) };
  }

  /** A feedback package as sent (dated the day it was sent), for the staff of the units it went between. */
  private async renderPackage(actor: Downloader, documentId: string, packageId: string, format: 'docx' | 'pdf', locale: ExportLocale): Promise<ExportFile> {
    const pkg = (await this.deps.aggregation.packages(actor, documentId)).find((p) => p.id === packageId);
    if (!pkg) throw notFound('package');
    const { document } = await this.deps.documents.visible(actor, documentId);
    const [names, quotes, content] = await Promise.all([
      unitNames(this.deps.db, [pkg.fromUnitId, ...pkg.items.flatMap((i) => i.unitIds)]),
      this.firstQuotes(pkg.items.map((i) => i.annotationIds[0]).filter((id): id is string => id !== undefined)),
      this.deps.documents.liveContent(documentId),
    ]);
    const data = {
      title: document.title,
      fromUnitName: names.get(pkg.fromUnitId) ?? pkg.fromUnitId,
      note: pkg.note,
      contentHash: pkg.contentHash,
      items: pkg.items.map((i) => ({ ...i, unitNames: i.unitIds.map((id) => names.get(id) ?? id), quote: i.quote || quotes.get(i.annotationIds[0] ?? '') })),
      sectionTitles: { ...Object.fromEntries(content.sections.map((s) => [s.path, s.title])), ...Object.fromEntries(pkg.items.filter((i) => i.sectionTitle).map((i) => [i.section, i.sectionTitle])) },
    };
    const context = { ...(await this.frameContext(actor, pkg.fromUnitId, locale)), date: new Date(pkg.submittedAt) };
    const stem = `${slug(data.fromUnitName)}-gop-y-${slug(document.title)}`.slice(0, 80);
    if (format === 'pdf') return { contentType: pdfType, filename: `${stem}.pdf`, body: await packageToPdf(data, context) };
    return { contentType: docxType, filename: `${stem}.docx`, body: await packageToDocx(data, context) };
  }

  /** The draft (live, or version n) as DOCX, PDF or Markdown, for whoever may read it. */
  private async renderDraft(actor: Downloader, documentId: string, format: 'docx' | 'pdf' | 'md', version: number | undefined, locale: ExportLocale): Promise<ExportFile> {
    const { document } = await this.deps.documents.visible(actor, documentId);
    const l = labelsFor(locale);
    const stem = `${slug(document.title)}${version === undefined ? '' : `-ban-${version}`}`;
    // The live draft's Markdown is rendered where it is read (a big one's on a worker thread).
    if (format === 'md' && version === undefined) return { contentType: markdownType, filename: `${stem}.md`, body: await this.deps.documents.readLive(documentId, { kind: 'markdown', title: document.title }) };
    const paragraphs = await this.paragraphsOf(documentId, version ?? 'live');
    if (format === 'md') return { contentType: markdownType, filename: `${stem}.md`, body: draftToMarkdown(document.title, paragraphs) };
    const draft: DraftExport = { title: document.title, paragraphs, note: version === undefined ? null : capitalise(l.version(version)) };
    const context = await this.frameContext(actor, document.unitId, locale);
    if (format === 'pdf') return { contentType: pdfType, filename: `${stem}.pdf`, body: await draftToPdf(draft, context) };
    return { contentType: docxType, filename: `${stem}.docx`, body: await draftToDocx(draft, context) };
  }

  /** Version `to` with the changes from `from` as tracked changes Word can accept or reject. */
  private async renderDiff(actor: Downloader, documentId: string, from: VersionRef, to: VersionRef, locale: ExportLocale): Promise<ExportFile> {
    const diff = await this.deps.diffs.diff(actor, documentId, from, to);
    const { document } = await this.deps.documents.visible(actor, documentId);
    const l = labelsFor(locale);
    const name = (ref: VersionRef) => (ref === 'live' ? l.live : l.version(ref));
    const draft: DraftExport = { title: document.title, paragraphs: await this.paragraphsOf(documentId, to), note: capitalise(l.changesFrom(name(from), name(to))) };
    const context = await this.frameContext(actor, document.unitId, locale);
    const body = await diffToDocx(draft, diff.ops, context, { author: capitalise(name(to)), date: context.date });
    return { contentType: docxType, filename: `${slug(document.title)}-thay-doi-${from}-${to}.docx`, body };
  }

  /** The round's base version with every annotation the caller may see as a Word comment. */
  private async renderAnnotations(actor: Downloader, roundId: string, locale: ExportLocale): Promise<ExportFile> {
    const annotations = await this.deps.annotations.listForRound(actor, roundId);
    const { round, document } = await this.deps.rounds.visibleRound(actor, roundId);
    const l = labelsFor(locale);
    const paragraphs = await this.paragraphsOf(document.id, round.baseVersion);
    const outline = (await findVersionContent<Section>(this.deps.db, document.id, round.baseVersion))?.sections ?? [];
    const commented: CommentedAnnotation[] = annotations.flatMap((a) => {
      // Carried forward from an earlier round: placed where it re-anchors in this base (if it does).
      const carried = (a as { carriedForward?: { start: number | null; end: number | null; section: string | null } }).carriedForward;
      // A general comment sits on its section's heading (the document's: the first line).
      const general = a.anchor.scope !== 'passage' ? generalPlace(paragraphs, outline, a.anchor.scope === 'section' ? (carried?.section ?? a.anchor.section) : null) : null;
      const start = general ? general.start : carried ? carried.start : a.anchor.start;
      const end = general ? general.end : carried ? carried.end : a.anchor.end;
      if (start === null || end === null || start === undefined || end === undefined) return [];
      // Anchors are offsets of the version's NFC text, as the paragraphs are.
      const who = a.group ? l.group(a.group.name, a.group.size) : a.authorName;
      const recorded = a.recordedBy ? ` (${l.recordedBy(a.recordedBy.name, a.source)})` : '';
      return [
        {
          start,
          end,
          author: who ? `${who}${recorded}` : null,
          scope: a.anchor.scope,
          createdAt: new Date(a.createdAt),
          kind: a.kind,
          body: a.body,
          replacement: a.replacement,
          decision: a.disposition ? { decision: a.disposition.decision, note: a.disposition.note } : null,
          replies: a.replies.map((r) => ({ author: r.authorName, body: r.body })),
        },
      ];
    });
    const draft: DraftExport = { title: document.title, paragraphs, note: l.annotationsOf(round.number, round.baseVersion) };
    const context = await this.frameContext(actor, document.unitId, locale);
    return { contentType: docxType, filename: `${slug(document.title)}-y-kien-vong-${round.number}.docx`, body: await annotationsToDocx(draft, commented, context) };
  }

  /**
   * The draft's paragraphs, live or as version n froze them, in NFC with offsets of the NFC text:
   * what versions store and serve, what diffs and annotation anchors count in (DESIGN.md
   * "Normalisation"), so their overlays land on the right characters of a draft typed decomposed.
   */
  private async paragraphsOf(documentId: string, ref: VersionRef): Promise<DraftParagraph[]> {
    // Read on a worker thread for a big draft (live-reads.ts).
    if (ref === 'live') return this.deps.documents.readLive(documentId, { kind: 'paragraphs' });
    const state = await findVersionState(this.deps.db, documentId, ref);
    if (!state) throw notFound(`version ${ref}`);
    return this.deps.documents.readState(state, { kind: 'paragraphs' });
  }

  /** The issuing unit (and its upper unit), the date and the downloader. */
  private async frameContext(actor: Downloader, unitId: string, locale: ExportLocale): Promise<FrameContext> {
    const unit = await findUnit(this.deps.db, unitId);
    const upper = unit?.parentId ? await findUnit(this.deps.db, unit.parentId) : undefined;
    const now = this.deps.clock.now();
    return { locale, issuer: { name: unit?.name ?? '', upperName: upper?.name ?? null }, date: now, downloadedBy: actor.displayName, downloadedAt: now };
  }

  /** The quoted passage of each given annotation, by id. */
  private firstQuotes(ids: string[]): Promise<Map<string, string>> {
    return quotesOf(this.deps.db, ids);
  }
}

/**
 * Where a general comment goes as a Word comment: the heading of its section (found in the
 * version's outline), or the document's first line; null when the section is not in this version.
 */
function generalPlace(paragraphs: readonly DraftParagraph[], outline: readonly Section[], section: string | null): { start: number; end: number } | null {
  const at = section === null ? 0 : outline.find((s) => s.path === section)?.start;
  if (at === undefined) return null;
  const paragraph = paragraphs.find((p) => p.start <= at && at < p.start + Math.max(1, p.length)) ?? paragraphs.find((p) => p.start >= at);
  return paragraph ? { start: paragraph.start, end: paragraph.start + paragraph.length } : null;
}

const docxType = 'application/vnd.openxmlformats-officedocument.wordprocessingml.document';
const pdfType = 'application/pdf';
const markdownType = 'text/markdown; charset=utf-8';

const capitalise = (s: string) => s.charAt(0).toLocaleUpperCase('vi') + s.slice(1);

/** An ASCII file name stem from a Vietnamese title (accents folded, đ → d). */
function slug(title: string): string {
  const folded = title.normalize('NFD').replace(/\p{M}/gu, '').replace(/đ/g, 'd').replace(/Đ/g, 'D');
  return folded.toLowerCase().replace(/[^a-z0-9]+/g, '-').replace(/^-|-$/g, '').slice(0, 60) || 'draftroom';
}
