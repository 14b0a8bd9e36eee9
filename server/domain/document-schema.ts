/**
 * The ProseMirror schema of a draft: the subset of Tiptap's StarterKit that draftroom documents
 * use, with StarterKit's node and mark names, so a Tiptap editor with the Collaboration extension
 * and this schema read the same `Y.XmlFragment('default')`.
 *
 * Shared by the server (content import validation) and the web client: it imports nothing but
 * prosemirror-model and carries no DOM rendering rules (Tiptap brings its own).
 */
import { Schema, type NodeSpec, type MarkSpec } from 'prosemirror-model';

/** Heading levels a draft knows; Markdown `####` and deeper import as the last one. */
export const HEADING_LEVELS = [1, 2, 3] as const;
export const MAX_HEADING_LEVEL = 3;

/** The nodes that hold text and so contribute to the plain-text projection. */
export const TEXTBLOCK_NAMES: ReadonlySet<string> = new Set(['paragraph', 'heading']);

function validateLevel(value: unknown): void {
  if (typeof value !== 'number' || !Number.isInteger(value) || value < 1 || value > MAX_HEADING_LEVEL) {
    throw new RangeError(`heading level must be an integer from 1 to ${MAX_HEADING_LEVEL}, got ${JSON.stringify(value)}`);
  }
}

function validateStart(value: unknown): void {
  if (typeof value !== 'number' || !Number.isInteger(value) || value < 0) {
    throw new RangeError(`orderedList start must be a non-negative integer, got ${JSON.stringify(value)}`);
  }
}

const nodes: Record<string, NodeSpec> = {
  doc: { content: 'block+' },
  paragraph: { content: 'inline*', group: 'block' },
  heading: {
    content: 'inline*',
    group: 'block',
    defining: true,
    attrs: { level: { default: 1, validate: validateLevel } },
  },
  blockquote: { content: 'block+', group: 'block', defining: true },
  bulletList: { content: 'listItem+', group: 'block list' },
  orderedList: {
    content: 'listItem+',
    group: 'block list',
    attrs: { start: { default: 1, validate: validateStart } },
  },
  // As in Tiptap: an item starts with a paragraph and may continue with any blocks (nested lists).
  listItem: { content: 'paragraph block*', defining: true },
  text: { group: 'inline' },
  hardBreak: { inline: true, group: 'inline', selectable: false },
};

const marks: Record<string, MarkSpec> = {
  bold: {},
  italic: {},
};

/** The draft schema. Node names: doc, paragraph, heading{level 1..3}, blockquote, bulletList,
 * orderedList{start}, listItem, text, hardBreak; marks: bold, italic. */
export const documentSchema = new Schema({ nodes, marks });
