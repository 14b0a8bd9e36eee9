/**
 * A seeded editing trace: keystrokes as a person drafting makes them, applied to a Y.Doc shaped
 * like the editor's (`default` XmlFragment of paragraphs and headings, each with one XmlText).
 * It types words (taken from the Vietnamese draft fixture), makes typos and backspaces over
 * them, splits paragraphs with Enter, joins them with a backspace at a paragraph's start, and
 * jumps to other paragraphs. Every keystroke is one Yjs transaction, hence one update; cursor
 * jumps produce no update and are not counted as keystrokes.
 */
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import * as Y from 'yjs';
import { seededRandom } from './random.js';

export const fixturePath = fileURLToPath(new URL('../../server/demo/draft-political-report.vi.md', import.meta.url));

/** The draft fixture as Markdown, repeated until it holds at least `minChars` characters. */
export function fixtureMarkdown(minChars = 0): string {
  const one = readFileSync(fixturePath, 'utf8');
  const parts = [one];
  let length = one.length;
  while (length < minChars) {
    parts.push(one);
    length += one.length + 2;
  }
  return parts.join('\n\n');
}

const words = readFileSync(fixturePath, 'utf8')
  .normalize('NFC')
  .split(/\s+/)
  .filter((w) => w.length > 0 && !w.startsWith('#'));

const isTextblock = (node: unknown): node is Y.XmlElement =>
  node instanceof Y.XmlElement && (node.nodeName === 'paragraph' || node.nodeName === 'heading');

/** The characters of an XmlText without formatting (its toString() renders marks as tags). */
function plainText(text: Y.XmlText): string {
  return (text.toDelta() as Array<{ insert: unknown }>).map((d) => (typeof d.insert === 'string' ? d.insert : '\uFFFC')).join('');
}

export interface TraceStats {
  keystrokes: number;
  typed: number;
  backspaces: number;
  enters: number;
  joins: number;
  jumps: number;
}

/**
 * Drives keystrokes on `doc`. Call `next()` once per keystroke; it performs exactly one
 * transaction (one update). The doc must hold at least one top-level textblock, or gets one.
 */
export class DraftingTrace {
  readonly stats: TraceStats = { keystrokes: 0, typed: 0, backspaces: 0, enters: 0, joins: 0, jumps: 0 };
  private readonly random: () => number;
  private readonly fragment: Y.XmlFragment;
  private element!: Y.XmlElement;
  private offset = 0;
  private pending = '';
  /** Characters still to erase in a typo-correction run. */
  private erase = 0;

  constructor(private readonly doc: Y.Doc, seed: number) {
    this.random = seededRandom(seed);
    this.fragment = doc.getXmlFragment('default');
    if (!this.fragment.toArray().some(isTextblock)) {
      doc.transact(() => this.fragment.insert(this.fragment.length, [new Y.XmlElement('paragraph')]));
    }
    this.jump();
  }

  /** One keystroke (one transaction). */
  next(): void {
    const r = this.random();
    // Now and then the author moves to another paragraph first (no update of its own).
    if (r < 0.004) this.jump();
    this.stats.keystrokes++;
    if (this.erase > 0) {
      this.erase--;
      this.backspace();
      return;
    }
    const choice = this.random();
    if (choice < 0.012 && this.offset > 0) return this.enter();
    if (choice < 0.04) {
      // A typo noticed: erase 1–6 characters (the next keystrokes) and retype.
      this.erase = Math.floor(this.random() * 6);
      return this.backspace();
    }
    this.type();
  }

  private blocks(): Y.XmlElement[] {
    return this.fragment.toArray().filter(isTextblock);
  }

  private textOf(element: Y.XmlElement): Y.XmlText {
    const first = element.get(0);
    if (first instanceof Y.XmlText) return first;
    const text = new Y.XmlText();
    element.insert(0, [text]);
    return text;
  }

  private current(): Y.XmlElement {
    return this.element;
  }

  private jump(): void {
    const blocks = this.blocks();
    const element = blocks[Math.floor(this.random() * blocks.length)]!;
    this.element = element;
    const first = element.get(0);
    const length = first instanceof Y.XmlText ? first.length : 0;
    // Usually the end of the paragraph (continuing it), sometimes somewhere inside.
    this.offset = this.random() < 0.5 ? length : Math.floor(this.random() * (length + 1));
    this.pending = '';
    this.stats.jumps++;
  }

  private type(): void {
    if (this.pending.length === 0) this.pending = `${words[Math.floor(this.random() * words.length)]} `;
    // One keystroke types one character (a code point: Vietnamese letters are precomposed, NFC).
    const ch = String.fromCodePoint(this.pending.codePointAt(0)!);
    this.pending = this.pending.slice(ch.length);
    const element = this.current();
    this.doc.transact(() => {
      const text = this.textOf(element);
      this.offset = Math.min(this.offset, text.length);
      text.insert(this.offset, ch);
    });
    this.offset += ch.length;
    this.stats.typed++;
  }

  private backspace(): void {
    const element = this.current();
    if (this.offset === 0) return this.join();
    this.doc.transact(() => {
      const text = this.textOf(element);
      this.offset = Math.min(this.offset, text.length);
      // Never split a surrogate pair.
      const before = plainText(text).charCodeAt(this.offset - 1);
      const width = before >= 0xdc00 && before <= 0xdfff && this.offset >= 2 ? 2 : 1;
      text.delete(this.offset - width, width);
      this.offset -= width;
    });
    this.stats.backspaces++;
  }

  /** Enter: the text after the cursor moves to a new paragraph below, where the cursor goes. */
  private enter(): void {
    const element = this.current();
    const index = this.fragment.toArray().indexOf(element);
    this.doc.transact(() => {
      const text = this.textOf(element);
      this.offset = Math.min(this.offset, text.length);
      const rest = plainText(text).slice(this.offset);
      if (rest.length > 0) text.delete(this.offset, rest.length);
      const paragraph = new Y.XmlElement('paragraph');
      paragraph.insert(0, [new Y.XmlText(rest)]);
      this.fragment.insert(index + 1, [paragraph]);
      this.element = paragraph;
    });
    this.offset = 0;
    this.stats.enters++;
  }

  /** Backspace at a paragraph's start: it joins the textblock before it (or does nothing). */
  private join(): void {
    const element = this.current();
    const index = this.fragment.toArray().indexOf(element);
    const previous = index > 0 ? this.fragment.get(index - 1) : undefined;
    if (!isTextblock(previous)) {
      // Nothing to join: the keystroke types instead, so every keystroke still makes one update.
      return this.type();
    }
    this.doc.transact(() => {
      const into = this.textOf(previous);
      const moved = plainText(this.textOf(element));
      this.offset = into.length;
      if (moved.length > 0) into.insert(into.length, moved);
      this.fragment.delete(index, 1);
    });
    this.element = previous;
    this.stats.joins++;
  }
}
