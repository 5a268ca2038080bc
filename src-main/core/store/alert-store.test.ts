import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { defaultAlertRules } from '../../../src-shared/alerts/rules';
import { AlertStore, RESOLVED_KEEP_MS, type NewAlert } from './alert-store';
import { openDatabase, type Db } from './database';

const cleanups: (() => void)[] = [];
afterEach(() => {
  for (const c of cleanups.splice(0).reverse()) c();
});

function store(): { s: AlertStore; db: Db } {
  const dir = mkdtempSync(join(tmpdir(), 'smt-alert-store-'));
  const db = openDatabase(join(dir, 'x.db'));
  cleanups.push(() => {
    db.close();
    rmSync(dir, { recursive: true, force: true });
  });
  return { s: new AlertStore(db, 'lab'), db };
}

const fired = (subject: string, at = 1): NewAlert => ({
  rule: 'cpu-high',
  subject,
  remoteId: subject,
  severity: 'warning',
  message: `CPU at 95 % on ${subject}`,
  value: 95,
  at,
});

describe('AlertStore', () => {
  it('keeps one open alert per rule and subject, a new one after it resolved', () => {
    const { s } = store();
    const a = s.fire(fired('r1'));
    expect(a.created).toBe(true);
    expect(a.alert.id).toMatch(/^a-[0-9]+$/);
    expect(s.fire(fired('r1', 2))).toEqual({ alert: a.alert, created: false });
    expect(s.resolve(a.alert.id, 3)).toBe(true);
    expect(s.resolve(a.alert.id, 4)).toBe(false);
    const b = s.fire(fired('r1', 5));
    expect(b.created).toBe(true);
    expect(b.alert.id).not.toBe(a.alert.id);
    expect(s.open().map((x) => x.id)).toEqual([b.alert.id]);
  });

  it('updates the open alert, lists newest first by state, counts the firing ones', () => {
    const { s } = store();
    const one = s.fire(fired('r1')).alert;
    const two = s.fire(fired('r2')).alert;
    s.update(one.id, 97, 'CPU at 97 % on r1');
    s.ack([two.id], 'bob', undefined, 3);
    expect(s.list(['firing', 'acknowledged'], 10).map((a) => [a.id, a.state, a.value])).toEqual([
      [two.id, 'acknowledged', 95],
      [one.id, 'firing', 97],
    ]);
    expect(s.list(['firing'], 10)).toHaveLength(1);
    expect(s.list([], 10)).toEqual([]);
    expect(s.firingCount()).toBe(1);
  });

  it('drops resolved alerts past the keep time', () => {
    const { s } = store();
    const old = s.fire(fired('r1')).alert;
    s.resolve(old.id, 10);
    const recent = s.fire(fired('r2')).alert;
    s.resolve(recent.id, 10 + RESOLVED_KEEP_MS + 1);
    expect(s.get(old.id)).toBeUndefined();
    expect(s.get(recent.id)?.state).toBe('resolved');
  });

  it('saves rules, audited, and reads none back when the saved text is corrupt', () => {
    const { s, db } = store();
    expect(s.savedRules()).toBeUndefined();
    s.saveRules([defaultAlertRules.drift], 'alice', 7);
    expect(s.savedRules()).toEqual([defaultAlertRules.drift]);
    expect(db.prepare("SELECT actor FROM audit WHERE action = 'alert-rules'").all()).toEqual([
      { actor: 'alice' },
    ]);
    db.prepare("UPDATE alert_rules SET rules = '{not json'").run();
    expect(s.savedRules()).toBeUndefined();
  });
});
