/**
 * Administration (admin, and secretaries for their units): the unit tree, a unit's members with
 * their roles (change, remove), and activation letters to print for members who have not
 * activated yet (new codes; earlier ones stop working). Loaded only when opened (its own chunk).
 */
import { useEffect, useState } from 'preact/hooks';
import { roles, type Role } from '@domain/vocabulary';
import type { Unit, UnitMember, UnitNode as TreeUnit } from '@schemas/directory';
import { ErrorText, Loading, saveBlob } from '../ui/components';
import { t } from '../ui/i18n';
import { api, me } from '../ui/session';
import { SheetImport } from './sheet-import';

export function AdminView() {
  const [top, setTop] = useState<TreeUnit[] | null>(null);
  const [error, setError] = useState<unknown>(null);
  const [selected, setSelected] = useState<Unit | null>(null);
  const [generation, setGeneration] = useState(0);

  useEffect(() => {
    api
      .topUnits()
      .then((units) => {
        setTop(units);
        if (units.length === 1) setSelected(units[0]!);
      })
      .catch(setError);
  }, [generation]);

  if (error) return <main id="main"><ErrorText error={error} /></main>;
  if (!top) return <main id="main"><Loading /></main>;
  return (
    <main id="main" class="admin">
      <h1>{t('adminTitle')}</h1>
      {me.get()?.isAdmin && (
        <p class="muted">
          <a href="/docs" target="_blank" rel="noopener">{t('apiDocs')}</a>
        </p>
      )}
      {me.get()?.isAdmin && <SheetImport onImported={() => setGeneration((n) => n + 1)} />}
      {top.length === 0 ? (
        <p class="muted">{t('adminNothing')}</p>
      ) : (
        <div class="admin-layout">
          <nav class="card unit-tree" aria-label={t('unitTree')} key={generation}>
            <h2>{t('unitTree')}</h2>
            <ul role="tree">
              {top.map((unit) => (
                <UnitNode key={unit.id} unit={unit} selected={selected} onSelect={setSelected} />
              ))}
            </ul>
          </nav>
          {selected ? <UnitMembers key={selected.id} unit={selected} /> : <p class="muted">{t('chooseUnit')}</p>}
        </div>
      )}
    </main>
  );
}

function UnitNode(props: { unit: TreeUnit; selected: Unit | null; onSelect: (unit: Unit) => void }) {
  const [open, setOpen] = useState(false);
  const [children, setChildren] = useState<TreeUnit[] | null>(null);
  const [error, setError] = useState<unknown>(null);
  const toggle = () => {
    setOpen(!open);
    if (!children) api.children(props.unit.id).then(setChildren).catch(setError);
  };
  const current = props.selected?.id === props.unit.id;
  return (
    <li role="treeitem" aria-expanded={props.unit.childCount > 0 ? open : undefined} aria-selected={current}>
      <div class="row tree-row">
        {props.unit.childCount > 0 ? (
          <button type="button" class="tree-toggle" aria-label={open ? t('collapse') : t('expand')} onClick={toggle}>
            {open ? '▾' : '▸'}
          </button>
        ) : (
          <span class="tree-toggle leaf" aria-hidden="true" />
        )}
        <button type="button" class={`link tree-name${current ? ' current' : ''}`} onClick={() => props.onSelect(props.unit)}>
          {props.unit.name}
          <span class="tree-counts">
            {props.unit.childCount > 0
              ? t('unitTreeCounts', { members: props.unit.memberCount, children: props.unit.childCount })
              : t('unitTreeMembers', { members: props.unit.memberCount })}
          </span>
        </button>
      </div>
      {open && (
        <ul role="group">
          <ErrorText error={error} />
          {children === null && !error && <li class="muted">{t('loading')}</li>}
          {children?.length === 0 && <li class="muted">{t('noChildUnits')}</li>}
          {children?.map((child) => <UnitNode key={child.id} unit={child} selected={props.selected} onSelect={props.onSelect} />)}
        </ul>
      )}
    </li>
  );
}

function UnitMembers(props: { unit: Unit }) {
  const [members, setMembers] = useState<UnitMember[] | null>(null);
  const [error, setError] = useState<unknown>(null);
  const [chosen, setChosen] = useState<Set<string>>(new Set());
  const [busy, setBusy] = useState(false);
  const [message, setMessage] = useState<string | null>(null);
  const user = me.get();
  const manages = !!user && (user.isAdmin || user.memberships.some((m) => m.unitId === props.unit.id && m.role === 'secretary'));

  const load = () =>
    api
      .unitMembers(props.unit.id)
      .then((answer) => setMembers(answer.members))
      .catch(setError);
  useEffect(() => void load(), [props.unit.id]);

  const act = async (action: () => Promise<void>) => {
    setBusy(true);
    setError(null);
    setMessage(null);
    try {
      await action();
    } catch (failure) {
      setError(failure);
    } finally {
      setBusy(false);
    }
  };

  const changeRole = (member: UnitMember, role: Role) =>
    act(async () => {
      await api.setRole(props.unit.id, member.id, role);
      await load();
      setMessage(t('roleChanged', { name: member.displayName }));
    });
  const remove = (member: UnitMember) =>
    act(async () => {
      if (!confirm(t('confirmRemove', { name: member.displayName, unit: props.unit.name }))) return;
      await api.removeMember(props.unit.id, member.id);
      await load();
      setMessage(t('memberRemoved', { name: member.displayName }));
    });
  const letters = () =>
    act(async () => {
      const ids = [...chosen];
      const file = await api.activationLetters(props.unit.id, ids.length > 0 ? ids : undefined);
      saveBlob(file.blob, file.filename ?? 'thu-kich-hoat.pdf');
      setChosen(new Set());
      setMessage(t('lettersIssued'));
    });

  const waiting = (members ?? []).filter((m) => !m.activated);
  return (
    <section class="card unit-members" aria-label={props.unit.name}>
      <h2>{props.unit.name}</h2>
      <ErrorText error={error} />
      {message && <p role="status" class="muted">{message}</p>}
      {members === null && !error && <Loading />}
      {members !== null && (
        <>
          <p class="muted">{t('membersCount', { count: members.length, waiting: waiting.length })}</p>
          {manages && waiting.length > 0 && (
            <div class="row wrap letters-bar">
              <button type="button" class="primary" disabled={busy} onClick={() => void letters()}>
                {chosen.size > 0 ? t('printLettersChosen', { count: chosen.size }) : t('printLettersAll', { count: waiting.length })}
              </button>
              <span class="muted">{t('lettersHint')}</span>
            </div>
          )}
          <ul class="member-list">
            {members.map((member) => (
              <li key={member.id} class="member-row">
                <div class="member-who">
                  {manages && !member.activated && (
                    <input
                      type="checkbox"
                      aria-label={t('chooseForLetter', { name: member.displayName })}
                      checked={chosen.has(member.id)}
                      onChange={(event) => {
                        const next = new Set(chosen);
                        if ((event.target as HTMLInputElement).checked) next.add(member.id);
                        else next.delete(member.id);
                        setChosen(next);
                      }}
                    />
                  )}
                  <span>
                    <strong>{member.displayName}</strong> <span class="muted">{member.login}</span>
                    <br />
                    <span class={`pill ${member.activated ? 'pill-open' : 'pill-warn'}`}>{member.activated ? t('activated') : t('waitingActivation')}</span>
                  </span>
                </div>
                {manages ? (
                  <div class="row member-actions">
                    <label class="inline">
                      <span class="visually-hidden">{t('roleOf', { name: member.displayName })}</span>
                      <select value={member.role} disabled={busy} onChange={(event) => void changeRole(member, (event.target as HTMLSelectElement).value as Role)}>
                        {roles.map((role) => (
                          <option key={role} value={role}>{t(`role_${role}`)}</option>
                        ))}
                      </select>
                    </label>
                    <button type="button" disabled={busy} onClick={() => void remove(member)}>{t('removeMember')}</button>
                  </div>
                ) : (
                  <span class="pill">{t(`role_${member.role}`)}</span>
                )}
              </li>
            ))}
          </ul>
        </>
      )}
    </section>
  );
}
