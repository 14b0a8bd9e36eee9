/**
 * What only people who edit the draft (drafters and secretaries) load, as a chunk of its own
 * (`loadDraftingKit()` is a dynamic import): Tiptap's table node with its editing machinery
 * (prosemirror-tables), the collaboration carets of the others writing, and the toolbar.
 * A member's first screen never fetches it (scripts/check-bundle.mjs measures that).
 */
import type { AnyExtension } from '@tiptap/core';
import CollaborationCaret from '@tiptap/extension-collaboration-caret';
import { Table } from '@tiptap/extension-table/table';
import type { WebsocketProvider } from 'y-websocket';
import { EditorToolbar } from './toolbar';

export interface DraftingKit {
  /** Tiptap's table, not resizable (a drag would write pixel widths for every reader's screen),
   * wrapped in a div that scrolls sideways on a narrow screen. */
  table: AnyExtension;
  caret(provider: WebsocketProvider, user: { name: string; color: string }): AnyExtension;
  Toolbar: typeof EditorToolbar;
}

export const draftingKit: DraftingKit = {
  table: Table.configure({ resizable: false, renderWrapper: true }),
  caret: (provider, user) => CollaborationCaret.configure({ provider, user }),
  Toolbar: EditorToolbar,
};
