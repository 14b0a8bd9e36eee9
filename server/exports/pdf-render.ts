/**
 * Renders an ExportPage as a PDF with pdfmake, in the same frame as the Word file (docx-render.ts):
 * A4, margins 20/20/30/15 mm, Tinos 14 pt (metric-compatible with Times New Roman, with Vietnamese
 * glyphs, embedded from the @expo-google-fonts/tinos package: nothing is fetched at run time),
 * the issuing unit and "ĐẢNG CỘNG SẢN VIỆT NAM", date line, title, and the downloader in the footer.
 * Tracked insertions are underlined, deletions struck through; comments are left out.
 *
 * `renderPdf` lays the page out on a worker thread (pdf-worker.ts), one at a time, so an export
 * never blocks the event loop that serves live documents; `renderPdfHere` is the same work in place.
 */
import { createRequire } from 'node:module';
import { Piscina } from 'piscina';
import { dateLine, downloadLine, issuerLines } from './frame.js';
import { labelsFor } from './labels.js';
import { draftTableGrid, type Block, type DraftTableBlock, type ExportPage, type Frame, type Inline } from './page-model.js';
import { stripInvalidXmlChars } from './text-escape.js';
import { activationLettersContent, type ActivationLetters } from './activation-letters.js';

const require = createRequire(import.meta.url);
const FONT_FILES = {
  normal: require.resolve('@expo-google-fonts/tinos/400Regular/Tinos_400Regular.ttf'),
  bold: require.resolve('@expo-google-fonts/tinos/700Bold/Tinos_700Bold.ttf'),
  italics: require.resolve('@expo-google-fonts/tinos/400Regular_Italic/Tinos_400Regular_Italic.ttf'),
  bolditalics: require.resolve('@expo-google-fonts/tinos/700Bold_Italic/Tinos_700Bold_Italic.ttf'),
};
/** The embedded font's name, as it appears in the PDF's font dictionary. */
export const PDF_FONT = 'Tinos';

const MM = 72 / 25.4;
const MARGINS = [30 * MM, 20 * MM, 15 * MM, 22 * MM];
const INDENT = 10 * MM;

type PdfMake = typeof import('pdfmake').default;
let configured: Promise<PdfMake> | undefined;
/**
 * pdfmake, configured once. Loaded on first use: only the PDF worker lays out PDFs, and importing
 * pdfmake costs ~0.3 s of CPU in every process that imports this module (the server's main thread,
 * every test process that builds the app).
 */
function printer(): Promise<PdfMake> {
  return (configured ??= import('pdfmake').then(({ default: pdfmake }) => {
    const allowed = new Set(Object.values(FONT_FILES));
    pdfmake.setFonts({ [PDF_FONT]: FONT_FILES });
    // Only the font files may be read, and nothing fetched: a document never names a resource.
    pdfmake.setUrlAccessPolicy(() => false);
    pdfmake.setLocalAccessPolicy((path) => allowed.has(path));
    return pdfmake;
  }));
}

type Node = Record<string, unknown>;

// Source (tsx, vitest) or compiled JavaScript: the worker sits beside this module either way.
const here = import.meta.url;
let pool: Piscina | undefined;

/** Activation letters (activation-letters.ts) as PDF bytes, on the same worker thread as exports. */
export function renderActivationLetters(input: ActivationLetters): Promise<Buffer> {
  return runOnWorker({ letters: input });
}

/** The letters as PDF bytes, laid out on this thread (the worker's entry). */
export async function renderActivationLettersHere(input: ActivationLetters): Promise<Buffer> {
  const definition: Node = {
    pageSize: 'A4',
    pageMargins: MARGINS,
    info: { title: `Thư kích hoạt — ${clean(input.unitName)}`, creator: 'draftroom', producer: 'draftroom' },
    language: 'vi',
    defaultStyle: { font: PDF_FONT, fontSize: 14, lineHeight: 1.15 },
    content: activationLettersContent(input),
  };
  return (await printer()).createPdf(definition).getBuffer();
}

/** The page as PDF bytes, laid out on a worker thread. Rejects with the renderer's error. */
export function renderPdf(page: ExportPage): Promise<Buffer> {
  return runOnWorker(page);
}

async function runOnWorker(job: ExportPage | { letters: ActivationLetters }): Promise<Buffer> {
  pool ??= new Piscina({
    filename: new URL(here.endsWith('.ts') ? './pdf-worker.ts' : './pdf-worker.js', here).href,
    minThreads: 0,
    // Exports are occasional and each takes seconds of one core: queue them rather than take
    // the cores live editing needs. An idle worker exits, and never holds the process open.
    maxThreads: 1,
    idleTimeout: 60_000,
    execArgv: here.endsWith('.ts') ? ['--import', 'tsx'] : [],
  });
  const bytes = (await pool.run(job)) as Uint8Array;
  return Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
}

/** Space a heading needs below it on its page (pt): a table's header row and a first row, or a few lines. */
const HEADING_KEEP_PT = 120;

/**
 * pdfmake's `pageBreakBefore`: a heading with less than HEADING_KEEP_PT below it starts the next
 * page, as Word's "keep with next" does. (Asking whether anything follows it on the page does not
 * do: a table whose header moved to the next page with its first row, `keepWithHeaderRows`, still
 * reports the page it was first laid out on.)
 */
function keepHeadingWithNext(node: { headlineLevel?: number; startPosition?: { verticalRatio: number; pageInnerHeight: number } }): boolean {
  const at = node.startPosition;
  return node.headlineLevel !== undefined && at !== undefined && (1 - at.verticalRatio) * at.pageInnerHeight < HEADING_KEEP_PT;
}

/** The page as PDF bytes, laid out on this thread (the worker's entry; tests of the layout). */
export async function renderPdfHere(page: ExportPage): Promise<Buffer> {
  const { frame } = page;
  const l = labelsFor(frame.locale);
  const definition: Node = {
    pageSize: 'A4',
    pageMargins: MARGINS,
    info: { title: clean(frame.documentTitle), creator: 'draftroom', producer: 'draftroom' },
    language: frame.locale,
    defaultStyle: { font: PDF_FONT, fontSize: 14, lineHeight: 1.15 },
    content: [...frameHeader(frame), ...page.blocks.map(renderBlock)],
    pageBreakBefore: keepHeadingWithNext,
    footer: (current: number, total: number) => ({
      margin: [MARGINS[0], 8, MARGINS[2], 0],
      stack: [
        { canvas: [{ type: 'line', x1: 0, y1: 0, x2: 595.28 - MARGINS[0]! - MARGINS[2]!, y2: 0, lineWidth: 0.5, lineColor: '#808080' }] },
        { text: `${clean(downloadLine(frame))} · ${l.page} ${current}${l.of}${total}`, fontSize: 10, italics: true, alignment: 'center', margin: [0, 3, 0, 0] },
      ],
    }),
  };
  return (await printer()).createPdf(definition).getBuffer();
}

function frameHeader(frame: Frame): Node[] {
  const l = labelsFor(frame.locale);
  const issuer = issuerLines(frame);
  const out: Node[] = [
    {
      columns: [
        {
          width: '45%',
          alignment: 'center',
          stack: [...(issuer.upper ? [{ text: clean(issuer.upper) }] : []), { text: clean(issuer.unit), bold: true }, { text: '*' }],
        },
        {
          width: '55%',
          alignment: 'center',
          stack: [{ text: l.partyName, bold: true, decoration: 'underline' }, { text: ' ' }, { text: clean(dateLine(frame)), italics: true }],
        },
      ],
      lineHeight: 1,
    },
  ];
  if (frame.kind) out.push({ text: frame.kind, bold: true, fontSize: 16, alignment: 'center', margin: [0, 24, 0, 0] });
  if (frame.title) out.push({ text: clean(frame.title), bold: true, alignment: 'center', margin: [0, frame.kind ? 0 : 24, 0, 0] });
  if (frame.kind || frame.title) out.push({ text: '-----', alignment: 'center', margin: [0, 0, 0, 12] });
  if (frame.note) out.push({ text: clean(frame.note), italics: true, fontSize: 13, alignment: 'center', margin: [0, frame.kind || frame.title ? 0 : 12, 0, 12] });
  return out;
}

function renderBlock(block: Block): Node {
  if (block.type === 'heading') {
    return {
      text: texts(block.inlines),
      bold: true,
      alignment: block.align === 'center' ? 'center' : 'justify',
      leadingIndent: block.align === 'left' ? INDENT : 0,
      margin: [0, 10, 0, 4],
      headlineLevel: block.level,
    };
  }
  if (block.type === 'paragraph') {
    const step = block.indent ?? 0;
    if (block.marker !== undefined) {
      return {
        columns: [
          { width: INDENT, text: block.marker, italics: block.italic ?? false },
          { width: '*', text: texts(block.inlines), alignment: 'justify', italics: block.italic ?? false },
        ],
        columnGap: 0,
        margin: [INDENT * (step + 1), 0, 0, 4],
      };
    }
    if (block.centered) return { text: texts(block.inlines), alignment: 'center', italics: block.italic ?? false, margin: [0, 0, 0, 12] };
    return {
      text: texts(block.inlines),
      alignment: block.plain ? 'left' : 'justify',
      leadingIndent: block.plain ? 0 : INDENT,
      italics: block.italic ?? false,
      margin: [INDENT * step, 0, 0, 4],
    };
  }
  if (block.type === 'draftTable') return draftTable(block);
  const total = block.columns.reduce((s, c) => s + c.width, 0);
  return {
    table: {
      headerRows: 1,
      // The header row never ends a page alone: it moves with the first row.
      keepWithHeaderRows: 1,
      dontBreakRows: false,
      widths: block.columns.map((c) => `${((c.width / total) * 100).toFixed(2)}%`),
      body: [
        block.columns.map((c) => ({ text: c.header, bold: true, alignment: 'center', fillColor: '#E7E6E6' })),
        ...block.rows.map((row) =>
          row.map((paragraphs, i) => ({ stack: paragraphs.map((p) => ({ text: texts(p), margin: [0, 0, 0, 2] })), alignment: block.columns[i]?.align ?? 'left' })),
        ),
      ],
    },
    fontSize: 12,
    lineHeight: 1.05,
    margin: [0, 4, 0, 10],
  };
}

/** A table of the draft: pdfmake wants a full grid, so the places a span covers hold empty cells. */
function draftTable(block: DraftTableBlock): Node {
  const { columns, placed } = draftTableGrid(block.rows);
  const body: Node[][] = placed.map(() => Array.from({ length: columns }, () => ({ text: '' })));
  for (const row of placed) {
    for (const { row: r, column, cell } of row) {
      body[r]![column] = {
        stack: cell.paragraphs.map((p) => ({ text: texts(p), margin: [0, 0, 0, 2] })),
        ...(cell.colspan > 1 ? { colSpan: cell.colspan } : {}),
        ...(cell.rowspan > 1 ? { rowSpan: Math.min(cell.rowspan, placed.length - r) } : {}),
        ...(cell.header ? { bold: true, alignment: 'center', fillColor: '#E7E6E6' } : {}),
      };
    }
  }
  const total = block.widths.reduce((s, w) => s + w, 0) || 1;
  const widths = Array.from({ length: columns }, (_, i) => `${(((block.widths[i] ?? total / columns) / total) * 100).toFixed(2)}%`);
  const headerRows = placed.findIndex((row) => row.length === 0 || !row.every(({ cell }) => cell.header));
  return {
    table: { headerRows: headerRows < 0 ? 0 : headerRows, ...(headerRows > 0 ? { keepWithHeaderRows: 1 } : {}), dontBreakRows: false, widths, body },
    fontSize: 12,
    lineHeight: 1.05,
    margin: [0, 4, 0, 10],
  };
}

function texts(inlines: readonly Inline[]): Node[] {
  const out: Node[] = [];
  for (const inline of inlines) {
    if ('commentStart' in inline || 'commentEnd' in inline) continue;
    const text = 'lineBreak' in inline ? '\n' : clean(inline.text);
    const node: Node = { text };
    if ('bold' in inline && inline.bold) node.bold = true;
    if ('italic' in inline && inline.italic) node.italics = true;
    if (inline.change === 'ins') Object.assign(node, { decoration: 'underline', color: '#1F4E9A' });
    if (inline.change === 'del') Object.assign(node, { decoration: 'lineThrough', color: '#B00020' });
    out.push(node);
  }
  return out;
}

const clean = stripInvalidXmlChars;
