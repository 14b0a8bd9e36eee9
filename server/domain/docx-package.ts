/**
 * Opening a Word file (.docx, an OPC zip package) safely, before anything reads its XML. Pure: bytes
 * in, the XML texts of the parts a reader needs out.
 *
 * The type is checked by content, never by name: a zip (fflate reads the central directory) whose
 * `[Content_Types].xml` declares a WordprocessingML main document, reached through the package
 * relationship `officeDocument` (`_rels/.rels`; `word/document.xml` when that is missing).
 * Refused, with `AppError('validation_failed')` and `extra.fileProblem` saying which:
 * - `legacy_or_encrypted`: an OLE compound file (Word 97–2003 `.doc`, or a `.docx` saved with a
 *   password, which Word wraps the same way);
 * - `not_docx`: not a zip, or a zip without a Word main document (an `.xlsx`, a renamed archive);
 * - `macros`: a macro-enabled document (`.docm` content type, or a `vbaProject.bin` part);
 * - `external_content`: a relationship with `TargetMode="External"` other than a hyperlink (a
 *   linked template, image, OLE object or subdocument would make Word fetch from elsewhere);
 * - `unreadable`: a part that does not decompress or is not UTF-8 / UTF-16 text.
 * Sizes, with `AppError('too_large')` (413) and `fileProblem`: `file_too_large` over
 * MAX_DOCX_BYTES; `unpacks_too_large` when a part this module reads declares more than
 * MAX_PART_BYTES, or together more than MAX_UNPACKED_BYTES (a zip bomb). Decompression never goes
 * past a part's declared size (fflate writes into a buffer of that size), so a lying header
 * yields a truncated part that then fails to parse, never an unbounded allocation.
 *
 * This is the app's one zip reader: the draft import (openDocxPackage), a member's Word file
 * (openDocxParts, word-imports.service.ts) and attachment types (listZipEntries + refuseZipBomb)
 * all open archives here, so sizes (413), damaged files and zip bombs are judged in one place.
 */
import { unzipSync, type UnzipFileInfo } from 'fflate';
import { DOMParser, type Document as XmlDocument } from '@xmldom/xmldom';
import { AppError } from '../errors.js';

/** Largest Word file accepted (API.md "Documents": ≤ 20 MiB). */
export const MAX_DOCX_BYTES = 20 * 1024 * 1024;
/** Largest single XML part read, uncompressed (a 600-page report's document.xml is ~30 MiB). */
export const MAX_PART_BYTES = 100 * 1024 * 1024;
/** Most uncompressed bytes read from one package in all. */
export const MAX_UNPACKED_BYTES = 160 * 1024 * 1024;

/** What is wrong with a refused Word file: problem+json `fileProblem` (the client words each). */
export const docxProblems = ['legacy_or_encrypted', 'not_docx', 'macros', 'external_content', 'unreadable', 'file_too_large', 'unpacks_too_large'] as const;
export type DocxProblem = (typeof docxProblems)[number];

const MAIN_TYPES = new Set([
  'application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml',
  'application/vnd.openxmlformats-officedocument.wordprocessingml.template.main+xml',
]);
const MACRO_TYPES = new Set(['application/vnd.ms-word.document.macroEnabled.main+xml', 'application/vnd.ms-word.template.macroEnabledTemplate.main+xml']);
const OFFICE_DOCUMENT = /\/officeDocument$/;
const HYPERLINK = /\/hyperlink$/;

/** The parts of a Word package that the draft import reads, parsed. */
export interface DocxPackage {
  /** The main document part (`w:document`). */
  readonly document: XmlDocument;
  /** `styles.xml` of the main part, when present. */
  readonly styles: XmlDocument | null;
  /** `numbering.xml` of the main part, when present. */
  readonly numbering: XmlDocument | null;
}

export function docxError(code: 'validation_failed' | 'too_large', problem: DocxProblem, message: string): AppError {
  return new AppError(code, message, { fileProblem: problem });
}

/**
 * A zip archive's directory: every entry's name and declared (uncompressed) size, read without
 * inflating anything; undefined when `bytes` is not a readable zip. The one zip lister of the app
 * (Word drafts, members' Word files, attachments).
 */
export function listZipEntries(bytes: Uint8Array): Map<string, UnzipFileInfo> | undefined {
  const entries = new Map<string, UnzipFileInfo>();
  try {
    unzipSync(bytes, {
      filter: (file) => {
        entries.set(file.name, file);
        return false;
      },
    });
  } catch {
    return undefined;
  }
  return entries;
}

/**
 * Refuses, with 413 `unpacks_too_large`, an archive one of whose entries declares more than
 * MAX_PART_BYTES or all together more than MAX_UNPACKED_BYTES: a zip bomb, judged from the
 * directory alone (for files that are kept, not read, like attachments).
 */
export function refuseZipBomb(entries: ReadonlyMap<string, UnzipFileInfo>): void {
  let total = 0;
  for (const entry of entries.values()) {
    total += entry.originalSize;
    if (entry.originalSize > MAX_PART_BYTES || total > MAX_UNPACKED_BYTES) throw unpacksTooLarge();
  }
}

/** A checked Word package whose parts are read on demand, each within the module's size limits. */
export interface DocxParts {
  /** The main document part's zip entry name (`word/document.xml` in files Word writes). */
  readonly mainPath: string;
  /** The main document part's text. */
  readonly main: string;
  /** The part the main part relates to by a type matching `type` (`/\/comments$/`): its entry name and text, or null. */
  related(type: RegExp): { path: string; text: string } | null;
}

/**
 * Checks `bytes` as a Word package (see the module comment for every refusal) and returns a reader
 * of its parts' texts; every part read counts against MAX_UNPACKED_BYTES for this opening.
 */
export function openDocxParts(bytes: Uint8Array): DocxParts {
  if (bytes.length > MAX_DOCX_BYTES) throw docxError('too_large', 'file_too_large', `the Word file is larger than ${MAX_DOCX_BYTES / 1024 / 1024} MiB`);
  if (bytes.length >= 8 && bytes[0] === 0xd0 && bytes[1] === 0xcf && bytes[2] === 0x11 && bytes[3] === 0xe0) {
    throw docxError('validation_failed', 'legacy_or_encrypted', 'this is an old Word file (.doc) or a password-protected one: save it in Word as .docx, without a password');
  }
  if (bytes.length < 4 || bytes[0] !== 0x50 || bytes[1] !== 0x4b) throw notDocx('the file is not a Word (.docx) file');

  const entries = listZipEntries(bytes);
  if (!entries) throw notDocx('the file is not a Word (.docx) file (not a readable zip archive)');
  const zip = new BoundedZip(bytes, entries);
  const contentTypes = parseXml(zip.text('[Content_Types].xml') ?? missing('[Content_Types].xml'), '[Content_Types].xml');
  const packageRels = zip.text('_rels/.rels');
  const mainPath = (packageRels && mainPartOf(parseXml(packageRels, '_rels/.rels'))) ?? 'word/document.xml';
  const mainType = contentTypeOf(contentTypes, mainPath);
  if (mainType && MACRO_TYPES.has(mainType)) throw docxError('validation_failed', 'macros', 'the Word file contains macros (.docm): save it as a plain .docx');
  if (!mainType || !MAIN_TYPES.has(mainType) || !zip.has(mainPath)) throw notDocx('the file is a zip archive but not a Word document');
  for (const name of zip.names()) {
    if (/(^|\/)vbaProject\.bin$/i.test(name)) throw docxError('validation_failed', 'macros', 'the Word file contains macros: save it as a plain .docx');
  }
  for (const name of zip.names()) {
    if (!name.endsWith('.rels')) continue;
    const rels = parseXml(zip.text(name)!, name);
    for (const rel of elements(rels.documentElement, 'Relationship')) {
      if (rel.getAttribute('TargetMode') === 'External' && !HYPERLINK.test(rel.getAttribute('Type') ?? '')) {
        throw docxError('validation_failed', 'external_content', 'the Word file links to content outside itself (a template, image or object): embed it or remove the link');
      }
    }
  }

  const mainRels = zip.text(relsPathOf(mainPath));
  const relations = mainRels ? elements(parseXml(mainRels, relsPathOf(mainPath)).documentElement, 'Relationship') : [];
  return {
    mainPath,
    main: zip.text(mainPath)!,
    related: (type) => {
      const rel = relations.find((r) => type.test(r.getAttribute('Type') ?? ''));
      const path = rel && resolveTarget(mainPath, rel.getAttribute('Target') ?? '');
      const text = path ? zip.text(path) : undefined;
      return path && text ? { path, text } : null;
    },
  };
}

/** Opens `bytes` as a Word package (see the module comment for every refusal) and parses the parts the draft import reads. */
export function openDocxPackage(bytes: Uint8Array): DocxPackage {
  const parts = openDocxParts(bytes);
  const parsed = (type: RegExp) => {
    const part = parts.related(type);
    return part ? parseXml(part.text, part.path) : null;
  };
  return { document: parseXml(parts.main, parts.mainPath), styles: parsed(/\/styles$/), numbering: parsed(/\/numbering$/) };
}

function notDocx(message: string): AppError {
  return docxError('validation_failed', 'not_docx', message);
}

function missing(part: string): never {
  throw notDocx(`the file is not a Word (.docx) file (no ${part})`);
}

function unpacksTooLarge(): AppError {
  return docxError('too_large', 'unpacks_too_large', `the file unpacks to more than ${MAX_UNPACKED_BYTES / 1024 / 1024} MiB`);
}

/** One opening of an archive: parts read by name (case-insensitively), their declared sizes summed. */
class BoundedZip {
  private unpacked = 0;
  constructor(
    private readonly bytes: Uint8Array,
    private readonly entries: Map<string, UnzipFileInfo>,
  ) {}

  names(): IterableIterator<string> {
    return this.entries.keys();
  }

  has(name: string): boolean {
    return this.find(name) !== undefined;
  }

  /** One part's text, or undefined when there is no such part; bounded as the module says. */
  text(name: string): string | undefined {
    const entry = this.find(name);
    if (!entry) return undefined;
    this.unpacked += entry.originalSize;
    if (entry.originalSize > MAX_PART_BYTES || this.unpacked > MAX_UNPACKED_BYTES) throw unpacksTooLarge();
    let data: Uint8Array | undefined;
    try {
      data = unzipSync(this.bytes, { filter: (file) => file.name === entry.name })[entry.name];
    } catch {
      data = undefined;
    }
    if (!data) throw docxError('validation_failed', 'unreadable', `the Word file is damaged (${name} cannot be unpacked)`);
    return decodeXmlText(data, name);
  }

  private find(name: string): UnzipFileInfo | undefined {
    return this.entries.get(name) ?? [...this.entries.values()].find((e) => e.name.toLowerCase() === name.toLowerCase());
  }
}

/** XML parts are UTF-8 or UTF-16 (with a byte order mark), as XML 1.0 and OPC allow. */
function decodeXmlText(data: Uint8Array, name: string): string {
  const encoding = data[0] === 0xff && data[1] === 0xfe ? 'utf-16le' : data[0] === 0xfe && data[1] === 0xff ? 'utf-16be' : 'utf-8';
  try {
    return new TextDecoder(encoding, { fatal: true }).decode(data);
  } catch {
    throw docxError('validation_failed', 'unreadable', `the Word file is damaged (${name} is not valid text)`);
  }
}

/** Parses one XML part; malformed XML (or a DOCTYPE, which no Office part has) is refused. */
export function parseXml(text: string, name: string): XmlDocument {
  const fail = () => docxError('validation_failed', 'unreadable', `the Word file is damaged (${name} is not well-formed XML)`);
  // Anywhere, not only at the top (comments may come first); in well-formed text a literal "<!"
  // can only stand in a comment or CDATA, which Office parts do not use.
  if (text.includes('<!DOCTYPE') || text.includes('<!ENTITY')) throw fail();
  try {
    const doc = new DOMParser({
      onError: (level) => {
        if (level !== 'warning') throw fail();
      },
    }).parseFromString(text, 'text/xml');
    if (!doc.documentElement) throw fail();
    return doc;
  } catch (error) {
    if (error instanceof AppError) throw error;
    throw fail();
  }
}

/** Child elements of `parent` with local name `name`, in order. */
export function elements(parent: { childNodes: ArrayLike<unknown> } | null, name?: string): XmlElement[] {
  const out: XmlElement[] = [];
  if (!parent) return out;
  for (let i = 0; i < parent.childNodes.length; i++) {
    const node = parent.childNodes[i] as XmlElement;
    if (node.nodeType === 1 && (name === undefined || node.localName === name)) out.push(node);
  }
  return out;
}

export type XmlElement = NonNullable<XmlDocument['documentElement']>;

function mainPartOf(rels: XmlDocument): string | undefined {
  const rel = elements(rels.documentElement, 'Relationship').find((r) => OFFICE_DOCUMENT.test(r.getAttribute('Type') ?? ''));
  const target = rel?.getAttribute('Target');
  return target ? resolveTarget('', target) : undefined;
}

function contentTypeOf(types: XmlDocument, path: string): string | undefined {
  const all = elements(types.documentElement);
  const override = all.find((e) => e.localName === 'Override' && (e.getAttribute('PartName') ?? '').replace(/^\//, '').toLowerCase() === path.toLowerCase());
  if (override) return override.getAttribute('ContentType') ?? undefined;
  const extension = path.slice(path.lastIndexOf('.') + 1).toLowerCase();
  return all.find((e) => e.localName === 'Default' && (e.getAttribute('Extension') ?? '').toLowerCase() === extension)?.getAttribute('ContentType') ?? undefined;
}

function relsPathOf(part: string): string {
  const slash = part.lastIndexOf('/');
  return `${part.slice(0, slash + 1)}_rels/${part.slice(slash + 1)}.rels`;
}

/** A relationship target (relative to the source part's folder, or absolute from the root) as a zip entry name. */
function resolveTarget(source: string, target: string): string {
  const base = target.startsWith('/') ? [] : source.split('/').slice(0, -1);
  for (const piece of target.replace(/^\//, '').split('/')) {
    if (piece === '..') base.pop();
    else if (piece !== '.' && piece !== '') base.push(piece);
  }
  return base.join('/');
}
