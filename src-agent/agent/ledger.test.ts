import { appendFile, mkdtemp, readFile, readdir, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { Ledger, LedgerCorruptError, type LedgerEntry } from './ledger';

let dir: string;
beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'smt-ledger-'));
});
afterEach(async () => {
  await rm(dir, { recursive: true, force: true });
});

const entry = (id: string, version: number, extra: Partial<LedgerEntry> = {}): LedgerEntry => ({
  id,
  state: 'applied',
  object: 'zone:example.test',
  version,
  op: 'upsert',
  sha256: 'a'.repeat(64),
  at: 1_000 + version,
  ...extra,
});

describe('Ledger', () => {
  it('finds entries by message id and the last applied version per object, after a reopen', async () => {
    const l = await Ledger.open(dir);
    await l.record(entry('m1', 1));
    await l.record(entry('m2', 3));
    await l.record(entry('m3', 4, { state: 'failed', reason: 'bad zone', sha256: undefined }));
    await l.record(entry('m4', 1, { object: 'scope:192.0.2.0/24' }));
    expect(l.get('m3')?.reason).toBe('bad zone');
    expect(l.lastApplied('zone:example.test')?.version).toBe(3);
    await l.close();

    const again = await Ledger.open(dir);
    expect(again.get('m1')?.state).toBe('applied');
    expect(again.get('m3')?.state).toBe('failed');
    // A failed version does not count as applied.
    expect(again.lastApplied('zone:example.test')?.version).toBe(3);
    expect(again.lastApplied('scope:192.0.2.0/24')?.version).toBe(1);
    expect(again.get('nope')).toBeUndefined();
    await again.close();
  });

  it('keeps a rolled-back message across a reopen without counting its version as applied', async () => {
    const l = await Ledger.open(dir);
    await l.record(entry('m1', 1));
    const why = 'named did not serve serial 2; the previous zone was restored: named serves serial 1 again';
    await l.record(entry('m2', 2, { state: 'rolled-back', reason: why, sha256: undefined }));
    await l.close();
    const again = await Ledger.open(dir);
    expect(again.get('m2')).toMatchObject({ state: 'rolled-back', reason: why });
    expect(again.lastApplied('zone:example.test')?.version).toBe(1);
    await again.close();
  });

  it('ignores and cuts off a torn last line, then appends cleanly after it', async () => {
    const l = await Ledger.open(dir);
    await l.record(entry('m1', 1));
    await l.close();
    const file = join(dir, 'ledger.jsonl');
    const whole = JSON.stringify(entry('m2', 2));
    // A crash in the middle of a write: half a line, no newline.
    await appendFile(file, whole.slice(0, whole.length / 2));

    const reopened = await Ledger.open(dir);
    expect(reopened.get('m1')).toBeDefined();
    expect(reopened.get('m2')).toBeUndefined();
    expect(reopened.lastApplied('zone:example.test')?.version).toBe(1);
    await reopened.record(entry('m3', 3));
    await reopened.close();

    const lines = (await readFile(file, 'utf8')).split('\n').filter(Boolean);
    expect(lines.map((x) => (JSON.parse(x) as LedgerEntry).id)).toEqual(['m1', 'm3']);
    const last = await Ledger.open(dir);
    expect(last.lastApplied('zone:example.test')?.version).toBe(3);
    await last.close();
  });

  it('treats a garbage final line that did end in a newline as torn too', async () => {
    const file = join(dir, 'ledger.jsonl');
    await writeFile(file, `${JSON.stringify(entry('m1', 1))}\n{"id":"m2","sta\n`);
    const l = await Ledger.open(dir);
    expect(l.get('m1')).toBeDefined();
    expect(l.get('m2')).toBeUndefined();
    await l.close();
    expect(await readFile(file, 'utf8')).toBe(`${JSON.stringify(entry('m1', 1))}\n`);
  });

  it('refuses a ledger damaged before its last line, naming the line', async () => {
    const file = join(dir, 'ledger.jsonl');
    await writeFile(file, `${JSON.stringify(entry('m1', 1))}\nxx\n${JSON.stringify(entry('m2', 2))}\n`);
    await expect(Ledger.open(dir)).rejects.toThrow(LedgerCorruptError);
    await expect(Ledger.open(dir)).rejects.toThrow(/line 2/);
  });

  it('compacts past twice its id budget, keeping every object’s applied version', async () => {
    const l = await Ledger.open(dir, { keepIds: 5 });
    await l.record(entry('old', 1, { object: 'zone:kept.test' }));
    for (let i = 0; i < 12; i++) await l.record(entry(`m${i}`, i + 1));
    await l.close();
    const lines = (await readFile(join(dir, 'ledger.jsonl'), 'utf8')).split('\n').filter(Boolean);
    expect(lines.length).toBeLessThanOrEqual(10);
    const again = await Ledger.open(dir, { keepIds: 5 });
    expect(again.lastApplied('zone:kept.test')?.version).toBe(1);
    expect(again.lastApplied('zone:example.test')?.version).toBe(12);
    expect(again.get('m11')).toBeDefined();
    expect(again.get('m0')).toBeUndefined();
    await again.close();
  });

  it('keeps the same answers in memory only, for a simulator without a state directory', async () => {
    const l = Ledger.inMemory();
    await l.record(entry('m1', 2));
    await l.record(entry('m2', 1, { state: 'failed', reason: 'no' }));
    expect(l.get('m2')?.state).toBe('failed');
    expect(l.lastApplied('zone:example.test')?.version).toBe(2);
    expect(l.file).toBeUndefined();
    await l.close();
    expect(await readdir(dir)).toEqual([]);
  });

  it('writes entries in call order when they are recorded concurrently', async () => {
    const l = await Ledger.open(dir);
    await Promise.all(Array.from({ length: 20 }, (_, i) => l.record(entry(`c${i}`, i + 1))));
    await l.close();
    const ids = (await readFile(join(dir, 'ledger.jsonl'), 'utf8'))
      .split('\n')
      .filter(Boolean)
      .map((x) => (JSON.parse(x) as LedgerEntry).id);
    expect(ids).toEqual(Array.from({ length: 20 }, (_, i) => `c${i}`));
  });
});
