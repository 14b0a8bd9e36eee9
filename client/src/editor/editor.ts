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
import StarterKit from '@tiptap/starter-kit';
import Collaboration from '@tiptap/extension-collaboration';
import CollaborationCaret from '@tiptap/extension-collaboration-caret';
import { Plugin } from '@tiptap/pm/state';
import { ySyncPluginKey } from '@tiptap/y-tiptap';
import type { WebsocketProvider } from 'y-websocket';
import type * as Y from 'yjs';
import { Highlights } from './highlights';

export interface EditorOptions {
  element: HTMLElement;
  fragment: Y.XmlFragment;
  provider: WebsocketProvider;
  editable: boolean;
  user: { name: string; color: string };
  label: string;
  onSelection?: (from: number, to: number) => void;
  onHighlightClick?: (id: string) => void;
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
  const editor = new Editor({
    element: options.element,
    editable: true,
    extensions: [
      StarterKit.configure({
        undoRedo: false, // Collaboration brings the Yjs undo manager
        heading: { levels: [1, 2, 3] },
        code: false,
        codeBlock: false,
        strike: false,
        underline: false,
        link: false,
        horizontalRule: false,
        trailingNode: false,
      }),
      Collaboration.configure({ fragment: options.fragment }),
      ...(options.editable ? [CollaborationCaret.configure({ provider: options.provider, user: options.user })] : []),
      ReadOnlyGuard.configure({ readOnly: !options.editable }),
      Highlights.configure({ onClick: options.onHighlightClick ?? (() => {}) }),
    ],
    editorProps: {
      attributes: {
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
