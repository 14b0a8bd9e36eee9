/**
 * Applying an accepted suggestion to a draft: the edit is made on a Y.Doc (a copy of the live
 * draft; the collab runtime commits and broadcasts what it produces). Pure: no I/O.
 */
import type * as Y from 'yjs';
import { reanchorAll, type Anchor } from './anchoring.js';
import { projectFragment } from './projection.js';
import { AppError, conflict } from '../errors.js';

/**
 * The edit behind "apply": find the annotation's range in this copy of the live draft by its
 * relative positions; refuse when the text there is no longer the quoted text; replace it in
 * place, keeping the formatting of its first character.
 */
export function replaceAnchoredText(doc: Y.Doc, anchor: Anchor, replacement: string): void {
  const fragment = doc.getXmlFragment('default');
  const projection = projectFragment(fragment);
  const [placed] = reanchorAll([anchor], { doc, projection });
  const start = placed?.start ?? null;
  const end = placed?.end ?? null;
  const unchanged =
    (placed?.status === 'exact' || placed?.status === 'moved') && start !== null && end !== null && projection.text.slice(start, end) === anchor.quote.exact;
  if (!unchanged || start === null || end === null) {
    throw new AppError('conflict', 'the passage this suggestion replaces has changed since; it cannot be applied automatically');
  }
  const block = projection.textblocks.find((b) => start >= b.start && end <= b.start + b.length);
  const run = block?.runs.find((r) => start >= block.start + r.offset && end <= block.start + r.offset + r.length);
  if (!block || !run) throw conflict('a suggestion spanning several paragraphs cannot be applied automatically');
  const text = run.text;
  const index = start - block.start - run.offset;
  const attributes = formattingAt(text, index);
  doc.transact(() => {
    text.delete(index, end - start);
    text.insert(index, replacement, attributes);
  });
}

function formattingAt(text: Y.XmlText, index: number): Record<string, unknown> | undefined {
  let offset = 0;
  for (const op of text.toDelta() as Array<{ insert: unknown; attributes?: Record<string, unknown> }>) {
    const length = typeof op.insert === 'string' ? op.insert.length : 1;
    if (index < offset + length) return op.attributes;
    offset += length;
  }
  return undefined;
}

