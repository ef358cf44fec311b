import type { Compilable, Generated } from 'kysely';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { arg, openDatabase, Prepared, queryBuilder, type Database } from '../../src/store/index.js';

interface Tables {
  items: { id: Generated<number>; name: string; kind: string; qty: number; note: string | null };
}

const q = queryBuilder<Tables>();
const CREATE_ITEMS = 'create table items (id integer primary key, name text not null, kind text not null, qty integer not null, note text)';

describe('Prepared', () => {
  let db: Database;

  beforeEach(() => {
    db = openDatabase({ kind: 'memory' });
  });

  afterEach(() => {
    db.close();
  });

  const rows = () => db.prepare('select id, name, kind, qty, note from items order by id').all();

  /** Inserts name, kind and qty; the note is left NULL. */
  const insertItem = () =>
    new Prepared(db, q.insertInto('items').values({ name: arg('name'), kind: arg('kind'), qty: arg<number>('qty') }));

  /** The query, and how many times it has been compiled. */
  function counting<R>(query: Compilable<R>): { query: Compilable<R>; compiles: () => number } {
    let n = 0;
    return {
      query: {
        compile: () => {
          n++;
          return query.compile();
        },
      },
      compiles: () => n,
    };
  }

  it('compiles and prepares nothing when built, then exactly once however many reads follow', () => {
    db.exec(CREATE_ITEMS);
    db.exec("insert into items (name, kind, qty) values ('a', 'k', 1), ('b', 'k', 2)");
    const prepare = vi.spyOn(db, 'prepare');
    const { query, compiles } = counting(q.selectFrom('items').select('name').where('qty', '>=', arg<number>('min')).orderBy('id'));

    const p = new Prepared(db, query);
    expect(compiles()).toBe(0);
    expect(prepare).not.toHaveBeenCalled();

    expect(p.get({ min: 2 })).toEqual({ name: 'b' });
    expect(p.all({ min: 1 })).toEqual([{ name: 'a' }, { name: 'b' }]);
    expect([...p.iterate({ min: 0 })]).toEqual([{ name: 'a' }, { name: 'b' }]);
    expect(p.get({ min: 3 })).toBeUndefined();
    expect(compiles()).toBe(1);
    expect(prepare).toHaveBeenCalledTimes(1);
  });

  it('compiles and prepares a write once however many runs and inserts follow', () => {
    db.exec(CREATE_ITEMS);
    const prepare = vi.spyOn(db, 'prepare');
    const { query, compiles } = counting(q.insertInto('items').values({ name: arg('name'), kind: 'k', qty: 1 }));

    const p = new Prepared(db, query);
    expect(compiles()).toBe(0);
    expect(prepare).not.toHaveBeenCalled();

    expect(p.run({ name: 'a' })).toBe(1);
    expect(p.insert({ name: 'b' })).toBe(2);
    expect(p.run({ name: 'c' })).toBe(1);
    expect(p.insert({ name: 'd' })).toBe(4);
    expect(compiles()).toBe(1);
    expect(prepare).toHaveBeenCalledTimes(1);
  });

  it('can be built before its table exists, since preparing waits for the first call', () => {
    const insert = insertItem();
    const count = new Prepared(
      db,
      q.selectFrom('items').select((eb) => eb.fn.countAll<number>().as('n')),
    );
    db.exec(CREATE_ITEMS);
    insert.run({ name: 'a', kind: 'k', qty: 1 });
    expect(count.get()).toEqual({ n: 1 });
  });

  it('fills each named parameter from the argument of that name, whatever order the arguments are listed in', () => {
    db.exec(CREATE_ITEMS);
    // Compiled parameter order is name, kind, qty, note: here b, 'fixed', a, c.
    const insert = new Prepared(db, q.insertInto('items').values({ name: arg('b'), kind: 'fixed', qty: arg<number>('a'), note: arg('c') }));
    insert.run({ c: 'first note', a: 5, b: 'first' });
    insert.run({ b: 'second', c: 'second note', a: 7 });
    expect(rows()).toEqual([
      { id: 1, name: 'first', kind: 'fixed', qty: 5, note: 'first note' },
      { id: 2, name: 'second', kind: 'fixed', qty: 7, note: 'second note' },
    ]);
  });

  it('binds two different parameters of one query to the right places, and one name used twice to both', () => {
    db.exec(CREATE_ITEMS);
    db.exec("insert into items (name, kind, qty) values ('a', 'x', 1), ('b', 'y', 5), ('c', 'z', 9), ('x', 'q', 3)");
    const between = new Prepared(
      db,
      q.selectFrom('items').select('name').where('qty', '>=', arg<number>('min')).where('qty', '<=', arg<number>('max')).orderBy('id'),
    );
    // Listed max first: binding in the object's key order would ask for 6 <= qty <= 2 and find nothing.
    expect(between.all({ max: 6, min: 2 })).toEqual([{ name: 'b' }, { name: 'x' }]);
    expect(between.all({ min: 6, max: 2 })).toEqual([]);

    const either = new Prepared(
      db,
      q
        .selectFrom('items')
        .select('name')
        .where((eb) => eb.or([eb('name', '=', arg('v')), eb('kind', '=', arg('v'))]))
        .orderBy('id'),
    );
    expect(either.all({ v: 'x' })).toEqual([{ name: 'a' }, { name: 'x' }]);
  });

  it('keeps a constant built into the query the same on every call', () => {
    db.exec(CREATE_ITEMS);
    db.exec("insert into items (name, kind, qty) values ('a', 'k', 1), ('b', 'other', 2), ('c', 'k', 3)");
    const ofKind = new Prepared(
      db,
      q.selectFrom('items').select('name').where('kind', '=', 'k').where('qty', '>=', arg<number>('min')).orderBy('id'),
    );
    expect(ofKind.all({ min: 0 })).toEqual([{ name: 'a' }, { name: 'c' }]);
    expect(ofKind.all({ min: 2 })).toEqual([{ name: 'c' }]);
  });

  it('binds null, 0 and the empty string as given, and ignores arguments the query does not name', () => {
    db.exec(CREATE_ITEMS);
    const insert = new Prepared(
      db,
      q.insertInto('items').values({ name: arg('name'), kind: arg('kind'), qty: arg<number>('qty'), note: arg<string | null>('note') }),
    );
    insert.run({ name: '', kind: 'k', qty: 0, note: null, unused: 'ignored' });
    expect(rows()).toEqual([{ id: 1, name: '', kind: 'k', qty: 0, note: null }]);
  });

  it('throws, naming the parameter, when an argument is missing, and runs nothing', () => {
    db.exec(CREATE_ITEMS);
    const insert = insertItem();
    expect(() => insert.run({ name: 'a', qty: 1 })).toThrow("query parameter 'kind' was not given");
    expect(() => insert.insert({ kind: 'k', qty: 1 })).toThrow("query parameter 'name' was not given");
    expect(rows()).toEqual([]);
  });

  it('run returns the number of rows changed', () => {
    db.exec(CREATE_ITEMS);
    db.exec("insert into items (name, kind, qty) values ('a', 'k', 1), ('b', 'k', 5), ('c', 'k', 9)");
    const relabel = new Prepared(
      db,
      q
        .updateTable('items')
        .set({ kind: arg('kind') })
        .where('qty', '>=', arg<number>('min')),
    );
    expect(relabel.run({ kind: 'big', min: 5 })).toBe(2);
    expect(relabel.run({ kind: 'huge', min: 9 })).toBe(1);
    expect(relabel.run({ kind: 'none', min: 100 })).toBe(0);
    const remove = new Prepared(db, q.deleteFrom('items').where('kind', '=', arg('kind')));
    expect(remove.run({ kind: 'big' })).toBe(1);
    expect(rows()).toEqual([
      { id: 1, name: 'a', kind: 'k', qty: 1, note: null },
      { id: 3, name: 'c', kind: 'huge', qty: 9, note: null },
    ]);
  });

  it('insert returns the rowid of the new row, including one given explicitly', () => {
    db.exec(CREATE_ITEMS);
    const insert = insertItem();
    expect(insert.insert({ name: 'a', kind: 'k', qty: 1 })).toBe(1);
    expect(insert.insert({ name: 'b', kind: 'k', qty: 1 })).toBe(2);
    const withId = new Prepared(db, q.insertInto('items').values({ id: arg<number>('id'), name: arg('name'), kind: 'k', qty: 0 }));
    expect(withId.insert({ id: 42, name: 'c' })).toBe(42);
    expect(insert.insert({ name: 'd', kind: 'k', qty: 1 })).toBe(43);
    expect(rows().map((r) => (r as { name: string }).name)).toEqual(['a', 'b', 'c', 'd']);
  });

  it('get returns the first row or undefined, all every row or [], iterate the same rows one at a time', () => {
    db.exec(CREATE_ITEMS);
    db.exec("insert into items (name, kind, qty) values ('a', 'k', 1), ('b', 'k', 2), ('c', 'j', 3)");
    const ofKind = new Prepared(db, q.selectFrom('items').select(['name', 'qty']).where('kind', '=', arg('kind')).orderBy('qty', 'desc'));
    expect(ofKind.get({ kind: 'k' })).toEqual({ name: 'b', qty: 2 });
    expect(ofKind.get({ kind: 'none' })).toBeUndefined();
    expect(ofKind.all({ kind: 'k' })).toEqual([
      { name: 'b', qty: 2 },
      { name: 'a', qty: 1 },
    ]);
    expect(ofKind.all({ kind: 'none' })).toEqual([]);
    const cursor = ofKind.iterate({ kind: 'k' });
    expect(cursor.next()).toEqual({ done: false, value: { name: 'b', qty: 2 } });
    expect(cursor.next()).toEqual({ done: false, value: { name: 'a', qty: 1 } });
    expect(cursor.next().done).toBe(true);
  });

  it('a LIMIT given with arg is bound on each call, and a constant LIMIT stays as built', () => {
    db.exec(CREATE_ITEMS);
    db.exec("insert into items (name, kind, qty) values ('a', 'k', 1), ('b', 'k', 2), ('c', 'k', 3)");
    const firstN = new Prepared(db, q.selectFrom('items').select('name').orderBy('id').limit(arg<number>('n')));
    expect(firstN.all({ n: 2 })).toEqual([{ name: 'a' }, { name: 'b' }]);
    expect(firstN.all({ n: 1 })).toEqual([{ name: 'a' }]);
    const firstOne = new Prepared(db, q.selectFrom('items').select('name').where('qty', '>=', arg<number>('min')).orderBy('id').limit(1));
    expect(firstOne.all({ min: 2 })).toEqual([{ name: 'b' }]);
  });
});
