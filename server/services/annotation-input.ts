/**
 * Turning what a client sends for an annotation into what is stored: the anchor in one of its
 * three scopes, the body with its scope's length limit, and an attached file checked by content.
 * Pure of the database; the annotations service calls these inside its permission checks.
 */
import { createHash } from 'node:crypto';
import type { AnnotationWrite } from '../db/annotations.repository.js';
import { anchorInBase, type AnchorInput, type BaseVersion } from '../domain/anchoring.js';
import { detectAttachmentType, MAX_ATTACHMENT_BYTES } from '../domain/attachment-types.js';
import { annotationBodyMax, type AnnotationScope } from '../domain/vocabulary.js';
import { AppError, invalid } from '../errors.js';

/** What a client may send as an anchor (API.md "Annotations", "General comments"). */
export type ScopedAnchorInput = ((AnchorInput & { scope?: 'passage' }) | { scope: 'section'; section: string } | { scope: 'document' });

/** Body limits in characters: a passage comment, and a general comment (the vocabulary's `annotationBodyMax`). */
export const maxBodyLength = annotationBodyMax;

/**
 * The stored anchor of `input` in the round's base version. A passage is placed by
 * `anchorInBase` (422 outside the text); a section must be a section path of the base version
 * (422 otherwise) and is stored zero-width at its start, with no positions and no quote; the
 * document likewise at 0 with section "".
 */
export function scopedAnchor(base: BaseVersion, input: ScopedAnchorInput): { scope: AnnotationScope; anchor: AnnotationWrite['anchor'] } {
  if (input.scope === 'document') return { scope: 'document', anchor: generalAnchor(0, '') };
  if (input.scope === 'section') {
    const section = base.projection.nfc.sections.find((s) => s.path === input.section);
    if (!section) throw new AppError('anchor_mismatch', `the base version has no section "${input.section}"`);
    return { scope: 'section', anchor: generalAnchor(section.start, section.path) };
  }
  const passage = 'relStart' in input ? { relStart: input.relStart, relEnd: input.relEnd } : { start: input.start, end: input.end };
  return { scope: 'passage', anchor: anchorInBase(base, passage) };
}

const generalAnchor = (at: number, section: string): AnnotationWrite['anchor'] => ({
  start: at,
  end: at,
  relStart: '',
  relEnd: '',
  quote: { exact: '', prefix: '', suffix: '' },
  section,
});

/** NFC, trimmed, at most `limit` characters (413 `too_large` past it). */
export function normaliseText(value: string, field: string, limit: number = maxBodyLength.passage): string {
  const text = value.normalize('NFC').trim();
  if (text.length > limit) throw new AppError('too_large', `${field} is longer than ${limit} characters`);
  return text;
}

export interface AttachmentInput {
  filename: string;
  contentType: string;
  dataBase64: string;
}

export interface CheckedAttachment {
  filename: string;
  /** As judged from the bytes (attachment-types.ts), never as declared. */
  contentType: string;
  size: number;
  /** Hex SHA-256 of the bytes: a replayed request with the same file changes nothing. */
  sha256: string;
  data: Uint8Array;
}

const base64 = /^[A-Za-z0-9+/]*={0,2}$/;

/**
 * Decodes and checks an attached file: 400 for base64 that is not, 413 over 10 MiB or for a zip bomb, 415 for a
 * type other than DOCX, PDF, ODT, PNG and JPEG or one that differs from the declared
 * `contentType`. The file name keeps only its last path segment.
 */
export function checkAttachment(input: AttachmentInput): CheckedAttachment {
  const encoded = input.dataBase64.replace(/\s+/g, '');
  if (encoded.length % 4 !== 0 || !base64.test(encoded)) throw invalid('attachment.dataBase64 is not base64');
  // Size before decoding: 3 bytes per 4 characters, less the padding.
  const size = (encoded.length / 4) * 3 - (encoded.endsWith('==') ? 2 : encoded.endsWith('=') ? 1 : 0);
  if (size > MAX_ATTACHMENT_BYTES) throw new AppError('too_large', `the attachment is ${size} bytes; at most ${MAX_ATTACHMENT_BYTES} (10 MiB) are accepted`);
  if (size === 0) throw invalid('the attachment is empty');
  const data = Buffer.from(encoded, 'base64');
  const contentType = detectAttachmentType(data);
  const declared = input.contentType.split(';')[0]!.trim().toLowerCase();
  if (declared !== contentType) throw new AppError('unsupported_media_type', `the file is ${contentType}, not ${declared || 'what was declared'}`);
  const filename = input.filename.split(/[\\/]/).pop()!.trim();
  if (filename.length === 0) throw invalid('attachment.filename must name the file');
  return { filename, contentType, size: data.length, sha256: createHash('sha256').update(data).digest('hex'), data };
}
