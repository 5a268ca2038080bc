/**
 * Full and read-only disks under the agent and the console, on tmpfs mounts of their own (real ENOSPC
 * and EROFS, so the test must run as root): each side says what is wrong and what to do, nothing it
 * stores is left half-written, and it catches up by itself once the disk can be written again.
 */
import { readFile, readdir } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Ledger } from '../../src-agent/agent/ledger';
import { StorageError } from '../../src-agent/agent/storage-error';
import { openDatabase } from '../../src-main/core/store/database';
import { StoreUnwritableError } from '../../src-main/core/store/unwritable';
import type { Envelope } from '../../src-shared/protocol';
import { waitFor } from '../../src-node/smt/testing/wait';
import { AgentProcesses, type AgentProcess } from '../helpers/agent-process';
import { startLab, type LabFixture } from '../helpers/lab-fixture';
import { fleetZoneText, ledgerLines, startPushConsole, type PushConsole } from '../helpers/push-console';
import { mountTmpfs, type Tmpfs } from '../helpers/tmpfs';

/** Serves DNS in the simulator's model (index % 3 is 0). */
const RID = 'r-0702';
const agents = new AgentProcesses();
let lab: LabFixture | undefined;
let agentDisk: Tmpfs | undefined;
let consoleDisk: Tmpfs | undefined;
let ledgerDisk: Tmpfs | undefined;
let pc: PushConsole | undefined;
let agent: AgentProcess | undefined;
const events: Envelope<'event'>[] = [];
const consoleLog: string[] = [];

const dbFile = () => join((consoleDisk as Tmpfs).dir, 'console.db');
const engine = () => (pc as PushConsole).engine;
const push = (version: number) =>
  engine().push({
    object: { kind: 'zone', name: 'disk.test' },
    version,
    payload: { format: 'zone-text', text: fleetZoneText(version) },
    selector: { kind: 'ids', ids: [RID] },
    author: 'disk-faults test',
  }).push;
const delivery = (pushId: string) => engine().deliveries(pushId).get(RID);
const reached = (pushId: string, kind: string, timeoutMs = 60_000) =>
  waitFor(`${RID} ${kind}`, () => delivery(pushId)?.kind === kind, timeoutMs, 50);

async function startConsole(): Promise<PushConsole> {
  const started = await startPushConsole(lab?.opts ?? {}, dbFile(), {
    log: (e) => void consoleLog.push(`${e.msg} ${String(e.error ?? '')}`),
  });
  started.core.onFleetMessage((env) => {
    if (env.type === 'event' && env.from === RID) events.push(env);
  });
  return started;
}

async function startAgent(): Promise<AgentProcess> {
  const a = agents.start([
    ...['simulate', '--remotes', '1', '--first', RID.slice(2)],
    ...['--lab-dir', lab?.dir ?? '', '--state-dir', agentDisk?.dir ?? ''],
  ]);
  await a.connected();
  return a;
}

async function stopAgent(): Promise<void> {
  agent?.child.kill('SIGTERM');
  expect(await agent?.exited).toBe(0);
  agent = undefined;
}

/** Every line of the remote's ledger file whole and parseable, and the versions of disk.test in it. */
async function intactLedger(): Promise<number[]> {
  const text = await readFile(join(agentDisk?.dir ?? '', RID, 'ledger.jsonl'), 'utf8');
  expect(text === '' || text.endsWith('\n')).toBe(true);
  return (await ledgerLines(agentDisk?.dir ?? '', RID))
    .filter((l) => l.object === 'zone:disk.test')
    .map((l) => l.version);
}

beforeAll(async () => {
  lab = await startLab();
  agentDisk = await mountTmpfs(2 << 20);
  consoleDisk = await mountTmpfs(8 << 20);
  ledgerDisk = await mountTmpfs(1 << 20);
  pc = await startConsole();
  agent = await startAgent();
  await waitFor('its hello', () => pc?.core.fleet.get(RID)?.status === 'online', 30_000);
});

afterAll(async () => {
  agents.killAll();
  await pc?.stop();
  await lab?.stop();
  for (const d of [agentDisk, consoleDisk, ledgerDisk]) await d?.unmount();
});

describe('a full disk under the agent', () => {
  it('holds the config, says so with what to do, and applies it once space returns, with no retry', async () => {
    await reached(push(1).id, 'applied');
    await agentDisk?.fill();
    const p2 = push(2);
    await reached(p2.id, 'delivered');
    const full = await waitFor(
      'the disk-full event',
      () => events.find((e) => e.body.code === 'disk-full'),
      30_000,
    );
    expect(full.body).toMatchObject({ severity: 'critical' });
    expect(full.body.message).toMatch(
      /cannot be written \(ENOSPC: no space left on device.*\): the disk is full: free space on it\. Config messages wait, unacknowledged, and are applied once it can be written again; nothing needs to be pushed again\.$/,
    );
    // Nothing half-written: the ledger has whole lines only, the served zone is the last good one.
    expect(await intactLedger()).toEqual([1]);
    const served = JSON.parse(await readFile(join(agentDisk?.dir ?? '', RID, 'served.json'), 'utf8')) as {
      zones: Record<string, string>;
    };
    expect(served.zones['disk.test']).toBe(fleetZoneText(1));
    expect((await readdir(join(agentDisk?.dir ?? '', RID))).filter((f) => f.endsWith('.tmp'))).toEqual([]);

    await agentDisk?.free();
    await reached(p2.id, 'applied');
    await waitFor(
      'the disk-writable event',
      () => events.some((e) => e.body.code === 'disk-writable'),
      30_000,
    );
    const lines = (await ledgerLines(agentDisk?.dir ?? '', RID)).filter((l) => l.version === 2);
    expect(lines.map((l) => [l.id, l.state])).toEqual([[delivery(p2.id)?.smtId, 'applied']]);
  });

  it('keeps no torn line in the ledger when a write stops short, and loses no entry it confirmed', async () => {
    const dir = join(ledgerDisk?.dir ?? '', 'r-0001');
    const ledger = await Ledger.open(dir);
    const entry = (n: number) => ({
      id: `m-${n}`,
      state: 'applied' as const,
      object: 'zone:example.test',
      version: n,
      op: 'upsert' as const,
      sha256: 'a'.repeat(64),
      at: 1_700_000_000_000 + n,
    });
    await ledger.record(entry(1));
    await ledgerDisk?.fill();
    let confirmed = 1;
    let refusal: unknown;
    // The file's last block fills up; the line that would cross into a new one is cut short.
    for (let n = 2; refusal === undefined; n++) {
      await ledger.record(entry(n)).then(
        () => (confirmed = n),
        (e: unknown) => (refusal = e),
      );
    }
    expect(refusal).toBeInstanceOf(StorageError);
    expect(String(refusal)).toMatch(
      /the ledger .*ledger\.jsonl cannot be written \(ENOSPC: wrote \d+ of \d+ bytes\): the disk is full: free space on it/,
    );
    const text = await readFile(join(dir, 'ledger.jsonl'), 'utf8');
    expect(text.endsWith('\n')).toBe(true);
    expect(
      text
        .split('\n')
        .filter(Boolean)
        .map((l) => (JSON.parse(l) as { id: string }).id),
    ).toEqual(Array.from({ length: confirmed }, (_, i) => `m-${i + 1}`));
    expect(ledger.get(`m-${confirmed + 1}`)).toBeUndefined();

    await ledgerDisk?.free();
    await ledger.record(entry(confirmed + 1));
    await ledger.close();
    const again = await Ledger.open(dir);
    for (let n = 1; n <= confirmed + 1; n++) expect(again.get(`m-${n}`)?.version, `m-${n}`).toBe(n);
    await again.close();
  });
});

describe('a full disk under the console', () => {
  it('keeps the results it cannot store, refuses a push with what to do, and catches up once space returns', async () => {
    await stopAgent();
    const p3 = push(3);
    await reached(p3.id, 'sent');
    // An empty write-ahead log, so the next write needs new blocks of the full disk.
    const side = openDatabase(dbFile());
    side.pragma('wal_checkpoint(TRUNCATE)');
    side.close();
    await consoleDisk?.fill();

    agent = await startAgent();
    await waitFor('the agent to apply version 3', async () => (await intactLedger()).includes(3), 60_000);
    await waitFor(
      'the console to keep a result it cannot store',
      () => consoleLog.some((l) => /kept to be taken again/.test(l) && /its disk is full/.test(l)),
      30_000,
    );
    expect(delivery(p3.id)?.kind).toBe('sent');
    let refusal: unknown;
    try {
      push(4);
    } catch (e) {
      refusal = e;
    }
    expect(refusal).toBeInstanceOf(StoreUnwritableError);
    expect(String(refusal)).toBe(
      `StoreUnwritableError: the console database ${dbFile()} cannot be written: its disk is full: free space on it (SQLITE_FULL)`,
    );
    expect(
      engine()
        .pushes()
        .map((p) => p.version),
    ).toEqual([1, 2, 3]);

    await consoleDisk?.free();
    await reached(p3.id, 'applied');
    await reached(push(4).id, 'applied');
    const check = openDatabase(dbFile());
    expect(check.pragma('integrity_check', { simple: true })).toBe('ok');
    check.close();
  });
});

describe('read-only disks at start', () => {
  it('a console says its database is on a read-only filesystem, and opens it whole once writable', async () => {
    await pc?.stop();
    pc = undefined;
    consoleDisk?.readOnly(true);
    await expect(startConsole()).rejects.toThrow(
      `the console database ${dbFile()} cannot be written: ${consoleDisk?.dir} is on a read-only filesystem: remount it read-write (SQLITE_CANTOPEN)`,
    );
    consoleDisk?.readOnly(false);
    pc = await startConsole();
    expect(
      engine()
        .pushes()
        .map((p) => [p.version, delivery(p.id)?.kind]),
    ).toEqual([
      [1, 'applied'],
      [2, 'applied'],
      [3, 'applied'],
      [4, 'applied'],
    ]);
  });

  it('an agent says its ledger is on a read-only filesystem, and starts with it whole once writable', async () => {
    await stopAgent();
    agentDisk?.readOnly(true);
    const refused = agents.start([
      ...['simulate', '--remotes', '1', '--first', RID.slice(2)],
      ...['--lab-dir', lab?.dir ?? '', '--state-dir', agentDisk?.dir ?? ''],
    ]);
    expect(await refused.exited).toBe(1);
    expect(refused.output()).toMatch(
      /smt-agent: the ledger .*r-0702\/ledger\.jsonl cannot be written \(EROFS: read-only file system.*\): the filesystem is read-only: remount it read-write/,
    );
    agentDisk?.readOnly(false);
    agent = await startAgent();
    expect(await intactLedger()).toEqual([1, 2, 3, 4]);
  });
});
