import { ALL_DEFENCES } from '../../src/defences/index.js';
import BetterSqlite3 from 'better-sqlite3';
import { Endpoint } from '../../src/endpoint/index.js';
import { describe, expect, it } from 'vitest';
import { fulfillmentService, NOTIFICATION_SERVICE, ORDER_SERVICE, seedCustomers } from '../../src/services/index.js';
import { drainOutbox, message, PAYLOAD, testContext } from '../helpers.js';

const rows = (db: BetterSqlite3.Database, sql: string) => db.prepare(sql).all();

describe('order service', () => {
  it('creates once, confirms, and answers a re-sent create the same way', () => {
    const db = new BetterSqlite3(':memory:');
    const service = new Endpoint(ORDER_SERVICE, db, testContext());
    seedCustomers(db, [{ customer: PAYLOAD.customer }]);
    const create = message('order', 'order.create');
    service.handle(create);
    service.handle(create);
    service.handle(message('order', 'order.create'));
    service.handle(message('order', 'order.confirm'));
    expect(rows(db, 'select status from orders')).toEqual([{ status: 'CONFIRMED' }]);
    expect(drainOutbox(service).map((m) => m.type)).toEqual(['order.create.done', 'order.create.done']);
  });

  it('a cancel before the create leaves a CANCELLED order and refuses the late create', () => {
    const db = new BetterSqlite3(':memory:');
    const service = new Endpoint(ORDER_SERVICE, db, testContext());
    seedCustomers(db, [{ customer: PAYLOAD.customer }]);
    service.handle(message('order', 'order.cancel'));
    service.handle(message('order', 'order.create'));
    expect(rows(db, 'select status from orders')).toEqual([{ status: 'CANCELLED' }]);
    expect(drainOutbox(service).map((m) => m.type)).toEqual(['order.cancel.done', 'order.create.failed']);
  });
});

describe('fulfillment service', () => {
  it('schedules one shipment however often asked, and cancels it', () => {
    const db = new BetterSqlite3(':memory:');
    const service = new Endpoint(fulfillmentService(), db, testContext());
    service.handle(message('fulfillment', 'fulfillment.schedule'));
    service.handle(message('fulfillment', 'fulfillment.schedule'));
    expect(rows(db, 'select status from shipments')).toEqual([{ status: 'SCHEDULED' }]);
    service.handle(message('fulfillment', 'fulfillment.cancel'));
    service.handle(message('fulfillment', 'fulfillment.schedule'));
    expect(rows(db, 'select status from shipments')).toEqual([{ status: 'CANCELLED' }]);
  });

  it('a cancel that arrives before its schedule leaves a record, and the late schedule is refused: nothing ships', () => {
    const db = new BetterSqlite3(':memory:');
    const service = new Endpoint(fulfillmentService(), db, testContext());
    service.handle(message('fulfillment', 'fulfillment.cancel'));
    service.handle(message('fulfillment', 'fulfillment.schedule'));
    expect(rows(db, 'select status from shipments')).toEqual([{ status: 'CANCELLED' }]);
    expect(drainOutbox(service).map((m) => m.type)).toEqual(['fulfillment.cancel.done', 'fulfillment.schedule.failed']);
  });
});

describe('the point of no return: a dispatched shipment', () => {
  it('leaves the warehouse when its time comes, unless cancelled first; a cancel after that is refused for good', () => {
    const db = new BetterSqlite3(':memory:');
    const ctx = testContext();
    const service = new Endpoint(fulfillmentService(5), db, ctx);
    service.handle(message('fulfillment', 'fulfillment.schedule', 'saga-1'));
    service.handle(message('fulfillment', 'fulfillment.schedule', 'saga-2'));
    service.handle(message('fulfillment', 'fulfillment.cancel', 'saga-2'));
    drainOutbox(service);
    ctx.clock.advanceTo(5);
    ctx.scheduler.fireDue(5);
    expect(rows(db, 'select saga_id, status, tick from shipments order by saga_id')).toEqual([
      { saga_id: 'saga-1', status: 'DISPATCHED', tick: 5 },
      { saga_id: 'saga-2', status: 'CANCELLED', tick: 0 },
    ]);
    service.handle(message('fulfillment', 'fulfillment.cancel', 'saga-1'));
    service.handle(message('fulfillment', 'fulfillment.schedule', 'saga-1'));
    const [refusal, again] = drainOutbox(service);
    expect(refusal!.type).toBe('fulfillment.cancel.failed');
    expect(JSON.parse(refusal!.body)).toEqual({
      ok: false,
      reason: 'shipment dispatched at tick 5: it cannot be cancelled',
      permanent: true,
    });
    // A redelivered schedule is answered as done: the parcel is on its way.
    expect(again!.type).toBe('fulfillment.schedule.done');
    expect(rows(db, "select status from shipments where saga_id = 'saga-1'")).toEqual([{ status: 'DISPATCHED' }]);
  });

  it('a restart re-arms the dispatch of every parcel still to leave; without recovery it never leaves', () => {
    for (const recovery of [true, false]) {
      const db = new BetterSqlite3(':memory:');
      const first = testContext();
      new Endpoint(fulfillmentService(5), db, first).handle(message('fulfillment', 'fulfillment.schedule', 'saga-1'));
      // The component died: its timers with it. It starts again on the same database.
      const ctx = { ...testContext(), defences: { ...ALL_DEFENCES, recovery } };
      new Endpoint(fulfillmentService(5), db, ctx);
      ctx.clock.advanceTo(10);
      ctx.scheduler.fireDue(10);
      expect(rows(db, 'select status from shipments')).toEqual([{ status: recovery ? 'DISPATCHED' : 'SCHEDULED' }]);
    }
  });
});

describe('notification service', () => {
  it('sends one email and one push per saga, whatever the redeliveries', () => {
    const db = new BetterSqlite3(':memory:');
    const service = new Endpoint(NOTIFICATION_SERVICE, db, testContext());
    const m = message('notification', 'notification.send');
    service.handle(m);
    service.handle(m);
    service.handle(message('notification', 'notification.send'));
    expect(rows(db, 'select channel from notifications order by channel')).toEqual([{ channel: 'email' }, { channel: 'push' }]);
  });

  it('a permanent refusal is kept, so a retry gets the same answer and sends nothing', () => {
    const db = new BetterSqlite3(':memory:');
    let fail = true;
    const service = new Endpoint(
      NOTIFICATION_SERVICE,
      db,
      testContext({ commandFault: () => (fail ? { mode: 'fail' } : null), applied: () => {} }),
    );
    service.handle(message('notification', 'notification.send'));
    fail = false;
    service.handle(message('notification', 'notification.send'));
    expect(rows(db, 'select * from notifications')).toEqual([]);
    expect(drainOutbox(service).map((m) => m.type)).toEqual(['notification.send.failed', 'notification.send.failed']);
  });
});
