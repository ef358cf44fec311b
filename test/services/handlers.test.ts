import { describe, expect, it } from 'vitest';
import { withDisabled } from '../../src/defences/index.js';
import {
  fulfillmentService,
  INVENTORY_SERVICE,
  NOTIFICATION_SERVICE,
  ORDER_SERVICE,
  PAYMENT_SERVICE,
  seedAccounts,
  seedCustomers,
  seedStock,
} from '../../src/services/index.js';
import { fakeTx, handlerOn, message, PAYLOAD } from '../helpers.js';

// Handlers driven directly with a fake transaction: no endpoint, no inbox, no outbox. What a
// handler sends and notes is all it can do besides writing its own tables.
describe('service handlers, with a fake transaction', () => {
  it('order: a create answers done and notes PENDING; a second create of the same order is a duplicate that answers the same', () => {
    const { db, handler } = handlerOn(ORDER_SERVICE);
    seedCustomers(db, [{ customer: PAYLOAD.customer }]);
    const first = fakeTx(5);
    expect(handler.handle(first.tx, message('order', 'order.create'))).toBeUndefined();
    expect(first.sent).toEqual([{ queue: 'orchestrator', type: 'order.create.done', sagaId: 'saga-1', body: { ok: true } }]);
    expect(first.notes).toEqual(['PENDING']);
    const again = fakeTx(6);
    expect(handler.handle(again.tx, message('order', 'order.create'))).toBe('duplicate');
    expect(again.sent.map((m) => m.type)).toEqual(['order.create.done']);
    expect(db.prepare('select status, tick from orders').all()).toEqual([{ status: 'PENDING', tick: 5 }]);
  });

  it('order: a customer the shop does not know is refused at the first step, and the refusal is recorded', () => {
    const { db, handler } = handlerOn(ORDER_SERVICE);
    seedCustomers(db, [{ customer: 'someone-else' }]);
    const refused = fakeTx(3);
    handler.handle(refused.tx, message('order', 'order.create'));
    expect(refused.sent[0]).toMatchObject({
      type: 'order.create.failed',
      body: { ok: false, reason: `unknown customer ${PAYLOAD.customer}` },
    });
    expect(db.prepare('select status from orders').all()).toEqual([{ status: 'REJECTED' }]);
    const retried = fakeTx(4);
    handler.handle(retried.tx, message('order', 'order.create'));
    expect(retried.sent[0]).toMatchObject({ body: { ok: false, reason: 'order already REJECTED' } });
  });

  it('order: an injected failure records the refusal, so a retried create is refused too', () => {
    const { db, handler } = handlerOn(ORDER_SERVICE);
    seedCustomers(db, [{ customer: PAYLOAD.customer }]);
    const refused = fakeTx(0, true);
    handler.handle(refused.tx, message('order', 'order.create'));
    expect(refused.sent[0]).toMatchObject({ type: 'order.create.failed', body: { ok: false, reason: 'order rejected (injected)' } });
    const retried = fakeTx();
    handler.handle(retried.tx, message('order', 'order.create'));
    expect(retried.sent[0]).toMatchObject({ type: 'order.create.failed', body: { ok: false, reason: 'order already REJECTED' } });
  });

  it('inventory: with isolation the reservation is refused past the stock; without it the stock goes negative', () => {
    for (const [defences, expected] of [
      [undefined, { available: 1, reserved: 2, refused: 1 }],
      [withDisabled(['isolation']), { available: -1, reserved: 4, refused: 0 }],
    ] as const) {
      const { db, handler } = handlerOn(INVENTORY_SERVICE, defences);
      seedStock(db, [{ sku: 'SKU-A', units: 3 }]);
      const sent = ['saga-1', 'saga-2'].flatMap((sagaId) => {
        const t = fakeTx();
        handler.handle(t.tx, message('inventory', 'inventory.reserve', sagaId));
        return t.sent;
      });
      const stock = db.prepare('select available, reserved from stock').get() as { available: number; reserved: number };
      expect({ ...stock, refused: sent.filter((m) => m.type === 'inventory.reserve.failed').length }).toEqual(expected);
    }
  });

  it('payment: charges once per saga by business key, and a refund that came first blocks the late charge', () => {
    const { db, handler } = handlerOn(PAYMENT_SERVICE);
    seedAccounts(db, [{ customer: 'alice', balanceCents: 10_000 }]);
    const a = fakeTx();
    handler.handle(a.tx, message('payment', 'payment.charge', 'saga-1'));
    expect(handler.handle(a.tx, message('payment', 'payment.charge', 'saga-1'))).toBe('duplicate');
    const b = fakeTx();
    handler.handle(b.tx, message('payment', 'payment.refund', 'saga-2'));
    handler.handle(b.tx, message('payment', 'payment.charge', 'saga-2'));
    expect(b.sent.map((m) => m.type)).toEqual(['payment.refund.done', 'payment.charge.failed']);
    expect(db.prepare('select balance_cents from accounts').get()).toEqual({ balance_cents: 9_500 });
  });

  it('fulfillment: a cancel that arrives before its schedule leaves a record, and the late schedule is refused', () => {
    const { db, handler } = handlerOn(fulfillmentService());
    const t = fakeTx();
    handler.handle(t.tx, message('fulfillment', 'fulfillment.cancel'));
    handler.handle(t.tx, message('fulfillment', 'fulfillment.schedule'));
    expect(t.sent.map((m) => m.type)).toEqual(['fulfillment.cancel.done', 'fulfillment.schedule.failed']);
    expect(db.prepare('select status from shipments').all()).toEqual([{ status: 'CANCELLED' }]);
  });

  it('notification: sends email and push once; without idempotency a resend sends them again', () => {
    for (const [defences, rows] of [
      [undefined, 2],
      [withDisabled(['idempotency']), 4],
    ] as const) {
      const { db, handler } = handlerOn(NOTIFICATION_SERVICE, defences);
      handler.handle(fakeTx().tx, message('notification', 'notification.send'));
      handler.handle(fakeTx().tx, message('notification', 'notification.send'));
      expect(db.prepare('select count(*) as n from notifications').get()).toEqual({ n: rows });
    }
  });
});

describe('a compensation that arrives before its step', () => {
  it('is reported as a typed fact by each service, so coverage can count it; a refund after a declined charge is not', () => {
    const cases = [
      [ORDER_SERVICE, 'order', 'order.cancel'],
      [INVENTORY_SERVICE, 'inventory', 'inventory.release'],
      [PAYMENT_SERVICE, 'payment', 'payment.refund'],
      [fulfillmentService(), 'fulfillment', 'fulfillment.cancel'],
    ] as const;
    for (const [definition, queue, compensation] of cases) {
      const { handler } = handlerOn(definition);
      const t = fakeTx();
      handler.handle(t.tx, message(queue, compensation));
      expect(t.facts).toEqual([{ kind: 'compensation-first', compensation }]);
    }
    const { db, handler } = handlerOn(PAYMENT_SERVICE);
    seedAccounts(db, [{ customer: 'alice', balanceCents: 0 }]);
    handler.handle(fakeTx().tx, message('payment', 'payment.charge'));
    const afterDecline = fakeTx();
    handler.handle(afterDecline.tx, message('payment', 'payment.refund'));
    expect(afterDecline.facts).toEqual([]);
  });
});
