/**
 * The draft tab: the live draft in Tiptap (editable for drafters and secretaries, read-only for
 * everyone else), presence, the connection banner, and the annotation side panel.
 */
import { useEffect, useMemo, useRef, useState } from 'preact/hooks';
import type { Editor } from '@tiptap/core';
import type { DocumentInfo, PlacedAnnotation, Round } from '../api/types';
import { connect, type Connection, type ConnectionStatus } from '../collab/connection';
import { colorFor, presentUsers, type Present } from '../collab/awareness';
import { AnnotationPanel } from '../annotations/panel';
import { Banner } from '../ui/components';
import { t, tk } from '../ui/i18n';
import { api, http, me, sessionExpired } from '../ui/session';
import { useSignal } from '../ui/signal';
import { createEditor } from './editor';
import { refreshHighlights, revealAnnotation, selectionAnchor, setActiveHighlight, showHighlights, type SelectionAnchor } from './anchors';

export function DraftView(props: { document: DocumentInfo; rounds: Round[]; canEdit: boolean; eventTick: number }) {
  const { document: doc, canEdit } = props;
  const user = useSignal(me)!;
  const host = useRef<HTMLDivElement>(null);
  const [connection, setConnection] = useState<Connection | null>(null);
  const [editor, setEditor] = useState<Editor | null>(null);
  const [status, setStatus] = useState<ConnectionStatus>({ state: 'connecting' });
  const [present, setPresent] = useState<Present[]>([]);
  const [selection, setSelection] = useState<SelectionAnchor | null>(null);
  const [placed, setPlaced] = useState<PlacedAnnotation[]>([]);
  const [active, setActive] = useState<string | null>(null);
  const [reload, setReload] = useState(0);

  const openRound = props.rounds.find((r) => r.status === 'open') ?? null;
  const focusRound = openRound ?? props.rounds[props.rounds.length - 1] ?? null;

  // One connection and one editor per document.
  useEffect(() => {
    const token = http.getToken();
    if (!host.current || !token) return;
    const live = connect(doc.id, token, { id: user.member.id, name: user.member.displayName });
    const instance = createEditor({
      element: host.current,
      fragment: live.fragment,
      provider: live.provider,
      editable: canEdit,
      user: { name: user.member.displayName, color: colorFor(user.member.id) },
      label: t('liveDraft'),
      onSelection: () => setSelection(selectionAnchor(instance)),
      onHighlightClick: (id) => setActive(id),
    });
    const offStatus = live.status.subscribe((next) => {
      setStatus(next);
      if (next.state === 'closed' && next.code === 4401) sessionExpired.set(true);
    });
    const onAwareness = () => setPresent(presentUsers(live.provider.awareness));
    live.provider.awareness.on('change', onAwareness);
    // Highlights follow the text; after a burst of edits, re-place them from their positions.
    let timer: ReturnType<typeof setTimeout> | undefined;
    const onChange = () => {
      clearTimeout(timer);
      timer = setTimeout(() => refreshHighlights(instance), 60);
    };
    live.fragment.observeDeep(onChange);
    setConnection(live);
    setEditor(instance);
    return () => {
      clearTimeout(timer);
      offStatus();
      live.fragment.unobserveDeep(onChange);
      live.provider.awareness.off('change', onAwareness);
      instance.destroy();
      live.destroy();
    };
  }, [doc.id, canEdit]);

  // The annotations placed in the live text: on load, on every event, after own writes.
  useEffect(() => {
    let cancelled = false;
    api
      .placedAnnotations(doc.id, 'live')
      .then((list) => !cancelled && setPlaced(list))
      .catch(() => undefined);
    return () => {
      cancelled = true;
    };
  }, [doc.id, props.eventTick, reload]);

  // Re-place highlights when the list changes or once the document has synced.
  const synced = status.state === 'connected' && status.synced;
  const visible = useMemo(
    () => placed.filter((a) => a.status === 'active' && a.anchorStatus !== 'orphaned' && (!focusRound || a.roundId === focusRound.id)),
    [placed, focusRound?.id],
  );
  useEffect(() => {
    if (!editor || !connection || !synced) return;
    const mine = user.member.id;
    showHighlights(editor, connection.fragment, visible, (a) => `hl hl-${a.kind} ${a.authorId === mine ? 'hl-mine' : 'hl-other'}`, active);
  }, [editor, connection, synced, visible, active]);

  useEffect(() => {
    if (!editor || !active) return;
    setActiveHighlight(editor, active);
    if (host.current) revealAnnotation(host.current, active);
  }, [active]);

  const others = present;
  // The jump button shows only while the form is out of sight.
  const [formInView, setFormInView] = useState(false);
  useEffect(() => {
    if (typeof IntersectionObserver === 'undefined') return;
    const observer = new IntersectionObserver((entries) => setFormInView(entries.some((e) => e.isIntersecting)));
    // The panel renders its form after this view does; look for it on the next tick.
    const timer = setTimeout(() => {
      const form = document.querySelector('.annotation-form');
      if (form) observer.observe(form);
      else setFormInView(false);
    }, 50);
    return () => {
      clearTimeout(timer);
      observer.disconnect();
    };
  }, [selection?.relStart, selection?.relEnd]);
  const jumpToForm = () => {
    const form = document.querySelector<HTMLFormElement>('.annotation-form');
    form?.scrollIntoView({ block: 'start', behavior: 'smooth' });
    form?.querySelector<HTMLInputElement>('input[name="kind"]:checked')?.focus({ preventScroll: true });
  };
  return (
    <div class="draft-layout">
      <section class="draft-column" aria-label={t('liveDraft')}>
        <ConnectionBanner status={status} />
        <div class="draft-meta">
          <span class={`pill ${canEdit ? 'pill-open' : ''}`}>{canEdit ? t('editing') : t('readOnly')}</span>
          <span class="muted">
            {status.state === 'connected' ? t('connected') : status.state === 'connecting' ? t('connecting') : ''}
          </span>
          {others.length > 0 && (
            <span class="presence" aria-live="polite">
              {t('whoIsHere', { names: '' })}
              {others.map((p) => (
                <span class="avatar" key={p.clientId} style={{ borderColor: p.color }}>{p.name}</span>
              ))}
            </span>
          )}
        </div>
        <div ref={host} class="draft-host" />
        {selection && openRound && !formInView && (
          // Phones: the panel sits below a long draft; this takes the reader to the form.
          <button type="button" class="primary jump-to-form" onClick={jumpToForm}>
            {t('newAnnotation')} ↓
          </button>
        )}
      </section>
      <AnnotationPanel
        document={doc}
        round={focusRound}
        openRound={openRound}
        canReview={canEdit}
        selection={selection}
        placed={placed.filter((a) => !focusRound || a.roundId === focusRound.id)}
        active={active}
        onActivate={setActive}
        onChanged={() => setReload((n) => n + 1)}
        clearSelection={() => {
          editor?.commands.setTextSelection(editor.state.selection.to);
          setSelection(null);
        }}
      />
    </div>
  );
}

function ConnectionBanner(props: { status: ConnectionStatus }) {
  const { status } = props;
  if (status.state !== 'closed') return null;
  const key = `close_${status.code}`;
  const message = tk(key) === key ? t('close_other', { code: status.code }) : tk(key);
  return (
    <Banner
      tone={status.terminal ? 'error' : 'warn'}
      action={
        status.code === 4401 ? (
          <button type="button" onClick={() => sessionExpired.set(true)}>{t('loginAgain')}</button>
        ) : undefined
      }
    >
      {message}
    </Banner>
  );
}
