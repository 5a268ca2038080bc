import Database from 'better-sqlite3';
import { migrations } from './migrations';
import { unwritableOf } from './unwritable';

export type Db = Database.Database;

/**
 * Opens (or creates) one profile's console database: WAL, so readers never wait on the writer; FULL
 * sync, so a transition is on disk before the message that caused it is acknowledged; and every
 * numbered migration not applied yet, all in one transaction, so a crash mid-upgrade leaves the old schema.
 */
export function openDatabase(file: string): Db {
  let db: Db;
  try {
    db = new Database(file);
  } catch (e) {
    throw unwritableOf(e, file) ?? e;
  }
  try {
    db.pragma('journal_mode = WAL');
    db.pragma('synchronous = FULL');
    db.pragma('foreign_keys = ON');
    db.pragma('busy_timeout = 5000');
    migrate(db);
    return db;
  } catch (e) {
    db.close();
    throw unwritableOf(e, file) ?? e;
  }
}

export function schemaVersion(db: Db): number {
  return db.pragma('user_version', { simple: true }) as number;
}

function migrate(db: Db): void {
  db.transaction(() => {
    const from = schemaVersion(db);
    if (from > migrations.length) {
      throw new Error(
        `the console database is at schema version ${from}, newer than this console knows (${migrations.length}); ` +
          'run the newer console, or restore a backup of the database',
      );
    }
    for (const [i, sql] of migrations.entries()) {
      if (i + 1 <= from) continue;
      db.exec(sql);
      db.pragma(`user_version = ${i + 1}`);
    }
  }).immediate();
}
