import type { AlertRuleKind } from '../../../src-shared/ipc/alert-views';
import type { ObjectsView } from '../../../src-shared/ipc/inventory-views';
import type { ConnectionStatus, RejectCounters, RemoteView } from '../../../src-shared/ipc/views';
import type { Observation } from '../../../src-shared/alerts/machine';
import type { CertFact, HaFact, PoolFact } from './facts';

/**
 * One observation of one rule's subject, with the message its alert carries. The functions below turn
 * what the console knows into findings; a subject with no finding in a round keeps its state (a remote
 * gone offline says nothing of its CPU).
 */
export interface Finding {
  rule: AlertRuleKind;
  subject: string;
  remoteId: string | null;
  obs: Observation;
  message: string;
}

const round1 = (n: number) => Math.round(n * 10) / 10;

/**
 * Offline time, service processes, CPU, memory and disk from the fleet model. A remote's silence is
 * counted from when this console started at the earliest: a remote remembered from last week is not
 * "offline for a week" a second after start, it gets the same grace as one that just went quiet.
 */
export function fleetFindings(remotes: readonly RemoteView[], now: number, startedAt: number): Finding[] {
  const out: Finding[] = [];
  for (const r of remotes) {
    const name = r.hostname ? `${r.id} (${r.hostname})` : r.id;
    const silentS =
      r.status === 'online'
        ? 0
        : Math.max(0, Math.round((now - Math.max(r.lastSeen ?? startedAt, startedAt)) / 1000));
    out.push({
      rule: 'remote-offline',
      subject: r.id,
      remoteId: r.id,
      obs: { kind: 'value', at: now, value: silentS },
      message: `${name} has been silent for ${silentS} s`,
    });
    if (r.status !== 'online') continue;
    for (const p of r.processes) {
      out.push({
        rule: 'service-down',
        subject: `${r.id}/${p.name}`,
        remoteId: r.id,
        obs: { kind: 'condition', at: now, holds: !p.running },
        message: `${p.name} is not running on ${name}`,
      });
    }
    const metrics = [
      ['cpu-high', 'CPU', r.cpuPct],
      ['memory-high', 'memory', r.memPct],
      ['disk-high', 'disk', r.diskPct],
    ] as const;
    for (const [rule, what, v] of metrics) {
      if (v === null) continue;
      out.push({
        rule,
        subject: r.id,
        remoteId: r.id,
        obs: { kind: 'value', at: now, value: round1(v) },
        message: `${what} at ${round1(v)} % on ${name}`,
      });
    }
  }
  return out;
}

/** A drifted or missing object per remote; every other pair the view compares says the condition does not hold. */
export function driftFindings(view: ObjectsView, now: number): Finding[] {
  const out: Finding[] = [];
  for (const o of view.objects) {
    if (o.intended === null) continue;
    const what = o.object.kind === 'zone' ? `zone ${o.object.name}` : `scope ${o.object.subnet}`;
    for (const r of o.remotes) {
      if (r.state === 'unknown') continue;
      const holds = r.state === 'drifted' || r.state === 'missing';
      out.push({
        rule: 'drift',
        subject: `${o.key}@${r.remoteId}`,
        remoteId: r.remoteId,
        obs: { kind: 'condition', at: now, holds },
        message: `${what} is ${r.state} on ${r.remoteId}`,
      });
    }
  }
  return out;
}

/** The newest result of a delivery per remote and object: failed or rolled back, or not. */
export interface DeliveryOutcome {
  remoteId: string;
  /** The object's key, or the message's ref when the result names no object. */
  object: string;
  failed: boolean;
  reason: string;
  pushId: string | null;
}

export function deliveryFindings(outcomes: Iterable<DeliveryOutcome>, now: number): Finding[] {
  return [...outcomes].map((d) => ({
    rule: 'delivery-failed' as const,
    subject: `${d.object}@${d.remoteId}`,
    remoteId: d.remoteId,
    obs: { kind: 'condition' as const, at: now, holds: d.failed },
    message: `the delivery of ${d.object} to ${d.remoteId}${d.pushId ? ` (push ${d.pushId})` : ''} ${d.reason}`,
  }));
}

/**
 * The session on a broker other than the profile's first: it failed over and has not come back. While
 * it connects or backs off nothing is said (the offline alerts tell of that).
 */
export function failoverFindings(status: ConnectionStatus, now: number): Finding[] {
  const s = status.state;
  if (s.kind !== 'connected' || status.brokers.length < 2) return [];
  const on = status.brokers[s.broker]?.name ?? `broker ${s.broker}`;
  const first = status.brokers[0]?.name ?? 'the first broker';
  const since =
    status.lastFailoverAt === null ? '' : ` since ${new Date(status.lastFailoverAt).toISOString()}`;
  return [
    {
      rule: 'broker-failover',
      subject: 'console',
      remoteId: null,
      obs: { kind: 'condition', at: now, holds: s.broker !== 0 },
      message: `the console runs on ${on}${since}, not on ${first}`,
    },
  ];
}

/** The guard's counters a minute apart: frames refused per remote in the last minute. */
export class RejectWindow {
  private samples: { at: number; byRemote: Record<string, number> }[] = [];

  constructor(private readonly windowMs = 60_000) {}

  findings(counters: RejectCounters, now: number): Finding[] {
    this.samples.push({ at: now, byRemote: { ...counters.byRemote } });
    // Keep the newest sample at least a window old as the base, and everything after it.
    let base = 0;
    for (let i = 0; i < this.samples.length; i++)
      if (now - (this.samples[i]?.at ?? now) >= this.windowMs) base = i;
    this.samples = this.samples.slice(base);
    const from = this.samples[0]?.byRemote ?? {};
    return Object.entries(counters.byRemote).map(([remoteId, n]) => {
      const perMin = Math.max(0, n - (from[remoteId] ?? 0));
      return {
        rule: 'frames-rejected' as const,
        subject: remoteId,
        remoteId,
        obs: { kind: 'value' as const, at: now, value: perMin },
        message: `${perMin} frames from ${remoteId} refused by the inbound guard in the last minute`,
      };
    });
  }
}

export function poolFindings(pools: readonly PoolFact[], now: number): Finding[] {
  const out: Finding[] = [];
  for (const p of pools) {
    const subject = `scope:${p.subnet}@${p.remoteId}`;
    out.push({
      rule: 'pool-utilisation',
      subject,
      remoteId: p.remoteId,
      obs: { kind: 'value', at: now, value: round1(p.utilisationPct) },
      message: `${p.subnet} on ${p.remoteId} is ${round1(p.utilisationPct)} % used`,
    });
    // Not known yet: nothing said about exhaustion. Not filling up: far from it, which resolves an alert.
    if (p.exhaustionInH === undefined) continue;
    const h = p.exhaustionInH ?? Number.MAX_SAFE_INTEGER;
    out.push({
      rule: 'pool-exhaustion',
      subject,
      remoteId: p.remoteId,
      obs: { kind: 'value', at: now, value: round1(h) },
      message:
        p.exhaustionInH === null
          ? `${p.subnet} on ${p.remoteId} is not filling up`
          : `${p.subnet} on ${p.remoteId} runs out in about ${round1(h)} h at the last 24 h's rate`,
    });
  }
  return out;
}

export function haFindings(facts: readonly HaFact[], now: number): Finding[] {
  return facts.map((f) => ({
    rule: 'ha-partner' as const,
    subject: f.subject,
    remoteId: f.remoteId,
    obs: { kind: 'condition' as const, at: now, holds: !f.healthy },
    message: f.detail,
  }));
}

export function certFindings(facts: readonly CertFact[], now: number): Finding[] {
  return facts.map((c) => {
    const days = Math.floor((c.notAfter - now) / 86_400_000);
    return {
      rule: 'cert-expiry' as const,
      subject: `cert:${c.subject}`,
      remoteId: c.remoteId,
      obs: { kind: 'value' as const, at: now, value: days },
      message:
        days < 0
          ? `the ${c.subject} certificate (${c.source}) expired on ${new Date(c.notAfter).toISOString().slice(0, 10)}`
          : `the ${c.subject} certificate (${c.source}) expires in ${days} days (${new Date(c.notAfter).toISOString().slice(0, 10)})`,
    };
  });
}
