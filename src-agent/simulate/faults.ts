import { z } from 'zod';
import { RemoteId } from '../../src-shared/protocol';
import { noRemoteFaults, type RemoteFaults } from './virtual-remote';

/** One fault switch, for one remote or (without `remote`) for all. */
export interface FaultRule {
  remote?: string;
  fault:
    | { kind: 'slow'; ms: number }
    | { kind: 'fail-validation' }
    | { kind: 'crash-before-ack' }
    | { kind: 'offline'; afterMs: number; forMs: number }
    | { kind: 'drift'; afterMs: number }
    | { kind: 'cert-expiring'; days: number }
    | { kind: 'ha-down'; afterMs: number; forMs: number };
}
export type FaultSpec = FaultRule[];

const Ms = z.coerce.number().int().min(0).max(3_600_000);
const Days = z.coerce.number().int().min(0).max(3650);

export const faultSyntax = `FAULTS is a comma-separated list of [REMOTE:]FAULT, FAULT one of
  slow=MS              every apply takes MS longer
  fail-validation      every zone / scope fails validation
  crash-before-ack     the process exits after recording an outcome, before its result and ack
  offline=AFTER/FOR    the connection drops AFTER ms after start and comes back FOR ms later
  drift=AFTER          AFTER ms after start, a served zone or scope is changed by hand (outside SMT)
  cert-expiring=DAYS   the hello says the remote's certificate expires DAYS days after start (the alert)
  ha-down=AFTER/FOR    with --ha-pairs: the remote's simulated Kea stops answering AFTER ms after start,
                       for FOR ms (0: for good); its HA partner goes to partner-down
e.g. --faults r-0002:slow=1500,r-0003:fail-validation,offline=10000/5000`;

/** Parses `--faults`; a mistake throws an error that names the item and the syntax. */
export function parseFaults(text: string): FaultSpec {
  return text
    .split(',')
    .map((s) => s.trim())
    .filter(Boolean)
    .map((item) => {
      const m = /^(?:([a-z0-9][a-z0-9-]{0,62}):)?([a-z-]+)(?:=(.*))?$/.exec(item);
      const [, remote, kind, value] = m ?? [];
      // The CLI prints faultSyntax with its usage.
      const bad = (why: string) => new Error(`fault "${item}": ${why}`);
      if (!kind) throw bad('not [REMOTE:]FAULT[=VALUE]');
      if (remote !== undefined && !RemoteId.safeParse(remote).success) throw bad('bad remote id');
      const rule = (fault: FaultRule['fault']): FaultRule => (remote ? { remote, fault } : { fault });
      const ms = (v: string | undefined) => {
        const parsed = Ms.safeParse(v);
        if (!parsed.success) throw bad(`"${v ?? ''}" is not a number of milliseconds (0-3600000)`);
        return parsed.data;
      };
      switch (kind) {
        case 'slow':
          return rule({ kind, ms: ms(value) });
        case 'fail-validation':
        case 'crash-before-ack':
          if (value !== undefined) throw bad(`${kind} takes no value`);
          return rule({ kind });
        case 'drift':
          return rule({ kind, afterMs: ms(value) });
        case 'cert-expiring': {
          const days = Days.safeParse(value);
          if (value === undefined || !days.success)
            throw bad(`"${value ?? ''}" is not a number of days (0-3650)`);
          return rule({ kind, days: days.data });
        }
        case 'offline':
        case 'ha-down': {
          const [after, forMs] = (value ?? '').split('/');
          return rule({ kind, afterMs: ms(after), forMs: ms(forMs) });
        }
        default:
          throw bad(`unknown fault "${kind}"`);
      }
    });
}

/** The switches one remote obeys under a spec. */
export function faultsFor(spec: FaultSpec, remoteId: string): RemoteFaults {
  const f = noRemoteFaults();
  for (const { remote, fault } of spec) {
    if (remote !== undefined && remote !== remoteId) continue;
    if (fault.kind === 'slow') f.applyDelayMs = fault.ms;
    else if (fault.kind === 'fail-validation') f.failValidation = true;
    else if (fault.kind === 'crash-before-ack') f.crashBeforeAck = true;
    else if (fault.kind === 'drift') f.driftAfterMs = fault.afterMs;
    else if (fault.kind === 'cert-expiring') f.certExpiringDays = fault.days;
    else if (fault.kind === 'ha-down') f.haDown = { afterMs: fault.afterMs, forMs: fault.forMs };
    else f.offline = { afterMs: fault.afterMs, forMs: fault.forMs };
  }
  return f;
}
