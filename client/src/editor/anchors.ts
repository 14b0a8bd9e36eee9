/**
 * Between the editor's selection, the API's anchors and the highlights.
 *
 * Outgoing: a selection becomes `{relStart, relEnd}`, Yjs relative positions made with y-tiptap's
 * helper from the live Y.Doc. The live draft descends from the round's base version, so these
 * name the very characters the member selected, and the server resolves them in the base version
 * exactly (API.md) — offsets would first need the live text mapped back to the base text.
 *
 * Incoming: the server places annotations in the live text (`?version=live`, projection offsets);
 * the projection module of server/domain (imported, not copied) turns those offsets into relative
 * positions that the highlights follow through later edits.
 */
import type { Editor } from '@tiptap/core';
import { absolutePositionToRelativePosition, ySyncPluginKey } from '@tiptap/y-tiptap';
import * as Y from 'yjs';
import { encodeRelativePositionBase64, projectFragment, relativePositionAt } from '@domain/projection';
import type { PlacedAnnotation } from '@schemas/annotations';
import { highlightKey, type Highlight } from './highlights';

interface Binding {
  mapping: Map<unknown, unknown>;
  doc: Y.Doc;
  type: Y.XmlFragment;
}

function bindingOf(editor: Editor): Binding | undefined {
  return (ySyncPluginKey.getState(editor.state) as { binding?: Binding } | undefined)?.binding;
}

export interface SelectionAnchor {
  relStart: string;
  relEnd: string;
  /** The selected text, shown in the panel (the server computes the real quote). */
  text: string;
}

/** The current selection as API anchor, or null when nothing (or only whitespace) is selected. */
export function selectionAnchor(editor: Editor): SelectionAnchor | null {
  const { from, to, empty } = editor.state.selection;
  if (empty) return null;
  const text = editor.state.doc.textBetween(from, to, '\n');
  if (!text.trim()) return null;
  const binding = bindingOf(editor);
  if (!binding) return null;
  const start = absolutePositionToRelativePosition(from, binding.type, binding.mapping as never) as Y.RelativePosition;
  const end = absolutePositionToRelativePosition(to, binding.type, binding.mapping as never) as Y.RelativePosition;
  return { relStart: encodeRelativePositionBase64(start), relEnd: encodeRelativePositionBase64(end), text };
}

/** Sets the highlighted annotations from their live-text positions. */
export function showHighlights(
  editor: Editor,
  fragment: Y.XmlFragment,
  placed: PlacedAnnotation[],
  classOf: (annotation: PlacedAnnotation) => string,
  active: string | null,
): void {
  const projection = projectFragment(fragment);
  const highlights: Highlight[] = [];
  for (const annotation of placed) {
    const { start, end } = annotation.position;
    if (start === null || end === null || end <= start || end > projection.text.length) continue;
    try {
      highlights.push({
        id: annotation.id,
        relStart: relativePositionAt(projection, start, 0),
        relEnd: relativePositionAt(projection, end, 0),
        className: classOf(annotation),
      });
    } catch {
      /* the live text moved since the server placed it; the next refresh places it again */
    }
  }
  editor.view.dispatch(editor.state.tr.setMeta(highlightKey, { highlights, active }));
}

export function setActiveHighlight(editor: Editor, active: string | null): void {
  editor.view.dispatch(editor.state.tr.setMeta(highlightKey, { active }));
}

export function refreshHighlights(editor: Editor): void {
  if (!editor.isDestroyed) editor.view.dispatch(editor.state.tr.setMeta(highlightKey, { refresh: true }));
}

/**
 * Scrolls the first highlight of an annotation into view: to the middle of the screen, or with
 * `aboveSheet` (phones) near its top, above the bottom sheet that shows the annotation's thread.
 */
export function revealAnnotation(root: HTMLElement, id: string, aboveSheet = false): void {
  const element = root.querySelector(`[data-annotation-id="${CSS.escape(id)}"]`);
  if (!element) return;
  if (!aboveSheet) return element.scrollIntoView({ block: 'center', behavior: 'smooth' });
  const top = element.getBoundingClientRect().top;
  if (top < 8 || top > window.innerHeight * 0.3) window.scrollBy({ top: top - 56, behavior: 'instant' as ScrollBehavior });
}
