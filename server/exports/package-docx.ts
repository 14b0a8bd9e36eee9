/**
 * A feedback package as its unit sent it (DOCX or PDF): the frame dated the day it was sent, the
 * points by section (quoted passage, content, count, units, the unit's decisions), the unit's
 * general note, and the content hash that identifies the immutable package.
 */
import type { AnnotationKind, DecisionCounts } from '../domain/clustering.js';
import { renderDocx } from './docx-render.js';
import { formatDecisions, labelsFor } from './labels.js';
import type { Block, ExportPage } from './page-model.js';
import { renderPdf } from './pdf-render.js';
import { contentCell, lines, partHeading, plainLines, pointQuoteCell, sectionHeadings, type FrameContext } from './report-parts.js';

export interface PackageExport {
  /** The document's title. */
  readonly title: string;
  readonly fromUnitName: string;
  readonly note: string;
  readonly contentHash: string;
  readonly items: readonly {
    readonly section: string;
    readonly kind: AnnotationKind;
    readonly count: number;
    readonly representative: { readonly body: string; readonly replacement: string | null };
    readonly decisions: DecisionCounts;
    /** Names of the units the point came from. */
    readonly unitNames: readonly string[];
    readonly quote?: string;
    readonly scope?: 'section' | 'document';
    readonly recorded?: number;
    readonly groups?: readonly string[];
    /** The unit's note on the point. */
    readonly note?: string;
  }[];
  /** Section titles by path. */
  readonly sectionTitles: Readonly<Record<string, string>>;
}

/** The package's page. Pure. `context.date` should be the day it was sent. */
export function packagePage(pkg: PackageExport, context: FrameContext): ExportPage {
  const l = labelsFor(context.locale);
  const blocks: Block[] = [partHeading(1, l.pointsPart)];
  const sections: { path: string; items: PackageExport['items'][number][] }[] = [];
  for (const item of pkg.items) {
    const last = sections.at(-1);
    if (last && last.path === item.section) last.items.push(item);
    else sections.push({ path: item.section, items: [item] });
  }
  if (sections.length === 0) blocks.push({ type: 'paragraph', inlines: [{ text: l.nothingYet }] });
  const headings = sectionHeadings(
    sections.map((section) => ({
      path: section.path,
      title: section.items.every((item) => item.scope === 'document') ? l.scopes.document : (pkg.sectionTitles[section.path] ?? ''),
    })),
    l,
  );
  sections.forEach((section, i) => {
    blocks.push(headings[i]!);
    blocks.push({
      type: 'table',
      columns: [
        { header: l.quote, width: 28 },
        { header: l.text, width: 32 },
        { header: l.count, width: 8, align: 'center' },
        { header: l.units, width: 16 },
        { header: l.decisionAndReason, width: 16 },
      ],
      rows: section.items.map((item) => [
        pointQuoteCell(item, l),
        contentCell(l.kinds[item.kind], item.representative, l, item),
        lines(String(item.count)),
        lines(...item.unitNames),
        item.note ? [...lines(formatDecisions(item.decisions, l)), [{ text: `${l.unitNote}: `, bold: true }, { text: item.note, italic: true }]] : lines(formatDecisions(item.decisions, l)),
      ]),
    });
  });
  if (pkg.note) blocks.push(partHeading(2, l.packageNote), ...plainLines(pkg.note));
  blocks.push({ type: 'paragraph', plain: true, inlines: [{ text: `${l.contentHash}: `, italic: true }, { text: pkg.contentHash, italic: true }] });
  return {
    frame: { ...context, kind: l.report, title: l.packageSubject(pkg.fromUnitName, pkg.title), note: null, documentTitle: l.packageSubject(pkg.fromUnitName, pkg.title) },
    blocks,
  };
}

export function packageToDocx(pkg: PackageExport, context: FrameContext): Promise<Buffer> {
  return renderDocx(packagePage(pkg, context));
}

export function packageToPdf(pkg: PackageExport, context: FrameContext): Promise<Buffer> {
  return renderPdf(packagePage(pkg, context));
}
