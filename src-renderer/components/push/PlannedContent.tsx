import type { PushPlan } from '../../store/push-slice';

const objectText = (o: PushPlan['request']['object']) =>
  o.kind === 'zone' ? `zone ${o.name}` : `scope ${o.subnet}`;

/**
 * Step 1 of the Push screen when a plan opened it: the content exactly as planned (the intended version, or
 * the earlier one a revert brings back, with a zone's serial already raised), read-only so what is
 * previewed is what was planned. Discarding goes back to composing from scratch.
 */
export function PlannedContent({ plan, onDiscard }: { plan: PushPlan; onDiscard: () => void }) {
  const { request } = plan;
  const payload = request.payload;
  const op = request.op ?? 'upsert';
  return (
    <section className="panel" aria-labelledby="compose-title" data-testid="planned-push">
      <div className="panel-head">
        <h2 id="compose-title">1. What to push: as planned</h2>
        <span className="toolbar-spacer" />
        <button type="button" className="button small" onClick={onDiscard}>
          Discard the plan and compose
        </button>
      </div>
      <p role="status" className="notice" data-testid="plan-summary">
        <strong>{plan.summary}</strong>. Preview it to see each target’s diff against what it serves, then
        push.
      </p>
      <p className="muted">
        {op === 'delete' ? 'Delete' : 'Upsert'} <span className="mono">{objectText(request.object)}</span>
        {request.version === undefined ? ', as the next version' : `, as version ${request.version}`}.
      </p>
      {payload?.format === 'zone-text' && (
        <pre className="served-text mono" aria-label="Planned zone text" tabIndex={0}>
          {payload.text}
        </pre>
      )}
      {payload?.format === 'kea-subnet4' && (
        <pre className="served-text mono" aria-label="Planned scope" tabIndex={0}>
          {JSON.stringify(payload.scope, null, 2)}
        </pre>
      )}
    </section>
  );
}
