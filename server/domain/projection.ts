/**
 * The plain-text projection of a draft (DESIGN.md, "The document model"), defined once here.
 *
 * Every textblock (`paragraph` or `heading`, wherever nested in lists and blockquotes) contributes
 * the text of its Y.XmlText children followed by `\n`; a hard break (`hardBreak`, Shift+Enter)
 * contributes `\n`; nothing else contributes characters (list markers, quotes and other inline
 * elements add nothing). Offsets are UTF-16 code units, the unit Yjs counts in, so an offset inside
 * a textblock is the Yjs offset inside its Y.XmlText plus where that run starts.
 *
 * Tables (DESIGN.md "The document model"): a `table` contributes its cells' paragraphs in reading
 * order — row by row from the top, and in a row cell by cell from the left (the order of the
 * `tableRow` and `tableCell`/`tableHeader` children) — each paragraph its text and `\n` like any
 * other; rows, cells and spans add nothing. So a cell's text is an ordinary range of the
 * projection: anchors, quotes, diffs and applied suggestions work inside a cell as elsewhere, and
 * a passage running from one cell into the next reads the first cell's text, `\n`, then the
 * next's. A cell spanned by a neighbour's `colspan`/`rowspan` simply is not there, and a cell
 * covering several rows is read in the row where it starts.
 *
 * Text typed live is projected as typed, with one exception that keeps every consumer safe
 * (PostgreSQL refuses NUL, JSON and XML exports refuse controls): each control character other
 * than tab and newline, and each lone surrogate, shows as one U+FFFD; `\r`, `\v` and `\f` show as
 * one space. One code unit stands for one, so offsets stay exactly Yjs's (`projectLiveText`).
 *
 * Nothing is NFC-normalised in `text` (that would shift offsets): `projection.nfc` is the NFC form
 * with offset maps both ways and its own sections, for everything that compares or stores text
 * (DESIGN.md "Normalisation"): frozen versions, diffs, quotes, search.
 *
 * Mapping between offsets and Y.RelativePositions lives in projection-positions.ts and is
 * re-exported from this module.
 */
import * as Y from 'yjs';
import { HARD_BREAK, TEXTBLOCK_NAMES, MAX_HEADING_LEVEL } from './document-schema.js';
import { computeSections, type HeadingSpan, type Section } from './sections.js';
import { nfcView, type NfcView } from './text-normal.js';

/** Any Yjs shared type (Yjs types its event parameter loosely; `unknown` breaks its variance). */
// eslint-disable-next-line @typescript-eslint/no-explicit-any
export type YType = Y.AbstractType<any>;

export { computeSections, sectionAt, headingLabel, isWithin, PATH_SEPARATOR } from './sections.js';
export type { HeadingSpan, Section } from './sections.js';
export {
  relativePositionAt,
  offsetOfRelativePosition,
  encodeRelativePositionBase64,
  decodeRelativePositionBase64,
} from './projection-positions.js';

/** A Y.XmlText child of a textblock: its characters are `block.start + offset …+ length`. */
export interface TextRun {
  readonly text: Y.XmlText;
  /** Index of this child among the textblock's children, in Yjs's counting. */
  readonly childIndex: number;
  /** Offset of the run's first character from the start of the textblock. */
  readonly offset: number;
  readonly length: number;
}

/** A hard break inside a textblock: its `\n` is at `block.start + offset`. */
export interface HardBreak {
  readonly element: Y.XmlElement;
  /** Index of this child among the textblock's children, in Yjs's counting. */
  readonly childIndex: number;
  readonly offset: number;
}

/** A paragraph or heading: its text is `projection.text.slice(start, start + length)`, then `\n`.
 * That text includes one `\n` per hard break. */
export interface Textblock {
  readonly element: Y.XmlElement;
  readonly start: number;
  readonly length: number;
  /** 0 for a paragraph, 1–3 for a heading. */
  readonly level: number;
  /** The Y.XmlText children in order (hard breaks between them are in `breaks`). */
  readonly runs: readonly TextRun[];
  /** The hard breaks in order; runs and breaks together tile `[0, length)` of the block. */
  readonly breaks: readonly HardBreak[];
}

/** Where a node of the fragment sits in the projection: `start` before it, `end` after it. */
export interface NodeSpan {
  readonly start: number;
  readonly end: number;
  /** Set when the node is a textblock. */
  readonly block?: Textblock;
}

export interface Projection {
  readonly fragment: Y.XmlFragment;
  readonly text: string;
  /** Flat, tiling list of sections (sections.ts). */
  readonly sections: readonly Section[];
  /** The outline: what a stored version keeps next to its text to recompute `sections`. */
  readonly headings: readonly HeadingSpan[];
  /** Textblocks in document order, `start` strictly increasing (binary search for offsets). */
  readonly textblocks: readonly Textblock[];
  /** Every live node of the fragment (the fragment itself included) → its span. */
  readonly spans: ReadonlyMap<YType, NodeSpan>;
  /** The NFC form of `text`, computed on first use (identity maps when `text` is already NFC). */
  readonly nfc: NfcProjection;
}

/**
 * The NFC form of a projection (DESIGN.md "Normalisation"): what versions store and what diffs,
 * quotes and search compare. `toSource(i)` maps an offset of `text` to a projection offset (then
 * `relativePositionAt` reaches Yjs), `toNfc(j)` the reverse; both are monotone, map ends to ends,
 * and send an offset inside a composed character to its start (text-normal.ts `NfcView`).
 * `sections` are computed on `text` (offsets into it), with the same paths and titles as the
 * projection's own sections.
 */
export interface NfcProjection extends NfcView {
  readonly sections: readonly Section[];
  readonly headings: readonly HeadingSpan[];
}

/** The NFC form of a text with its outline (a projection's, or a stored version's). */
export function nfcProjection(text: string, headings: readonly HeadingSpan[], sections?: readonly Section[]): NfcProjection {
  const view = nfcView(text);
  if (view.identity) return Object.assign(view, { headings, sections: sections ?? computeSections(text, headings) });
  const mapped = headings.map((h) => {
    const start = view.toNfc(h.start);
    return { start, length: view.toNfc(h.start + h.length) - start, level: h.level };
  });
  return Object.assign(view, { headings: mapped, sections: computeSections(view.text, mapped) });
}

/**
 * A stored text and its sections in NFC: unchanged (same objects) when the text is NFC already;
 * else section offsets are mapped with `toNfc` and titles and paths composed. For versions frozen
 * before frozen texts were NFC.
 */
export function nfcContent<S extends Section>(text: string, sections: readonly S[]): { text: string; sections: S[] } {
  const view = nfcView(text);
  if (view.identity) return { text, sections: [...sections] };
  return {
    text: view.text,
    sections: sections.map((s) => ({
      ...s,
      path: s.path.normalize('NFC'),
      title: s.title.normalize('NFC'),
      start: view.toNfc(s.start),
      end: view.toNfc(s.end),
    })),
  };
}

/**
 * How live text shows in the projection: one code unit for one (so offsets stay Yjs's). A lone
 * surrogate becomes U+FFFD (`toWellFormed` keeps length); C0 controls but tab and newline, DEL and
 * C1 controls become U+FFFD, except `\r`, `\v` and `\f`, which separate words and become a space.
 */
const LIVE_CONTROL = /[\u0000-\u0008\u000B-\u001F\u007F-\u009F]/;
const LIVE_CONTROLS = new RegExp(LIVE_CONTROL.source, 'g');

function projectLiveText(text: string): string {
  const wellFormed = text.isWellFormed() ? text : text.toWellFormed();
  if (!LIVE_CONTROL.test(wellFormed)) return wellFormed;
  return wellFormed.replace(LIVE_CONTROLS, (c) => (c === '\r' || c === '\v' || c === '\f' ? ' ' : '\uFFFD'));
}

/** Stands for a non-string item inside a Y.XmlText (an embed y-prosemirror never writes), so that
 * offsets keep matching Yjs's counting, where such an item has length 1. */
export const EMBED_PLACEHOLDER = '\uFFFC';

/**
 * Projects the fragment as it is now. Linear in the document's items; a projection is a snapshot
 * and must be recomputed after the document changes before it is used for mapping.
 */
export function projectFragment(fragment: Y.XmlFragment): Projection {
  const walker = new Walker();
  walker.container(fragment);
  walker.spans.set(fragment, { start: 0, end: walker.offset });
  const text = projectLiveText(walker.parts.join(''));
  const sections = computeSections(text, walker.headings);
  let nfc: NfcProjection | undefined;
  return {
    fragment,
    text,
    sections,
    headings: walker.headings,
    textblocks: walker.textblocks,
    spans: walker.spans,
    get nfc() {
      return (nfc ??= nfcProjection(text, walker.headings, sections));
    },
  };
}

/** The projected text alone (same rules as `projectFragment`). */
export function projectText(fragment: Y.XmlFragment): string {
  return projectFragment(fragment).text;
}

/** The heading level of an element's `level` attribute: an integer clamped to 1–3, 1 when absent
 * or not a number (a foreign client may write anything). */
export function headingLevelOf(element: Y.XmlElement): number {
  const raw = Number(element.getAttribute('level'));
  if (!Number.isFinite(raw)) return 1;
  return Math.min(MAX_HEADING_LEVEL, Math.max(1, Math.trunc(raw)));
}

class Walker {
  offset = 0;
  readonly parts: string[] = [];
  readonly headings: HeadingSpan[] = [];
  readonly textblocks: Textblock[] = [];
  readonly spans = new Map<YType, NodeSpan>();

  container(type: YType): void {
    for (let item = type._start; item !== null; item = item.right) {
      if (item.deleted || !(item.content instanceof Y.ContentType)) continue;
      const child = item.content.type;
      const start = this.offset;
      if (child instanceof Y.XmlElement && TEXTBLOCK_NAMES.has(child.nodeName)) {
        const block = this.textblock(child);
        this.spans.set(child, { start, end: this.offset, block });
      } else {
        // Lists, list items, blockquotes and unknown elements contribute their textblocks only;
        // text or hooks placed directly in a container contribute nothing.
        if (child instanceof Y.XmlElement) this.container(child);
        this.spans.set(child, { start, end: this.offset });
      }
    }
  }

  private textblock(element: Y.XmlElement): Textblock {
    const start = this.offset;
    const runs: TextRun[] = [];
    const breaks: HardBreak[] = [];
    let local = 0;
    let childIndex = 0;
    for (let item = element._start; item !== null; item = item.right) {
      if (item.deleted || !item.countable) continue;
      const child = item.content instanceof Y.ContentType ? item.content.type : null;
      if (child instanceof Y.XmlText) {
        const length = this.appendText(child);
        runs.push({ text: child, childIndex, offset: local, length });
        this.spans.set(child, { start: start + local, end: start + local + length });
        local += length;
      } else if (child !== null) {
        // Positions inside an inline element map to where it starts.
        this.spans.set(child, { start: start + local, end: start + local });
        if (child instanceof Y.XmlElement && child.nodeName === HARD_BREAK) {
          breaks.push({ element: child, childIndex, offset: local });
          this.parts.push('\n');
          local += 1;
        }
      }
      childIndex += item.length;
    }
    const level = element.nodeName === 'heading' ? headingLevelOf(element) : 0;
    if (level > 0) this.headings.push({ start, length: local, level });
    const block: Textblock = { element, start, length: local, level, runs, breaks };
    this.textblocks.push(block);
    this.parts.push('\n');
    this.offset = start + local + 1;
    return block;
  }

  private appendText(text: Y.XmlText): number {
    let length = 0;
    for (let item = text._start; item !== null; item = item.right) {
      if (item.deleted || !item.countable) continue; // formatting attributes are not countable
      if (item.content instanceof Y.ContentString) this.parts.push(item.content.str);
      else this.parts.push(EMBED_PLACEHOLDER.repeat(item.length));
      length += item.length;
    }
    return length;
  }
}
