/**
 * Properties of the draft exports on random drafts (headings, lists, nested lists, quotes, bold and
 * italic, Vietnamese and astral characters, tables with spans): the reader's paragraphs rebuild the projection, and a
 * diff laid over the newer draft as tracked changes gives the newer text when every change is
 * accepted and the older one when every change is rejected.
 */
import fc from 'fast-check';
import * as Y from 'yjs';
import { describe, expect, it } from 'vitest';
import { importContent } from '../../server/domain/content-import.js';
import { markdownToProseMirrorJSON, type ProseMirrorJSON } from '../../server/domain/markdown-to-prosemirror.js';
import { projectText } from '../../server/domain/projection.js';
import { diffVersions } from '../../server/domain/version-diff.js';
import { draftBlocks, overlayOfDiff } from '../../server/exports/draft-blocks.js';
import { readDraft } from '../../server/exports/draft-reader.js';
import type { Block, Inline } from '../../server/exports/page-model.js';

const seed = Number(process.env.DRAFT_EXPORT_SEED ?? Math.floor(Math.random() * 2 ** 31));
console.log(`draft-export property tests: seed ${seed} (rerun with DRAFT_EXPORT_SEED=${seed})`);

const WORDS = ['Tốc độ', 'tăng', '8,2%', 'hộ nghèo', 'đạt', '😀', 'chuyển đổi số', 'I.', 'năm 2025', 'xã', 'Đảng bộ'];
const word = fc.tuple(fc.constantFrom(...WORDS), fc.constantFrom('', '', '', '**', '*')).map(([w, mark]) => `${mark}${w}${mark}`);
const line = fc.tuple(fc.constantFrom('', '', '# ', '## ', '### ', '- ', '1. ', '   - ', '> '), fc.array(word, { minLength: 1, maxLength: 6 })).map(([prefix, words]) => `${prefix}${words.join(' ')}`);
const markdown = fc.array(line, { minLength: 1, maxLength: 12 }).map((lines) => lines.join('\n\n'));

// A table: rows of cells of one or two paragraphs of words, some header cells, some spans.
const tableCell = fc.tuple(fc.array(fc.array(word, { minLength: 0, maxLength: 3 }), { minLength: 1, maxLength: 2 }), fc.boolean(), fc.constantFrom(1, 1, 1, 2), fc.constantFrom(1, 1, 1, 2));
const table = fc.array(fc.array(tableCell, { minLength: 1, maxLength: 3 }), { minLength: 1, maxLength: 3 }).map(
  (rows): ProseMirrorJSON => ({
    type: 'table',
    content: rows.map((cells) => ({
      type: 'tableRow',
      content: cells.map(([paragraphs, header, colspan, rowspan]) => ({
        type: header ? 'tableHeader' : 'tableCell',
        attrs: { colspan, rowspan },
        content: paragraphs.map((words) => (words.length > 0 ? { type: 'paragraph', content: [{ type: 'text', text: words.join(' ') }] } : { type: 'paragraph' })),
      })),
    })),
  }),
);
/** Markdown blocks with tables between them. */
const draft = fc.tuple(markdown, fc.array(fc.tuple(table, markdown), { maxLength: 2 })).map(([first, rest]) => ({
  type: 'doc',
  content: [...markdownToProseMirrorJSON(first).content!, ...rest.flatMap(([t, md]) => [t, ...markdownToProseMirrorJSON(md).content!])],
}));

const draftOf = (value: string | ProseMirrorJSON) => {
  const doc = new Y.Doc();
  importContent(doc, typeof value === 'string' ? { format: 'markdown', value } : { format: 'prosemirror', value });
  return doc.getXmlFragment('default');
};

/** Every inline of the blocks, table cells' paragraphs in reading order. */
function inlinesOf(blocks: readonly Block[]): Inline[] {
  return blocks.flatMap((b) => (b.type === 'table' ? [] : b.type === 'draftTable' ? b.rows.flatMap((r) => r.flatMap((c) => c.paragraphs.flat())) : [...b.inlines]));
}

/** The text a reader sees with changes accepted (`skip` = 'del') or rejected (`skip` = 'ins'). */
function textOf(inlines: readonly Inline[], skip: 'ins' | 'del'): string {
  return inlines.map((i) => ('text' in i && i.change !== skip ? i.text : '')).join('');
}

describe('draft exports (property)', () => {
  it('reads paragraphs that rebuild the projection', () => {
    fc.assert(
      fc.property(draft, (value) => {
        const fragment = draftOf(value);
        const paragraphs = readDraft(fragment);
        const rebuilt = paragraphs.map((p) => `${p.spans.map((s) => ('text' in s ? s.text : '')).join('')}\n`).join('');
        expect(rebuilt).toBe(projectText(fragment));
        for (const p of paragraphs) expect(p.spans.reduce((n, s) => n + ('text' in s ? s.text.length : 0), 0)).toBe(p.length);
      }),
      { seed, numRuns: 200 },
    );
  });

  it('lays a diff over the newer draft so that accepting gives the newer text and rejecting the older', () => {
    fc.assert(
      fc.property(draft, draft, (older, newer) => {
        const oldText = projectText(draftOf(older));
        const fragment = draftOf(newer);
        const newText = projectText(fragment);
        const blocks = draftBlocks(readDraft(fragment), overlayOfDiff(diffVersions(oldText, newText, []).ops));
        const inlines = inlinesOf(blocks);
        const squash = (s: string) => s.replace(/\n/g, '');
        expect(textOf(inlines, 'del')).toBe(squash(newText));
        expect(textOf(inlines, 'ins')).toBe(squash(oldText));
      }),
      { seed, numRuns: 200 },
    );
  });
});
