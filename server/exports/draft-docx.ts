/**
 * The draft itself as a committee files it (DOCX or PDF), and the two Word views built on it:
 * a version with the changes from an earlier one as tracked changes, and a round's base version
 * with the annotations as Word comments. Pure apart from the renderers' encoding.
 */
import type { DiffOp } from '../domain/version-diff.js';
import { draftBlocks, overlayOfDiff, type Overlay } from './draft-blocks.js';
import type { DraftParagraph } from './draft-reader.js';
import { renderDocx } from './docx-render.js';
import { labelsFor, type ExportLabels } from './labels.js';
import type { ExportPage, PageComment } from './page-model.js';
import { renderPdf } from './pdf-render.js';
import type { FrameContext } from './report-parts.js';

export interface DraftExport {
  readonly title: string;
  readonly paragraphs: readonly DraftParagraph[];
  /** A line under the title ("Bản 2"), or null. */
  readonly note: string | null;
}

/** The draft's page: the text carries its own title when it opens with a heading 1. */
export function draftPage(draft: DraftExport, context: FrameContext, overlay: Overlay = {}): ExportPage {
  const ownTitle = draft.paragraphs.find((p) => p.length > 0)?.level === 1;
  const blocks = draftBlocks(draft.paragraphs, overlay);
  if (ownTitle && draft.note) {
    // The note goes under the text's own title, as it would under the frame's.
    const title = blocks.findIndex((b) => b.type === 'heading');
    blocks.splice(title + 1, 0, { type: 'paragraph', centered: true, italic: true, inlines: [{ text: draft.note, italic: true }] });
  }
  return {
    frame: { ...context, kind: null, title: ownTitle ? null : draft.title, note: ownTitle ? null : draft.note, documentTitle: draft.title },
    blocks,
  };
}

export function draftToDocx(draft: DraftExport, context: FrameContext): Promise<Buffer> {
  return renderDocx(draftPage(draft, context));
}

export function draftToPdf(draft: DraftExport, context: FrameContext): Promise<Buffer> {
  return renderPdf(draftPage(draft, context));
}

/**
 * Version `to` (its paragraphs) with the changes from `from` as tracked changes: `ops` is the
 * diff of the two projections (diffVersions), so its 0 and 1 texts rebuild `to`'s text.
 */
export function diffToDocx(draft: DraftExport, ops: readonly DiffOp[], context: FrameContext, revision: { author: string; date: Date }): Promise<Buffer> {
  return renderDocx({ ...draftPage(draft, context, overlayOfDiff(ops)), revision });
}

/** An annotation as a Word comment: where it sits in the base version, who and what. */
export interface CommentedAnnotation {
  readonly start: number;
  readonly end: number;
  /** The member's name, or null when names are hidden from the reader (the kind is shown instead). */
  readonly author: string | null;
  /** A general comment says what it is about (it sits on its section's heading). */
  readonly scope?: 'passage' | 'section' | 'document';
  readonly createdAt: Date;
  readonly kind: keyof ExportLabels['kinds'];
  readonly body: string;
  readonly replacement: string | null;
  readonly decision: { readonly decision: keyof ExportLabels['decision']; readonly note: string } | null;
  readonly replies: readonly { readonly author: string; readonly body: string }[];
}

/** The base version with every annotation as a Word comment on its passage. */
export function annotationsToDocx(draft: DraftExport, annotations: readonly CommentedAnnotation[], context: FrameContext): Promise<Buffer> {
  const l = labelsFor(context.locale);
  const ordered = [...annotations].sort((a, b) => a.start - b.start || a.end - b.end);
  const comments: PageComment[] = ordered.map((a, i) => ({
    id: i + 1,
    author: a.author ?? l.kinds[a.kind],
    date: a.createdAt,
    paragraphs: [
      `${l.kinds[a.kind]}${a.scope === 'section' || a.scope === 'document' ? ` (${l.scopes[a.scope]})` : ''}${a.body ? `: ${a.body}` : ''}`,
      ...(a.replacement !== null ? [`${l.proposed}: ${a.replacement}`] : []),
      ...(a.decision ? [`${l.disposition}: ${l.decisionName[a.decision.decision]}${a.decision.note ? ` — ${a.decision.note}` : ''}`] : []),
      ...a.replies.map((r) => `${l.replies} (${r.author}): ${r.body}`),
    ],
  }));
  const overlay: Overlay = { comments: ordered.map((a, i) => ({ id: i + 1, start: a.start, end: a.end })) };
  return renderDocx({ ...draftPage(draft, context, overlay), comments });
}
