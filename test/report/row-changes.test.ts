import BetterSqlite3 from 'better-sqlite3';
import { describe, expect, it } from 'vitest';
import type { TraceEvent } from '../../src/kernel/index.js';
import { RowWatch } from '../../src/report/index.js';

/** An inventory-shaped database: a shared stock row, a saga's reservation, an outbox the relay empties. */
function inventory() {
  const db = new BetterSqlite3(':memory:');
  db.exec(`create table stock (sku text primary key, available integer, reserved integer);
    create table reservations (saga_id text primary key, sku text, qty integer, status text);
    create table outbox (seq integer primary key, id text, saga_id text);
    insert into stock values ('SKU-A', 10, 0), ('SKU-B', 5, 0);`);
  return db;
}

const handled = (tick: number, sagaId = 'saga-1'): TraceEvent => ({
  kind: 'handle',
  tick,
  actor: 'inventory',
  type: 'inventory.reserve',
  sagaId,
});

describe('RowWatch: the rows each event committed', () => {
  it("a handler's rows: the saga's own inserted and updated, the shared stock row with its before, the outbox only as it grows", () => {
    const db = inventory();
    let open: BetterSqlite3.Database | null = db;
    const databases = (name: string) => (name === 'inventory' ? open : null);
    const watch = new RowWatch();
    // The run's first event: nothing of a saga, but the stock as it began is read.
    expect(watch.changesAt({ kind: 'publish', tick: 0, actor: 'reconciler' }, databases)).toEqual([]);

    db.exec(`insert into reservations values ('saga-1', 'SKU-A', 2, 'RESERVED');
      update stock set available = 8, reserved = 2 where sku = 'SKU-A';
      insert into outbox values (1, 'in-1', 'saga-1');`);
    // A delivery writes nothing: not read.
    expect(watch.changesAt({ ...handled(1), kind: 'deliver' }, databases)).toEqual([]);
    expect(watch.changesAt(handled(1), databases)).toEqual([
      {
        component: 'inventory',
        table: 'stock',
        op: 'update',
        before: { sku: 'SKU-A', available: 10, reserved: 0 },
        after: { sku: 'SKU-A', available: 8, reserved: 2 },
        shared: true,
      },
      { component: 'inventory', table: 'outbox', op: 'insert', after: { seq: 1, id: 'in-1', saga_id: 'saga-1' } },
      {
        component: 'inventory',
        table: 'reservations',
        op: 'insert',
        after: { saga_id: 'saga-1', sku: 'SKU-A', qty: 2, status: 'RESERVED' },
      },
    ]);

    // The relay empties the outbox between two events: that is no news of the next one.
    db.exec(`delete from outbox; update reservations set status = 'COMMITTED' where saga_id = 'saga-1';
      update stock set reserved = 0 where sku = 'SKU-A';`);
    expect(watch.changesAt(handled(2), databases).map((c) => `${c.op} ${c.table}`)).toEqual(['update stock', 'update reservations']);
    expect(watch.changesAt(handled(3), databases)).toEqual([]);

    // A component a crash has closed is not opened: what it wrote shows at its next event.
    db.exec(`delete from reservations`);
    open = null;
    expect(watch.changesAt(handled(4), databases)).toEqual([]);
    open = db;
    expect(watch.changesAt(handled(5), databases)).toEqual([
      {
        component: 'inventory',
        table: 'reservations',
        op: 'delete',
        before: { saga_id: 'saga-1', sku: 'SKU-A', qty: 2, status: 'COMMITTED' },
      },
    ]);
  });

  it("another saga's change to a shared row is its own, not the next saga's", () => {
    const db = inventory();
    const databases = () => db;
    const watch = new RowWatch();
    watch.changesAt({ kind: 'publish', tick: 0, actor: 'reconciler' }, databases);
    db.exec(`insert into reservations values ('saga-1', 'SKU-B', 1, 'RESERVED'); update stock set available = 4 where sku = 'SKU-B';`);
    expect(watch.changesAt(handled(1, 'saga-1'), databases).map((c) => c.table)).toEqual(['stock', 'reservations']);
    db.exec(`insert into reservations values ('saga-2', 'SKU-B', 2, 'RESERVED'); update stock set available = 2 where sku = 'SKU-B';`);
    const second = watch.changesAt(handled(2, 'saga-2'), databases);
    expect(second[0]).toMatchObject({ table: 'stock', before: { available: 4 }, after: { available: 2 } });
  });
});
