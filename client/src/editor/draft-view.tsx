/**
 * The draft tab: the live draft in Tiptap (editable for drafters and secretaries, read-only for
 * everyone else), presence, the connection banner, and the annotation side panel.
 */
import { useEffect, useMemo, useRef, useState } from 'preact/hooks';
import type { Editor } from '@tiptap/core';
import type { PlacedAnnotation } from '@schemas/annotations';
import type { DocumentInfo } from '@schemas/documents';
import type { Round } from '@schemas/rounds';
import { closeName, connect, type Connection, type ConnectionStatus } from '../collab/connection';
import { colorFor, presentUsers, type Present } from '../collab/awareness';
import { AnnotationPanel } from '../annotations/panel';
import { Banner } from '../ui/components';
import { CloseCode } from '@errors';
import { isMessageKey, t } from '../ui/i18n';
import { api, http, me, sessionExpired } from '../ui/session';
import { takesPartInRoundOf } from '../ui/may';
import { PHONE_QUERY, useMedia } from '../ui/media';
import { signal, useSignal } from '../ui/signal';
import { path } from '../ui/router';
import { createEditor } from './editor';
import { useDraftingKit } from './use-drafting-kit';
import { refreshHighlights, revealAnnotation, selectionAnchor, setActiveHighlight, showHighlights, type SelectionAnchor } from './anchors';

/** Until the connection exists, its device copy counts as not yet read. */
const notLoadedYet = signal(false);

export function DraftView(props: { document: DocumentInfo; rounds: Round[]; canEdit: boolean; eventTick: number }) {
  const { document: doc, canEdit } = props;
  const user = useSignal(me)!;
  const phone = useMedia(PHONE_QUERY);
  const host = useRef<HTMLDivElement>(null);
  const [connection, setConnection] = useState<Connection | null>(null);
  const [editor, setEditor] = useState<Editor | null>(null);
  const [status, setStatus] = useState<ConnectionStatus>({ state: 'connecting' });
  const [present, setPresent] = useState<Present[]>([]);
  const [selection, setSelection] = useState<SelectionAnchor | null>(null);
  const [placed, setPlaced] = useState<PlacedAnnotation[]>([]);
  // A notification's link names the annotation it is about (`?annotation=<id>`): start on it.
  const [active, setActive] = useState<string | null>(null);
  // Every annotation at the tapped place (overlapping passages), for the phone's thread sheet.
  const [activeGroup, setActiveGroup] = useState<string[]>([]);
  const linked = useRef<string | null>(null);
  const [reload, setReload] = useState(0);
  const [loaded, setLoaded] = useState(false);
  // Drafters' tools (table editing, carets, toolbar) come as a chunk of their own; readers skip it.
  const drafting = useDraftingKit(canEdit);

  const openRound = props.rounds.find((r) => r.status === 'open') ?? null;
  const focusRound = openRound ?? props.rounds[props.rounds.length - 1] ?? null;

  // One connection and one editor per document.
  useEffect(() => {
    const token = http.getToken();
    if (!host.current || !token || !drafting.ready) return;
    const live = connect(doc.id, token, { id: user.member.id, name: user.member.displayName });
    const instance = createEditor({
      element: host.current,
      fragment: live.fragment,
      provider: live.provider,
      editable: canEdit,
      drafting: drafting.kit,
      user: { name: user.member.displayName, color: colorFor(user.member.id) },
      label: t('liveDraft'),
      onSelection: () => setSelection(selectionAnchor(instance)),
      onHighlightClick: (ids) => {
        setActive(ids[0] ?? null);
        setActiveGroup(ids);
      },
    });
    // Closed until the first sync: a keystroke into the empty local document would merge at an
    // arbitrary place in the real one (Yjs orders concurrent inserts by client id, not by intent).
    instance.setEditable(false, false);
    setLoaded(false);
    const offStatus = live.status.subscribe((next) => {
      setStatus(next);
      if (next.state === 'closed' && next.code === CloseCode.unauthenticated) sessionExpired.set(true);
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
  }, [doc.id, canEdit, drafting.ready]);

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
  // Every annotation the panel lists is highlighted: this round's and, from earlier rounds, the
  // member's own (with the committee's answers) or, for reviewers, the ones carried forward.
  const visible = useMemo(() => placed.filter((a) => a.status === 'active' && a.anchorStatus !== 'orphaned'), [placed]);
  // Open once the server's state has arrived, or a copy kept on this device that has content
  // (offline: edits on it merge like any offline edit; on an empty local doc they would not).
  const localLoaded = useSignal(connection?.localLoaded ?? notLoadedYet);
  useEffect(() => {
    if (!editor || !connection || loaded) return;
    if (!synced && !(localLoaded && connection.fragment.length > 0)) return;
    editor.setEditable(true, false);
    setLoaded(true);
  }, [editor, connection, synced, localLoaded, loaded]);
  useEffect(() => {
    if (!editor || !connection || !synced) return;
    const mine = user.member.id;
    showHighlights(editor, connection.fragment, visible, (a) => `hl hl-${a.kind} ${a.authorId === mine ? 'hl-mine' : 'hl-other'}`, active);
  }, [editor, connection, synced, visible, active]);

  useEffect(() => {
    if (!editor || !active) return;
    setActiveHighlight(editor, active);
    if (host.current) revealAnnotation(host.current, active, phone);
  }, [active]);

  const others = present;
  // The jump button shows only while the form is out of sight.
  // Opening a notification changes only the query when this draft is already open: follow it.
  const wanted = new URLSearchParams(useSignal(path).split('?')[1] ?? '').get('annotation');
  useEffect(() => {
    linked.current = wanted;
  }, [wanted]);
  useEffect(() => {
    const id = linked.current;
    if (!id || !placed.some((a) => a.id === id)) return;
    linked.current = null;
    setActive(id);
    requestAnimationFrame(() => document.querySelector(`.annotation[data-annotation-id="${CSS.escape(id)}"]`)?.scrollIntoView({ block: 'center' }));
  }, [placed, wanted]);
  const [formInView, setFormInView] = useState(false);
  useEffect(() => {
    if (typeof IntersectionObserver === 'undefined') return;
    const observer = new IntersectionObserver((entries) => setFormInView(entries.some((e) => e.isIntersecting)));
    // The panel renders its form after this view does; look for it on the next tick.
    const timer = setTimeout(() => {
      // The member's form, or the staff's entry form when that is open instead.
      const form = document.querySelector('.annotation-form, .recording-form');
      if (form) observer.observe(form);
      else setFormInView(false);
    }, 50);
    return () => {
      clearTimeout(timer);
      observer.disconnect();
    };
  }, [selection?.relStart, selection?.relEnd]);
  const jumpToForm = () => {
    const form = document.querySelector<HTMLFormElement>('.annotation-form, .recording-form');
    form?.scrollIntoView({ block: 'start', behavior: 'smooth' });
    form?.querySelector<HTMLElement>('input[name="kind"]:checked, textarea[name="body"]')?.focus({ preventScroll: true });
  };
  return (
    <div class="draft-layout">
      <section class="draft-column" aria-label={t('liveDraft')}>
        <ConnectionBanner status={status} />
        <div class="draft-meta">
          <span class={`pill ${canEdit ? 'pill-open' : ''}`}>{canEdit ? t('editing') : t('readOnly')}</span>
          <span class="muted">
            {!loaded ? t('loadingDraft') : status.state === 'connected' ? t('connected') : status.state === 'connecting' ? t('connecting') : status.state === 'offline' ? t('offline') : ''}
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
        {drafting.kit && editor && <drafting.kit.Toolbar editor={editor} />}
        <div ref={host} class="draft-host" aria-busy={loaded ? 'false' : 'true'} />
        {selection && openRound && takesPartInRoundOf(me.get(), openRound) && !formInView && (
          // Phones: the panel sits below a long draft; this takes the reader to the form.
          <button type="button" class="primary jump-to-form" onClick={jumpToForm}>
            {t('newAnnotation')} ↓
          </button>
        )}
      </section>
      <AnnotationPanel
        document={doc}
        rounds={props.rounds}
        round={focusRound}
        openRound={openRound}
        canReview={canEdit}
        selection={selection}
        placed={placed}
        active={active}
        activeGroup={activeGroup}
        onActivate={(id) => {
          setActive(id);
          setActiveGroup(id ? [id] : []);
        }}
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
  if (status.state === 'offline') {
    return (
      <div class="connection-banner">
        <Banner tone="warn">{t('offlineKept')}</Banner>
      </div>
    );
  }
  if (status.state !== 'closed') return null;
  const name = closeName(status.code);
  const key = `close_${name}`;
  const message = name && isMessageKey(key) ? t(key) : t('close_other');
  return (
    <div class="connection-banner">
      <Banner
        tone={status.terminal ? 'error' : 'warn'}
        action={
          status.code === CloseCode.unauthenticated ? (
            <button type="button" onClick={() => sessionExpired.set(true)}>{t('loginAgain')}</button>
          ) : undefined
        }
      >
        {message}
      </Banner>
    </div>
  );
}
