import { useEffect, useMemo, useRef, useState } from 'react';
import { DhcpScope } from '../../../src-shared/config/scope';
import type { CallArgs } from '../../../src-shared/ipc';
import { checkZoneDraft, type RecordRow, type ZoneDraft } from '../../push/zone-draft';
import { RecordsTable } from './RecordsTable';

type Request = CallArgs<'startPush'>[0];
type ConfigObject = Request['object'];
type ConfigPayload = NonNullable<Request['payload']>;

export type Composed =
  { ok: true; object: ConfigObject; payload: ConfigPayload } | { ok: false; problem: string };

type Mode = 'records' | 'text' | 'scope';

const firstRows = (): RecordRow[] => [
  { key: 1, owner: '@', type: 'NS', ttl: '', value: 'ns1' },
  { key: 2, owner: 'ns1', type: 'A', ttl: '', value: '' },
];

interface ScopeDraft {
  subnet: string;
  id: string;
  pools: string;
  options: string;
  reservations: string;
}

const lines = (s: string) =>
  s
    .split('\n')
    .map((l) => l.trim())
    .filter(Boolean);

/** A scope from the form's fields, checked by the scope model (src-shared/config/scope.ts). */
function composeScope(d: ScopeDraft): Composed {
  const candidate = {
    subnet: d.subnet.trim(),
    id: /^\d+$/.test(d.id.trim()) ? Number(d.id.trim()) : Number.NaN,
    pools: lines(d.pools).map((l) => {
      const [start = '', end = ''] = l.split(/\s*-\s*/);
      return { start, end };
    }),
    options: lines(d.options).map((l) => {
      const at = l.indexOf('=');
      return { name: l.slice(0, at < 0 ? l.length : at).trim(), data: at < 0 ? '' : l.slice(at + 1).trim() };
    }),
    reservations: lines(d.reservations).map((l) => {
      const [hwAddress = '', ipAddress = '', hostname] = l.split(/\s+/);
      return { hwAddress, ipAddress, ...(hostname ? { hostname } : {}) };
    }),
  };
  const parsed = DhcpScope.safeParse(candidate);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    const where = issue?.path.length
      ? `${issue.path.map((p) => (typeof p === 'number' ? p + 1 : String(p))).join(' ')}: `
      : '';
    return { ok: false, problem: `${where}${issue?.message ?? 'the scope is not valid'}` };
  }
  return {
    ok: true,
    object: { kind: 'scope', subnet: parsed.data.subnet },
    payload: { format: 'kea-subnet4', scope: parsed.data },
  };
}

/**
 * What to push: a zone as a records table (checked as the admin types) or as zone text, or a DHCP scope.
 * The parent gets the object and payload once they are valid, or the first thing to fix.
 */
export function Composer({ onComposed }: { onComposed: (c: Composed) => void }) {
  const [mode, setMode] = useState<Mode>('records');
  const keys = useRef(2);
  const [zone, setZone] = useState<ZoneDraft>({
    name: 'example.com',
    ttl: '300',
    mname: 'ns1',
    rname: 'hostmaster@example.com',
    rows: firstRows(),
  });
  const [text, setText] = useState({ name: 'example.com', body: '' });
  const [scope, setScope] = useState<ScopeDraft>({
    subnet: '192.0.2.0/24',
    id: '1',
    pools: '192.0.2.100 - 192.0.2.199',
    options: 'routers = 192.0.2.1',
    reservations: '',
  });

  const check = useMemo(() => checkZoneDraft(zone, new Date()), [zone]);
  const composed: Composed = useMemo(() => {
    switch (mode) {
      case 'records': {
        if (check.text === null) {
          const first = check.zoneErrors[0] ?? 'fix the records marked below';
          return { ok: false, problem: `The zone is not valid yet: ${first}.` };
        }
        return {
          ok: true,
          object: { kind: 'zone', name: zone.name.trim() },
          payload: { format: 'zone-text', text: check.text },
        };
      }
      case 'text':
        if (!/^[A-Za-z0-9._-]+\.?$/.test(text.name.trim()))
          return { ok: false, problem: 'Name the zone, such as example.com.' };
        if (text.body.trim() === '') return { ok: false, problem: 'Paste or type the zone file.' };
        return {
          ok: true,
          object: { kind: 'zone', name: text.name.trim() },
          payload: { format: 'zone-text', text: text.body.endsWith('\n') ? text.body : `${text.body}\n` },
        };
      case 'scope':
        return composeScope(scope);
    }
  }, [mode, check, zone.name, text, scope]);

  useEffect(() => onComposed(composed), [composed, onComposed]);

  return (
    <section className="panel" aria-labelledby="compose-title">
      <div className="panel-head">
        <h2 id="compose-title">1. What to push</h2>
        <div className="segmented" role="group" aria-label="Compose as">
          {(
            [
              ['records', 'Zone records'],
              ['text', 'Zone text'],
              ['scope', 'DHCP scope'],
            ] as [Mode, string][]
          ).map(([m, label]) => (
            <button key={m} type="button" aria-pressed={mode === m} onClick={() => setMode(m)}>
              {label}
            </button>
          ))}
        </div>
      </div>
      {mode === 'records' && (
        <>
          <div className="form-row">
            <label className="field">
              <span>Zone</span>
              <input
                type="text"
                value={zone.name}
                onChange={(e) => setZone({ ...zone, name: e.target.value })}
                spellCheck={false}
              />
            </label>
            <label className="field narrow">
              <span>Default TTL</span>
              <input
                type="text"
                value={zone.ttl}
                onChange={(e) => setZone({ ...zone, ttl: e.target.value })}
              />
            </label>
            <label className="field">
              <span>Primary name server (SOA)</span>
              <input
                type="text"
                value={zone.mname}
                onChange={(e) => setZone({ ...zone, mname: e.target.value })}
                spellCheck={false}
              />
            </label>
            <label className="field">
              <span>Contact (SOA)</span>
              <input
                type="text"
                value={zone.rname}
                onChange={(e) => setZone({ ...zone, rname: e.target.value })}
                spellCheck={false}
              />
            </label>
          </div>
          {check.zoneErrors.length > 0 && (
            <ul className="zone-errors" aria-label="Zone problems">
              {check.zoneErrors.map((e) => (
                <li key={e} className="field-error">
                  {e}
                </li>
              ))}
            </ul>
          )}
          <RecordsTable
            rows={zone.rows}
            check={check}
            onChange={(rows) => setZone({ ...zone, rows })}
            newKey={() => ++keys.current}
          />
        </>
      )}
      {mode === 'text' && (
        <div className="form-col">
          <label className="field">
            <span>Zone</span>
            <input
              type="text"
              value={text.name}
              onChange={(e) => setText({ ...text, name: e.target.value })}
              spellCheck={false}
            />
          </label>
          <label className="field">
            <span>Zone file (the agent checks it with named-checkzone before it loads it)</span>
            <textarea
              rows={12}
              className="mono"
              value={text.body}
              spellCheck={false}
              placeholder={
                '$ORIGIN example.com.\n$TTL 300\n@ IN SOA ns1 hostmaster 1 3600 600 1209600 300\n@ IN NS ns1\nns1 IN A 192.0.2.1'
              }
              onChange={(e) => setText({ ...text, body: e.target.value })}
            />
          </label>
        </div>
      )}
      {mode === 'scope' && (
        <div className="form-col">
          <div className="form-row">
            <label className="field">
              <span>Subnet</span>
              <input
                type="text"
                value={scope.subnet}
                onChange={(e) => setScope({ ...scope, subnet: e.target.value })}
              />
            </label>
            <label className="field narrow">
              <span>Subnet id</span>
              <input
                type="text"
                value={scope.id}
                onChange={(e) => setScope({ ...scope, id: e.target.value })}
              />
            </label>
          </div>
          <label className="field">
            <span>Pools (one per line: first - last)</span>
            <textarea
              rows={3}
              className="mono"
              value={scope.pools}
              onChange={(e) => setScope({ ...scope, pools: e.target.value })}
            />
          </label>
          <label className="field">
            <span>Options (one per line: name = data)</span>
            <textarea
              rows={3}
              className="mono"
              value={scope.options}
              onChange={(e) => setScope({ ...scope, options: e.target.value })}
            />
          </label>
          <label className="field">
            <span>Reservations (one per line: MAC IP [hostname])</span>
            <textarea
              rows={3}
              className="mono"
              value={scope.reservations}
              onChange={(e) => setScope({ ...scope, reservations: e.target.value })}
            />
          </label>
        </div>
      )}
      {!composed.ok && mode !== 'records' && (
        <p className="field-error" role="alert">
          {composed.problem}
        </p>
      )}
    </section>
  );
}
