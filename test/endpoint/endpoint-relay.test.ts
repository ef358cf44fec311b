import BetterSqlite3 from 'better-sqlite3';
import { Endpoint } from '../../src/endpoint/index.js';
import { describe, expect, it } from 'vitest';
import type { Message } from '../../src/broker/index.js';
import { ORDER_SERVICE } from '../../src/services/index.js';
import { message, testContext } from '../helpers.js';

describe('outbox relay', () => {
  it('keeps a row the broker did not confirm and publishes it again next time', () => {
    const db = new BetterSqlite3(':memory:');
    const service = new Endpoint(ORDER_SERVICE, db, testContext());
    service.handle(message('order', 'order.create'));
    const seen: Message[] = [];
    service.relayPublish((m) => (seen.push(m), false));
    service.relayConfirm();
    expect(service.relayPending).toBe(true);
    service.relayPublish((m) => (seen.push(m), true));
    service.relayConfirm();
    expect(service.relayPending).toBe(false);
    expect(seen.map((m) => m.id)).toEqual([seen[0]!.id, seen[0]!.id]);
  });

  it('after a crash between publish and confirm, the restarted relay publishes the same message (same id) again', () => {
    const db = new BetterSqlite3(':memory:');
    const before = new Endpoint(ORDER_SERVICE, db, testContext());
    before.handle(message('order', 'order.create'));
    const first: Message[] = [];
    before.relayPublish((m) => (first.push(m), true));
    // Crash: the confirmation was only in memory.
    const after = new Endpoint(ORDER_SERVICE, db, testContext());
    const again: Message[] = [];
    after.relayPublish((m) => (again.push(m), true));
    after.relayConfirm();
    expect(again).toEqual(first);
    expect(outboxRows(db)).toBe(0);
  });

  it('deletes every row the broker confirmed, message after message, even once the table was empty', () => {
    const db = new BetterSqlite3(':memory:');
    const service = new Endpoint(ORDER_SERVICE, db, testContext());
    for (let i = 0; i < 3; i++) {
      service.handle(message('order', 'order.create', `saga-${i}`));
      service.relayPublish(() => true);
      service.relayConfirm();
      expect(outboxRows(db)).toBe(0);
    }
  });
});

function outboxRows(db: BetterSqlite3.Database): number {
  return (db.prepare('select count(*) n from outbox').get() as { n: number }).n;
}
