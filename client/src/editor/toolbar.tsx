/**
 * The drafters' toolbar: undo / redo (the Yjs undo manager of the Collaboration extension: only
 * one's own changes are undone, never a co-author's), paragraph and headings 1–3, bold, italic,
 * bulleted and numbered lists — exactly the draft schema's blocks and marks.
 *
 * A WAI-ARIA toolbar: one Tab stop, arrow keys (and Home / End) move between buttons, toggles say
 * their state with `aria-pressed`. Buttons keep the editor's selection (no focus theft on a
 * pointer press) and are disabled while the command cannot run (before the first sync, undo with
 * nothing to undo). It sticks to the top of the draft while scrolling; on a phone it is one row that
 * scrolls sideways inside itself (toolbar.css).
 * Mounted only for people who edit (client/src/editor/drafting.ts).
 */
import type { Editor } from '@tiptap/core';
import { useEffect, useRef, useState } from 'preact/hooks';
import { t } from '../ui/i18n';
import './toolbar.css';

interface Tool {
  id: string;
  glyph: string;
  label: string;
  /** Keyboard shortcut shown in the tooltip (Tiptap's own). */
  keys?: string;
  pressed?: (editor: Editor) => boolean;
  can: (editor: Editor) => boolean;
  run: (editor: Editor) => void;
}

const mod = typeof navigator !== 'undefined' && /Mac|iPhone|iPad/.test(navigator.platform) ? '⌘' : 'Ctrl';

function tools(): Tool[][] {
  return [
    [
      { id: 'undo', glyph: '↶', label: t('toolUndo'), keys: `${mod}+Z`, can: (e) => e.can().undo(), run: (e) => e.chain().focus().undo().run() },
      { id: 'redo', glyph: '↷', label: t('toolRedo'), keys: `${mod}+Y`, can: (e) => e.can().redo(), run: (e) => e.chain().focus().redo().run() },
    ],
    [
      {
        id: 'paragraph',
        glyph: '¶',
        label: t('toolParagraph'),
        keys: `${mod}+Alt+0`,
        pressed: (e) => e.isActive('paragraph') && !e.isActive('tableCell') && !e.isActive('tableHeader'),
        can: (e) => e.can().setParagraph(),
        run: (e) => e.chain().focus().setParagraph().run(),
      },
      ...([1, 2, 3] as const).map<Tool>((level) => ({
        id: `h${level}`,
        glyph: `H${level}`,
        label: t('toolHeading', { n: level }),
        keys: `${mod}+Alt+${level}`,
        pressed: (e) => e.isActive('heading', { level }),
        can: (e) => e.can().toggleHeading({ level }),
        run: (e) => e.chain().focus().toggleHeading({ level }).run(),
      })),
    ],
    [
      { id: 'bold', glyph: 'B', label: t('toolBold'), keys: `${mod}+B`, pressed: (e) => e.isActive('bold'), can: (e) => e.can().toggleBold(), run: (e) => e.chain().focus().toggleBold().run() },
      { id: 'italic', glyph: 'I', label: t('toolItalic'), keys: `${mod}+I`, pressed: (e) => e.isActive('italic'), can: (e) => e.can().toggleItalic(), run: (e) => e.chain().focus().toggleItalic().run() },
    ],
    [
      {
        id: 'bullets',
        glyph: '•≡',
        label: t('toolBulletList'),
        keys: `${mod}+Shift+8`,
        pressed: (e) => e.isActive('bulletList'),
        can: (e) => e.can().toggleBulletList(),
        run: (e) => e.chain().focus().toggleBulletList().run(),
      },
      {
        id: 'numbers',
        glyph: '1.',
        label: t('toolOrderedList'),
        keys: `${mod}+Shift+7`,
        pressed: (e) => e.isActive('orderedList'),
        can: (e) => e.can().toggleOrderedList(),
        run: (e) => e.chain().focus().toggleOrderedList().run(),
      },
    ],
  ];
}

/** Re-renders on every editor transaction (selection moves, edits, sync) so states stay true. */
function useEditorTick(editor: Editor): number {
  const [tick, setTick] = useState(0);
  useEffect(() => {
    const update = () => setTick((n) => n + 1);
    editor.on('transaction', update);
    editor.on('focus', update);
    editor.on('blur', update);
    return () => {
      editor.off('transaction', update);
      editor.off('focus', update);
      editor.off('blur', update);
    };
  }, [editor]);
  return tick;
}

export function EditorToolbar(props: { editor: Editor }) {
  const { editor } = props;
  useEditorTick(editor);
  const bar = useRef<HTMLDivElement>(null);
  // The editor's selection when a finger or pointer came down on a button: a tap on a phone
  // dismisses the text selection before the click arrives; the command acts on what was selected.
  const pressedOn = useRef<{ from: number; to: number } | null>(null);
  // Roving tab stop: the button last moved to keeps the one Tab stop.
  const [current, setCurrent] = useState('undo');
  const groups = tools();
  const editable = editor.isEditable && !editor.isDestroyed;

  const onKeyDown = (event: KeyboardEvent) => {
    const buttons = Array.from(bar.current?.querySelectorAll<HTMLButtonElement>('button') ?? []);
    const at = buttons.indexOf(document.activeElement as HTMLButtonElement);
    if (at < 0) return;
    const next =
      event.key === 'ArrowRight' ? (at + 1) % buttons.length
      : event.key === 'ArrowLeft' ? (at - 1 + buttons.length) % buttons.length
      : event.key === 'Home' ? 0
      : event.key === 'End' ? buttons.length - 1
      : -1;
    if (next < 0) return;
    event.preventDefault();
    buttons[next]!.focus();
    setCurrent(buttons[next]!.dataset.tool ?? 'undo');
  };

  return (
    <div ref={bar} class="editor-toolbar" role="toolbar" aria-label={t('toolbar')} aria-controls="draft-editor" onKeyDown={onKeyDown}>
      {groups.map((group, index) => (
        <div class="tool-group" role="group" key={index}>
          {group.map((tool) => {
            const pressed = tool.pressed ? editable && tool.pressed(editor) : undefined;
            const enabled = editable && tool.can(editor);
            return (
              <button
                key={tool.id}
                type="button"
                class={`tool tool-${tool.id}`}
                data-tool={tool.id}
                tabIndex={tool.id === current ? 0 : -1}
                aria-label={tool.label}
                title={tool.keys ? `${tool.label} (${tool.keys})` : tool.label}
                aria-pressed={pressed === undefined ? undefined : pressed ? 'true' : 'false'}
                aria-disabled={enabled ? undefined : 'true'}
                // Keep the editor's selection: a pointer press would otherwise move focus first.
                onMouseDown={(event) => event.preventDefault()}
                onPointerDown={() => {
                  const { from, to } = editor.state.selection;
                  pressedOn.current = { from, to };
                }}
                onClick={() => {
                  setCurrent(tool.id);
                  const saved = pressedOn.current;
                  pressedOn.current = null;
                  if (!enabled) return;
                  const { from, to } = editor.state.selection;
                  if (saved && (saved.from !== from || saved.to !== to) && saved.to <= editor.state.doc.content.size) editor.commands.setTextSelection(saved);
                  tool.run(editor);
                }}
              >
                <span aria-hidden="true">{tool.glyph}</span>
              </button>
            );
          })}
        </div>
      ))}
    </div>
  );
}
