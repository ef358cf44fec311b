import type { Compilable } from 'kysely';
import type { Database } from './database.js';

/** One schema version: statements built with kysely (DDL, or rows to seed), applied in one transaction. */
export type Migration = readonly Compilable[];

/**
 * Brings a database up to the latest version, tracked in SQLite's `user_version`, so that a
 * restarted component reopens its file without redoing what is there.
 */
export function migrate(db: Database, migrations: readonly Migration[]): void {
  const current = db.pragma('user_version', { simple: true }) as number;
  for (let version = current; version < migrations.length; version++) {
    db.transaction(() => {
      for (const statement of migrations[version]!) {
        // A statement with values (a seed row) carries them as parameters: bind them, never drop them.
        const { sql, parameters } = statement.compile();
        db.prepare(sql).run(...(parameters as unknown[]));
      }
      db.pragma(`user_version = ${version + 1}`);
    })();
  }
}
