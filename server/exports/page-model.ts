/**
 * The page model every DOCX and PDF export is built from: a frame (who issues, when, what title,
 * who downloaded) and blocks of text. Each export builds blocks (pure); docx-render.ts and
 * pdf-render.ts turn the same blocks into a Word file and a PDF, so both look alike.
 */
import type { ExportLocale } from './labels.js';

/** A piece of text in a paragraph. `change` marks a tracked insertion or deletion. */
export interface TextInline {
  readonly text: string;
  readonly bold?: boolean;
  readonly italic?: boolean;
  readonly change?: 'ins' | 'del';
}

export type Inline =
  | TextInline
  | { readonly lineBreak: true; readonly change?: 'ins' | 'del' }
  /** Where the passage of Word comment `id` begins / ends (comments: `ExportPage.comments`). */
  | { readonly commentStart: number }
  | { readonly commentEnd: number };

export type Block =
  | {
      readonly type: 'heading';
      /** 1: a part of a report or the draft's title; 2: a section; 3: a subsection. */
      readonly level: 1 | 2 | 3;
      readonly align: 'center' | 'left';
      readonly inlines: readonly Inline[];
    }
  | {
      readonly type: 'paragraph';
      readonly inlines: readonly Inline[];
      /** A list marker ("1.", "–") hung in the left margin. */
      readonly marker?: string;
      /** Left indent in steps (list depth, quotes). */
      readonly indent?: number;
      /** Body text is justified with a first-line indent; `plain` is left-aligned without one. */
      readonly plain?: boolean;
      /** A centred line (a note under a title). */
      readonly centered?: boolean;
      readonly italic?: boolean;
    }
  | {
      readonly type: 'table';
      /** Relative widths (they are scaled to the text width). */
      readonly columns: readonly { readonly header: string; readonly width: number; readonly align?: 'right' | 'center' }[];
      /** Each cell is one or more paragraphs of inlines. */
      readonly rows: readonly (readonly (readonly (readonly Inline[])[])[])[];
    }
  | DraftTableBlock;

/** A cell of a table of the draft itself: paragraphs of inlines, with Tiptap's spans. */
export interface DraftTableCell {
  readonly paragraphs: readonly (readonly Inline[])[];
  readonly header: boolean;
  readonly colspan: number;
  readonly rowspan: number;
}

/**
 * A table of the draft (a Word draft's tables, Tiptap's table nodes): rows of cells as the draft
 * has them, a cell covering the grid columns and rows its spans say, so row `r` lists only the
 * cells that start in it. Rows whose cells are all header cells repeat on each page.
 */
export interface DraftTableBlock {
  readonly type: 'draftTable';
  /** Relative widths of the grid columns (scaled to the text width). */
  readonly widths: readonly number[];
  readonly rows: readonly (readonly DraftTableCell[])[];
}

/**
 * Where each cell of a draft table sits in its grid (`row`, `column` from 0, spans applied, as
 * HTML and Word lay out tables), and the grid's width; pure. Cells that would fall outside a
 * ragged table stay where they land.
 */
export function draftTableGrid<C extends Pick<DraftTableCell, 'colspan' | 'rowspan'>>(rows: readonly (readonly C[])[]): { columns: number; placed: { row: number; column: number; cell: C }[][] } {
  const taken: boolean[][] = rows.map(() => []);
  let columns = 0;
  const placed = rows.map((cells, r) => {
    let column = 0;
    return cells.map((cell) => {
      while (taken[r]![column]) column++;
      for (let dr = 0; dr < cell.rowspan && r + dr < rows.length; dr++) {
        for (let dc = 0; dc < cell.colspan; dc++) taken[r + dr]![column + dc] = true;
      }
      const at = { row: r, column, cell };
      column += cell.colspan;
      columns = Math.max(columns, column);
      return at;
    });
  });
  for (const row of taken) columns = Math.max(columns, row.length);
  return { columns, placed };
}

/** The frame of a Vietnamese Party document (Hướng dẫn 36-HD/VPTW): header, date, title, footer. */
export interface Frame {
  readonly locale: ExportLocale;
  /** The issuing unit and its direct upper unit (null at the top of the tree). */
  readonly issuer: { readonly name: string; readonly upperName: string | null };
  /** The date printed in the date line. */
  readonly date: Date;
  /** Document kind above the title ("BÁO CÁO"); null when the text carries its own title. */
  readonly kind: string | null;
  /** The subject under the kind; null when the text carries its own title. */
  readonly title: string | null;
  /** A line under the title (what version, what changes), or null. */
  readonly note: string | null;
  /** The file's metadata title. */
  readonly documentTitle: string;
  readonly downloadedBy: string;
  readonly downloadedAt: Date;
}

/** A Word comment on a passage (DOCX only; the PDF leaves comments out). */
export interface PageComment {
  readonly id: number;
  readonly author: string;
  readonly date: Date;
  /** Paragraphs of the comment. */
  readonly paragraphs: readonly string[];
}

export interface ExportPage {
  readonly frame: Frame;
  readonly blocks: readonly Block[];
  readonly comments?: readonly PageComment[];
  /** Author and date of tracked changes (DOCX). */
  readonly revision?: { readonly author: string; readonly date: Date };
}

/** A paragraph of plain text (line breaks kept). */
export function plainInlines(text: string, style: { bold?: boolean; italic?: boolean } = {}): Inline[] {
  const out: Inline[] = [];
  text.split(/\r\n|\r|\n/).forEach((line, i) => {
    if (i > 0) out.push({ lineBreak: true });
    if (line.length > 0) out.push({ text: line, ...style });
  });
  return out;
}
