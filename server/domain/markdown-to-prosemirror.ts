/**
 * Markdown (CommonMark, via markdown-it) → ProseMirror JSON in the draft schema
 * (document-schema.ts). Only what the schema has survives as structure; everything else keeps its
 * plain text and loses its markup, and no HTML is ever interpreted.
 */
import MarkdownIt, { type Token } from 'markdown-it';
import { MAX_HEADING_LEVEL } from './document-schema.js';

/** ProseMirror's JSON form of a node. */
export interface ProseMirrorJSON {
  type: string;
  attrs?: Record<string, unknown>;
  content?: ProseMirrorJSON[];
  text?: string;
  marks?: { type: string; attrs?: Record<string, unknown> }[];
}

// 'default' = CommonMark plus GFM tables and strikethrough, so tables are recognised (and reduced
// to text) instead of leaking pipes; html: false keeps any HTML as literal text.
const markdown = new MarkdownIt('default', { html: false, linkify: false, typographer: false });

/**
 * Converts Markdown to a `doc` node:
 * - `#`, `##`, `###` → heading level 1–3; deeper headings → level 3;
 * - paragraphs; `-`/`*`/`+` → bulletList; `1.` → orderedList (`start` kept when it is not 1);
 *   nested lists; `>` → blockquote; `**bold**` → bold, `*italic*` → italic;
 * - soft line breaks → a space; hard line breaks (two spaces or `\` at line end) → hardBreak;
 * - links → their text, images → their alt text, inline code and strikethrough → their text;
 * - code blocks → one paragraph per non-blank line; table rows → one paragraph each, cells
 *   separated by a tab; thematic breaks → nothing;
 * - HTML (block or inline) → the literal characters as text, never markup.
 * A list item that does not start with a paragraph gets one (its leading heading becomes a
 * paragraph, otherwise an empty one is inserted); an empty blockquote or document gets an empty
 * paragraph, so the result always satisfies the schema. Text is not normalised here.
 */
export function markdownToProseMirrorJSON(source: string): ProseMirrorJSON {
  const root: ProseMirrorJSON = { type: 'doc', content: [] };
  const stack: ProseMirrorJSON[] = [root];
  const top = () => stack[stack.length - 1]!;
  const open = (node: ProseMirrorJSON) => {
    (top().content ??= []).push(node);
    stack.push(node);
  };
  let row: ProseMirrorJSON | null = null;

  for (const token of markdown.parse(source, {})) {
    switch (token.type) {
      case 'heading_open':
        open({ type: 'heading', attrs: { level: Math.min(MAX_HEADING_LEVEL, Number(token.tag.slice(1)) || 1) }, content: [] });
        break;
      case 'paragraph_open':
        open({ type: 'paragraph', content: [] });
        break;
      case 'bullet_list_open':
        open({ type: 'bulletList', content: [] });
        break;
      case 'ordered_list_open': {
        const start = Number.parseInt(String(token.attrGet('start') ?? '1'), 10);
        open({ type: 'orderedList', ...(Number.isFinite(start) && start !== 1 ? { attrs: { start } } : {}), content: [] });
        break;
      }
      case 'list_item_open':
        open({ type: 'listItem', content: [] });
        break;
      case 'blockquote_open':
        open({ type: 'blockquote', content: [] });
        break;
      case 'list_item_close':
        startWithParagraph(stack.pop()!);
        break;
      case 'blockquote_close': {
        const quote = stack.pop()!;
        if (quote.content?.length === 0) quote.content.push(emptyParagraph());
        break;
      }
      case 'heading_close':
      case 'paragraph_close':
      case 'bullet_list_close':
      case 'ordered_list_close':
        stack.pop();
        break;
      case 'tr_open':
        row = { type: 'paragraph', content: [] };
        break;
      case 'tr_close':
        if (row) (top().content ??= []).push(row);
        row = null;
        break;
      case 'th_open':
      case 'td_open':
        if (row?.content?.length) row.content.push({ type: 'text', text: '\t' });
        break;
      case 'inline':
        (row ?? top()).content!.push(...inlineNodes(token.children ?? []));
        break;
      case 'code_block':
      case 'fence':
      case 'html_block':
        for (const line of token.content.split(/\r\n|\r|\n/)) {
          if (line.trim() !== '') (top().content ??= []).push({ type: 'paragraph', content: [{ type: 'text', text: line }] });
        }
        break;
      default:
        // hr, table/thead/tbody wrappers, th/td closers: no structure of their own.
        break;
    }
  }
  if (root.content!.length === 0) root.content!.push(emptyParagraph());
  return root;
}

function emptyParagraph(): ProseMirrorJSON {
  return { type: 'paragraph', content: [] };
}

// The schema's listItem is `paragraph block*`.
function startWithParagraph(item: ProseMirrorJSON): void {
  const content = (item.content ??= []);
  const first = content[0];
  if (first?.type === 'heading') content[0] = { type: 'paragraph', content: first.content ?? [] };
  else if (first?.type !== 'paragraph') content.unshift(emptyParagraph());
}

function inlineNodes(tokens: readonly Token[]): ProseMirrorJSON[] {
  const nodes: ProseMirrorJSON[] = [];
  let bold = 0;
  let italic = 0;
  const text = (value: string) => {
    if (value === '') return;
    const marks = [...(bold > 0 ? [{ type: 'bold' }] : []), ...(italic > 0 ? [{ type: 'italic' }] : [])];
    nodes.push(marks.length > 0 ? { type: 'text', text: value, marks } : { type: 'text', text: value });
  };
  for (const token of tokens) {
    switch (token.type) {
      case 'strong_open':
        bold++;
        break;
      case 'strong_close':
        bold--;
        break;
      case 'em_open':
        italic++;
        break;
      case 'em_close':
        italic--;
        break;
      case 'softbreak':
        text(' ');
        break;
      case 'hardbreak':
        nodes.push({ type: 'hardBreak' });
        break;
      case 'image':
        // The alt text is in the children (with any emphasis flattened).
        text((token.children ?? []).map((child: Token) => child.content).join(''));
        break;
      default:
        // text, code_inline, html_inline, text_special: their content is what the reader saw;
        // link_open/close and s_open/close carry no text.
        text(token.content);
        break;
    }
  }
  return nodes;
}
