/**
 * The Tiptap editor bound to the document's Y.XmlFragment('default'). StarterKit is narrowed to
 * the draft schema (server/domain/document-schema.ts: paragraph, heading 1–3, lists, blockquote,
 * hard break, bold, italic) so the editor never writes a node the draft does not know.
 *
 * Read-only (members, reviewers): the editor stays focusable and selectable with the keyboard
 * (shift+arrows), but every transaction that would change the document is filtered out unless it
 * comes from the Yjs binding (remote edits). `inputmode="none"` keeps phones' keyboards closed.
 */
import { Editor, Extension } from '@tiptap/core';
import Collaboration from '@tiptap/extension-collaboration';
import { Plugin } from '@tiptap/pm/state';
import { ySyncPluginKey } from '@tiptap/y-tiptap';
import type { WebsocketProvider } from 'y-websocket';
import type * as Y from 'yjs';
import type { DraftingKit } from './drafting';
import { Highlights } from './highlights';
import { draftStarterKit } from './starter-kit';

export interface EditorOptions {
  element: HTMLElement;
  fragment: Y.XmlFragment;
  provider: WebsocketProvider;
  editable: boolean;
  /** Editable only: the drafting kit (loaded apart, client/src/editor/drafting.ts). */
  drafting?: DraftingKit | null;
  user: { name: string; color: string };
  label: string;
  onSelection?: (from: number, to: number) => void;
  /** Every annotation highlighted where the click landed, the clicked span's first. */
  onHighlightClick?: (ids: string[]) => void;
}

const ReadOnlyGuard = Extension.create<{ readOnly: boolean }>({
  name: 'readOnlyGuard',
  addOptions: () => ({ readOnly: false }),
  addProseMirrorPlugins() {
    return this.options.readOnly ? [readOnlyPlugin()] : [];
  },
});

function readOnlyPlugin(): Plugin {
  return new Plugin({
    filterTransaction: (tr) => !tr.docChanged || Boolean(tr.getMeta(ySyncPluginKey)),
  });
}

export function createEditor(options: EditorOptions): Editor {
  const drafting = options.editable ? options.drafting : null;
  const editor = new Editor({
    element: options.element,
    editable: true,
    extensions: [
      draftStarterKit(drafting?.table),
      Collaboration.configure({ fragment: options.fragment }),
      ...(drafting ? [drafting.caret(options.provider, options.user)] : []),
      ReadOnlyGuard.configure({ readOnly: !options.editable }),
      Highlights.configure({ onClick: options.onHighlightClick ?? (() => {}) }),
    ],
    editorProps: {
      attributes: {
        id: 'draft-editor',
        class: `draft ${options.editable ? 'draft-editable' : 'draft-readonly'}`,
        role: 'textbox',
        'aria-multiline': 'true',
        'aria-label': options.label,
        ...(options.editable ? {} : { 'aria-readonly': 'true', inputmode: 'none' }),
      },
    },
    onSelectionUpdate: ({ editor: current }) => {
      const { from, to } = current.state.selection;
      options.onSelection?.(from, to);
    },
  });
  return editor;
}
