import { useCallback, useEffect, useMemo, useState } from 'react';
import type { CallArgs } from '../../../src-shared/ipc';
import type { PushPreview } from '../../../src-shared/push/preview';
import { useApi } from '../../api/context';
import { useSmt } from '../../store/react';
import { fleetTags } from '../../store/visible-remotes';
import { previewTargets, selectorOf, type TargetChoice } from '../../push/targets';
import type { PushPlan } from '../../store/push-slice';
import { Composer, type Composed } from './Composer';
import { PlannedContent } from './PlannedContent';
import { PreviewPanel } from './PreviewPanel';

/** A plan's targets are a fourth way to pick them, offered only while a plan is open. */
type TargetMode = TargetChoice['kind'] | 'planned';

/** What to push: composed here, or as a plan says (its op may be a delete, which carries no payload). */
type Request = CallArgs<'startPush'>[0];
type Content =
  | {
      ok: true;
      object: Request['object'];
      op: 'upsert' | 'delete';
      payload?: NonNullable<Request['payload']>;
    }
  | { ok: false; problem: string };

const contentOf = (plan: PushPlan | null, composed: Composed): Content => {
  if (!plan) return composed.ok ? { ...composed, op: 'upsert' } : composed;
  const r = plan.request;
  return {
    ok: true,
    object: r.object,
    op: r.op ?? 'upsert',
    ...(r.payload === undefined ? {} : { payload: r.payload }),
  };
};

const deadlines: { label: string; ms: number | null }[] = [
  { label: 'none', ms: null },
  { label: '15 min', ms: 15 * 60_000 },
  { label: '1 h', ms: 3_600_000 },
  { label: '4 h', ms: 4 * 3_600_000 },
  { label: '24 h', ms: 24 * 3_600_000 },
];

/**
 * Compose, pick targets, preview, push: the push opens its live view once the outbox holds it. With a plan
 * open (a reconcile or a revert from Zones & Scopes) its content, version and targets fill the form and the
 * same preview and push run on them; the parent keys this by the plan, so a new plan starts a new form.
 */
export function ComposePush() {
  const api = useApi();
  const remotes = useSmt((s) => s.remotes);
  const handed = useSmt((s) => s.pushTargets);
  const navigate = useSmt((s) => s.navigate);
  const plan = useSmt((s) => s.pushPlan);
  const clearPlan = useSmt((s) => s.clearPushPlan);
  const [composed, setComposed] = useState<Composed>({ ok: false, problem: 'Compose what to push.' });
  const onComposed = useCallback((c: Composed) => setComposed(c), []);
  const content = useMemo(() => contentOf(plan, composed), [plan, composed]);
  const [mode, setMode] = useState<TargetMode>(plan ? 'planned' : handed.length > 0 ? 'selected' : 'tag');
  const [tag, setTag] = useState('');
  const [filter, setFilter] = useState<{ status: 'online' | 'offline' | 'any'; hostname: string }>({
    status: 'online',
    hostname: '',
  });
  const [version, setVersion] = useState(
    plan?.request.version === undefined ? '' : String(plan.request.version),
  );
  const [canary, setCanary] = useState('');
  const [deadline, setDeadline] = useState<number | null>(null);
  const [preview, setPreview] = useState<PushPreview | null>(null);
  const [busy, setBusy] = useState<'preview' | 'push' | null>(null);
  const [error, setError] = useState<string | null>(null);

  const sel = useMemo(() => {
    if (mode === 'planned') {
      return plan ? { selector: plan.request.selector } : { problem: 'The plan is gone: pick targets.' };
    }
    const choice: TargetChoice =
      mode === 'selected'
        ? { kind: 'selected', ids: handed }
        : mode === 'tag'
          ? { kind: 'tag', tag }
          : { kind: 'filter', ...filter };
    return selectorOf(choice);
  }, [mode, plan, handed, tag, filter]);
  // A preview describes one request: a change to what or where makes it stale, so it goes.
  useEffect(() => setPreview(null), [content, sel, version]);
  const targets = useMemo(
    () => ('selector' in sel ? previewTargets(sel.selector, remotes) : []),
    [sel, remotes],
  );
  const tags = useMemo(() => fleetTags(remotes), [remotes]);

  const versionNo = version.trim() === '' ? undefined : Number(version);
  const canaryNo = canary.trim() === '' ? undefined : Number(canary);
  const optionProblem =
    versionNo !== undefined && !(Number.isInteger(versionNo) && versionNo > 0)
      ? 'The version is a whole number above 0, or empty for the next one.'
      : canaryNo !== undefined && !(Number.isInteger(canaryNo) && canaryNo > 0)
        ? 'The canary is a number of remotes, or empty to push to all at once.'
        : null;
  const problem = !content.ok ? content.problem : 'problem' in sel ? sel.problem : optionProblem;

  const request = () => {
    if (!content.ok || !('selector' in sel)) return null;
    return {
      object: content.object,
      op: content.op,
      ...(content.payload === undefined ? {} : { payload: content.payload }),
      selector: sel.selector,
      ...(versionNo === undefined ? {} : { version: versionNo }),
    };
  };

  const runPreview = async () => {
    const req = request();
    if (!req) return;
    setBusy('preview');
    setError(null);
    const r = await api.previewPush(req);
    setBusy(null);
    if (r.ok) setPreview(r.value);
    else setError(`Preview failed: ${r.error.message}`);
  };

  const runPush = async () => {
    const req = request();
    if (!req) return;
    setBusy('push');
    setError(null);
    const r = await api.startPush({
      ...req,
      ...(canaryNo === undefined ? {} : { canary: canaryNo }),
      ...(deadline === null ? {} : { expiresAt: Date.now() + deadline }),
    });
    setBusy(null);
    if (r.ok) {
      // Done with the plan: the next visit to Push composes from scratch.
      if (plan) clearPlan();
      navigate({ screen: 'push', pushId: r.value.pushId });
    } else setError(`Not pushed: ${r.error.message}`);
  };

  return (
    <>
      {plan ? <PlannedContent plan={plan} onDiscard={clearPlan} /> : <Composer onComposed={onComposed} />}
      <section className="panel" aria-labelledby="targets-title">
        <div className="panel-head">
          <h2 id="targets-title">2. Targets</h2>
          <div className="segmented" role="group" aria-label="Pick targets by">
            {(
              [
                ...(plan ? [['planned', `As planned (${plan.remoteIds.length})`]] : []),
                ['selected', `Fleet selection (${handed.length})`],
                ['tag', 'Tag'],
                ['filter', 'Filter'],
              ] as [TargetMode, string][]
            ).map(([m, label]) => (
              <button key={m} type="button" aria-pressed={mode === m} onClick={() => setMode(m)}>
                {label}
              </button>
            ))}
          </div>
        </div>
        {mode === 'planned' && plan && (
          <p className="muted">The remotes the plan names: those that do not serve the intended version.</p>
        )}
        {mode === 'selected' && handed.length === 0 && (
          <p className="muted">
            Nothing is selected in the Fleet. Tick remotes there (space toggles a row) and choose Push…
          </p>
        )}
        {mode === 'tag' && (
          <label className="select">
            <span>Tag</span>
            <select aria-label="Target tag" value={tag} onChange={(e) => setTag(e.target.value)}>
              <option value="">pick a tag</option>
              {tags.map((t) => (
                <option key={t}>{t}</option>
              ))}
            </select>
          </label>
        )}
        {mode === 'filter' && (
          <div className="form-row">
            <label className="select">
              <span>Status</span>
              <select
                aria-label="Target status"
                value={filter.status}
                onChange={(e) => setFilter({ ...filter, status: e.target.value as typeof filter.status })}
              >
                <option value="online">online</option>
                <option value="offline">offline (waits for them)</option>
                <option value="any">any</option>
              </select>
            </label>
            <label className="field">
              <span>Host name pattern</span>
              <input
                type="text"
                placeholder="ns*.ams.*"
                value={filter.hostname}
                onChange={(e) => setFilter({ ...filter, hostname: e.target.value })}
              />
            </label>
          </div>
        )}
        <p className="target-count" aria-live="polite">
          <strong className="num">{targets.length}</strong> target{targets.length === 1 ? '' : 's'}
          {targets.length > 0 && (
            <span className="mono muted">
              : {targets.slice(0, 20).join(', ')}
              {targets.length > 20 ? ` and ${targets.length - 20} more` : ''}
            </span>
          )}
        </p>
      </section>
      <section className="panel" aria-labelledby="options-title">
        <h2 id="options-title">3. Options</h2>
        <div className="form-row">
          <label className="field narrow">
            <span>Version</span>
            <input
              type="text"
              placeholder="next"
              value={version}
              onChange={(e) => setVersion(e.target.value)}
            />
          </label>
          <label className="field narrow">
            <span>Canary (remotes first)</span>
            <input
              type="text"
              placeholder="none"
              value={canary}
              onChange={(e) => setCanary(e.target.value)}
            />
          </label>
          <label className="select">
            <span>Deadline</span>
            <select
              aria-label="Deadline"
              value={String(deadline)}
              onChange={(e) => setDeadline(e.target.value === 'null' ? null : Number(e.target.value))}
            >
              {deadlines.map((d) => (
                <option key={d.label} value={String(d.ms)}>
                  {d.label}
                </option>
              ))}
            </select>
          </label>
        </div>
        <p className="muted">
          {versionNo === undefined
            ? `Version: the next one (${preview ? preview.proposedVersion : 'shown by the preview'}).`
            : `Version ${versionNo}: it must be above every version already pushed for this ${content.ok ? content.object.kind : 'object'}.`}{' '}
          {canaryNo !== undefined &&
            `The first ${canaryNo} go first; the rest follow once they all applied, and a failure halts the push.`}{' '}
          {deadline !== null &&
            'What no remote has by the deadline is withdrawn from the broker and ends expired.'}
        </p>
        <div className="push-actions">
          <button
            type="button"
            className="button"
            disabled={problem !== null || busy !== null}
            onClick={() => void runPreview()}
          >
            {busy === 'preview' ? 'Asking the remotes…' : 'Preview'}
          </button>
          <button
            type="button"
            className="button primary"
            disabled={problem !== null || busy !== null}
            onClick={() => void runPush()}
          >
            {busy === 'push'
              ? 'Pushing…'
              : `Push to ${targets.length} remote${targets.length === 1 ? '' : 's'}`}
          </button>
          <span role="status" className={problem || error ? 'tone-bad' : 'muted'}>
            {error ?? problem ?? ''}
          </span>
        </div>
      </section>
      {preview && <PreviewPanel preview={preview} />}
    </>
  );
}
