import type { Compilable } from 'kysely';
import type { Database } from './database.js';

const ARG_MARK = '\u0000arg:';

/** A named parameter placeholder for a query compiled once and run many times. */
export function arg<T = string>(name: string): T {
  return (ARG_MARK + name) as T;
}

/** A value SQLite can bind. */
export type SqlValue = string | number | bigint | null | Buffer;

/**
 * A kysely query compiled once into a better-sqlite3 prepared statement. Parameters made
 * with `arg(name)` are filled from the object passed to each call; every other parameter
 * stays the constant it was built with.
 */
export class Prepared<Row> {
  private readonly statement;
  private readonly slots: ReadonlyArray<{ readonly name: string } | { readonly value: unknown }>;

  constructor(db: Database, query: Compilable<Row>) {
    const compiled = query.compile();
    this.statement = db.prepare(compiled.sql);
    this.slots = compiled.parameters.map((p) =>
      typeof p === 'string' && p.startsWith(ARG_MARK) ? { name: p.slice(ARG_MARK.length) } : { value: p },
    );
  }

  /** Runs a statement that returns no rows; returns the number of rows it changed. */
  run(args: Readonly<Record<string, SqlValue>> = {}): number {
    return this.statement.run(...this.bind(args)).changes;
  }

  /** Runs an insert; returns the new row's rowid. */
  insert(args: Readonly<Record<string, SqlValue>> = {}): number {
    return Number(this.statement.run(...this.bind(args)).lastInsertRowid);
  }

  get(args: Readonly<Record<string, SqlValue>> = {}): Row | undefined {
    return this.statement.get(...this.bind(args)) as Row | undefined;
  }

  all(args: Readonly<Record<string, SqlValue>> = {}): Row[] {
    return this.statement.all(...this.bind(args)) as Row[];
  }

  private bind(args: Readonly<Record<string, SqlValue>>): unknown[] {
    const values = new Array<unknown>(this.slots.length);
    for (let i = 0; i < this.slots.length; i++) {
      const slot = this.slots[i]!;
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
}
