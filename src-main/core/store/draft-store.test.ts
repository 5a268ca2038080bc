import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { openDatabase, type Db } from './database';
import { DraftStore, newDraftId } from './draft-store';
import { StoreCorruptError } from './push-store';

const dirs: string[] = [];
const dbs: Db[] = [];
const tempDb = () => {
  const dir = mkdtempSync(join(tmpdir(), 'smt-drafts-'));
  dirs.push(dir);
  const db = openDatabase(join(dir, 'console.db'));
  dbs.push(db);
  return db;
};
afterEach(() => {
  for (const db of dbs.splice(0)) db.close();
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
});

const draft = (id: string, updatedAt: number, text = '$ORIGIN example.test.\n') => ({
  id,
  name: `draft ${id}`,
  object: { kind: 'zone' as const, name: 'example.test' },
  content: { format: 'zone-text' as const, text },
  targets: 'all',
  base: { version: 2, text: null },
  createdAt: 1000,
  updatedAt,
  author: 'alice',
});

describe('DraftStore', () => {
  it('keeps drafts across a reopen, newest first, and judges their problems on every read', () => {
    const db = tempDb();
    const store = new DraftStore(db);
    const [a, b] = [newDraftId(), newDraftId()];
    store.put(draft(a, 2000), true);
    expect(store.put(draft(b, 3000, ''), true).problems).toEqual([
      { path: 'text', message: 'the zone text is empty' },
    ]);
    store.put({ ...draft(a, 4000), name: 'renamed' }, false);
    const { drafts, corrupt } = new DraftStore(db).list();
    expect(corrupt).toEqual([]);
    expect(drafts.map((d) => [d.id, d.name, d.format, d.problems, d.updatedAt])).toEqual([
      [a, 'renamed', 'zone-text', 0, 4000],
      [b, `draft ${b}`, 'zone-text', 1, 3000],
    ]);
    expect(store.get(a)).toMatchObject({
      base: { version: 2, text: null },
      author: 'alice',
      createdAt: 1000,
    });
    expect(store.delete(a)).toBe(true);
    expect(store.delete(a)).toBe(false);
    expect(store.get(a)).toBeUndefined();
  });

  it('leaves out a row that does not read back, names it, and refuses to open it', () => {
    const db = tempDb();
    const store = new DraftStore(db);
    const good = newDraftId();
    store.put(draft(good, 2000), true);
    db.prepare(
      `INSERT INTO drafts (id, name, object, content, targets, base, created_at, updated_at, author)
       VALUES ('d-broken1', 'broken', '{"kind":"zone","name":"x.test"}', '{"format":"pdf"}', '', '{"version":0,"text":null}', 1, 5000, 'bob')`,
    ).run();
    const { drafts, corrupt } = store.list();
    expect(drafts.map((d) => d.id)).toEqual([good]);
    expect(corrupt).toEqual([
      'draft d-broken1 ("broken") does not read back: its content is not what a draft holds',
    ]);
    expect(() => store.get('d-broken1')).toThrow(StoreCorruptError);
  });
});
