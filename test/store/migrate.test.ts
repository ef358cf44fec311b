import BetterSqlite3 from 'better-sqlite3';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Compilable } from 'kysely';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { migrate, openDatabase, queryBuilder, type Database, type Migration } from '../../src/store/index.js';

// Untyped builder: these tests create tables of their own.
const q = queryBuilder<Record<string, never>>();

const version = (db: Database): number => db.pragma('user_version', { simple: true }) as number;
const tables = (db: Database): string[] =>
  (db.prepare("select name from sqlite_master where type = 'table' order by name").all() as { name: string }[]).map((r) => r.name);
const columns = (db: Database, table: string): string[] => (db.pragma(`table_info(${table})`) as { name: string }[]).map((c) => c.name);

/** A statement that counts how many times migrate compiles it (compiling is how migrate runs it). */
function counted(statement: Compilable): { statement: Compilable; runs: () => number } {
  let n = 0;
  return {
    statement: {
      compile: () => {
        n++;
        return statement.compile();
      },
    },
    runs: () => n,
  };
}

const createA = () => q.schema.createTable('a').addColumn('id', 'integer', (c) => c.primaryKey());
const addColumnB = () => q.schema.alterTable('a').addColumn('b', 'text');
const createC = () => q.schema.createTable('c').addColumn('id', 'integer', (c) => c.primaryKey());
const createD = () => q.schema.createTable('d').addColumn('id', 'integer');

describe('migrate', () => {
  let db: Database;

  beforeEach(() => {
    db = openDatabase({ kind: 'memory' });
  });

  afterEach(() => {
    if (db.open) db.close();
  });

  it('applies every migration in order on a new database and records how many in user_version', () => {
    expect(version(db)).toBe(0);
    // The second migration alters the table the first creates, and the third alters a table it
    // creates itself: migrations or statements out of order would fail.
    migrate(db, [[createA()], [addColumnB()], [createC(), q.schema.alterTable('c').addColumn('x', 'text'), createD()]]);
    expect(version(db)).toBe(3);
    expect(tables(db)).toEqual(['a', 'c', 'd']);
    expect(columns(db, 'a')).toEqual(['id', 'b']);
    expect(columns(db, 'c')).toEqual(['id', 'x']);
  });

  it('runs no statement again when given the same migrations a second time', () => {
    const a = counted(createA());
    const b = counted(addColumnB());
    const migrations: Migration[] = [[a.statement], [b.statement]];
    migrate(db, migrations);
    expect([a.runs(), b.runs()]).toEqual([1, 1]);
    migrate(db, migrations);
    expect([a.runs(), b.runs()]).toEqual([1, 1]);
    expect(version(db)).toBe(2);
    expect(columns(db, 'a')).toEqual(['id', 'b']);
  });

  it('applies only the migrations added since the last run', () => {
    const a = counted(createA());
    const b = counted(addColumnB());
    const c = counted(createC());
    migrate(db, [[a.statement]]);
    expect(version(db)).toBe(1);
    migrate(db, [[a.statement], [b.statement], [c.statement]]);
    expect([a.runs(), b.runs(), c.runs()]).toEqual([1, 1, 1]);
    expect(version(db)).toBe(3);
    expect(tables(db)).toEqual(['a', 'c']);
  });

  it('binds the values of a statement that seeds rows', () => {
    const db = new BetterSqlite3(':memory:');
    const t = queryBuilder<{ t: { id: number; name: string } }>();
    migrate(db, [
      [t.schema.createTable('t').addColumn('id', 'integer').addColumn('name', 'text'), t.insertInto('t').values({ id: 1, name: 'seed' })],
    ]);
    expect(db.prepare('select id, name from t').all()).toEqual([{ id: 1, name: 'seed' }]);
  });

  it('leaves a new database at version 0 when there are no migrations', () => {
    migrate(db, []);
    expect(version(db)).toBe(0);
    expect(tables(db)).toEqual([]);
  });

  it('a failing migration throws, undoes its own earlier statements, keeps the versions before it, and applies none after it', () => {
    const c = counted(createC());
    // Version 2 creates d, then fails creating a table that version 1 already made.
    const broken: Migration[] = [[createA()], [createD(), createA()], [c.statement]];
    expect(() => migrate(db, broken)).toThrow(/already exists/);
    expect(version(db)).toBe(1);
    expect(tables(db)).toEqual(['a']);
    expect(c.runs()).toBe(0);

    // Fixed, the same list resumes from version 1: version 1 is not run again (it would fail: a exists).
    migrate(db, [[createA()], [createD()], [c.statement]]);
    expect(version(db)).toBe(3);
    expect(tables(db)).toEqual(['a', 'c', 'd']);
    expect(c.runs()).toBe(1);
  });

  it('a failing first migration leaves a new database at version 0 with nothing created', () => {
    expect(() => migrate(db, [[createA(), createA()]])).toThrow(/already exists/);
    expect(version(db)).toBe(0);
    expect(tables(db)).toEqual([]);
  });

  it('a file database reopened after a restart is not migrated again, and its rows survive', () => {
    const dir = mkdtempSync(join(tmpdir(), 'saga-migrate-'));
    try {
      const path = join(dir, 'component.db');
      const migrations: Migration[] = [[createA()], [addColumnB()]];
      const first = openDatabase({ kind: 'file', path });
      migrate(first, migrations);
      first.exec("insert into a (id, b) values (1, 'kept')");
      first.close();

      const a = counted(createA());
      const b = counted(addColumnB());
      const reopened = openDatabase({ kind: 'file', path });
      try {
        migrate(reopened, [[a.statement], [b.statement]]);
        expect([a.runs(), b.runs()]).toEqual([0, 0]);
        expect(version(reopened)).toBe(2);
        expect(reopened.prepare('select id, b from a').all()).toEqual([{ id: 1, b: 'kept' }]);
      } finally {
        reopened.close();
      }
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
