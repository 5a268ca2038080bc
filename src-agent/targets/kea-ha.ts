import { z } from 'zod';
import type { HaRelationship, HaStatus } from '../../src-shared/protocol';
import { errorText } from '../../src-shared/util/error-text';

/**
 * Kea's HA hook (libdhcp_ha.so) read for the usage channel: which relationships the running config
 * declares (the hook's parameters in config-get) and how each stands now (status-get's
 * `high-availability`). Kea 2.2 names neither server in status-get, so the names come from the config;
 * Kea 2.4+ adds `server-name`, which is used when present.
 */

const Name = z.string().min(1).max(64);

const HaConfig = z.looseObject({
  'this-server-name': Name,
  mode: Name,
  peers: z.array(z.looseObject({ name: Name, url: z.string().max(256), role: Name })).max(8),
});
type HaConfig = z.infer<typeof HaConfig>;

const HooksOfConfig = z.looseObject({
  Dhcp4: z.looseObject({
    'hooks-libraries': z
      .array(z.looseObject({ library: z.string(), parameters: z.unknown().optional() }))
      .default([]),
  }),
});

const isHaHook = (library: string) => /(^|\/)libdhcp_ha\.so$/.test(library);

/**
 * The HA relationships the running config declares; undefined when it does not load the HA hook. A hook
 * whose parameters this agent cannot read throws: the caller reports that as unreadable.
 */
export function haConfigOf(config: unknown): HaConfig[] | undefined {
  const parsed = HooksOfConfig.safeParse(config);
  if (!parsed.success) return undefined;
  const hook = parsed.data.Dhcp4['hooks-libraries'].find((h) => isHaHook(h.library));
  if (hook === undefined) return undefined;
  const params = z
    .looseObject({ 'high-availability': z.array(HaConfig).min(1).max(4) })
    .safeParse(hook.parameters);
  if (!params.success)
    throw new Error(
      `the HA hook's parameters are not as expected: ${params.error.issues[0]?.path.join('.') ?? ''} ${params.error.issues[0]?.message ?? ''}`,
    );
  return params.data['high-availability'];
}

const Words = z.array(Name).max(8).catch([]);
const Count = z.number().int().nonnegative().catch(0);

const StatusGet = z.looseObject({
  'high-availability': z
    .array(
      z.looseObject({
        'ha-mode': Name.optional(),
        'ha-servers': z.looseObject({
          local: z.looseObject({ role: Name, state: Name, scopes: Words, 'server-name': Name.optional() }),
          remote: z
            .looseObject({
              role: Name,
              'last-state': Name.catch('unknown'),
              'last-scopes': Words,
              'communication-interrupted': z.boolean().catch(false),
              age: Count,
              'connecting-clients': Count,
              'unacked-clients': Count,
              'server-name': Name.optional(),
            })
            .optional(),
        }),
      }),
    )
    .max(4),
});

/**
 * The relationships as status-get reports them, joined with the config in the order of both lists (Kea
 * reports them in the order it has them configured). What does not parse is an error, never a guess.
 */
export function haStatusOf(configs: readonly HaConfig[], statusArgs: unknown): HaStatus {
  const parsed = StatusGet.safeParse(statusArgs);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    return {
      kind: 'unreadable',
      reason: `Kea status-get: no high-availability status as expected (${issue?.path.join('.') ?? ''}: ${issue?.message ?? ''})`,
    };
  }
  const statuses = parsed.data['high-availability'];
  if (statuses.length !== configs.length)
    return {
      kind: 'unreadable',
      reason: `Kea status-get reports ${statuses.length} HA relationships, its config declares ${configs.length}`,
    };
  const relationships = configs.map((c, i): HaRelationship => {
    const { local, remote } = (statuses[i] as (typeof statuses)[number])['ha-servers'];
    const me = local['server-name'] ?? c['this-server-name'];
    const others = c.peers.filter((p) => p.name !== me);
    const partnerName =
      remote?.['server-name'] ?? (others.find((p) => p.role === remote?.role) ?? others[0])?.name;
    return {
      mode: statuses[i]?.['ha-mode'] ?? c.mode,
      peers: c.peers.map((p) => ({ name: p.name, url: p.url, role: p.role })),
      server: { name: me, role: local.role, state: local.state, scopes: local.scopes },
      ...(remote !== undefined && partnerName !== undefined
        ? {
            partner: {
              name: partnerName,
              role: remote.role,
              lastState: remote['last-state'],
              lastScopes: remote['last-scopes'],
              communicationInterrupted: remote['communication-interrupted'],
              ageS: remote.age,
              connectingClients: remote['connecting-clients'],
              unackedClients: remote['unacked-clients'],
            },
          }
        : {}),
    };
  });
  return { kind: 'reported', relationships };
}

/** A failure while reading HA, as the usage channel reports it (bounded like the protocol's field). */
export const haUnreadable = (e: unknown): HaStatus => ({
  kind: 'unreadable',
  reason: errorText(e).slice(0, 500),
});
