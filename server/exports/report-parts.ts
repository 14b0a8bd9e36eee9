/** Pieces shared by the report exports (summary, feedback): numbered parts, section headings, cells. */
import type { AnnotationScope } from '../domain/vocabulary.js';
import { sectionHeading, type ExportLabels } from './labels.js';
import type { Block, Frame, Inline } from './page-model.js';

/** The frame without what each export sets itself (kind, title, note, metadata title). */
export type FrameContext = Omit<Frame, 'kind' | 'title' | 'note' | 'documentTitle'>;

/**
 * "B. Ý KIẾN GÓP Ý THEO TỪNG PHẦN": a report's own part, lettered and upper-cased. Letters are the
 * level above Roman numerals in Vietnamese administrative numbering (A. › I. › 1. › a)), and the
 * draft's sections under a part carry their own "I.", "II.": a Roman part ("II.") above a draft's
 * "I." read as one numbering gone wrong.
 */
export function partHeading(n: number, text: string): Block {
  return { type: 'heading', level: 1, align: 'left', inlines: [{ text: `${String.fromCharCode(64 + n)}. ${text.toLocaleUpperCase('vi')}` }] };
}

/**
 * The headings of a part's draft sections, in order: "PHẦN THỨ NHẤT › I. Về phát triển kinh tế".
 * A draft's headings usually carry their own numbers ("II.", "Phần thứ nhất"); a second one would
 * read "1. II. …", so sections are numbered "1.", "2." only when none of them carries its own.
 */
export function sectionHeadings(sections: readonly { path: string; title: string }[], labels: ExportLabels): Block[] {
  const texts = sections.map((section) => {
    const parents = section.path.split(' > ').slice(0, -1);
    return section.title ? [...parents, section.title].join(' › ') : sectionHeading(section, labels).split(' > ').join(' › ');
  });
  const numbered = !texts.some((text) => ownNumber.test(text));
  return texts.map((text, i) => ({ type: 'heading', level: 2, align: 'left', inlines: [{ text: numbered ? `${i + 1}. ${text}` : text }] }));
}

/** A heading that starts with its own number: "II.", "2.", "2.1.", "a)", "Phần …", "Chương …", "Mục …", "Điều …", "Part …". */
const ownNumber = /^\s*(?:(?:[IVXLCDM]+|\d+(?:\.\d+)*)[.)]|[a-zđ]\)|(?:PHẦN|Phần|CHƯƠNG|Chương|Mục|Điều|Part|PART|Chapter|CHAPTER|Section|Article)\s)/u;

/** A quoted passage for a table cell, shortened to about `max` characters at a word boundary. */
export function quoteCell(quote: string | undefined, max = 280): Inline[][] {
  if (!quote) return [];
  const flat = quote.replace(/\s+/g, ' ').trim();
  const cut = flat.length <= max ? flat : `${flat.slice(0, flat.lastIndexOf(' ', max) > max / 2 ? flat.lastIndexOf(' ', max) : max)}…`;
  return [[{ text: `“${cut}”`, italic: true }]];
}

/**
 * The content cell: the kind in bold, the wording, the proposed text when there is one, and where
 * the point came from when staff recorded some of it (on paper, in a discussion group).
 */
export function contentCell(
  kind: string,
  representative: { body: string; replacement: string | null },
  labels: ExportLabels,
  provenance: { recorded?: number | undefined; groups?: readonly string[] | undefined } = {},
): Inline[][] {
  const out: Inline[][] = [[{ text: `${kind}${representative.body ? ': ' : ''}`, bold: true }, ...(representative.body ? [{ text: representative.body }] : [])]];
  if (representative.replacement !== null) out.push([{ text: `${labels.proposed}: `, italic: true }, { text: representative.replacement }]);
  const note = labels.recordedNote(provenance.recorded ?? 0, provenance.groups ?? []);
  if (note) out.push([{ text: `(${note})`, italic: true }]);
  return out;
}

/** The quote cell of a point: the quoted passage, or what a general comment is about. */
export function pointQuoteCell(point: { quote?: string | undefined; scope?: AnnotationScope | undefined }, labels: ExportLabels): Inline[][] {
  if (point.scope === 'section' || point.scope === 'document') return [[{ text: labels.scopes[point.scope], italic: true }]];
  if (!point.quote) return [[{ text: labels.atPoint, italic: true }]];
  return quoteCell(point.quote);
}

/** Paragraphs of a cell from lines of text. */
export const lines = (...texts: (string | undefined | null)[]): Inline[][] => texts.filter((t): t is string => !!t).map((t) => [{ text: t }]);

/** Body paragraphs from text a person typed (one per line, empty lines dropped). */
export function plainLines(text: string): Block[] {
  return text
    .split(/\r\n|\r|\n/)
    .map((line) => line.trim())
    .filter((line) => line.length > 0)
    .map((line) => ({ type: 'paragraph', inlines: [{ text: line }] }));
}
