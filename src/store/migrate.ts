import type { Compilable } from 'kysely';
import type { Database } from './database.js';

/** One schema version: DDL built with kysely's schema builder, applied in one transaction. */
export type Migration = readonly Compilable[];

/**
 * Brings a database up to the latest version, tracked in SQLite's `user_version`, so that a
 * restarted component reopens its file without redoing what is there.
 */
export function migrate(db: Database, migrations: readonly Migration[]): void {
  const current = db.pragma('user_version', { simple: true }) as number;
  for (let version = current; version < migrations.length; version++) {
    db.transaction(() => {
      for (const statement of migrations[version]!) db.exec(statement.compile().sql);
      db.pragma(`user_version = ${version + 1}`);
    })();
  }
}
