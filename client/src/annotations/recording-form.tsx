/**
 * "Nhập ý kiến thu thập": a secretary or drafter enters comments collected on paper, by phone or
 * in a meeting, for a member or a discussion group (API.md "Recorded on behalf"). Built for a
 * stack of 100 forms in one sitting: keyboard first (Ctrl+Enter saves), and after each save the
 * member or group, the source, the target and the kind stay chosen and the cursor returns to the
 * text, so the next comment is typed at once.
 */
import { useEffect, useRef, useState } from 'preact/hooks';
import { annotationBodyMax, annotationKinds, annotationSources, rewordsNothing, textMax, type AnnotationKind, type AnnotationSource } from '@domain/vocabulary';
import type { AnnotationWrite } from '@schemas/annotations';
import type { UnitMember } from '@schemas/directory';
import type { Section } from '@schemas/documents';
import type { Round } from '@schemas/rounds';
import type { SelectionAnchor } from '../editor/anchors';
import { ErrorText, LengthCount } from '../ui/components';
import { t } from '../ui/i18n';
import { recordingUnitsOf } from '../ui/may';
import { api, me } from '../ui/session';
import { generalAnchor, SectionOptions, wholeDocument } from './general-form';
import { WordImportForm } from './word-import-form';

type Target = 'passage' | 'section' | 'document';

/** The members the caller may record for: those of the units inside the round's scope where they are staff (the server decides). */
async function recordableMembers(round: Round): Promise<UnitMember[]> {
  const units = recordingUnitsOf(me.get(), round);
  const lists = await Promise.allSettled(units.map((id) => api.unitMembers(id)));
  const byId = new Map<string, UnitMember>();
  for (const list of lists) if (list.status === 'fulfilled') for (const m of list.value.members) byId.set(m.id, m);
  return [...byId.values()].sort((a, b) => a.displayName.localeCompare(b.displayName, 'vi'));
}

const optionOf = (m: UnitMember) => `${m.displayName} (${m.login})`;

export function RecordingForm(props: { round: Round; sections: readonly Section[]; selection: SelectionAnchor | null; onSaved: () => void }) {
  const [members, setMembers] = useState<UnitMember[]>([]);
  const [mode, setMode] = useState<'member' | 'group'>('member');
  const [memberText, setMemberText] = useState('');
  const [groupName, setGroupName] = useState('');
  const [groupSize, setGroupSize] = useState('');
  const [source, setSource] = useState<AnnotationSource>('paper');
  const [target, setTarget] = useState<Target>('section');
  const [section, setSection] = useState(props.sections[0]?.path ?? '');
  const [kind, setKind] = useState<AnnotationKind>('comment');
  const [body, setBody] = useState('');
  const [replacement, setReplacement] = useState('');
  const [saved, setSaved] = useState(0);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<unknown>(null);
  const [missing, setMissing] = useState<string | null>(null);
  const bodyRef = useRef<HTMLTextAreaElement>(null);
  const formRef = useRef<HTMLFormElement>(null);

  useEffect(() => {
    recordableMembers(props.round).then(setMembers).catch(setError);
  }, []);
  useEffect(() => {
    if (!section && props.sections[0]) setSection(props.sections[0].path);
  }, [props.sections]);
  // A fresh selection in the draft is what the next comment is about.
  useEffect(() => {
    if (props.selection) setTarget('passage');
  }, [props.selection?.relStart, props.selection?.relEnd]);

  const member = members.find((m) => optionOf(m) === memberText || m.displayName === memberText);
  const size = Number(groupSize);
  const onBehalf =
    mode === 'member'
      ? member && { onBehalfOf: { memberId: member.id }, source }
      : groupName.trim() && size >= 1 && { onBehalfOf: { group: { name: groupName.trim(), size } }, source };
  const passageKind = target === 'passage';
  // The server refuses a rewording that changes nothing; the member's form says so too.
  const unchanged = passageKind && kind === 'suggestion' && !!props.selection && rewordsNothing(props.selection.text, replacement);

  const submit = async (event: Event) => {
    event.preventDefault();
    setError(null);
    setMissing(null);
    if (mode === 'member' && !member) return setMissing(t('unknownMember'));
    if (target === 'passage' && !props.selection) return setMissing(t('selectPassageFirst'));
    const anchor: AnnotationWrite['anchor'] =
      target === 'passage' ? { relStart: props.selection!.relStart, relEnd: props.selection!.relEnd } : generalAnchor(target === 'document' ? wholeDocument : section);
    const effectiveKind = kind === 'suggestion' && !passageKind ? 'comment' : kind;
    const write: AnnotationWrite = {
      kind: effectiveKind,
      body: body.trim(),
      anchor,
      ...(effectiveKind === 'suggestion' ? { replacement: replacement.trim() } : {}),
      onBehalfOf: mode === 'member' ? { memberId: member!.id } : { group: { name: groupName.trim(), size: Number(groupSize) } },
      source,
    };
    setBusy(true);
    try {
      await api.putAnnotation(props.round.id, crypto.randomUUID(), write);
      setSaved((n) => n + 1);
      setBody('');
      setReplacement('');
      props.onSaved();
      bodyRef.current?.focus();
    } catch (failure) {
      setError(failure);
    } finally {
      setBusy(false);
    }
  };

  const onKeyDown = (event: KeyboardEvent) => {
    if (event.key === 'Enter' && (event.ctrlKey || event.metaKey)) {
      event.preventDefault();
      formRef.current?.requestSubmit();
    }
  };

  return (
    <>
      <form ref={formRef} class="recording-form stack" onSubmit={(e) => void submit(e)} onKeyDown={onKeyDown} aria-label={t('recordTitle')}>
        <h3>{t('recordTitle')}</h3>
        <p class="hint">{t('recordHint')}</p>
        <fieldset class="kinds">
          <legend>{t('recordFor')}</legend>
          <label class="inline"><input type="radio" name="mode" value="member" checked={mode === 'member'} onChange={() => setMode('member')} /> {t('recordMember')}</label>
          <label class="inline"><input type="radio" name="mode" value="group" checked={mode === 'group'} onChange={() => setMode('group')} /> {t('recordGroup')}</label>
        </fieldset>
        {mode === 'member' ? (
          <label>
            {t('memberSearch')}
            <input name="member" list="recordable-members" autoComplete="off" required value={memberText} onInput={(e) => setMemberText(e.currentTarget.value)} aria-invalid={memberText !== '' && !member} />
            <datalist id="recordable-members">
              {members.map((m) => <option key={m.id} value={optionOf(m)} />)}
            </datalist>
          </label>
        ) : (
          <div class="row wrap">
            <label class="grow">
              {t('groupName')}
              <input name="groupName" required maxLength={200} value={groupName} onInput={(e) => setGroupName(e.currentTarget.value)} />
            </label>
            <label>
              {t('groupSize')}
              <input name="groupSize" type="number" min={1} max={100000} required value={groupSize} onInput={(e) => setGroupSize(e.currentTarget.value)} />
            </label>
          </div>
        )}
        <div class="row wrap">
          <label>
            {t('source')}
            <select name="source" value={source} onChange={(e) => setSource(e.currentTarget.value as AnnotationSource)}>
              {annotationSources.map((s) => <option key={s} value={s}>{t(`source_${s}`)}</option>)}
            </select>
          </label>
          <label>
            {t('kind')}
            <select name="kind" value={kind} onChange={(e) => setKind(e.currentTarget.value as AnnotationKind)}>
              {annotationKinds.filter((k) => passageKind || k !== 'suggestion').map((k) => <option key={k} value={k}>{t(`kind_${k}`)}</option>)}
            </select>
          </label>
        </div>
        <fieldset class="kinds">
          <legend>{t('target')}</legend>
          <label class="inline"><input type="radio" name="target" value="passage" checked={target === 'passage'} onChange={() => setTarget('passage')} /> {t('targetPassage')}</label>
          <label class="inline"><input type="radio" name="target" value="section" checked={target === 'section'} onChange={() => setTarget('section')} /> {t('targetSection')}</label>
          <label class="inline"><input type="radio" name="target" value="document" checked={target === 'document'} onChange={() => setTarget('document')} /> {t('targetDocument')}</label>
        </fieldset>
        {target === 'passage' && (props.selection ? <blockquote class="quote">{props.selection.text}</blockquote> : <p class="hint">{t('selectPassageFirst')}</p>)}
        {target === 'section' && (
          <select name="section" aria-label={t('targetSection')} value={section} onChange={(e) => setSection(e.currentTarget.value)}>
            <SectionOptions sections={props.sections} withDocument={false} />
          </select>
        )}
        {kind === 'suggestion' && passageKind && (
          <label>
            {t('replacement')}
            <textarea name="replacement" rows={2} required maxLength={textMax.replacement} value={replacement} onInput={(e) => setReplacement(e.currentTarget.value)} />
            <LengthCount value={replacement} max={textMax.replacement} />
            {unchanged && <small class="error">{t('replacementUnchanged')}</small>}
          </label>
        )}
        <label>
          {t('body')}
          <textarea ref={bodyRef} name="body" rows={4} maxLength={annotationBodyMax[target]} required={kind !== 'support' && kind !== 'suggestion'} value={body} onInput={(e) => setBody(e.currentTarget.value)} />
          <LengthCount value={body} max={annotationBodyMax[target]} />
        </label>
        {missing && <p class="error" role="alert">{missing}</p>}
        <ErrorText error={error} />
        <div class="row wrap spread">
          <button type="submit" class="primary" disabled={busy || unchanged}>{t('saveAndNext')}</button>
          <span class="muted" role="status" aria-live="polite">{saved > 0 ? t('recordedCount', { n: saved }) : ''}</span>
        </div>
      </form>
      {/* A member's (or group's) Word file, entered for whoever is chosen above. */}
      {onBehalf && <WordImportForm round={props.round} onBehalf={onBehalf} onDone={props.onSaved} />}
    </>
  );
}
