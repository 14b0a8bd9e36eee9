/**
 * What an attached file really is, read from its bytes (API.md "General comments": DOCX, PDF,
 * ODT, PNG or JPEG, ≤ 10 MiB; other types 415, larger 413). The name and the declared content
 * type are never trusted: a renamed executable is refused, a PNG sent as "application/pdf" too.
 *
 * - PDF: `%PDF-` (ISO 32000-1 §7.5.2); PNG: its 8-byte signature (RFC 2083 §3.1); JPEG: SOI + a
 *   marker, `FF D8 FF` (ITU T.81 B.1.1).
 * - ODT: a zip whose first entry is an uncompressed `mimetype` holding
 *   `application/vnd.oasis.opendocument.text` (ODF 1.2 part 3 §3.3, the format's own magic).
 * - DOCX: a zip (OPC) with `[Content_Types].xml` and `word/document.xml`; one with VBA macros
 *   (`vbaProject.bin`, i.e. a .docm renamed) is refused.
 * Zip contents are listed, never inflated (docx-package.ts, the app's one zip reader); an archive
 * whose entries declare more than that module's limits (a zip bomb) is refused with 413, as the
 * Word imports refuse it, since whoever opens the attachment would inflate it.
 */
import { AppError } from '../errors.js';
import { listZipEntries, refuseZipBomb } from './docx-package.js';

export const attachmentTypes = {
  docx: 'application/vnd.openxmlformats-officedocument.wordprocessingml.document',
  pdf: 'application/pdf',
  odt: 'application/vnd.oasis.opendocument.text',
  png: 'image/png',
  jpeg: 'image/jpeg',
} as const;
export type AttachmentContentType = (typeof attachmentTypes)[keyof typeof attachmentTypes];

/** 10 MiB: the largest attachment, in bytes of the decoded file. */
export const MAX_ATTACHMENT_BYTES = 10 * 1024 * 1024;

const startsWith = (data: Uint8Array, bytes: readonly number[], at = 0) => bytes.every((b, i) => data[at + i] === b);
const ascii = (s: string) => [...s].map((c) => c.charCodeAt(0));
const odtMime = 'application/vnd.oasis.opendocument.text';

function unsupported(detail: string): AppError {
  return new AppError('unsupported_media_type', `${detail}; attach a DOCX, PDF, ODT, PNG or JPEG file`);
}

/**
 * The content type of `data` judged by its content. Throws `unsupported_media_type` (415) for any
 * other content, a zip that is neither a Word nor an OpenDocument text, or a Word file with macros;
 * `too_large` (413, `fileProblem: unpacks_too_large`) for a zip bomb.
 */
export function detectAttachmentType(data: Uint8Array): AttachmentContentType {
  if (startsWith(data, ascii('%PDF-'))) return attachmentTypes.pdf;
  if (startsWith(data, [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a])) return attachmentTypes.png;
  if (startsWith(data, [0xff, 0xd8, 0xff])) return attachmentTypes.jpeg;
  if (!startsWith(data, [0x50, 0x4b, 0x03, 0x04])) throw unsupported('the file is not one of the accepted types');
  const entries = listZipEntries(data);
  if (!entries) throw unsupported('the file looks like a zip archive but cannot be read');
  refuseZipBomb(entries);
  const names = [...entries.keys()];
  // ODF: "mimetype" first, stored (method 0), its bytes right after the 30-byte local header.
  if (startsWith(data, ascii('mimetype'), 30) && startsWith(data, ascii(odtMime), 38) && names.includes('content.xml')) return attachmentTypes.odt;
  if (names.includes('[Content_Types].xml') && names.includes('word/document.xml')) {
    if (names.some((n) => n.toLowerCase().endsWith('vbaproject.bin'))) throw unsupported('a Word file with macros is not accepted');
    return attachmentTypes.docx;
  }
  throw unsupported('the archive is neither a Word (DOCX) nor an OpenDocument text (ODT) file');
}
