/**
 * Member files for `POST /rounds/:id/imports` tests: a copy of the draft in Word with comments and
 * tracked changes, built with the `docx` writer (as Word would save them).
 */
import { CommentRangeEnd, CommentRangeStart, CommentReference, DeletedTextRun, Document, InsertedTextRun, Packer, Paragraph, TextRun, type ParagraphChild } from 'docx';

/** A piece of a paragraph: plain text, a comment around text, a deletion, an insertion. */
export type Piece = string | { comment: string; on: string } | { del: string } | { ins: string } | { commentOnly: string };

const date = '2026-11-29T10:00:00Z';

/** A DOCX whose paragraphs are made of `pieces`; each comment gets the next id. */
export async function memberFile(paragraphs: Piece[][], author = 'Hoàng Văn An'): Promise<Buffer> {
  const comments: Array<{ id: number; author: string; date: Date; children: Paragraph[] }> = [];
  let revision = 100;
  const children = paragraphs.map(
    (pieces) =>
      new Paragraph({
        children: pieces.flatMap((piece): ParagraphChild[] => {
          if (typeof piece === 'string') return [new TextRun(piece)];
          if ('del' in piece) return [new DeletedTextRun({ id: revision++, author, date, text: piece.del })];
          if ('ins' in piece) return [new InsertedTextRun({ id: revision++, author, date, text: piece.ins })];
          const id = comments.length;
          comments.push({ id, author, date: new Date(date), children: [new Paragraph(('comment' in piece ? piece.comment : piece.commentOnly))] });
          if ('commentOnly' in piece) return [new TextRun({ children: [new CommentReference(id)] })];
          return [new CommentRangeStart(id), new TextRun(piece.on), new CommentRangeEnd(id), new TextRun({ children: [new CommentReference(id)] })];
        }),
      }),
  );
  return Packer.toBuffer(new Document({ comments: { children: comments }, sections: [{ children }] }));
}
