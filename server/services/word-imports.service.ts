/**
 * A member's Word file becomes their annotations (API.md `POST /rounds/:roundId/imports`): each
 * Word comment a `comment` on the passage it marks, each tracked change a `suggestion`, found in
 * the round's base version by quote and context (fuzzy-quote.ts, the re-anchoring matcher). What
 * cannot be placed becomes a comment on its section (or the whole draft) that keeps the quoted
 * text. Every annotation is written through AnnotationsService.createMany (upsert's checks), so permissions, recording
 * on behalf, text hygiene, events and idempotency are those of a typed comment; ids are derived
 * from what the file says (its text and marks), so the same file again creates nothing.
 */
import { createHash } from 'node:crypto';
import { detectAttachmentType, MAX_ATTACHMENT_BYTES } from '../domain/attachment-types.js';
import { matchQuote } from '../domain/fuzzy-quote.js';
import { CONTEXT_LENGTH } from '../domain/anchoring.js';
import { openDocxParts, type DocxProblem } from '../domain/docx-package.js';
import { sectionAt } from '../domain/projection.js';
import type { Section } from '../domain/sections.js';
import type { AnnotationSource } from '../domain/vocabulary.js';
import { readWordReview, type WordReviewItem } from '../domain/word-review.js';
import { AppError, invalid } from '../errors.js';
import { maxBodyLength } from './annotation-input.js';
import type { AnnotationInput, AnnotationsService, Author } from './annotations.service.js';
import type { WordImportResult } from '../http/schemas/annotations.js';
import type { RoundsService } from './rounds.service.js';
import type { VersionDocs } from './version-docs.js';

export interface WordImportInput {
  filename: string;
  dataBase64: string;
  onBehalfOf?: AnnotationInput['onBehalfOf'];
  source?: AnnotationSource | undefined;
}

/** What the Word reader refuses that this endpoint answers 415 for, as the attachment check does (macros are caught there first). */
const unsupportedProblems = new Set<DocxProblem>(['macros', 'external_content']);

export class WordImportsService {
  constructor(
    private readonly annotations: AnnotationsService,
    private readonly rounds: RoundsService,
    private readonly versions: VersionDocs,
  ) {}

  /**
   * Reads the file and writes its annotations. `created` lists those new in this call (none when
   * the same file was imported before); `unplaced` counts the items that became section or
   * document comments. Errors before anything is written: 400 not base64 or not readable as a
   * DOCX, 413 over 10 MiB or a zip bomb (docx-package.ts's limits), 415 not a Word file (a renamed
   * file, macros, external content), and the annotation write's own (403, 404, 409).
   */
  async importFile(actor: Author, roundId: string, input: WordImportInput): Promise<WordImportResult> {
    const { round, document } = await this.rounds.visibleRound(actor, roundId);
    const data = decode(input.dataBase64);
    if (!detectAttachmentType(data).includes('wordprocessingml')) throw new AppError('unsupported_media_type', 'only a Word (DOCX) file can be imported as comments');
    const review = readFile(data);
    const { text, sections } = await this.versions.content(document.id, round.baseVersion);
    // What the file says, not its bytes: Word re-saving the same marks (new timestamps) is the same file.
    const fileHash = createHash('sha256').update(JSON.stringify(review)).digest('hex');
    const speaker = input.onBehalfOf ? ('memberId' in input.onBehalfOf ? input.onBehalfOf.memberId : `group:${input.onBehalfOf.group.name}`) : actor.memberId;
    const scale = review.text.length > 0 ? text.length / review.text.length : 0;

    const writes = review.items.map((item, index) => {
      const placed = place(item, review.text, text, scale);
      const write = placed ? asPassage(item, placed) : asGeneral(item, review.text, text, sections);
      const scope = 'scope' in write.anchor && write.anchor.scope ? write.anchor.scope : 'passage';
      if (write.body.length > maxBodyLength[scope]) {
        throw new AppError('too_large', `comment ${index + 1} of the file is longer than an annotation may be`);
      }
      return { id: derivedId(`${roundId}:${speaker}:${fileHash}:${index}`), placed: placed !== null, write };
    });

    const extra = { ...(input.onBehalfOf ? { onBehalfOf: input.onBehalfOf } : {}), ...(input.source ? { source: input.source } : {}) };
    const created = await this.annotations.createMany(
      actor,
      roundId,
      writes.map(({ id, write }) => ({ id, input: { ...write, ...extra } })),
    );
    return { created, unplaced: writes.filter((w) => !w.placed).length };
  }
}

function decode(dataBase64: string): Uint8Array {
  const encoded = dataBase64.replace(/\s+/g, '');
  if (encoded.length === 0 || encoded.length % 4 !== 0 || !/^[A-Za-z0-9+/]*={0,2}$/.test(encoded)) throw invalid('dataBase64 is not base64');
  if ((encoded.length / 4) * 3 > MAX_ATTACHMENT_BYTES + 2) throw new AppError('too_large', `the file is larger than ${MAX_ATTACHMENT_BYTES} bytes (10 MiB)`);
  return Buffer.from(encoded, 'base64');
}

/** The review in a DOCX, read through the app's one Word reader (sizes, damage, outside content). */
function readFile(data: Uint8Array) {
  let parts;
  try {
    parts = openDocxParts(data);
  } catch (error) {
    if (error instanceof AppError && unsupportedProblems.has(error.extra.fileProblem as DocxProblem)) throw new AppError('unsupported_media_type', error.message, error.extra);
    throw error;
  }
  return readWordReview(clean(parts.main), clean(parts.related(/\/comments$/)?.text ?? '') || undefined);
}

/** Text hygiene as for typed text (DESIGN.md "Normalisation"): NFC, no control characters, no lone surrogates. */
function clean(xml: string): string {
  return xml
    .normalize('NFC')
    .replace(/[\u0000-\u0008\u000b\u000c\u000e-\u001f\u007f]/g, '')
    .replace(/[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/g, '\ufffd');
}

/** Where the item's passage is in the base text, or null. */
function place(item: WordReviewItem, from: string, base: string, scale: number): { start: number; end: number } | null {
  if (item.start === null || item.end === null) return null;
  const quote = {
    exact: from.slice(item.start, item.end),
    prefix: from.slice(Math.max(0, item.start - CONTEXT_LENGTH), item.start),
    suffix: from.slice(item.end, item.end + CONTEXT_LENGTH),
  };
  if (quote.exact.trim().length === 0 && item.kind === 'suggestion') return null;
  const match = matchQuote(base, quote, item.start * scale);
  return match ? { start: match.start, end: match.end } : null;
}

type Write = Pick<AnnotationInput, 'kind' | 'body' | 'replacement'> & { anchor: AnnotationInput['anchor'] };

function asPassage(item: WordReviewItem, at: { start: number; end: number }): Write {
  if (item.kind === 'suggestion') return { kind: 'suggestion', body: '', replacement: item.replacement ?? '', anchor: at };
  return { kind: 'comment', body: item.body, anchor: at };
}

/**
 * An item that could not be placed: a comment on the section its paragraph is in (when that
 * paragraph is found in the base) or on the whole draft, keeping the quoted text in its body.
 */
function asGeneral(item: WordReviewItem, from: string, base: string, sections: readonly Section[]): Write {
  const quote = item.start !== null && item.end !== null ? from.slice(item.start, item.end).trim() : '';
  const said = item.kind === 'suggestion' ? `Đề nghị sửa «${quote}» thành «${item.replacement ?? ''}»` : quote ? `«${quote}»: ${item.body}` : item.body;
  let section: string | undefined;
  if (item.start !== null) {
    const lineStart = from.lastIndexOf('\n', item.start - 1) + 1;
    const lineEnd = from.indexOf('\n', item.start);
    const line = from.slice(lineStart, lineEnd < 0 ? from.length : lineEnd);
    const match = line.trim().length >= 12 ? matchQuote(base, { exact: line, prefix: '', suffix: '' }) : null;
    if (match) section = sectionAt(sections, match.start)?.path;
  }
  return { kind: 'comment', body: said, anchor: section === undefined ? { scope: 'document' } : { scope: 'section', section } };
}

/** A UUID (version 5 layout, SHA-256 based) from a name: the same file gives the same ids. */
function derivedId(name: string): string {
  const bytes = createHash('sha256').update(name).digest().subarray(0, 16);
  bytes[6] = (bytes[6]! & 0x0f) | 0x50;
  bytes[8] = (bytes[8]! & 0x3f) | 0x80;
  const hex = bytes.toString('hex');
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
}
