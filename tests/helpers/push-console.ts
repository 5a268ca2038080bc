/**
 * A console core with a push engine on a database file, as the desktop app and the CLI run it, for the
 * push integration tests. Stopping it leaves the database for the next one (a console restart).
 */
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { consoleProfilePath, labConsoleSealers, type LabOptions } from '../../lab/lab';
import { ConsoleCore } from '../../src-main/core/console-core';
import { attachPushEngine, type AttachedPush } from '../../src-main/core/push/attach';
import type { PushEngine } from '../../src-main/core/push/push-engine';
import type { PreviewPort } from '../../src-main/core/push/preview';
import type { LogSink } from '../../src-node/log';
import { waitFor } from '../../src-node/smt/testing/wait';

export interface PushConsole {
  core: ConsoleCore;
  engine: PushEngine;
  push: AttachedPush;
  stop(): Promise<void>;
}

export async function startPushConsole(
  lab: LabOptions,
  dbFile: string,
  { connectTimeoutMs = 30_000, ...opts }: { log?: LogSink; connectTimeoutMs?: number } = {},
): Promise<PushConsole> {
  const core = await ConsoleCore.fromProfileFile(consoleProfilePath(lab), {
    sweepIntervalMs: 500,
    sealers: await labConsoleSealers(lab),
    ...opts,
  });
  const push = attachPushEngine(core, dbFile, opts);
  await core.start();
  await waitFor(
    'the console to connect',
    () => core.connectionStatus().state.kind === 'connected',
    connectTimeoutMs,
  );
  return {
    core,
    engine: push.engine,
    push,
    stop: async () => {
      push.close();
      await core.stop();
    },
  };
}

/** What previewPush needs, from a push console: its queries, its fleet and its outbox's versions. */
export const previewPort = (pc: PushConsole): PreviewPort => ({
  query: (rid, body, opts) => pc.core.query(rid, body, opts),
  remotes: () => pc.core.fleet.selectable(),
  maxVersion: (object) => pc.push.store.maxVersion(object),
});

/**
 * The zone the push tests send: its serial follows the version, and so does an A record, within the
 * address's last byte (a benchmark's thousandth version must still be a valid zone).
 */
export const fleetZoneText = (serial: number) =>
  `$TTL 300\n@ IN SOA ns1 hostmaster ${serial} 3600 600 86400 300\n@ IN NS ns1\nns1 IN A 192.0.2.53\nwww IN A 192.0.2.${((serial - 1) % 254) + 1}\n`;

/** A push of fleet.test at this version to every DNS remote. */
export const fleetZonePush = (version: number) => ({
  object: { kind: 'zone' as const, name: 'fleet.test' },
  version,
  payload: { format: 'zone-text' as const, text: fleetZoneText(version) },
  selector: { kind: 'filter' as const, status: 'any' as const, capabilities: ['dns' as const] },
  author: 'push test',
});

export interface LedgerLine {
  id: string;
  state: 'applied' | 'failed' | 'rolled-back';
  object: string;
  version: number;
}

/** A simulated remote's ledger as written on disk, line by line (a repeated id would show twice). */
export const ledgerLines = (stateDir: string, remoteId: string): Promise<LedgerLine[]> =>
  ledgerFileLines(join(stateDir, remoteId));

/** The ledger an agent keeps in its state directory, line by line; none yet reads as no line. */
export async function ledgerFileLines(agentStateDir: string): Promise<LedgerLine[]> {
  const text = await readFile(join(agentStateDir, 'ledger.jsonl'), 'utf8').catch(() => '');
  return text
    .split('\n')
    .filter(Boolean)
    .map((l) => JSON.parse(l) as LedgerLine);
}
