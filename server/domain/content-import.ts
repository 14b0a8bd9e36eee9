/**
 * Initial content of a draft: plain text, Markdown or ProseMirror JSON → the document's
 * `Y.XmlFragment('default')`. Every format goes through ProseMirror JSON, is cleaned
 * (text-normal.ts `cleanText`: controls removed, lone surrogates → U+FFFD, NFC), bounded, validated
 * against the draft schema and written by y-prosemirror, so an imported draft is exactly what a
 * Tiptap editor would have produced.
 */
import * as Y from 'yjs';
import { Node as ProseMirrorNode } from 'prosemirror-model';
import { prosemirrorToYXmlFragment } from 'y-prosemirror';
import { AppError } from '../errors.js';
import { documentSchema, HARD_BREAK, TEXTBLOCK_NAMES } from './document-schema.js';
import { docxError, MAX_DOCX_BYTES, openDocxPackage } from './docx-package.js';
import { docxToProseMirrorJSON } from './docx-to-prosemirror.js';
import { markdownToProseMirrorJSON, type ProseMirrorJSON } from './markdown-to-prosemirror.js';
import { cleanText } from './text-normal.js';

export type { ProseMirrorJSON } from './markdown-to-prosemirror.js';

/** Longest plain-text projection (UTF-16 code units) an imported draft may have (~600 pages). */
export const MAX_PROJECTION_LENGTH = 2_000_000;
/** Most nodes an imported document may have (a 100-page report has a few thousand). */
export const MAX_NODES = 200_000;
/** Deepest nesting of nodes (lists in lists in quotes …). */
export const MAX_DEPTH = 32;
/** Longest source string accepted before parsing; markup makes sources longer than their text. */
export const MAX_SOURCE_LENGTH = 4 * MAX_PROJECTION_LENGTH;

export type ContentFormat = 'text' | 'markdown' | 'prosemirror' | 'docx';

export interface ContentInput {
  format: ContentFormat;
  /** A string (for `docx` the file in base64); for `prosemirror` also the parsed JSON object. */
  value: string | object;
}

/** Longest base64 text of a Word file of MAX_DOCX_BYTES (padding included). */
export const MAX_DOCX_BASE64_LENGTH = Math.ceil(MAX_DOCX_BYTES / 3) * 4;

/**
 * Fills `doc.getXmlFragment('default')`, which must be empty (else `AppError('conflict')`), in one
 * Yjs transaction. Formats:
 * - `text`: each line (split at \n, \r\n or \r) with non-whitespace characters becomes a paragraph,
 *   verbatim; blank and whitespace-only lines only separate paragraphs and produce nothing;
 * - `markdown`: see markdownToProseMirrorJSON;
 * - `prosemirror`: a `doc` in the draft schema's names (document-schema.ts), as an object or a JSON
 *   string; unknown attributes are dropped, anything else invalid is refused;
 * - `docx`: a Word file in base64 (docx-package.ts opens it, docx-to-prosemirror.ts reads it);
 *   not base64 → `validation_failed`, over MAX_DOCX_BYTES → `too_large`, both with
 *   `extra.fileProblem` like every refusal of the file itself.
 * Empty text or Markdown gives one empty paragraph (the schema needs a block). All text is
 * cleaned (`cleanText`); a text node left empty by cleaning is dropped, and a newline inside a
 * ProseMirror text node becomes a hard break (the projection reads the same, the editor shows it).
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
  if (format === 'docx') return docxToProseMirrorJSON(openDocxPackage(decodeBase64(requireString(value, format))));
  if (typeof value === 'string' && value.length > MAX_SOURCE_LENGTH) {
    throw new AppError('too_large', `content is longer than ${MAX_SOURCE_LENGTH} characters`);
  }
  switch (format) {
    case 'text':
      return textToProseMirrorJSON(cleanText(requireString(value, format)));
    case 'markdown':
      return markdownToProseMirrorJSON(cleanText(requireString(value, format)));
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

/**
 * Refuses (`too_large`, `fileProblem: file_too_large`) base64 too long to hold a Word file of
 * MAX_DOCX_BYTES even with MIME line breaks: checked before decoding (or sending the text to a
 * worker), since decoding a far larger value only to refuse it would waste memory and time.
 */
export function refuseLongDocxBase64(value: string): void {
  if (value.length > MAX_DOCX_BASE64_LENGTH + Math.ceil(MAX_DOCX_BASE64_LENGTH / 76) * 2) {
    throw docxError('too_large', 'file_too_large', `the Word file is larger than ${MAX_DOCX_BYTES / 1024 / 1024} MiB`);
  }
}

/** Standard base64 (RFC 4648 §4, padding optional, whitespace ignored) → bytes, refusing anything else. */
function decodeBase64(value: string): Uint8Array {
  refuseLongDocxBase64(value);
  const compact = /\s/.test(value) ? value.replace(/\s+/g, '') : value;
  // Node's decoder skips what is not base64; encoding back tells whether anything was skipped
  // (a character-class regex over 28 MB takes most of a second, this a few milliseconds).
  const bytes = Buffer.from(compact, 'base64');
  const unpadded = compact.replace(/=+$/, '');
  if (compact.length - unpadded.length > 2 || bytes.toString('base64').replace(/=+$/, '') !== unpadded) {
    throw new AppError('validation_failed', 'docx content must be the file in base64', { fileProblem: 'not_docx' });
  }
  return bytes;
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
 * A copy of ProseMirror JSON with every text cleaned (see importContent), after checking its shape, node and
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
      node.text = cleanText(raw.text);
      if (inTextblock) projected += node.text.length;
    }
    const isTextblock = TEXTBLOCK_NAMES.has(type);
    if (isTextblock || (type === HARD_BREAK && inTextblock)) projected += 1;
    if (projected > MAX_PROJECTION_LENGTH) throw new AppError('too_large', `text is longer than ${MAX_PROJECTION_LENGTH} characters`);
    if (raw.content !== undefined) {
      if (!Array.isArray(raw.content)) throw invalid(where, 'has "content" that is not an array');
      node.content = raw.content.flatMap((child, i) => splitText(visit(child, `${where}.content[${i}]`, depth + 1, isTextblock)));
    }
    return node;
  };
  const doc = visit(input, 'doc', 0, false);
  if (doc.type !== 'doc') throw invalid('doc', `must have type "doc", not ${JSON.stringify(doc.type)}`);
  return doc;
}

/** A cleaned text node as inline nodes: none when cleaning emptied it; its lines joined by hard
 * breaks (each `\n` counts one in the projection either way). */
function splitText(node: ProseMirrorJSON): ProseMirrorJSON[] {
  if (node.type !== 'text' || node.text === undefined) return [node];
  if (!node.text.includes('\n')) return node.text === '' ? [] : [node];
  const out: ProseMirrorJSON[] = [];
  node.text.split('\n').forEach((line, i) => {
    if (i > 0) out.push({ type: HARD_BREAK });
    if (line !== '') out.push({ ...node, text: line });
  });
  return out;
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
