/**
 * Annotation highlights as ProseMirror decorations. Each highlight is held as a pair of Yjs
 * relative positions, not as ProseMirror positions: the Yjs binding rebuilds the document on
 * every remote change, which would scramble mapped positions, while relative positions follow the
 * text. Decorations are recomputed from them whenever the document changes.
 */
import { Extension } from '@tiptap/core';
import { Plugin, PluginKey, type EditorState } from '@tiptap/pm/state';
import { Decoration, DecorationSet } from '@tiptap/pm/view';
import { relativePositionToAbsolutePosition, ySyncPluginKey } from '@tiptap/y-tiptap';
import type * as Y from 'yjs';

export interface Highlight {
  id: string;
  relStart: Y.RelativePosition;
  relEnd: Y.RelativePosition;
  className: string;
  title?: string;
}

interface HighlightState {
  highlights: Highlight[];
  active: string | null;
  decorations: DecorationSet;
}

export const highlightKey = new PluginKey<HighlightState>('draftroomHighlights');

function build(state: EditorState, highlights: Highlight[], active: string | null): DecorationSet {
  const sync = ySyncPluginKey.getState(state) as { binding?: { mapping: Map<unknown, unknown>; doc: Y.Doc; type: Y.XmlFragment } } | undefined;
  const binding = sync?.binding;
  if (!binding || highlights.length === 0) return DecorationSet.empty;
  const decorations: Decoration[] = [];
  for (const highlight of highlights) {
    try {
      const from = relativePositionToAbsolutePosition(binding.doc, binding.type, highlight.relStart, binding.mapping as never);
      const to = relativePositionToAbsolutePosition(binding.doc, binding.type, highlight.relEnd, binding.mapping as never);
      if (from === null || to === null || to <= from || to > state.doc.content.size) continue;
      decorations.push(
        Decoration.inline(
          from,
          to,
          {
            class: `${highlight.className}${highlight.id === active ? ' hl-active' : ''}`,
            'data-annotation-id': highlight.id,
            ...(highlight.title ? { title: highlight.title } : {}),
          },
          // Overlapping highlights render as one span with one id; the spec keeps each.
          { annotationId: highlight.id },
        ),
      );
    } catch {
      // The mapping can lag one transaction behind a local edit; the next refresh places it.
    }
  }
  return DecorationSet.create(state.doc, decorations);
}

/**
 * `onClick` gets every annotation highlighted where the click landed (overlapping passages), the
 * one whose span was clicked first.
 */
export const Highlights = Extension.create<{ onClick: (ids: string[]) => void }>({
  name: 'draftroomHighlights',
  addOptions: () => ({ onClick: () => {} }),
  addProseMirrorPlugins() {
    const onClick = this.options.onClick;
    return [
      new Plugin<HighlightState>({
        key: highlightKey,
        state: {
          init: () => ({ highlights: [], active: null, decorations: DecorationSet.empty }),
          apply(tr, value, _old, state) {
            const meta = tr.getMeta(highlightKey) as Partial<Pick<HighlightState, 'highlights' | 'active'>> | { refresh: true } | undefined;
            if (meta && ('highlights' in meta || 'active' in meta)) {
              const next = { ...value, ...meta } as HighlightState;
              return { ...next, decorations: build(state, next.highlights, next.active) };
            }
            if (meta || (tr.docChanged && tr.getMeta(ySyncPluginKey))) {
              return { ...value, decorations: build(state, value.highlights, value.active) };
            }
            if (tr.docChanged) return { ...value, decorations: value.decorations.map(tr.mapping, tr.doc) };
            return value;
          },
        },
        props: {
          decorations: (state) => highlightKey.getState(state)?.decorations ?? DecorationSet.empty,
          // The DOM's click, not ProseMirror's handleClick: since prosemirror-view 1.43 a tap on a
          // touch screen no longer reaches handleClick, and a member on a phone taps a highlight
          // to read its comments.
          handleDOMEvents: {
            click: (view, event) => {
              const target = (event.target as HTMLElement | null)?.closest?.('[data-annotation-id]');
              const id = target?.getAttribute('data-annotation-id');
              if (!id) return false;
              const pos = view.posAtCoords({ left: event.clientX, top: event.clientY })?.pos;
              const set = highlightKey.getState(view.state)?.decorations ?? DecorationSet.empty;
              const here =
                pos === undefined ? [] : set.find(pos, pos, (spec: { annotationId?: string }) => typeof spec.annotationId === 'string').map((d) => (d.spec as { annotationId: string }).annotationId);
              onClick([id, ...new Set(here.filter((other) => other !== id))]);
              return false;
            },
          },
        },
      }),
    ];
  },
});
