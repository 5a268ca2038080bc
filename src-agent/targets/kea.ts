import { sha256 } from '../../src-node/crypto/sha256';
import { z } from 'zod';
import { comparableText } from '../../src-shared/config/comparable-text';
import { cidrRange, type DhcpScope } from '../../src-shared/config/scope';
import { KEA_EMPTY, KEA_SUCCESS, KEA_UNSUPPORTED, keaCommand, type KeaAnswer } from './kea-control';
import { subnetUsageOf } from './kea-statistics';
import { OneAtATime } from './one-at-a-time';
import { foundLeasesOf, keaLeaseCommand } from './kea-lease-find';
import { haConfigOf, haStatusOf, haUnreadable } from './kea-ha';
import type { HaStatus } from '../../src-shared/protocol';
import type { FoundLeases, LeaseFindQuery } from '../../src-shared/protocol/lease-find';
import type { ApplyOutcome, DhcpTarget, DhcpUsage, ServedScopeEntry } from './types';

/** How the agent reaches one kea-dhcp4 (validated by the agent's config schema before it gets here). */
export interface KeaSettings {
  /** The unix control socket of kea-dhcp4 (its `control-socket.socket-name`). */
  controlSocket: string;
  /** The file kea-dhcp4 was started with: config-write keeps it in step with the running config. */
  configFile: string;
  /** Per command; default 10 s. */
  timeoutMs?: number;
  /** How often watch() asks Kea whether its config changed (one command each time); default 30 s. */
  changePollMs?: number;
}

/** The scope's comparable text hashed: what the `config` query answers and the inventory reports. */
export const scopeSha256 = (scope: DhcpScope): string =>
  sha256(comparableText({ format: 'kea-subnet4', scope }));

/** The parts of Kea's config this target reads; everything else is passed back untouched. */
const KeaSubnet = z.looseObject({ id: z.number().int(), subnet: z.string() });
type KeaSubnet = z.infer<typeof KeaSubnet>;
const KeaConfig = z.looseObject({
  Dhcp4: z.looseObject({
    subnet4: z.array(KeaSubnet).default([]),
    'shared-networks': z.array(z.looseObject({ subnet4: z.array(KeaSubnet).default([]) })).default([]),
  }),
});
type KeaConfig = z.infer<typeof KeaConfig>;

/** The subnet4 entry for a scope, in Kea's own key names. */
export function keaSubnetOf(scope: DhcpScope): Record<string, unknown> {
  return {
    id: scope.id,
    subnet: scope.subnet,
    pools: scope.pools.map((p) => ({ pool: `${p.start}-${p.end}` })),
    'option-data': scope.options.map((o) => ({ name: o.name, data: o.data })),
    reservations: scope.reservations.map((r) => ({
      'hw-address': r.hwAddress.toLowerCase(),
      'ip-address': r.ipAddress,
      ...(r.hostname !== undefined ? { hostname: r.hostname } : {}),
    })),
    ...(scope.validLifetimeS !== undefined ? { 'valid-lifetime': scope.validLifetimeS } : {}),
  };
}

/** JSON with object keys sorted at every level, so equal configs hash equally whatever Kea's key order. */
export function canonicalJson(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(canonicalJson).join(',')}]`;
  if (value !== null && typeof value === 'object') {
    const entries = Object.entries(value as Record<string, unknown>).sort(([a], [b]) =>
      a < b ? -1 : a > b ? 1 : 0,
    );
    return `{${entries.map(([k, v]) => `${JSON.stringify(k)}:${canonicalJson(v)}`).join(',')}}`;
  }
  return JSON.stringify(value);
}

/** Does the subnet Kea reports carry everything the scope pushed (Kea adds its defaults around it)? */
export function subnetMatches(scope: DhcpScope, reported: Record<string, unknown>): boolean {
  const pushed = keaSubnetOf(scope);
  const pick = (list: unknown, keys: string[]) =>
    (Array.isArray(list) ? list : []).map((item: unknown) =>
      keys.map((k) => {
        const v = (item as Record<string, unknown>)[k];
        return typeof v === 'string' ? v.replace(/\s/g, '').toLowerCase() : v;
      }),
    );
  const same = (a: unknown, b: unknown) => JSON.stringify(a) === JSON.stringify(b);
  return (
    reported.id === pushed.id &&
    reported.subnet === pushed.subnet &&
    // Kea reports an aligned range as a prefix (`a.b.c.200-a.b.c.203` comes back `a.b.c.200/30`).
    same(
      list(reported.pools).map((p) => poolRange(str(p.pool) ?? '') ?? str(p.pool)),
      scope.pools.map((p) => ({ start: p.start, end: p.end })),
    ) &&
    same(pick(reported['option-data'], ['name', 'data']), pick(pushed['option-data'], ['name', 'data'])) &&
    same(
      pick(reported.reservations, ['hw-address', 'ip-address', 'hostname']).map((r) => r.map((v) => v ?? '')),
      pick(pushed.reservations, ['hw-address', 'ip-address', 'hostname']).map((r) => r.map((v) => v ?? '')),
    ) &&
    (pushed['valid-lifetime'] === undefined || reported['valid-lifetime'] === pushed['valid-lifetime'])
  );
}

const ipv4ToInt = (ip: string) => ip.split('.').reduce((n, part) => n * 256 + Number(part), 0);
const intToIpv4 = (n: number) => [24, 16, 8, 0].map((shift) => Math.floor(n / 2 ** shift) % 256).join('.');

/** A Kea pool, `a-b` (spaces allowed) or a prefix `p/len`, as the model's start and end. */
function poolRange(pool: string): { start: string; end: string } | undefined {
  const text = pool.replace(/\s/g, '');
  const dash = /^([\d.]+)-([\d.]+)$/.exec(text);
  if (dash) return { start: dash[1] as string, end: dash[2] as string };
  if (/^[\d.]+\/\d{1,2}$/.test(text)) {
    const [lo, hi] = cidrRange(text);
    return { start: intToIpv4(lo), end: intToIpv4(hi) };
  }
  return undefined;
}

const str = (v: unknown) => (typeof v === 'string' ? v : undefined);
const list = (v: unknown) => (Array.isArray(v) ? (v as Record<string, unknown>[]) : []);

/**
 * The inverse of keaSubnetOf: a subnet as config-get reports it, read back onto the scope model's
 * fields. What the model has no field for (Kea's defaults, client classes, reservations by client-id) is
 * left out; a lifetime equal to the global one is taken as inherited, since keaSubnetOf writes none for
 * a scope without one and Kea reports the inherited value on the subnet.
 */
export function scopeOfKeaSubnet(subnet: Record<string, unknown>, globalValidLifetime: unknown): DhcpScope {
  const pools = list(subnet.pools).flatMap((p) => {
    const r = poolRange(str(p.pool) ?? '');
    return r ? [r] : [];
  });
  const options = list(subnet['option-data']).flatMap((o) => {
    const name = str(o.name) ?? (typeof o.code === 'number' ? String(o.code) : undefined);
    return name === undefined ? [] : [{ name, data: str(o.data) ?? '' }];
  });
  const reservations = list(subnet.reservations).flatMap((r) => {
    const hwAddress = str(r['hw-address']);
    const ipAddress = str(r['ip-address']);
    if (hwAddress === undefined || ipAddress === undefined) return [];
    const hostname = str(r.hostname);
    return [{ hwAddress, ipAddress, ...(hostname ? { hostname } : {}) }];
  });
  const lifetime = subnet['valid-lifetime'];
  return {
    subnet: str(subnet.subnet) ?? '',
    id: typeof subnet.id === 'number' ? subnet.id : 0,
    pools: pools.sort((a, b) => ipv4ToInt(a.start) - ipv4ToInt(b.start)),
    options,
    reservations,
    ...(typeof lifetime === 'number' && lifetime !== globalValidLifetime ? { validLifetimeS: lifetime } : {}),
  };
}

const overlaps = (a: string, b: string) => {
  const [alo, ahi] = cidrRange(a);
  const [blo, bhi] = cidrRange(b);
  return alo <= bhi && blo <= ahi;
};

/** Drives one kea-dhcp4 over its control socket. */
export class KeaTarget implements DhcpTarget {
  private readonly queue = new OneAtATime();
  private readonly timeoutMs: number;
  /** Whether the last config-get that answered loaded the HA hook: a Kea that stops answering still has. */
  private haLoaded = false;
  /** One config-get shared by the usage poll's usage() and ha(), asked at the same moment. */
  private recentConfig: { at: number; config: Promise<KeaConfig> } | undefined;

  constructor(private readonly settings: KeaSettings) {
    this.timeoutMs = settings.timeoutMs ?? 10_000;
  }

  upsertScope(scope: DhcpScope): Promise<ApplyOutcome> {
    return this.queue.run(() => this.upsert(scope));
  }

  deleteScope(subnet: string): Promise<ApplyOutcome> {
    return this.queue.run(() => this.delete(subnet));
  }

  runningConfig(): Promise<unknown> {
    return this.configGet();
  }

  async servedScope(subnet: string): Promise<DhcpScope | undefined> {
    return scopesOf(await this.configGet()).find((s) => s.subnet === subnet);
  }

  async inventory(): Promise<ServedScopeEntry[]> {
    return scopesOf(await this.configGet()).map((scope) => ({
      subnet: scope.subnet,
      sha256: scopeSha256(scope),
    }));
  }

  /**
   * Polls one cheap command per interval: config-hash-get where Kea has it (2.4+), else a hash of
   * config-get (Debian 12's Kea 2.2 answers config-hash-get "not supported"). A config-set through Kea's
   * own socket is noticed within one interval; a poll that fails (Kea down) is not a change.
   */
  watch(onChange: () => void): () => void {
    let last: string | undefined;
    let hashGet = true;
    let busy = false;
    const poll = async () => {
      if (busy) return;
      busy = true;
      try {
        let mark: string | undefined;
        if (hashGet) {
          const answer = await this.command('config-hash-get', undefined);
          const hash = (answer.arguments as { hash?: unknown } | undefined)?.hash;
          if (answer.result === KEA_UNSUPPORTED) hashGet = false;
          else if (answer.result === KEA_SUCCESS && typeof hash === 'string') mark = hash;
          else throw new Error(`Kea config-hash-get: ${answer.text ?? `result ${answer.result}`}`);
        }
        if (!hashGet) {
          const config = await this.expectSuccess('config-get', undefined);
          mark = sha256(canonicalJson(config.arguments));
        }
        if (last !== undefined && mark !== last) onChange();
        last = mark;
      } catch {
        // Kea unreachable: the inventory reports it when it is read; the next poll tries again.
      } finally {
        busy = false;
      }
    };
    void poll();
    const timer = setInterval(() => void poll(), this.settings.changePollMs ?? 30_000);
    timer.unref();
    return () => clearInterval(timer);
  }

  async leases(subnet: string): Promise<unknown[]> {
    const config = await this.configGet();
    const found = allSubnets(config).find((s) => s.subnet === subnet);
    if (found === undefined) throw new Error(`no subnet ${subnet} in Kea's running config`);
    const answer = await this.command('lease4-get-all', { subnets: [found.id] });
    if (answer.result === KEA_UNSUPPORTED) {
      throw new Error(
        'Kea cannot list leases: the lease_cmds hook (libdhcp_lease_cmds.so) is not in its hooks-libraries',
      );
    }
    if (answer.result === KEA_EMPTY) return [];
    if (answer.result !== KEA_SUCCESS) throw new Error(`Kea lease4-get-all: ${answer.text ?? ''}`);
    const leases = (answer.arguments as { leases?: unknown } | undefined)?.leases;
    return Array.isArray(leases) ? (leases as unknown[]) : [];
  }

  /** Lease search with lease_cmds; the subnet of each lease is read off the running config. */
  async findLeases(q: LeaseFindQuery): Promise<FoundLeases> {
    const { command, args } = keaLeaseCommand(q);
    const answer = await this.command(command, args);
    const subnets = new Map(allSubnets(await this.configGet()).map((s) => [s.id, s.subnet]));
    return foundLeasesOf(q, answer, (id) => subnets.get(id));
  }

  async reload(): Promise<void> {
    await this.expectSuccess('config-reload', undefined);
  }

  /**
   * Lease counters from statistic-get-all (each statistic is a list of [value, time], newest first), and
   * per subnet the address counters the DHCP Pools view shows; config-get names each subnet id's prefix.
   * A config-get that fails leaves the subnets unnamed rather than losing the counters.
   */
  async usage(): Promise<DhcpUsage> {
    const [answer, config] = await Promise.all([
      this.expectSuccess('statistic-get-all', undefined),
      this.telemetryConfig().catch(() => undefined),
    ]);
    const stats = (answer.arguments ?? {}) as Record<string, unknown>;
    const latest = (name: string) => {
      const samples = stats[name];
      const value: unknown = Array.isArray(samples) && Array.isArray(samples[0]) ? samples[0][0] : 0;
      return typeof value === 'number' ? value : 0;
    };
    const sum = (suffix: string) =>
      Object.keys(stats)
        .filter((k) => /^subnet\[\d+\]\.[a-z-]+$/.test(k) && k.endsWith(`.${suffix}`))
        .reduce((n, k) => n + latest(k), 0);
    const refs = config
      ? allSubnets(config).map((s) => ({
          id: s.id,
          subnet: s.subnet,
          pools: list(s.pools).map((p) => str(p.pool) ?? ''),
        }))
      : [];
    return {
      leasesActive: sum('assigned-addresses'),
      leasesAllocated: latest('pkt4-ack-sent'),
      declines: sum('declined-addresses'),
      subnets: subnetUsageOf(stats, refs),
    };
  }

  /**
   * Kea's HA status (docs/dhcp.md, "HA"), asked on the usage poll: undefined when the running config
   * does not load libdhcp_ha.so; `unreadable` with the reason when Kea or its status-get fails, if the
   * last config it answered loaded the hook. Never throws.
   */
  async ha(): Promise<HaStatus | undefined> {
    let config: KeaConfig;
    try {
      config = await this.telemetryConfig();
    } catch (e) {
      return this.haLoaded ? haUnreadable(e) : undefined;
    }
    let configs: ReturnType<typeof haConfigOf>;
    try {
      configs = haConfigOf(config);
    } catch (e) {
      // The hook is loaded but its parameters are not as this agent reads them: say so, not nothing.
      this.haLoaded = true;
      return haUnreadable(e);
    }
    this.haLoaded = configs !== undefined;
    if (configs === undefined) return undefined;
    try {
      const answer = await this.command('status-get', undefined);
      if (answer.result !== KEA_SUCCESS)
        return haUnreadable(`Kea status-get: ${answer.text ?? `result ${answer.result}`}`);
      return haStatusOf(configs, answer.arguments);
    } catch (e) {
      return haUnreadable(e);
    }
  }

  /** config-get for the usage poll, shared for a second so usage() and ha() ask Kea once. */
  private telemetryConfig(): Promise<KeaConfig> {
    const now = Date.now();
    if (this.recentConfig === undefined || now - this.recentConfig.at > 1_000) {
      const config = this.configGet();
      config.catch(() => undefined);
      this.recentConfig = { at: now, config };
    }
    return this.recentConfig.config;
  }

  private async upsert(scope: DhcpScope): Promise<ApplyOutcome> {
    const before = await this.configGet();
    const replaced = (s: KeaSubnet) => s.id === scope.id || s.subnet === scope.subnet;
    const clash = allSubnets(before).find((s) => !replaced(s) && overlaps(s.subnet, scope.subnet));
    if (clash !== undefined) {
      return {
        ok: false,
        reason: `scope ${scope.subnet} (id ${scope.id}) overlaps subnet ${clash.subnet} (id ${clash.id}) in Kea's running config`,
      };
    }
    const sharedMatch = before.Dhcp4['shared-networks'].some((n) => n.subnet4.some(replaced));
    if (sharedMatch) {
      return {
        ok: false,
        reason: `subnet id ${scope.id} or ${scope.subnet} is in a shared network, not managed here`,
      };
    }
    const next = structuredClone(before);
    const subnets = next.Dhcp4.subnet4.filter((s) => !replaced(s));
    subnets.push(KeaSubnet.parse(keaSubnetOf(scope)));
    subnets.sort((a, b) => a.id - b.id);
    next.Dhcp4.subnet4 = subnets;

    const failed = await this.install(before, next);
    if (failed !== undefined) return failed;
    const after = await this.configGet();
    const served = after.Dhcp4.subnet4.find((s) => s.id === scope.id);
    if (served === undefined || !subnetMatches(scope, served)) {
      return this.restore(
        before,
        `Kea does not report subnet ${scope.subnet} (id ${scope.id}) as pushed after config-set`,
        true,
      );
    }
    return { ok: true, sha256: sha256(canonicalJson(served)), detail: `subnet id ${scope.id} served` };
  }

  private async delete(subnet: string): Promise<ApplyOutcome> {
    const before = await this.configGet();
    const target = before.Dhcp4.subnet4.find((s) => s.subnet === subnet);
    if (target === undefined) return { ok: false, reason: `no subnet ${subnet} in Kea's running config` };
    const next = structuredClone(before);
    next.Dhcp4.subnet4 = next.Dhcp4.subnet4.filter((s) => s.subnet !== subnet);
    const failed = await this.install(before, next);
    if (failed !== undefined) return failed;
    const after = await this.configGet();
    if (allSubnets(after).some((s) => s.subnet === subnet)) {
      return { ok: false, reason: `Kea still reports subnet ${subnet} after config-set` };
    }
    return { ok: true, sha256: sha256(''), detail: `subnet ${subnet} (id ${target.id}) deleted` };
  }

  /**
   * config-test, config-set, config-write. A refused test or set leaves Kea as it was; a failed write
   * after a successful set puts the previous config back, so the running config and the file agree.
   */
  private async install(previous: KeaConfig, next: KeaConfig): Promise<ApplyOutcome | undefined> {
    const test = await this.command('config-test', next);
    if (test.result !== KEA_SUCCESS)
      return { ok: false, reason: test.text ?? 'Kea refused the config (config-test)' };
    const set = await this.command('config-set', next);
    if (set.result !== KEA_SUCCESS)
      return { ok: false, reason: set.text ?? 'Kea refused the config (config-set)' };
    const write = await this.command('config-write', { filename: this.settings.configFile });
    if (write.result !== KEA_SUCCESS) {
      // The file was not rewritten, so it still holds the previous config: only the running one goes back.
      return this.restore(previous, `Kea config-write: ${write.text ?? `result ${write.result}`}`, false);
    }
    return undefined;
  }

  /**
   * After a change Kea took but that failed its check: config-set the previous config (and config-write
   * it when the file was rewritten), then prove with config-get that Kea runs the previous subnets again.
   * Rolled back with `why` when it does; failed with both reasons when not.
   */
  private async restore(previous: KeaConfig, why: string, write: boolean): Promise<ApplyOutcome> {
    const failed = (how: string): ApplyOutcome => ({ ok: false, reason: `${why}; ${how}` });
    const set = await this.command('config-set', previous);
    if (set.result !== KEA_SUCCESS)
      return failed(`restoring the previous config failed: ${set.text ?? `result ${set.result}`}`);
    if (write) {
      const saved = await this.command('config-write', { filename: this.settings.configFile });
      if (saved.result !== KEA_SUCCESS)
        return failed(`the previous config runs again but writing it failed: ${saved.text ?? ''}`);
    }
    const now = await this.configGet();
    if (canonicalJson(allSubnets(now)) !== canonicalJson(allSubnets(previous)))
      return failed("after restoring the previous config, Kea's config-get does not show its subnets");
    return {
      ok: false,
      rolledBack: true,
      reason: `${why}; the previous config was restored and config-get shows its subnets again`,
    };
  }

  private async configGet(): Promise<KeaConfig> {
    const answer = await this.expectSuccess('config-get', undefined);
    const parsed = KeaConfig.safeParse(answer.arguments);
    if (!parsed.success)
      throw new Error(`Kea config-get: not a Dhcp4 config (${parsed.error.issues[0]?.message ?? ''})`);
    return parsed.data;
  }

  private command(command: string, args: unknown): Promise<KeaAnswer> {
    return keaCommand(this.settings.controlSocket, command, args, this.timeoutMs);
  }

  private async expectSuccess(command: string, args: unknown): Promise<KeaAnswer> {
    const answer = await this.command(command, args);
    if (answer.result !== KEA_SUCCESS)
      throw new Error(`Kea ${command}: ${answer.text ?? `result ${answer.result}`}`);
    return answer;
  }
}

/** Every running subnet on the scope model, as servedScope and inventory both read them. */
function scopesOf(config: KeaConfig): DhcpScope[] {
  return allSubnets(config).map((s) => scopeOfKeaSubnet(s, config.Dhcp4['valid-lifetime']));
}

function allSubnets(config: KeaConfig): KeaSubnet[] {
  return [...config.Dhcp4.subnet4, ...config.Dhcp4['shared-networks'].flatMap((n) => n.subnet4)];
}
