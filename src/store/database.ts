import { makeFolders } from './folders.js';
import { dirname } from 'node:path';
import BetterSqlite3 from 'better-sqlite3';

export type Database = BetterSqlite3.Database;

/** Where a component keeps its database: a real file (WAL), or memory with the same behaviour. */
export type StorageLocation = { readonly kind: 'memory' } | { readonly kind: 'file'; readonly path: string };

/**
 * Opens a component's database. Files use WAL with synchronous=NORMAL: a commit survives the
 * process dying (the crash this lab simulates), which is the promise a saga participant needs.
 */
export function openDatabase(location: StorageLocation): Database {
  if (location.kind === 'memory') return new BetterSqlite3(':memory:');
  makeFolders(dirname(location.path));
  const db = new BetterSqlite3(location.path);
  db.pragma('journal_mode = WAL');
  db.pragma('synchronous = NORMAL');
  // SQLite's own default page cache (2 MB) rather than better-sqlite3's 16 MB: a component
  // appends far more than it rereads, and six components would otherwise hold 96 MB of cache.
  db.pragma('cache_size = -2000');
  return db;
}
