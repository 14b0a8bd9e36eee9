/**
 * The plain-text projection of a draft (DESIGN.md, "The document model"), defined once here.
 *
 * Every textblock (`paragraph` or `heading`, wherever nested in lists and blockquotes) contributes
 * the text of its Y.XmlText children followed by `\n`; nothing else contributes characters (list
 * markers, quotes, hard breaks and other inline elements add nothing). Offsets are UTF-16 code
 * units, the unit Yjs counts in, so an offset inside a textblock is the Yjs offset inside its
 * Y.XmlText plus where that run starts. Nothing is normalised here: text is NFC-normalised on the
 * way in (content-import.ts and API callers), and normalising here would shift offsets.
 *
 * Mapping between offsets and Y.RelativePositions lives in projection-positions.ts and is
 * re-exported from this module.
 */
import * as Y from 'yjs';
import { TEXTBLOCK_NAMES, MAX_HEADING_LEVEL } from './document-schema.js';
import { computeSections, type HeadingSpan, type Section } from './sections.js';

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

/** A paragraph or heading: its text is `projection.text.slice(start, start + length)`, then `\n`. */
export interface Textblock {
  readonly element: Y.XmlElement;
  readonly start: number;
  readonly length: number;
  /** 0 for a paragraph, 1–3 for a heading. */
  readonly level: number;
  /** The Y.XmlText children in order (inline elements between them contribute nothing). */
  readonly runs: readonly TextRun[];
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
  readonly spans: ReadonlyMap<Y.AbstractType<any>, NodeSpan>;
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
  const text = walker.parts.join('');
  return {
    fragment,
    text,
    sections: computeSections(text, walker.headings),
    headings: walker.headings,
    textblocks: walker.textblocks,
    spans: walker.spans,
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
  readonly spans = new Map<Y.AbstractType<any>, NodeSpan>();

  container(type: Y.AbstractType<any>): void {
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
        // Inline elements (hardBreak) contribute nothing; positions inside them map to here.
        this.spans.set(child, { start: start + local, end: start + local });
      }
      childIndex += item.length;
    }
    const level = element.nodeName === 'heading' ? headingLevelOf(element) : 0;
    if (level > 0) this.headings.push({ start, length: local, level });
    const block: Textblock = { element, start, length: local, level, runs };
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
