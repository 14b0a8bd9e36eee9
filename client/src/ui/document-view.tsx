/**
 * One document: its tabs (draft, rounds, versions and diff, merged comments, feedback from units
 * below), the live event stream that refreshes them, and a "new comment" notice for reviewers.
 */
import { useEffect, useRef, useState } from 'preact/hooks';
import type { DocumentInfo } from '@schemas/documents';
import type { Round } from '@schemas/rounds';
import type { Version } from '@schemas/versions';
import { subscribeToDocument, type DocumentEvent, type OnDocumentEvent } from '../api/events';
import { DraftView } from '../editor/draft-view';
import { lazyView } from './lazy';
import { RoundsView } from './rounds-view';
import { DraftExport } from './draft-export';
import { ErrorText, Link, Loading } from './components';
import { t } from './i18n';
import { api, canDraft, http, me, roleOn } from './session';
import { followsParticipationOf, mayReviewRoundOf } from './may';
import { refreshUnread } from '../notifications/bell';
import { redirect, type Tab } from './router';

// Tabs a member rarely or never opens load on first use (a chunk each): the first screen stays light.
const DiffView = lazyView(() => import('../diff/diff-view').then((m) => m.DiffView));
const ReviewView = lazyView(() => import('../review/review-view').then((m) => m.ReviewView));
const FeedbackView = lazyView(() => import('../review/feedback-view').then((m) => m.FeedbackView));
const AuditView = lazyView(() => import('../notifications/audit-view').then((m) => m.AuditView));
const ParticipationView = lazyView(() => import('../review/participation-view').then((m) => m.ParticipationView));

const TAB_KEYS: Record<Tab, Parameters<typeof t>[0]> = {
  draft: 'tabDraft',
  rounds: 'tabRounds',
  versions: 'tabVersions',
  review: 'tabReview',
  people: 'tabPeople',
  feedback: 'tabFeedback',
  audit: 'tabAudit',
};

export function DocumentView(props: { id: string; tab: Tab }) {
  const [doc, setDoc] = useState<DocumentInfo | null>(null);
  const [rounds, setRounds] = useState<Round[]>([]);
  const [versions, setVersions] = useState<Version[]>([]);
  // Everything the tabs depend on has been read once (the unit above and the units below come last).
  const [known, setKnown] = useState(false);
  const [error, setError] = useState<unknown>(null);
  const [eventTick, setEventTick] = useState(0);
  const [notice, setNotice] = useState<DocumentEvent | null>(null);
  const [parentId, setParentId] = useState<string | null>(null);
  const [hasUnitsBelow, setHasUnitsBelow] = useState(false);
  // Views that need each event itself (not only that one came) listen here: the summary refreshes
  // only the sections an event names.
  const listeners = useRef(new Set<(event: DocumentEvent) => void>());
  const resumers = useRef(new Set<() => void>());
  const onEvent = useRef<OnDocumentEvent>((listener, onResume) => {
    listeners.current.add(listener);
    if (onResume) resumers.current.add(onResume);
    return () => {
      listeners.current.delete(listener);
      if (onResume) resumers.current.delete(onResume);
    };
  }).current;

  const load = async () => {
    const [d, r, v] = await Promise.all([api.document(props.id), api.rounds(props.id), api.versions(props.id)]);
    setDoc(d);
    setRounds(r);
    const [unit, children] = await Promise.all([api.unit(d.unitId).catch(() => null), canDraft(d.unitId) ? api.children(d.unitId).catch(() => []) : Promise.resolve([])]);
    setParentId(unit?.parentId ?? null);
    setHasUnitsBelow(children.length > 0);
    setVersions(v);
    setKnown(true);
  };

  useEffect(() => {
    load().catch(setError);
    const token = http.getToken();
    if (!token) return;
    const stream = subscribeToDocument(props.id, token, (event) => {
      setEventTick((n) => n + 1);
      for (const listener of listeners.current) listener(event);
      // A reply or a decision here may be a notification for me: the bell looks at once.
      if (event.type === 'reply.created' || event.type === 'disposition.set' || event.type === 'round.opened' || event.type === 'package.submitted') void refreshUnread();
      if (event.type.startsWith('round.') || event.type === 'version.created' || event.type === 'suggestion.applied') void load().catch(() => undefined);
      if (event.type === 'annotation.upserted') setNotice(event);
    }, undefined, () => {
      // The stream was down (offline, a sleeping tab): whatever it missed is read again.
      setEventTick((n) => n + 1);
      void load().catch(() => undefined);
      for (const resume of resumers.current) resume();
    });
    return () => stream.close();
  }, [props.id]);

  useEffect(() => {
    if (!notice) return;
    const timer = setTimeout(() => setNotice(null), 6000);
    return () => clearTimeout(timer);
  }, [notice]);

  const offered = doc ? offeredTabs(doc, rounds, hasUnitsBelow, parentId) : null;
  const tab = offered?.tabs.includes(props.tab) ? props.tab : 'draft';
  // A tab this person is not offered (a member at /review) shows the draft, and the address says so,
  // once everything the tabs depend on has been read.
  useEffect(() => {
    if (known && doc && tab !== props.tab) redirect(`/d/${doc.id}/${tab}`);
  }, [known, doc?.id, tab, props.tab]);

  if (error) return <main id="main"><ErrorText error={error} /></main>;
  if (!doc || !offered) return <main id="main"><Loading /></main>;
  const { tabs, reviewer, reviewable, receives } = offered;

  return (
    <main id="main" class="document">
      <div class="doc-head">
        <h1 class="doc-title">{doc.title}</h1>
        {tab === 'draft' && <DraftExport documentId={doc.id} />}
      </div>
      <nav class="tabs" aria-label={doc.title}>
        {tabs.map((key) => (
          <Link key={key} href={`/d/${doc.id}/${key}`} class={`tab${key === tab ? ' tab-active' : ''}`}>
            <span aria-current={key === tab ? 'page' : undefined}>{t(key === 'feedback' && !receives ? 'tabSendUp' : TAB_KEYS[key])}</span>
          </Link>
        ))}
      </nav>
      {notice && reviewer && (
        <div class="toast" role="status" aria-live="polite">
          {t('newArrived')}
        </div>
      )}
      {tab === 'draft' && <DraftView document={doc} rounds={rounds} canEdit={reviewer} eventTick={eventTick} />}
      {tab === 'rounds' && <RoundsView document={doc} rounds={rounds} canManage={reviewer} onChanged={() => void load()} eventTick={eventTick} />}
      {tab === 'versions' && <DiffView document={doc} versions={versions} canName={reviewer} onChanged={() => void load()} />}
      {tab === 'review' && <ReviewView document={doc} rounds={reviewable} eventTick={eventTick} onEvent={onEvent} />}
      {tab === 'people' && <ParticipationView document={doc} rounds={rounds} eventTick={eventTick} />}
      {tab === 'feedback' && <FeedbackView document={doc} rounds={rounds} eventTick={eventTick} onEvent={onEvent} />}
      {tab === 'audit' && <AuditView document={doc} eventTick={eventTick} />}
    </main>
  );
}

/**
 * The tabs offered to the caller on a document, by the server's rules fed with `/me`, and what they
 * were decided from (the views below use the same answers). Buttons follow `/me`; the server's
 * 403/404 stays the truth.
 */
function offeredTabs(doc: DocumentInfo, rounds: Round[], hasUnitsBelow: boolean, parentId: string | null) {
  const reviewer = canDraft(doc.unitId);
  const secretary = (me.get()?.memberships ?? []).some((m) => m.role === 'secretary');
  // The round summary is offered for the rounds whose summary the caller may read (the server's
  // rule), not to every secretary below: a commune's secretary sends its points up instead.
  const reviewable = rounds.filter((r) => mayReviewRoundOf(me.get(), doc, r));
  // Staff of the document's unit (when it has units below) or of the unit above it read what came
  // in from below; a secretary of a unit below, or of a unit with none, sends their unit's feedback up.
  const receives = (reviewer && hasUnitsBelow) || (parentId !== null && canDraft(parentId));
  const tabs: Tab[] = [
    'draft',
    'rounds',
    'versions',
    ...(reviewer || reviewable.length > 0 ? (['review'] as Tab[]) : []),
    // "Ai đã góp ý" for the rounds where the caller follows some unit (its staff, or the round's reviewers).
    ...(rounds.some((r) => followsParticipationOf(me.get(), doc, r)) ? (['people'] as Tab[]) : []),
    // Secretaries send their unit's feedback up; staff of a receiving unit (drafters too) read and decide what came in.
    ...(secretary || receives ? (['feedback'] as Tab[]) : []),
    ...(roleOn(doc.unitId) === 'secretary' ? (['audit'] as Tab[]) : []),
  ];
  return { tabs, reviewer, reviewable, receives };
}
