/**
 * Rendering user text as text in the exports: nothing a member types may become Markdown syntax,
 * HTML, or XML that a DOCX reader refuses.
 */

// Inline Markdown syntax anywhere in a line (CommonMark allows a backslash before any ASCII
// punctuation). `.`, `-`, `+`, `(`, `)`, `!`, `=` only matter at the start of a line or after `[`,
// which is itself escaped; they are handled below so ordinary numbers ("8.2") stay readable.
const INLINE = /[\\`*_{}[\]#|~]/g;

/**
 * Escapes `text` for one Markdown line (a heading, a paragraph line or a table cell): Markdown
 * punctuation gets a backslash, `&`, `<`, `>` become entities (no raw HTML, no entity decoding),
 * line breaks collapse to single spaces, and a leading list, quote, heading or rule marker is
 * escaped. Invariant: rendered by a CommonMark/GFM renderer, the result shows exactly `text`
 * (whitespace-collapsed) and never opens or closes a table cell.
 */
export function escapeMarkdownInline(text: string): string {
  const line = stripInvalidXmlChars(text).replace(/\s*[\r\n]+\s*/g, ' ').replace(/\t/g, ' ');
  return line
    .replace(INLINE, (c) => `\\${c}`)
    .replace(/&/g, '&amp;')
    .replace(/</g, '&lt;')
    .replace(/>/g, '&gt;')
    .replace(/^(\s*)([-+=])/, '$1\\$2')
    .replace(/^(\s*\d+)([.)])/, '$1\\$2');
}

// XML 1.0 allows tab, LF, CR and U+0020–U+D7FF, U+E000–U+FFFD, U+10000–U+10FFFF; anything else
// (control characters, lone surrogates, U+FFFE/U+FFFF) makes Word refuse the whole file.
const INVALID_XML = /[\u0000-\u0008\u000B\u000C\u000E-\u001F\uFFFE\uFFFF]|[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/g;

/** Removes characters XML 1.0 cannot carry; everything else is kept as typed. */
export function stripInvalidXmlChars(text: string): string {
  return text.replace(INVALID_XML, '');
}
