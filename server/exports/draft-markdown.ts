/**
 * The draft as Markdown: `#`–`###` headings, `-` and `1.` list items (indented by depth), `>`
 * quotes, `**bold**` and `*italic*`, tables as GFM pipe tables. User text goes through
 * `escapeMarkdownInline`. Pure.
 *
 * A GFM table has exactly one header line and one line per row, so: the draft's first row is the
 * header line (GFM has no table without one; header cells elsewhere print bold), a cell's
 * paragraphs are joined by `<br>` (GFM's line break in a cell), and a cell covered by a
 * neighbour's colspan or rowspan is left empty.
 */
import type { DraftParagraph } from './draft-reader.js';
import { draftTableGrid, type DraftTableCell } from './page-model.js';
import { escapeMarkdownInline as esc } from './text-escape.js';

/** Markdown text (LF line ends, ending with a newline); the title first unless the text opens with a heading 1. */
export function draftToMarkdown(title: string, paragraphs: readonly DraftParagraph[]): string {
  const out: string[] = [];
  if (paragraphs.find((p) => p.length > 0)?.level !== 1) out.push(`# ${esc(title)}`, '');
  let inList = false;
  for (let i = 0; i < paragraphs.length; i++) {
    const p = paragraphs[i]!;
    if (p.cell) {
      let end = i;
      while (paragraphs[end + 1]?.cell?.table === p.cell.table) end++;
      if (inList) out.push('');
      inList = false;
      out.push(...tableLines(paragraphs.slice(i, end + 1)), '');
      i = end;
      continue;
    }
    const text = inline(p);
    if (text.trim().length === 0) continue;
    // A blank line ends a list, or the next paragraph would continue its last item.
    if (inList && p.marker === null) out.push('');
    inList = p.marker !== null;
    const quote = p.quoted ? '> ' : '';
    if (p.level > 0) out.push(`${'#'.repeat(p.level)} ${text}`, '');
    else if (p.marker !== null) {
      const indent = '   '.repeat(p.depth);
      const marker = p.marker === '' ? '   ' : p.marker === '–' ? '-' : /^\d+\.$/.test(p.marker) ? p.marker : '-';
      out.push(`${quote}${indent}${marker} ${text}`);
    } else out.push(`${quote}${text}`, '');
  }
  return `${out.join('\n').replace(/\n{3,}/g, '\n\n').trimEnd()}\n`;
}

function inline(p: DraftParagraph): string {
  return p.spans
    .map((s) => {
      if ('lineBreak' in s) return '\\\n';
      const [, lead, core, trail] = /^(\s*)([^]*?)(\s*)$/u.exec(s.text)!;
      if (!core) return s.text;
      const mark = s.bold && s.italic ? '***' : s.bold ? '**' : s.italic ? '*' : '';
      return `${lead}${mark}${esc(core)}${mark}${trail}`;
    })
    .join('');
}

/** One table's paragraphs (all with `cell`, in reading order) as GFM table lines. */
function tableLines(paragraphs: readonly DraftParagraph[]): string[] {
  type Cell = Pick<DraftTableCell, 'colspan' | 'rowspan'> & { texts: string[] };
  const rows: Cell[][] = [];
  for (const p of paragraphs) {
    const { row, column, header, colspan, rowspan } = p.cell!;
    const cells = (rows[row] ??= []);
    const cell = (cells[column] ??= { colspan, rowspan, texts: [] });
    const text = inline(p).replace(/\\\n/g, '<br>');
    if (text.trim() !== '') cell.texts.push(header && row > 0 ? `**${text}**` : text);
  }
  const dense = Array.from(rows, (r) => Array.from(r ?? [], (c): Cell => c ?? { colspan: 1, rowspan: 1, texts: [] }));
  const { columns, placed } = draftTableGrid(dense);
  const grid = placed.map(() => Array.from({ length: columns }, () => ''));
  for (const row of placed) for (const { row: r, column, cell } of row) grid[r]![column] = cell.texts.join('<br>');
  const line = (cells: string[]) => `| ${cells.map((c) => c || ' ').join(' | ')} |`;
  return [line(grid[0] ?? []), line(Array.from({ length: columns }, () => '---')), ...grid.slice(1).map(line)];
}
