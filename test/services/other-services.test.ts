import BetterSqlite3 from 'better-sqlite3';
import { Endpoint } from '../../src/endpoint/index.js';
import { describe, expect, it } from 'vitest';
import { FULFILLMENT_SERVICE, NOTIFICATION_SERVICE, ORDER_SERVICE, seedCustomers } from '../../src/services/index.js';
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
    const service = new Endpoint(FULFILLMENT_SERVICE, db, testContext());
    service.handle(message('fulfillment', 'fulfillment.schedule'));
    service.handle(message('fulfillment', 'fulfillment.schedule'));
    expect(rows(db, 'select status from shipments')).toEqual([{ status: 'SCHEDULED' }]);
    service.handle(message('fulfillment', 'fulfillment.cancel'));
    service.handle(message('fulfillment', 'fulfillment.schedule'));
    expect(rows(db, 'select status from shipments')).toEqual([{ status: 'CANCELLED' }]);
  });

  it('a cancel that arrives before its schedule leaves a record, and the late schedule is refused: nothing ships', () => {
    const db = new BetterSqlite3(':memory:');
    const service = new Endpoint(FULFILLMENT_SERVICE, db, testContext());
    service.handle(message('fulfillment', 'fulfillment.cancel'));
    service.handle(message('fulfillment', 'fulfillment.schedule'));
    expect(rows(db, 'select status from shipments')).toEqual([{ status: 'CANCELLED' }]);
    expect(drainOutbox(service).map((m) => m.type)).toEqual(['fulfillment.cancel.done', 'fulfillment.schedule.failed']);
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
