/**
 * Dragging an annotation out of its point (issue 12: "drag or tách ra"): onto the "make it a point
 * of its own" target, or onto another point of the same section to move it there. Pointer events,
 * not HTML5 drag and drop, so a finger on a phone drags as a mouse does (the handle sets
 * `touch-action: none`; HTML5 drag events never fire for touch in mobile browsers). The page
 * scrolls while the pointer rests near the top or bottom edge. Escape or a drop elsewhere cancels.
 * Keyboard users have the "Tách ra" button beside the handle.
 *
 * Targets are found under the pointer by their data attributes: `data-drop="split"`, or
 * `data-drop="point"` with `data-section` and `data-cluster-id` (PointCard).
 */
import { signal } from '../ui/signal';
import { t } from '../ui/i18n';

/** The annotation being dragged, and where it comes from. */
export interface Drag {
  annotationId: string;
  clusterId: string;
  section: string;
  /** It is its point's only annotation: it cannot be split out, only moved. */
  alone: boolean;
}
export type DropTarget = { kind: 'split' } | { kind: 'point'; clusterId: string };

/** The drag under way (the view shows the split target and marks the points it may go to). */
export const dragging = signal<Drag | null>(null);
/** The target under the pointer: 'split', a cluster id, or null. */
export const dropOver = signal<string | null>(null);

/** Pixels the pointer moves before a press becomes a drag (a tap stays a tap). */
const THRESHOLD = 6;
/** How near the viewport's edge (px) the pointer makes the page scroll. */
const EDGE = 56;

function targetAt(drag: Drag, x: number, y: number): DropTarget | null {
  const element = document.elementFromPoint(x, y)?.closest<HTMLElement>('[data-drop]');
  if (!element) return null;
  if (element.dataset.drop === 'split') return drag.alone ? null : { kind: 'split' };
  const clusterId = element.dataset.clusterId;
  if (element.dataset.section !== drag.section || !clusterId || clusterId === drag.clusterId) return null;
  return { kind: 'point', clusterId };
}

const keyOf = (target: DropTarget | null) => (target === null ? null : target.kind === 'split' ? 'split' : target.clusterId);

/** The handle: press and move (mouse, pen or finger) to drag its annotation. */
export function DragHandle(props: { drag: Drag; label: string; onDrop: (target: DropTarget) => void; disabled?: boolean }) {
  const start = (down: PointerEvent) => {
    if (props.disabled || down.button !== 0) return;
    const handle = down.currentTarget as HTMLElement;
    handle.setPointerCapture(down.pointerId);
    down.preventDefault();
    let x = down.clientX;
    let y = down.clientY;
    let active = false;
    let ghost: HTMLElement | null = null;
    let frame = 0;
    const place = () => {
      if (ghost) ghost.style.transform = `translate(${Math.round(x + 12)}px, ${Math.round(y + 12)}px)`;
      dropOver.set(keyOf(targetAt(props.drag, x, y)));
    };
    // While the pointer rests near an edge, scroll a little every frame (below the split target at the top).
    const scroll = () => {
      const top = document.querySelector('.split-target')?.getBoundingClientRect().bottom ?? 0;
      const step = y > window.innerHeight - EDGE ? 12 : y > top && y < top + EDGE ? -12 : 0;
      if (step !== 0) {
        window.scrollBy(0, step);
        place();
      }
      frame = requestAnimationFrame(scroll);
    };
    const move = (event: PointerEvent) => {
      x = event.clientX;
      y = event.clientY;
      if (!active) {
        if (Math.hypot(x - down.clientX, y - down.clientY) < THRESHOLD) return;
        active = true;
        dragging.set(props.drag);
        ghost = document.createElement('div');
        ghost.className = 'drag-ghost';
        ghost.textContent = props.label;
        ghost.setAttribute('aria-hidden', 'true');
        document.body.append(ghost);
        frame = requestAnimationFrame(scroll);
      }
      place();
    };
    const finish = (drop: boolean) => {
      handle.removeEventListener('pointermove', move);
      handle.removeEventListener('pointerup', up);
      handle.removeEventListener('pointercancel', cancel);
      window.removeEventListener('keydown', escape, true);
      cancelAnimationFrame(frame);
      ghost?.remove();
      const target = active && drop ? targetAt(props.drag, x, y) : null;
      dragging.set(null);
      dropOver.set(null);
      if (target) props.onDrop(target);
    };
    const up = (event: PointerEvent) => {
      x = event.clientX;
      y = event.clientY;
      finish(true);
    };
    const cancel = () => finish(false);
    const escape = (event: KeyboardEvent) => {
      if (event.key !== 'Escape') return;
      event.preventDefault();
      finish(false);
    };
    handle.addEventListener('pointermove', move);
    handle.addEventListener('pointerup', up);
    handle.addEventListener('pointercancel', cancel);
    window.addEventListener('keydown', escape, true);
  };
  return (
    // Not in the tab order and hidden from screen readers: the "Tách ra" button beside it does the same by keyboard.
    <span class={`drag-handle${props.disabled ? ' disabled' : ''}`} aria-hidden="true" title={t('dragHint')} onPointerDown={start}>
      ⠿ {t('dragHandle')}
    </span>
  );
}

/** The "make it a point of its own" target, shown at the top of the screen while dragging. */
export function SplitTarget(props: { drag: Drag | null; over: string | null }) {
  if (!props.drag || props.drag.alone) return null;
  return (
    <div class={`split-target${props.over === 'split' ? ' over' : ''}`} data-drop="split" aria-hidden="true">
      {t('dropToSplit')}
    </div>
  );
}
