/**
 * Tiptap's StarterKit extensions narrowed to the draft schema (server/domain/document-schema.ts): paragraph,
 * heading 1–3, lists, blockquote, hard break (Shift+Enter, a line break inside a paragraph or
 * heading, projected as `\n`), bold, italic; and table nodes with cells that hold paragraphs only,
 * as the draft schema has them. The editor never writes a node the draft does not know.
 *
 * `draftStarterKit()` alone is the reading kit (members and reviewers): its `table` node renders
 * and parses like Tiptap's but carries none of its editing machinery (prosemirror-tables and its
 * commands, ≈15 kB gzipped), so readers never load it. Drafters pass Tiptap's own Table
 * (client/src/editor/drafting.ts, a chunk of its own); both give the same schema (the unit test
 * test/unit/editor-schema.test.ts checks each kit against the draft schema).
 */
import { Extension, Node, type AnyExtension } from '@tiptap/core';
import { Blockquote } from '@tiptap/extension-blockquote';
import { Bold } from '@tiptap/extension-bold';
import { Document } from '@tiptap/extension-document';
import { HardBreak } from '@tiptap/extension-hard-break';
import { Heading } from '@tiptap/extension-heading';
import { Italic } from '@tiptap/extension-italic';
import { BulletList, ListItem, ListKeymap, OrderedList } from '@tiptap/extension-list';
import { Paragraph } from '@tiptap/extension-paragraph';
import { Text } from '@tiptap/extension-text';
import { Dropcursor, Gapcursor } from '@tiptap/extensions';
import { TableCell } from '@tiptap/extension-table/cell';
import { TableHeader } from '@tiptap/extension-table/header';
import { TableRow } from '@tiptap/extension-table/row';

/** Tiptap's `table` node for reading: same name, content and HTML (wrapped to scroll sideways). */
export const ReadingTable = Node.create({
  name: 'table',
  content: 'tableRow+',
  isolating: true,
  group: 'block',
  parseHTML: () => [{ tag: 'table' }],
  renderHTML: ({ HTMLAttributes }) => ['div', { class: 'tableWrapper' }, ['table', HTMLAttributes, ['tbody', 0]]],
});

/** The draft kit; `table` is the table node to use (the reading one unless a drafter edits). */
export function draftStarterKit(table: AnyExtension = ReadingTable) {
  return Extension.create({
    name: 'draftKit',
    addExtensions() {
      return [
        // StarterKit's extensions that the draft schema has, in StarterKit's order, named one by
        // one: StarterKit itself would bring its disabled ones along (Link's linkifyjs, ≈13 kB
        // gzipped). No UndoRedo: Collaboration brings the Yjs undo manager.
        Bold,
        Blockquote,
        BulletList,
        Document,
        Dropcursor,
        Gapcursor,
        HardBreak,
        Heading.configure({ levels: [1, 2, 3] }),
        Italic,
        ListItem,
        ListKeymap,
        OrderedList,
        Paragraph,
        Text,
        table,
        TableRow,
        TableCell.extend({ content: 'paragraph+' }),
        TableHeader.extend({ content: 'paragraph+' }),
      ];
    },
  });
}
