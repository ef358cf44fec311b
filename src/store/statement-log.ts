import type { Database } from './database.js';

/** How a statement was run: for its changes, for one row, or for all its rows. */
export type StatementUse = 'run' | 'get' | 'all';

/** One statement as it ran: on which database (numbered in order of first use), its SQL, its values, and how it was run. */
interface LoggedStatement {
  readonly db: number;
  readonly sql: string;
  readonly values: readonly unknown[];
  readonly use: StatementUse;
}

/** What a run did to its databases, statement by statement, grouped into the transactions that committed. */
export interface StatementLog {
  /** Each database's schema, as it stood when its first statement ran. */
  readonly schemas: ReadonlyArray<readonly string[]>;
  /** Committed transactions in commit order; a statement run outside one is a transaction of its own. */
  readonly transactions: ReadonlyArray<{ readonly db: number; readonly statements: readonly LoggedStatement[] }>;
}

/**
 * While recording, every statement a Prepared runs is logged, and transactions are kept
 * only once the endpoint says they committed: the benchmark replays exactly the work that
 * stuck, alone, to measure what SQLite costs without the engine around it. Off (null) the
 * rest of the time, so a normal run pays one comparison per statement.
 */
let recording: {
  readonly ids: Map<Database, number>;
  readonly schemas: string[][];
  readonly pending: Map<number, LoggedStatement[]>;
  readonly transactions: Array<{ db: number; statements: LoggedStatement[] }>;
} | null = null;

export function startStatementLog(): void {
  recording = { ids: new Map(), schemas: [], pending: new Map(), transactions: [] };
}

export function stopStatementLog(): StatementLog {
  const log = recording ?? { schemas: [], transactions: [] };
  recording = null;
  return { schemas: log.schemas, transactions: log.transactions };
}

/** Called by Prepared for each statement it runs. */
export function logStatement(db: Database, sql: string, values: readonly unknown[], use: StatementUse): void {
  if (!recording) return;
  let id = recording.ids.get(db);
  if (id === undefined) {
    id = recording.ids.size;
    recording.ids.set(db, id);
    recording.schemas.push(
      (
        db.prepare("select sql from sqlite_master where sql is not null and name not like 'sqlite_%' order by rowid").all() as Array<{
          sql: string;
        }>
      ).map((r) => r.sql),
    );
  }
  const statement = { db: id, sql, values, use };
  if (db.inTransaction) {
    const open = recording.pending.get(id);
    if (open) open.push(statement);
    else recording.pending.set(id, [statement]);
  } else recording.transactions.push({ db: id, statements: [statement] });
}

/** The endpoint's transaction on `db` committed (true) or rolled back (false). */
export function logTransactionEnd(db: Database, committed: boolean): void {
  if (!recording) return;
  const id = recording.ids.get(db);
  if (id === undefined) return;
  const statements = recording.pending.get(id);
  recording.pending.delete(id);
  if (committed && statements) recording.transactions.push({ db: id, statements });
}
