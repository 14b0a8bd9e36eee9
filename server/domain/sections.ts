/**
 * Sections of a draft, computed from its plain-text projection and the spans of its headings, so
 * the live document (projection.ts) and a stored version (text + outline) share one definition.
 */

/** Where a heading sits in the projection: `text.slice(start, start + length)` is its text. */
export interface HeadingSpan {
  start: number;
  /** Characters of the heading's text, without its trailing `\n`. */
  length: number;
  level: number;
}

export interface Section {
  /** Labels of the enclosing headings, outermost first, joined with " > "; "" for the preamble. */
  path: string;
  /** The heading's text, whitespace-collapsed, trimmed and NFC (so paths compare equal however the
   * heading was typed); "" for the preamble. */
  title: string;
  /** The heading's level (1–3); 0 for the preamble. */
  level: number;
  /** Offsets into the projection, `end` exclusive. */
  start: number;
  end: number;
}

export const PATH_SEPARATOR = ' > ';

// "Phần thứ nhất:", "Chương II.", "PART ONE:", "Section 3" — a division word and its ordinal.
const DIVISION =
  /^((?:phần|chương|mục|tiết|điều|part|chapter|section|article)\s+(?:[\p{L}\p{N}]+(?:\.[\p{L}\p{N}]+)*(?:\s+[\p{L}\p{N}]+){0,2}))\s*(?:[:.–—]|\s-\s|$)/iu;
const DIVISION_SHORT = /^((?:phần|chương|mục|tiết|điều|part|chapter|section|article)\s+(?:\d+(?:\.\d+)*|[IVXLCDM]+))(?:\s|$)/iu;
// "I.", "IV)", "2.", "2.1", "2.1.3.", "a)", "(b)", "đ." — an enumerator followed by a space or the end.
const ENUMERATOR = /^\(?(\d+(?:\.\d+)*|[IVXLCDM]+|[ivxlcdm]+|[a-zđ]|[A-ZĐ])(?:[.):]|(?<=\d\.\d+))(?=\s|$)/u;

/**
 * The label a heading contributes to section paths, from its whitespace-collapsed title:
 * 1. a division word (Phần, Chương, Mục, Tiết, Điều, Part, Chapter, Section, Article; any case)
 *    with an ordinal of one to three words, ended by `:`, `.`, `–`, `—`, ` - ` or the end of the
 *    title → that phrase as written ("PHẦN THỨ NHẤT: KẾT QUẢ…" → "PHẦN THỨ NHẤT"); a division word
 *    followed by a number or roman numeral needs no terminator ("Chương 2 Tổng quan" → "Chương 2")
 *    and wins over the longer phrase;
 * 2. else a leading enumerator — digits with optional dotted levels, a roman numeral, or one
 *    letter, optionally opened by "(", closed by ".", ")" or ":" (a dotted number like "2.1" needs
 *    no closer) and followed by whitespace or the end → the enumerator without its punctuation
 *    ("I. Về kinh tế" → "I", "2.1 Đầu tư" → "2.1", "a) Nông nghiệp" → "a", "(b) …" → "b");
 * 3. else the whole whitespace-collapsed title (possibly "").
 */
export function headingLabel(title: string): string {
  const collapsed = collapseWhitespace(title);
  const division = DIVISION_SHORT.exec(collapsed) ?? DIVISION.exec(collapsed);
  if (division?.[1]) return division[1].trim();
  const enumerator = ENUMERATOR.exec(collapsed);
  if (enumerator?.[1]) return enumerator[1];
  return collapsed;
}

export function collapseWhitespace(s: string): string {
  return s.replace(/\s+/gu, ' ').trim();
}

/**
 * The sections of a projection. A heading starts a section; in the hierarchy it runs to the next
 * heading of the same or a higher level (level number ≤ its own), which is why its path is the
 * chain of labels of the headings still open above it. The returned list is flat and tiles the
 * text: each entry runs from its heading to the next heading of any level, so every offset belongs
 * to exactly one entry (first start 0, each end = next start, last end = text length). A section
 * with its subsections is the run of entries whose path equals or extends its own (`isWithin`).
 * Text before the first heading is a preamble entry (level 0, title "", path ""); an empty text
 * has no sections. `headings` must be sorted by start, non-overlapping and inside the text.
 * Tables hold paragraphs only (document-schema.ts), so a table never opens a section: its cells'
 * text (projection.ts, in reading order) belongs to the section of the heading above the table.
 */
export function computeSections(text: string, headings: readonly HeadingSpan[]): Section[] {
  const sections: Section[] = [];
  const first = headings[0];
  const preambleEnd = first ? first.start : text.length;
  if (preambleEnd > 0) sections.push({ path: '', title: '', level: 0, start: 0, end: preambleEnd });
  // A first heading that no later heading equals or outranks is the document's title ("BÁO CÁO
  // CHÍNH TRỊ …"): it names its own section but is left out of the paths below it, which would
  // otherwise all start with the same long title.
  const titleHeading = first && headings.slice(1).every((h) => h.level > first.level) && headings.length > 1 ? first : undefined;
  const open: { level: number; label: string }[] = [];
  headings.forEach((heading, i) => {
    while (open.length > 0 && open[open.length - 1]!.level >= heading.level) open.pop();
    const title = collapseWhitespace(text.slice(heading.start, heading.start + heading.length)).normalize('NFC');
    const label = headingLabel(title);
    const end = headings[i + 1]?.start ?? text.length;
    if (heading === titleHeading) {
      sections.push({ path: label, title, level: heading.level, start: heading.start, end });
      return;
    }
    open.push({ level: heading.level, label });
    sections.push({ path: open.map((o) => o.label).join(PATH_SEPARATOR), title, level: heading.level, start: heading.start, end });
  });
  return sections;
}

/**
 * The section holding `offset` (binary search over the tiled list). The end offset of the text
 * (a caret after the last character) belongs to the last section; undefined when there are no
 * sections or the offset is outside the text.
 */
export function sectionAt(sections: readonly Section[], offset: number): Section | undefined {
  const index = sectionIndexAt(sections, offset);
  return index < 0 ? undefined : sections[index];
}

/** Index of the last section starting at or before `offset`; -1 when none does or past the end. */
export function sectionIndexAt(sections: readonly Section[], offset: number): number {
  const last = sections[sections.length - 1];
  if (!last || offset < (sections[0]?.start ?? 0) || offset < 0 || offset > last.end) return -1;
  let lo = 0;
  let hi = sections.length - 1;
  while (lo < hi) {
    const mid = (lo + hi + 1) >> 1;
    if (sections[mid]!.start <= offset) lo = mid;
    else hi = mid - 1;
  }
  return lo;
}

/** True when a section with path `path` lies inside (or is) the section with path `ancestor`;
 * `ancestor` "" stands for the whole document (use `path === ''` to test for the preamble). */
export function isWithin(path: string, ancestor: string): boolean {
  return ancestor === '' || path === ancestor || path.startsWith(ancestor + PATH_SEPARATOR);
}
