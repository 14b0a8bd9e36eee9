/**
 * What a member marked in their copy of the draft in Word (API.md `POST /rounds/:id/imports`):
 * the comments (`word/comments.xml`, anchored by `w:commentRangeStart`/`End` in the body) and the
 * tracked changes (`w:ins`, `w:del`, `w:moveTo`, `w:moveFrom`), read from the XML of the file's
 * parts (ECMA-376 part 1, §17.13.4 comments, §17.13.5 revisions). Pure: the caller unzips (with
 * docx-package.ts, whose XML parser this shares: no DOCTYPE, malformed XML → 400).
 *
 * The text is rebuilt as the file read *before* the member's changes (deleted text in, inserted
 * text out), one `\n` after each paragraph as the projection does (DESIGN.md): that is the text
 * to find in the round's base version. Each item carries its offsets in that text; matching them
 * into the base is the caller's (anchoring's `matchQuote`).
 */
import type { Element, Node } from '@xmldom/xmldom';
import { invalid } from '../errors.js';
import { parseXml } from './docx-package.js';

/** One thing the member said in the file. */
export interface WordReviewItem {
  kind: 'comment' | 'suggestion';
  /** Offsets in `WordReview.text` of what it is about; null for a comment marking nothing. */
  start: number | null;
  end: number | null;
  /** The comment's text ("" for a tracked change). */
  body: string;
  /** A tracked change's new wording of [start, end); null for a comment. */
  replacement: string | null;
  /** Who Word says wrote it (`w:author`), for the record only. */
  author: string;
}

export interface WordReview {
  /** The file's text before the member's tracked changes, a `\n` after each paragraph. */
  text: string;
  /** In document order (comments by where they start, changes where they are). */
  items: WordReviewItem[];
}

type Token = { type: 'text' | 'ins' | 'del'; text: string } | { type: 'start' | 'end'; id: string };

/** Elements whose content is formatting or a paragraph mark's own revision: never text. */
const skipped = new Set(['pPr', 'rPr', 'sectPr', 'tblPr', 'trPr', 'tcPr', 'instrText', 'delInstrText', 'footnoteReference', 'endnoteReference']);

const W = 'http://schemas.openxmlformats.org/wordprocessingml/2006/main';
const attr = (el: Element, name: string) => el.getAttributeNS(W, name) ?? el.getAttribute(`w:${name}`) ?? '';

function tokensOf(node: Node, mode: 'text' | 'ins' | 'del', out: Token[]): void {
  for (let child = node.firstChild; child; child = child.nextSibling) {
    if (child.nodeType !== 1) continue;
    const el = child as Element;
    const name = el.localName ?? '';
    if (skipped.has(name)) continue;
    if (name === 'ins' || name === 'moveTo') tokensOf(el, 'ins', out);
    else if (name === 'del' || name === 'moveFrom') tokensOf(el, 'del', out);
    else if (name === 't' || name === 'delText') out.push({ type: name === 'delText' ? 'del' : mode, text: el.textContent ?? '' });
    else if (name === 'tab') out.push({ type: mode, text: '\t' });
    else if (name === 'br' || name === 'cr') out.push({ type: mode, text: '\n' });
    else if (name === 'commentRangeStart') out.push({ type: 'start', id: attr(el, 'id') });
    else if (name === 'commentRangeEnd') out.push({ type: 'end', id: attr(el, 'id') });
    else if (name !== 'p') tokensOf(el, mode, out); // a nested paragraph (text box) is read on its own
  }
}

/** The text of a comment: its paragraphs joined by newlines. */
function commentText(el: Element): string {
  const paragraphs = Array.from(el.getElementsByTagNameNS(W, 'p'));
  const texts = paragraphs.map((p) => Array.from(p.getElementsByTagNameNS(W, 't')).map((t) => t.textContent ?? '').join(''));
  return (paragraphs.length > 0 ? texts : [el.textContent ?? '']).join('\n').trim();
}

/**
 * Reads a member's file: `documentXml` is `word/document.xml`, `commentsXml` `word/comments.xml`
 * (absent when the file has none). Throws `validation_failed` for XML that is not well-formed or
 * has no body.
 */
export function readWordReview(documentXml: string, commentsXml?: string): WordReview {
  const doc = parseXml(documentXml, 'document.xml');
  const body = doc.getElementsByTagNameNS(W, 'body')[0];
  if (!body) throw invalid('the Word file has no document body');
  const comments = new Map<string, { body: string; author: string }>();
  if (commentsXml) {
    for (const el of Array.from(parseXml(commentsXml, 'comments.xml').getElementsByTagNameNS(W, 'comment'))) {
      comments.set(attr(el, 'id'), { body: commentText(el), author: attr(el, 'author') });
    }
  }

  let text = '';
  const starts = new Map<string, number>();
  const ends = new Map<string, number>();
  const changes: Array<{ start: number; deleted: string; inserted: string; author: string }> = [];
  for (const paragraph of Array.from(body.getElementsByTagNameNS(W, 'p'))) {
    const tokens: Token[] = [];
    tokensOf(paragraph, 'text', tokens);
    let change: (typeof changes)[number] | null = null;
    for (const token of tokens) {
      if (token.type === 'start') starts.set(token.id, text.length);
      else if (token.type === 'end') ends.set(token.id, text.length);
      else if (token.type === 'text') {
        change = null;
        text += token.text;
      } else {
        if (!change) changes.push((change = { start: text.length, deleted: '', inserted: '', author: '' }));
        const piece = (token as { text: string }).text;
        if (token.type === 'del') {
          change.deleted += piece;
          text += piece;
        } else change.inserted += piece;
      }
    }
    text += '\n';
  }

  const items: Array<WordReviewItem & { order: number }> = [];
  for (const [id, comment] of comments) {
    const start = starts.get(id);
    const end = ends.get(id) ?? start;
    const placed = start !== undefined && end !== undefined && end >= start;
    items.push({ kind: 'comment', start: placed ? start : null, end: placed ? end : null, body: comment.body, replacement: null, author: comment.author, order: placed ? start : Infinity });
  }
  for (const c of changes) {
    let start = c.start;
    let end = c.start + c.deleted.length;
    let replacement = c.inserted;
    if (c.deleted.length === 0) {
      if (c.inserted.trim().length === 0) continue;
      // A pure insertion rewords the word before it (or, at a line's start, the word after it).
      const before = wordBefore(text, start);
      if (before < start) {
        replacement = text.slice(before, start) + c.inserted;
        start = before;
      } else {
        end = wordAfter(text, start);
        replacement = c.inserted + text.slice(start, end);
      }
      if (start === end) {
        // A whole new paragraph (or text with no word beside it): a comment at that point proposing it.
        items.push({ kind: 'comment', start: c.start, end: c.start, body: `Đề nghị bổ sung: «${c.inserted.trim()}»`, replacement: null, author: c.author, order: c.start });
        continue;
      }
    }
    items.push({ kind: 'suggestion', start, end, body: '', replacement, author: c.author, order: start });
  }
  items.sort((a, b) => a.order - b.order);
  return { text, items: items.map(({ order: _, ...item }) => item) };
}

/** Start of the word that ends at `at` (with the spaces after it), not crossing a line. */
function wordBefore(text: string, at: number): number {
  let i = at;
  while (i > 0 && text[i - 1] === ' ') i--;
  while (i > 0 && !/\s/.test(text[i - 1]!)) i--;
  return i;
}

/** End of the word that starts at `at`, not crossing a line. */
function wordAfter(text: string, at: number): number {
  let i = at;
  while (i < text.length && !/\s/.test(text[i]!)) i++;
  return i;
}
