import { useEffect, useMemo, useRef, useState } from 'react';
import { draftProblems } from '../../../src-shared/drafts/draft-content';
import type { Draft, DraftCheck, DraftContent } from '../../../src-shared/ipc/draft-views';
import { ConfigObject } from '../../../src-shared/protocol';
import { useApi } from '../../api/context';
import { formatClock } from '../../format';
import { draftsRoute, formatRoute } from '../../nav/route';
import { useSmt } from '../../store/react';
import { ConflictReport } from './ConflictReport';
import { RecordsEditor } from './RecordsEditor';
import { ScopeFields } from './ScopeFields';
import { modelToScope, newScopeForm, scopeToModel, type ScopeForm } from './scope-lines';
import { formToModel, modelToForm, newZoneForm, type ZoneForm } from './zone-rows';

type Kind = 'zone' | 'scope';
type ZoneMode = 'records' | 'text';

interface EditorState {
  name: string;
  kind: Kind;
  /** The zone name or the subnet. */
  object: string;
  targets: string;
  mode: ZoneMode;
  zone: ZoneForm;
  zoneText: string;
  scope: ScopeForm;
}

const blank: EditorState = {
  name: '',
  kind: 'zone',
  object: '',
  targets: '',
  mode: 'records',
  zone: newZoneForm(''),
  zoneText: '',
  scope: newScopeForm(''),
};

function stateOf(d: Draft): EditorState {
  const object = d.object.kind === 'zone' ? d.object.name : d.object.subnet;
  const c = d.content;
  return {
    ...blank,
    name: d.name,
    kind: d.object.kind,
    object,
    targets: d.targets,
    mode: c.format === 'zone-text' ? 'text' : 'records',
    zone: c.format === 'zone' ? modelToForm(c.zone) : newZoneForm(object),
    zoneText: c.format === 'zone-text' ? c.text : '',
    scope: c.format === 'scope' ? modelToScope(c.scope) : newScopeForm(object),
  };
}

function contentOf(s: EditorState): DraftContent {
  if (s.kind === 'scope') return { format: 'scope', scope: scopeToModel({ ...s.scope, subnet: s.object }) };
  if (s.mode === 'text') return { format: 'zone-text', text: s.zoneText };
  return { format: 'zone', zone: formToModel({ ...s.zone, name: s.object }) };
}

/**
 * One draft: its name, the zone or scope it is for, the remotes it is meant for, and its content as
 * records, zone text or a scope form. Validation runs as the admin types (the same models the console
 * uses); saving works with or without a broker; checking asks the targets and needs one.
 */
export function DraftEditor({ draftId, onSaved }: { draftId: string; onSaved: () => void }) {
  const api = useApi();
  const navigate = useSmt((s) => s.navigate);
  const connected = useSmt((s) => s.connection?.state.kind === 'connected');
  const [draft, setDraft] = useState<Draft | null>(null);
  const [s, setS] = useState<EditorState>(blank);
  const [loadError, setLoadError] = useState<string | null>(null);
  const [message, setMessage] = useState<{ text: string; tone: 'ok' | 'warn' | 'bad' } | null>(null);
  const [busy, setBusy] = useState<string | null>(null);
  const [check, setCheck] = useState<DraftCheck | null>(null);
  const [confirmDelete, setConfirmDelete] = useState(false);
  const isNew = draftId === 'new';
  /** A new draft's id once saved: the route moves to it, and what is on screen is already that draft. */
  const justCreated = useRef<string | null>(null);

  /** The draft whose content is on screen: a link that drops and comes back must not reload over edits. */
  const loadedFor = useRef<string | null>(null);
  const linkOpen = useSmt((st) => st.link.kind === 'open');

  useEffect(() => {
    if (justCreated.current === draftId) {
      justCreated.current = null;
      loadedFor.current = draftId;
      return;
    }
    if (loadedFor.current === draftId) return;
    setCheck(null);
    setLoadError(null);
    setMessage(null);
    setConfirmDelete(false);
    if (isNew) {
      loadedFor.current = draftId;
      setDraft(null);
      setS(blank);
      return;
    }
    // A page just (re)loaded asks once its link to the console is up.
    if (!linkOpen) return;
    loadedFor.current = draftId;
    let live = true;
    void api.getDraft({ id: draftId }).then((r) => {
      if (!live) return;
      if (!r.ok) return setLoadError(r.error.message);
      setLoadError(null);
      setDraft(r.value);
      setS(stateOf(r.value));
    });
    return () => {
      live = false;
    };
  }, [api, draftId, isNew, linkOpen]);

  const object = useMemo(
    () =>
      ConfigObject.safeParse(
        s.kind === 'zone'
          ? { kind: 'zone', name: s.object.trim() }
          : { kind: 'scope', subnet: s.object.trim() },
      ),
    [s.kind, s.object],
  );
  const content = useMemo(() => contentOf(s), [s]);
  const problems = useMemo(
    () => (object.success ? draftProblems(object.data, content) : []),
    [object, content],
  );
  const objectError = object.success
    ? undefined
    : s.kind === 'zone'
      ? 'a zone name such as example.com'
      : 'a subnet such as 10.0.0.0/24';

  const save = async (): Promise<Draft | null> => {
    if (!object.success) {
      setMessage({ text: `Give the ${s.kind} (${objectError}) before saving.`, tone: 'bad' });
      return null;
    }
    setBusy('Saving…');
    const r = await api.saveDraft({
      ...(isNew ? {} : { id: draftId }),
      name: s.name,
      object: object.data,
      content,
      targets: s.targets.trim(),
    });
    setBusy(null);
    if (!r.ok) {
      setMessage({ text: r.error.message, tone: 'bad' });
      return null;
    }
    setDraft(r.value);
    const n = r.value.problems.length;
    setMessage({
      text:
        n === 0
          ? `Saved at ${formatClock(r.value.updatedAt)}.`
          : `Saved at ${formatClock(r.value.updatedAt)} with ${n} problem${n === 1 ? '' : 's'}: it cannot be pushed until they are fixed.`,
      tone: n === 0 ? 'ok' : 'warn',
    });
    onSaved();
    if (isNew) {
      justCreated.current = r.value.id;
      navigate({ screen: 'drafts', draftId: r.value.id });
    }
    return r.value;
  };

  const runCheck = async () => {
    const saved = await save();
    if (!saved) return;
    setBusy('Asking the targets what they serve…');
    setCheck(null);
    setLoadError(null);
    const r = await api.checkDraft({ id: saved.id });
    setBusy(null);
    if (!r.ok) return setMessage({ text: r.error.message, tone: 'bad' });
    setCheck(r.value);
  };

  const remove = async () => {
    const r = await api.deleteDraft({ id: draftId });
    if (!r.ok) return setMessage({ text: r.error.message, tone: 'bad' });
    onSaved();
    navigate(draftsRoute);
  };

  if (loadError) {
    return (
      <section className="panel" aria-label="Draft">
        <p className="empty" role="alert">
          {loadError} <a href={formatRoute(draftsRoute)}>Back to the drafts</a>
        </p>
      </section>
    );
  }
  const set = (patch: Partial<EditorState>) => setS((old) => ({ ...old, ...patch }));
  return (
    <div className="draft-editor">
      <section className="panel" aria-labelledby="draft-title">
        <div className="panel-head">
          <h2 id="draft-title">{isNew ? 'New draft' : s.name || 'Draft'}</h2>
          {draft && (
            <span className="muted" data-testid="draft-base">
              {draft.base.version === 0
                ? 'based on no pushed version'
                : `based on version ${draft.base.version}`}{' '}
              · by {draft.author} · updated {formatClock(draft.updatedAt)}
            </span>
          )}
          <span
            className={`badge ${problems.length === 0 ? 'status-online' : 'status-offline'}`}
            role="status"
            aria-label="Validity"
          >
            {problems.length === 0
              ? 'valid'
              : `${problems.length} problem${problems.length === 1 ? '' : 's'}`}
          </span>
        </div>
        <div className="draft-head">
          {isNew && (
            <div className="segmented" role="group" aria-label="Kind">
              {(['zone', 'scope'] as const).map((k) => (
                <button key={k} type="button" aria-pressed={s.kind === k} onClick={() => set({ kind: k })}>
                  {k === 'zone' ? 'Zone' : 'Scope'}
                </button>
              ))}
            </div>
          )}
          <label>
            Name
            <input
              aria-label="Draft name"
              value={s.name}
              placeholder="what this change is for"
              onChange={(e) => set({ name: e.target.value })}
            />
          </label>
          <label>
            {s.kind === 'zone' ? 'Zone' : 'Subnet'}
            <span className="field">
              <input
                aria-label={s.kind === 'zone' ? 'Zone name' : 'Subnet'}
                aria-invalid={s.object !== '' && objectError ? true : undefined}
                className="mono"
                value={s.object}
                readOnly={!isNew}
                title={
                  isNew ? undefined : 'A draft stays with its zone or subnet; start a new draft for another.'
                }
                placeholder={s.kind === 'zone' ? 'example.com' : '10.0.0.0/24'}
                onChange={(e) =>
                  // A new zone's contact follows its name until the admin sets one.
                  set({
                    object: e.target.value,
                    zone: {
                      ...s.zone,
                      soa: { ...s.zone.soa, rname: `hostmaster@${e.target.value.trim().replace(/\.$/, '')}` },
                    },
                  })
                }
              />
              {s.object !== '' && objectError && <span className="field-error">{objectError}</span>}
            </span>
          </label>
          <label>
            Targets
            <input
              aria-label="Targets"
              className="mono"
              value={s.targets}
              placeholder="all, r-0001,r-0002 or tag:site=ams"
              onChange={(e) => set({ targets: e.target.value })}
            />
          </label>
        </div>
        {s.kind === 'zone' && (
          <div className="segmented" role="group" aria-label="Edit as">
            {(['records', 'text'] as const).map((m) => (
              <button key={m} type="button" aria-pressed={s.mode === m} onClick={() => set({ mode: m })}>
                {m === 'records' ? 'Records' : 'Zone text'}
              </button>
            ))}
          </div>
        )}
        {s.kind === 'zone' && s.mode === 'records' && (
          <RecordsEditor form={s.zone} problems={problems} onChange={(zone) => set({ zone })} />
        )}
        {s.kind === 'zone' && s.mode === 'text' && (
          <textarea
            aria-label="Zone text"
            className="zone-text mono"
            rows={16}
            spellCheck={false}
            value={s.zoneText}
            placeholder={
              '$ORIGIN example.com.\n$TTL 3600\n@ IN SOA ns1 hostmaster 1 3600 600 1209600 300\n@ IN NS ns1\nns1 IN A 192.0.2.1'
            }
            onChange={(e) => set({ zoneText: e.target.value })}
          />
        )}
        {s.kind === 'scope' && (
          <ScopeFields form={s.scope} problems={problems} onChange={(scope) => set({ scope })} />
        )}
        {problems.length > 0 && (
          <details className="problems">
            <summary>
              {problems.length} problem{problems.length === 1 ? '' : 's'} (a draft may be saved with them; it
              cannot be pushed)
            </summary>
            <ul>
              {problems.map((p, i) => (
                <li key={i}>
                  <span className="mono muted">{p.path}</span> {p.message}
                </li>
              ))}
            </ul>
          </details>
        )}
        <div className="draft-buttons">
          <button
            type="button"
            className="button primary"
            disabled={busy !== null}
            onClick={() => void save()}
          >
            Save draft
          </button>
          <button
            type="button"
            className="button"
            disabled={busy !== null || problems.length > 0 || s.targets.trim() === ''}
            title={
              !connected
                ? 'Needs a broker: the check asks each target what it serves now'
                : problems.length > 0
                  ? 'Fix the problems first'
                  : s.targets.trim() === ''
                    ? 'Name the targets first'
                    : undefined
            }
            onClick={() => void runCheck()}
          >
            Check for conflicts
          </button>
          {!isNew &&
            (confirmDelete ? (
              <button type="button" className="button danger" onClick={() => void remove()}>
                Delete for good
              </button>
            ) : (
              <button type="button" className="button" onClick={() => setConfirmDelete(true)}>
                Delete…
              </button>
            ))}
          <p
            className={`action-result tone-${message?.tone ?? 'ok'}`}
            role="status"
            aria-label="Draft status"
          >
            {busy ?? message?.text ?? ''}
          </p>
        </div>
      </section>
      {check && <ConflictReport check={check} />}
    </div>
  );
}
