import BetterSqlite3 from 'better-sqlite3';
import { Endpoint } from '../../src/endpoint/index.js';
import { describe, expect, it } from 'vitest';
import { PAYMENT_SERVICE, seedAccounts } from '../../src/services/index.js';
import { drainOutbox, message, PAYLOAD, testContext } from '../helpers.js';

function setup(balanceCents = 10_000) {
  const db = new BetterSqlite3(':memory:');
  const ctx = testContext();
  const service = new Endpoint(PAYMENT_SERVICE, db, ctx);
  seedAccounts(db, [{ customer: PAYLOAD.customer, balanceCents }]);
  const count = (sql: string): number => (db.prepare(sql).get() as { n: number }).n;
  const balance = (): number => (db.prepare('select balance_cents b from accounts').get() as { b: number }).b;
  return { db, ctx, service, count, balance };
}

describe('payment service', () => {
  it('charges once and answers done', () => {
    const { service, count, balance } = setup();
    expect(service.handle(message('payment', 'payment.charge'))).toBe('handled');
    expect(count("select count(*) n from charges where status = 'CHARGED'")).toBe(1);
    expect(balance()).toBe(10_000 - PAYLOAD.amountCents);
    expect(drainOutbox(service).map((m) => m.type)).toEqual(['payment.charge.done']);
  });

  it('a redelivered charge (same message id) is skipped by the inbox', () => {
    const { service, count, ctx } = setup();
    const m = message('payment', 'payment.charge');
    service.handle(m);
    expect(service.handle(m)).toBe('duplicate');
    expect(count('select count(*) n from charges')).toBe(1);
    expect(ctx.events.filter((e) => e.kind === 'skip')).toHaveLength(1);
    // The inbox skip writes nothing: one reply in all.
    expect(drainOutbox(service)).toHaveLength(1);
  });

  it('a re-sent charge (new message id, same saga) has one effect and gets the same answer again', () => {
    const { service, count, balance } = setup();
    service.handle(message('payment', 'payment.charge'));
    expect(service.handle(message('payment', 'payment.charge'))).toBe('duplicate');
    expect(count('select count(*) n from charges')).toBe(1);
    expect(balance()).toBe(10_000 - PAYLOAD.amountCents);
    expect(drainOutbox(service).map((m) => m.type)).toEqual(['payment.charge.done', 'payment.charge.done']);
  });

  it('declines when the balance is too low, and keeps declining the same saga', () => {
    const { service, balance } = setup(100);
    service.handle(message('payment', 'payment.charge'));
    service.handle(message('payment', 'payment.charge'));
    expect(balance()).toBe(100);
    expect(drainOutbox(service).map((m) => m.type)).toEqual(['payment.charge.failed', 'payment.charge.failed']);
  });

  it('refunds with a new record and gives the money back, once', () => {
    const { service, count, balance } = setup();
    service.handle(message('payment', 'payment.charge'));
    service.handle(message('payment', 'payment.refund'));
    service.handle(message('payment', 'payment.refund'));
    expect(count('select count(*) n from charges')).toBe(1);
    expect(count('select count(*) n from refunds where charge_id is not null')).toBe(1);
    expect(balance()).toBe(10_000);
  });

  it('a refund that arrives before its charge blocks the late charge', () => {
    const { service, count, balance } = setup();
    service.handle(message('payment', 'payment.refund'));
    service.handle(message('payment', 'payment.charge'));
    expect(count("select count(*) n from charges where status = 'CHARGED'")).toBe(0);
    expect(balance()).toBe(10_000);
    expect(drainOutbox(service).map((m) => m.type)).toEqual(['payment.refund.done', 'payment.charge.failed']);
  });

  it('a handler that throws leaves nothing behind', () => {
    const { db, ctx } = setup();
    const service = new Endpoint(PAYMENT_SERVICE, db, { ...ctx, faults: { commandFault: () => ({ mode: 'throw' }), applied: () => {} } });
    expect(() => service.handle(message('payment', 'payment.charge', 'saga-1', PAYLOAD, 'm-x'))).toThrow(/injected/);
    expect((db.prepare('select count(*) n from inbox').get() as { n: number }).n).toBe(0);
    expect((db.prepare('select count(*) n from outbox').get() as { n: number }).n).toBe(0);
  });
});
