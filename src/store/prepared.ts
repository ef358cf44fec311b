import type { Compilable } from 'kysely';
import type { Statement } from 'better-sqlite3';
import type { Database } from './database.js';
import { logStatement, type StatementUse } from './statement-log.js';

const ARG_MARK = '\u0000arg:';

/** A named parameter placeholder for a query compiled once and run many times. */
export function arg<T = string>(name: string): T {
  return (ARG_MARK + name) as T;
}

/** A value SQLite can bind. */
export type SqlValue = string | number | bigint | null | Buffer;

type Slot = { readonly name: string } | { readonly value: unknown };

/**
 * A kysely query compiled once into a better-sqlite3 prepared statement. Parameters made
 * with `arg(name)` are filled from the object passed to each call; every other parameter
 * stays the constant it was built with. Compiling and preparing wait for the first call:
 * a component prepares dozens of statements and a short run (a fuzz seed, a restart) uses
 * only some of them.
 */
export class Prepared<Row> {
  private compiled: { readonly statement: Statement; readonly sql: string; readonly slots: readonly Slot[] } | null = null;

  constructor(
    private readonly db: Database,
    private readonly query: Compilable<Row>,
  ) {}

  private compile(): { statement: Statement; sql: string; slots: Slot[] } {
    const compiled = this.query.compile();
    return {
      statement: this.db.prepare(compiled.sql),
      sql: compiled.sql,
      slots: compiled.parameters.map((p) =>
        typeof p === 'string' && p.startsWith(ARG_MARK) ? { name: p.slice(ARG_MARK.length) } : { value: p },
      ),
    };
  }

  /** Runs a statement that returns no rows; returns the number of rows it changed. */
  run(args: Readonly<Record<string, SqlValue>> = {}): number {
    const { statement, slots } = (this.compiled ??= this.compile());
    return statement.run(...this.values(slots, args, 'run')).changes;
  }

  /** Runs an insert; returns the new row's rowid. */
  insert(args: Readonly<Record<string, SqlValue>> = {}): number {
    const { statement, slots } = (this.compiled ??= this.compile());
    return Number(statement.run(...this.values(slots, args, 'run')).lastInsertRowid);
  }

  get(args: Readonly<Record<string, SqlValue>> = {}): Row | undefined {
    const { statement, slots } = (this.compiled ??= this.compile());
    return statement.get(...this.values(slots, args, 'get')) as Row | undefined;
  }

  all(args: Readonly<Record<string, SqlValue>> = {}): Row[] {
    const { statement, slots } = (this.compiled ??= this.compile());
    return statement.all(...this.values(slots, args, 'all')) as Row[];
  }

  /** The rows one at a time, for a result too large to hold twice. */
  iterate(args: Readonly<Record<string, SqlValue>> = {}): IterableIterator<Row> {
    const { statement, slots } = (this.compiled ??= this.compile());
    return statement.iterate(...this.values(slots, args, 'all')) as IterableIterator<Row>;
  }

  /** The values to bind, logged when the benchmark records the run's statements. */
  private values(slots: readonly Slot[], args: Readonly<Record<string, SqlValue>>, use: StatementUse): unknown[] {
    const values = bind(slots, args);
    logStatement(this.db, this.compiled!.sql, values, use);
    return values;
  }
}

/** The positional values for one call: named slots from `args`, constants as built. */
function bind(slots: readonly Slot[], args: Readonly<Record<string, SqlValue>>): unknown[] {
  const values = new Array<unknown>(slots.length);
  for (let i = 0; i < slots.length; i++) {
    const slot = slots[i]!;
    if ('name' in slot) {
      const value = args[slot.name];
      if (value === undefined) throw new Error(`query parameter '${slot.name}' was not given`);
      values[i] = value;
    } else {
      values[i] = slot.value;
    }
  }
  return values;
}
