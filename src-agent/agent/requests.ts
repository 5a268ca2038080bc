import { sha256 } from '../../src-node/crypto/sha256';
import { objectKey } from '../../src-shared/config/object-key';
import { comparableText } from '../../src-shared/config/comparable-text';
import type { Body, ServedConfig, ServiceName } from '../../src-shared/protocol';
import { NotInstalledError, NotServedError, type DhcpTarget, type DnsTarget } from '../targets/types';
import type { ServiceControls } from './host-source';
import { errorText } from '../../src-shared/util/error-text';

type ReplyBody = Body<'reply'>;

/** Runs one command; the result says what happened or exactly why not. */
export async function runCommand(
  services: ServiceControls,
  cmd: Body<'command'>,
): Promise<{ ok: true } | { ok: false; reason: string }> {
  const actions = services[cmd.service];
  if (!actions) return { ok: false, reason: new NotInstalledError(cmd.service).message };
  const run = actions[cmd.action];
  if (!run) {
    const has = Object.keys(actions).join(', ') || 'none';
    return { ok: false, reason: `${cmd.service} has no "${cmd.action}" action here (it has: ${has})` };
  }
  try {
    await run();
    return { ok: true };
  } catch (e) {
    return { ok: false, reason: `${cmd.action} ${cmd.service} failed: ${errorText(e)}` };
  }
}

export interface QueryContext {
  dns?: DnsTarget;
  dhcp?: DhcpTarget;
  hello: () => Promise<Body<'hello'>>;
  uptimeS: () => Promise<number>;
  /** The version last applied for a ledger object key (objectKey), if any. */
  lastApplied: (objectKey: string) => number | undefined;
  /** The served inventory as of now (served-inventory.ts); absent on an agent that keeps none. */
  served?: () => Promise<Body<'served'>>;
}

/**
 * What this remote serves for one zone or scope, in the comparable text form (the zone file as pushed,
 * a scope as renderScope writes it), with the ledger's version. Not served is an answer, not an error.
 */
async function servedConfig(
  ctx: QueryContext,
  q: Extract<Body<'query'>, { query: 'config' }>,
  need: <T>(target: T | undefined, service: ServiceName) => T,
): Promise<ServedConfig> {
  const { object } = q;
  let text: string | undefined;
  if (object.kind === 'zone') {
    try {
      text = await need(ctx.dns, 'named').servedZone(object.name);
    } catch (e) {
      if (!(e instanceof NotServedError)) throw e;
    }
  } else {
    const scope = await need(ctx.dhcp, 'kea-dhcp4').servedScope(object.subnet);
    text = scope === undefined ? undefined : comparableText({ format: 'kea-subnet4', scope });
  }
  const version = ctx.lastApplied(objectKey(object)) ?? null;
  if (text === undefined) return { object, served: false, version, text: null, sha256: null };
  const hash = sha256(text);
  return { object, served: true, version, text: hash === q.unlessSha256 ? null : text, sha256: hash };
}

/** A value as JSON would carry it: what a target returns is not trusted to be plain data. */
const plain = (v: unknown): ReplyBody & { ok: true } => ({
  ok: true,
  data: JSON.parse(JSON.stringify(v ?? null)),
});

/** Answers one query; every failure becomes a reply that says why, never a silence. */
export async function answerQuery(ctx: QueryContext, q: Body<'query'>): Promise<ReplyBody> {
  const need = <T>(target: T | undefined, service: ServiceName): T => {
    if (!target) throw new NotInstalledError(service);
    return target;
  };
  try {
    switch (q.query) {
      case 'ping':
        return { ok: true, data: { pong: true, uptimeS: await ctx.uptimeS() } };
      case 'hello':
        return plain(await ctx.hello());
      case 'zone':
        return plain({ name: q.name, text: await need(ctx.dns, 'named').servedZone(q.name) });
      case 'config':
        return plain(await servedConfig(ctx, q, need));
      case 'served':
        if (!ctx.served) throw new Error('this agent keeps no served inventory');
        return plain(await ctx.served());
      case 'kea-config':
        return plain(await need(ctx.dhcp, 'kea-dhcp4').runningConfig());
      case 'leases':
        return plain({ subnet: q.subnet, leases: await need(ctx.dhcp, 'kea-dhcp4').leases(q.subnet) });
      case 'lease-find':
        return plain(await need(ctx.dhcp, 'kea-dhcp4').findLeases(q));
      case 'lookup':
        return plain({
          name: q.name,
          rrtype: q.rrtype,
          answers: await need(ctx.dns, 'named').lookup(q.name, q.rrtype),
        });
    }
  } catch (e) {
    return { ok: false, error: `${q.query}: ${errorText(e)}` };
  }
}
