/**
 * One document: its tabs (draft, rounds, versions and diff, merged comments, feedback from units
 * below), the live event stream that refreshes them, and a "new comment" notice for reviewers.
 */
import { useEffect, useState } from 'preact/hooks';
import type { DocumentInfo, Round, Version } from '../api/types';
import { subscribeToDocument, type DocumentEvent } from '../api/events';
import { DraftView } from '../editor/draft-view';
import { DiffView } from '../diff/diff-view';
import { ReviewView } from '../review/review-view';
import { FeedbackView } from '../review/feedback-view';
import { RoundsView } from './rounds-view';
import { ErrorText, Link, Loading } from './components';
import { t } from './i18n';
import { api, canDraft, http, me } from './session';
import type { Tab } from './router';

const TAB_KEYS: Record<Tab, Parameters<typeof t>[0]> = {
  draft: 'tabDraft',
  rounds: 'tabRounds',
  versions: 'tabVersions',
  review: 'tabReview',
  feedback: 'tabFeedback',
};

export function DocumentView(props: { id: string; tab: Tab }) {
  const [doc, setDoc] = useState<DocumentInfo | null>(null);
  const [rounds, setRounds] = useState<Round[]>([]);
  const [versions, setVersions] = useState<Version[]>([]);
  const [error, setError] = useState<unknown>(null);
  const [eventTick, setEventTick] = useState(0);
  const [notice, setNotice] = useState<DocumentEvent | null>(null);

  const load = async () => {
    const [d, r, v] = await Promise.all([api.document(props.id), api.rounds(props.id), api.versions(props.id)]);
    setDoc(d);
    setRounds(r);
    setVersions(v);
  };

  useEffect(() => {
    load().catch(setError);
    const token = http.getToken();
    if (!token) return;
    const stream = subscribeToDocument(props.id, token, (event) => {
      setEventTick((n) => n + 1);
      if (event.type.startsWith('round.') || event.type === 'version.created' || event.type === 'suggestion.applied') void load().catch(() => undefined);
      if (event.type === 'annotation.upserted') setNotice(event);
    });
    return () => stream.close();
  }, [props.id]);

  useEffect(() => {
    if (!notice) return;
    const timer = setTimeout(() => setNotice(null), 6000);
    return () => clearTimeout(timer);
  }, [notice]);

  if (error) return <main id="main"><ErrorText error={error} /></main>;
  if (!doc) return <main id="main"><Loading /></main>;
  // Buttons follow `/me`; the server's 403/404 stays the truth. A secretary or drafter of a unit
  // below reviews the rounds distributed to it, so these tabs show for such roles anywhere.
  const reviewer = canDraft(doc.unitId);
  const reviewsSomewhere = reviewer || (me.get()?.memberships ?? []).some((m) => m.role !== 'member');
  const secretary = (me.get()?.memberships ?? []).some((m) => m.role === 'secretary');
  const tabs: Tab[] = ['draft', 'rounds', 'versions', ...(reviewsSomewhere ? (['review'] as Tab[]) : []), ...(secretary ? (['feedback'] as Tab[]) : [])];
  const tab = tabs.includes(props.tab) ? props.tab : 'draft';

  return (
    <main id="main" class="document">
      <h1 class="doc-title">{doc.title}</h1>
      <nav class="tabs" aria-label={doc.title}>
        {tabs.map((key) => (
          <Link key={key} href={`/d/${doc.id}/${key}`} class={`tab${key === tab ? ' tab-active' : ''}`}>
            <span aria-current={key === tab ? 'page' : undefined}>{t(TAB_KEYS[key])}</span>
          </Link>
        ))}
      </nav>
      {notice && reviewer && (
        <div class="toast" role="status" aria-live="polite">
          {t('newArrived')}
        </div>
      )}
      {tab === 'draft' && <DraftView document={doc} rounds={rounds} canEdit={reviewer} eventTick={eventTick} />}
      {tab === 'rounds' && <RoundsView document={doc} rounds={rounds} canManage={reviewer} onChanged={() => void load()} />}
      {tab === 'versions' && <DiffView document={doc} versions={versions} canName={reviewer} onChanged={() => void load()} />}
      {tab === 'review' && <ReviewView document={doc} rounds={rounds} eventTick={eventTick} />}
      {tab === 'feedback' && <FeedbackView document={doc} rounds={rounds} eventTick={eventTick} />}
    </main>
  );
}
