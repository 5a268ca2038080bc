import { z } from 'zod';
import { ConnState } from '../connection/machine';
import { ProcessState, RemoteId } from '../protocol';

/** What the renderer shows of one remote: the core's fleet model, flattened for a table row. */
export const RemoteView = z.object({
  id: RemoteId,
  hostname: z.string(),
  ips: z.array(z.string()),
  serviceTag: z.string(),
  os: z.string(),
  kernel: z.string(),
  agentVersion: z.string(),
  mode: z.enum(['real', 'simulated']),
  /** The agent's labels (`site:ams`, `role:dns`): the fleet filters by them and a push can target them. */
  tags: z.array(z.string()),
  /** unknown: seen on the inventory but no presence yet since the console started. */
  status: z.enum(['online', 'offline', 'unknown']),
  /** Console clock (ms) of the last message of any kind from this remote. */
  lastSeen: z.number().nullable(),
  /** Console clock (ms) when the shown stats arrived; the renderer shows their age and flags them stale. */
  statsAt: z.number().nullable(),
  /** Stats older than this (ms) are stale: a few of the remote's own reporting intervals. */
  staleAfterMs: z.number(),
  localTime: z.string().nullable(),
  uptimeS: z.number().nullable(),
  load: z.tuple([z.number(), z.number(), z.number()]).nullable(),
  cpuPct: z.number().nullable(),
  memPct: z.number().nullable(),
  diskPct: z.number().nullable(),
  processes: z.array(ProcessState),
  /**
   * Issue 17: when the agent's client certificate expires (epoch ms), from its hello (the stored one for a
   * remembered remote); absent when the agent does not say (an older agent, the Python peer). Only the
   * date: every stats patch carries the whole view, and the subject, serial and fingerprint stay in the
   * core's fleet model (FleetModel.cert).
   */
  certNotAfter: z.number().optional(),
});
export type RemoteView = z.infer<typeof RemoteView>;

export const FleetSnapshot = z.object({ at: z.number(), remotes: z.array(RemoteView) });
export type FleetSnapshot = z.infer<typeof FleetSnapshot>;

/** A batch of changes, sent a few times a second at most, never one message per sample. */
export const FleetPatch = z.object({
  at: z.number(),
  upserts: z.array(RemoteView),
});
export type FleetPatch = z.infer<typeof FleetPatch>;

export const BrokerInfo = z.object({ name: z.string(), url: z.string() });

export const ConnectionStatus = z.object({
  brokers: z.array(BrokerInfo),
  state: ConnState,
  /** When the console last moved from one broker to the other, if it has. */
  lastFailoverAt: z.number().nullable(),
  consoleId: z.string(),
});
export type ConnectionStatus = z.infer<typeof ConnectionStatus>;

/** Frames the core dropped, by reason and by remote: an admin sees a misbehaving remote at once. */
export const RejectCounters = z.object({
  total: z.number(),
  byReason: z.record(z.string(), z.number()),
  byRemote: z.record(z.string(), z.number()),
});
export type RejectCounters = z.infer<typeof RejectCounters>;
