import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { AuditStore, auditCsv, csvCell } from './audit-store';
import { openDatabase, type Db } from './database';

const dirs: string[] = [];
const dbs: Db[] = [];
afterEach(() => {
  for (const db of dbs.splice(0)) db.close();
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
});

function store(profile = 'lab'): AuditStore {
  const dir = mkdtempSync(join(tmpdir(), 'smt-audit-'));
  dirs.push(dir);
  const db = openDatabase(join(dir, 'console.db'));
  dbs.push(db);
  return new AuditStore(db, profile);
}

function filled(): AuditStore {
  const s = store();
  s.record({ at: 1_000, actor: 'alice', action: 'push', subject: 'p-1', detail: { object: 'example.test' } });
  s.record({ at: 2_000, actor: 'bob', action: 'command', subject: 'restart named', detail: { remotes: 2 } });
  s.record({ at: 3_000, actor: 'alice', action: 'cancel', subject: 'p-1' });
  s.record({ at: 4_000, actor: 'deadline', action: 'expire', subject: 'p-2', profile: 'other' });
  s.record({ at: 5_000, actor: 'carol_x', action: 'retry', subject: '100% done' });
  return s;
}

describe('AuditStore', () => {
  it('stamps each entry with the profile, and keeps the one an entry names', () => {
    const s = filled();
    expect(s.trail().map((e) => e.profile)).toEqual(['lab', 'lab', 'lab', 'other', 'lab']);
    expect(s.trail()[1]).toEqual({
      at: 2_000,
      profile: 'lab',
      actor: 'bob',
      action: 'command',
      subject: 'restart named',
      detail: { remotes: 2 },
    });
  });

  it('searches text over actor, action, subject and detail, case-insensitively, newest first', () => {
    const s = filled();
    const subjects = (text: string) => s.search({ text }).entries.map((e) => e.subject);
    expect(subjects('ALICE')).toEqual(['p-1', 'p-1']);
    expect(subjects('named')).toEqual(['restart named']);
    expect(subjects('example.test')).toEqual(['p-1']);
    expect(subjects('expire')).toEqual(['p-2']);
    // % and _ are searched for as typed, not as LIKE wildcards.
    expect(subjects('100%')).toEqual(['100% done']);
    expect(subjects('r_l')).toEqual([]);
    expect(subjects('l_x')).toEqual(['100% done']);
  });

  it('filters by action and time range and pages, telling the total', () => {
    const s = filled();
    expect(s.search({ action: 'push' }).entries.map((e) => e.at)).toEqual([1_000]);
    expect(s.search({ from: 2_000, to: 4_000 }).entries.map((e) => e.at)).toEqual([3_000, 2_000]);
    const page = s.search({ limit: 2, offset: 2 });
    expect(page).toMatchObject({ total: 5 });
    expect(page.entries.map((e) => e.at)).toEqual([3_000, 2_000]);
    expect(s.search({ text: 'alice', action: 'cancel' })).toMatchObject({
      total: 1,
      entries: [{ at: 3_000 }],
    });
  });

  it('exports what the search matches, every page of it, as CSV', () => {
    const s = filled();
    expect(s.exportCsv({ text: 'alice', limit: 1 }).split('\r\n')).toEqual([
      'time,profile,actor,action,subject,detail',
      '1970-01-01T00:00:03.000Z,lab,alice,cancel,p-1,',
      '1970-01-01T00:00:01.000Z,lab,alice,push,p-1,"{""object"":""example.test""}"',
      '',
    ]);
  });
});

describe('CSV', () => {
  it('quotes cells with quotes, commas and line breaks (RFC 4180)', () => {
    expect(csvCell('plain')).toBe('plain');
    expect(csvCell('a,b')).toBe('"a,b"');
    expect(csvCell('say "hi"')).toBe('"say ""hi"""');
    expect(csvCell('two\nlines')).toBe('"two\nlines"');
    expect(csvCell('cr\r')).toBe('"cr\r"');
  });

  it('keeps a cell a spreadsheet would run as a formula a plain text', () => {
    expect(csvCell('=HYPERLINK("http://evil")')).toBe('"\'=HYPERLINK(""http://evil"")"');
    expect(csvCell('+1')).toBe("'+1");
    expect(csvCell('-cmd')).toBe("'-cmd");
    expect(csvCell('@SUM(A1)')).toBe("'@SUM(A1)");
    expect(csvCell('\tx')).toBe("'\tx");
    expect(csvCell('a=b')).toBe('a=b');
  });

  it('writes a header and one CRLF-ended line per entry', () => {
    const csv = auditCsv([
      { seq: 1, at: 0, profile: 'p', actor: '=cmd', action: 'push', subject: 'x,y', detail: null },
    ]);
    expect(csv).toBe(
      'time,profile,actor,action,subject,detail\r\n1970-01-01T00:00:00.000Z,p,\'=cmd,push,"x,y",\r\n',
    );
  });
});
