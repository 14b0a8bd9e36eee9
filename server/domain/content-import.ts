/**
 * Initial content of a draft: plain text, Markdown or ProseMirror JSON → the document's
 * `Y.XmlFragment('default')`. Every format goes through ProseMirror JSON, is NFC-normalised,
 * bounded, validated against the draft schema and written by y-prosemirror, so an imported draft
 * is exactly what a Tiptap editor would have produced.
 */
import * as Y from 'yjs';
import { Node as ProseMirrorNode } from 'prosemirror-model';
import { prosemirrorToYXmlFragment } from 'y-prosemirror';
import { AppError } from '../errors.js';
import { documentSchema, TEXTBLOCK_NAMES } from './document-schema.js';
import { markdownToProseMirrorJSON, type ProseMirrorJSON } from './markdown-to-prosemirror.js';

export type { ProseMirrorJSON } from './markdown-to-prosemirror.js';

/** Longest plain-text projection (UTF-16 code units) an imported draft may have (~600 pages). */
export const MAX_PROJECTION_LENGTH = 2_000_000;
/** Most nodes an imported document may have (a 100-page report has a few thousand). */
export const MAX_NODES = 200_000;
/** Deepest nesting of nodes (lists in lists in quotes …). */
export const MAX_DEPTH = 32;
/** Longest source string accepted before parsing; markup makes sources longer than their text. */
export const MAX_SOURCE_LENGTH = 4 * MAX_PROJECTION_LENGTH;

export type ContentFormat = 'text' | 'markdown' | 'prosemirror';

export interface ContentInput {
  format: ContentFormat;
  /** A string; for `prosemirror` also the parsed JSON object. */
  value: string | object;
}

/**
 * Fills `doc.getXmlFragment('default')`, which must be empty (else `AppError('conflict')`), in one
 * Yjs transaction. Formats:
 * - `text`: each line (split at \n, \r\n or \r) with non-whitespace characters becomes a paragraph,
 *   verbatim; blank and whitespace-only lines only separate paragraphs and produce nothing;
 * - `markdown`: see markdownToProseMirrorJSON;
 * - `prosemirror`: a `doc` in the draft schema's names (document-schema.ts), as an object or a JSON
 *   string; unknown attributes are dropped, anything else invalid is refused.
 * Empty text or Markdown gives one empty paragraph (the schema needs a block). All text is NFC.
 * Refusals: `validation_failed` (malformed or schema-invalid input, saying what is wrong),
 * `too_large` (projection over MAX_PROJECTION_LENGTH, more than MAX_NODES nodes, nesting deeper
 * than MAX_DEPTH, or a source longer than MAX_SOURCE_LENGTH). Nothing is written when refused.
 */
export function importContent(doc: Y.Doc, content: ContentInput): void {
  const node = contentToProseMirrorNode(content);
  const fragment = doc.getXmlFragment('default');
  if (fragment.length > 0) throw new AppError('conflict', 'the document already has content');
  doc.transact(() => {
    prosemirrorToYXmlFragment(node, fragment);
  });
}

/** Parses, normalises, bounds and validates content without touching a document. */
export function contentToProseMirrorNode(content: ContentInput): ProseMirrorNode {
  const json = normalisedJSON(contentToJSON(content));
  try {
    const node = ProseMirrorNode.fromJSON(documentSchema, json);
    node.check();
    return node;
  } catch (error) {
    const reason = error instanceof Error ? error.message : String(error);
    throw new AppError('validation_failed', `invalid document: ${reason}`);
  }
}

function contentToJSON({ format, value }: ContentInput): unknown {
  if (typeof value === 'string' && value.length > MAX_SOURCE_LENGTH) {
    throw new AppError('too_large', `content is longer than ${MAX_SOURCE_LENGTH} characters`);
  }
  switch (format) {
    case 'text':
      return textToProseMirrorJSON(requireString(value, format).normalize('NFC'));
    case 'markdown':
      return markdownToProseMirrorJSON(requireString(value, format).normalize('NFC'));
    case 'prosemirror':
      if (typeof value !== 'string') return value;
      try {
        return JSON.parse(value) as unknown;
      } catch {
        throw new AppError('validation_failed', 'prosemirror content is not valid JSON');
      }
    default:
      throw new AppError('validation_failed', `unknown content format ${JSON.stringify(format)}`);
  }
}

function requireString(value: unknown, format: string): string {
  if (typeof value !== 'string') throw new AppError('validation_failed', `${format} content must be a string`);
  return value;
}

/** Plain text → paragraphs, one per non-blank line (see importContent). */
export function textToProseMirrorJSON(text: string): ProseMirrorJSON {
  const content: ProseMirrorJSON[] = [];
  for (const line of text.split(/\r\n|\r|\n/)) {
    if (line.trim() !== '') content.push({ type: 'paragraph', content: [{ type: 'text', text: line }] });
  }
  if (content.length === 0) content.push({ type: 'paragraph' });
  return { type: 'doc', content };
}

/**
 * A copy of ProseMirror JSON with every text NFC-normalised, after checking its shape, node and
 * mark names and limits; errors name where (`content[2].content[0]`). Counts the projection as
 * projection.ts defines it (textblock text + 1) so oversized input is refused before any Yjs work.
 */
function normalisedJSON(input: unknown): ProseMirrorJSON {
  let nodes = 0;
  let projected = 0;
  const visit = (value: unknown, where: string, depth: number, inTextblock: boolean): ProseMirrorJSON => {
    if (depth > MAX_DEPTH) throw new AppError('too_large', `nesting deeper than ${MAX_DEPTH} at ${where}`);
    if (++nodes > MAX_NODES) throw new AppError('too_large', `more than ${MAX_NODES} nodes`);
    if (typeof value !== 'object' || value === null || Array.isArray(value)) throw invalid(where, 'is not a node object');
    const raw = value as Record<string, unknown>;
    const type = raw.type;
    if (typeof type !== 'string') throw invalid(where, 'has no "type" string');
    if (!Object.hasOwn(documentSchema.nodes, type)) throw invalid(where, `has unknown node type ${JSON.stringify(type)}`);
    const node: ProseMirrorJSON = { type };
    if (raw.attrs !== undefined) {
      if (typeof raw.attrs !== 'object' || raw.attrs === null || Array.isArray(raw.attrs)) throw invalid(where, 'has "attrs" that is not an object');
      node.attrs = raw.attrs as Record<string, unknown>;
    }
    if (raw.marks !== undefined) node.marks = checkMarks(raw.marks, where);
    if (type === 'text') {
      if (typeof raw.text !== 'string' || raw.text === '') throw invalid(where, 'is a text node without text');
      node.text = raw.text.normalize('NFC');
      if (inTextblock) projected += node.text.length;
    }
    const isTextblock = TEXTBLOCK_NAMES.has(type);
    if (isTextblock) projected += 1;
    if (projected > MAX_PROJECTION_LENGTH) throw new AppError('too_large', `text is longer than ${MAX_PROJECTION_LENGTH} characters`);
    if (raw.content !== undefined) {
      if (!Array.isArray(raw.content)) throw invalid(where, 'has "content" that is not an array');
      node.content = raw.content.map((child, i) => visit(child, `${where}.content[${i}]`, depth + 1, isTextblock));
    }
    return node;
  };
  const doc = visit(input, 'doc', 0, false);
  if (doc.type !== 'doc') throw invalid('doc', `must have type "doc", not ${JSON.stringify(doc.type)}`);
  return doc;
}

function checkMarks(marks: unknown, where: string): { type: string }[] {
  if (!Array.isArray(marks)) throw invalid(where, 'has "marks" that is not an array');
  return marks.map((mark, i) => {
    const type = typeof mark === 'object' && mark !== null ? (mark as Record<string, unknown>).type : undefined;
    if (typeof type !== 'string' || !Object.hasOwn(documentSchema.marks, type)) {
      throw invalid(`${where}.marks[${i}]`, `is not a known mark (${Object.keys(documentSchema.marks).join(', ')})`);
    }
    return { type };
  });
}

function invalid(where: string, problem: string): AppError {
  return new AppError('validation_failed', `invalid document: ${where} ${problem}`);
}
