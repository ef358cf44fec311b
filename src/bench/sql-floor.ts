import { rmSync } from 'node:fs';
import { join } from 'node:path';
import type { Statement } from 'better-sqlite3';
import { nextTurn, wallClockMs } from '../kernel/index.js';
import { openDatabase, type StatementLog } from '../store/index.js';

/** Transactions between two turns of the event loop (when a Ctrl-C is heard). */
const BATCH = 5_000;

/**
 * The SQL floor: the statements a run committed, replayed alone on fresh databases with the
 * same schemas, pragmas and transactions, and nothing else (no broker, orchestrator, trace
 * or JSON). The engine can go no faster than this; its time over the floor's is what the
 * engine itself costs. Returns the seconds the replay took, or null when `shouldStop` said so.
 */
export async function measureSqlFloor(
  log: StatementLog,
  storage: 'memory' | 'file',
  dir: string,
  shouldStop: () => boolean = () => false,
): Promise<number | null> {
  if (storage === 'file') rmSync(dir, { recursive: true, force: true });
  const dbs = log.schemas.map((schema, i) => {
    const db = openDatabase(storage === 'memory' ? { kind: 'memory' } : { kind: 'file', path: join(dir, `db-${i}.db`) });
    for (const sql of schema) db.exec(sql);
    return db;
  });
  try {
    const prepared = dbs.map(() => new Map<string, Statement>());
    const commit = dbs.map((db, i) =>
      db.transaction((statements: StatementLog['transactions'][number]['statements']) => {
        for (const s of statements) {
          let statement = prepared[i]!.get(s.sql);
          if (!statement) prepared[i]!.set(s.sql, (statement = db.prepare(s.sql)));
          if (s.use === 'run') statement.run(...s.values);
          else if (s.use === 'get') statement.get(...s.values);
          else statement.all(...s.values);
        }
      }),
    );
    let ms = 0;
    for (let from = 0; from < log.transactions.length; from += BATCH) {
      if (shouldStop()) return null;
      const start = wallClockMs();
      for (const t of log.transactions.slice(from, from + BATCH)) commit[t.db]!(t.statements);
      ms += wallClockMs() - start;
      await nextTurn();
    }
    return ms / 1000;
  } finally {
    for (const db of dbs) db.close();
    if (storage === 'file') rmSync(dir, { recursive: true, force: true });
  }
}
