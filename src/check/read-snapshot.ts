import type { Broker } from '../broker/index.js';
import { COMPONENTS, type ComponentName } from '../chaos/index.js';
import type { EndpointTables } from '../endpoint/index.js';
import type { OrchestratorTables } from '../orchestrator/index.js';
import type { FulfillmentTables, InventoryTables, NotificationTables, OrderTables, PaymentTables } from '../services/index.js';
import { Prepared, queryBuilder, type Database } from '../store/index.js';
import type { StockRow, WorldSnapshot } from './world-snapshot.js';

/** The stock table, compiled once; the run reads it after every tick. */
export function stockQuery(db: Database): Prepared<StockRow> {
  return new Prepared(db, queryBuilder<InventoryTables>().selectFrom('stock').select(['sku', 'initial', 'available', 'reserved', 'sold']).orderBy('sku'));
}

/** Reads what the checker needs from every database and the broker. Every query is ordered, so the snapshot is the same on every run. */
export function readSnapshot(
  dbs: Readonly<Record<ComponentName, Database>>,
  broker: Broker,
  run: Pick<WorldSnapshot, 'stockViolationDuringRun' | 'settled' | 'pending' | 'toleratedDeadLetters'>,
): WorldSnapshot {
  const o = queryBuilder<OrchestratorTables>();
  const sagas = new Prepared(dbs.orchestrator, o.selectFrom('sagas').select(['id', 'order_id', 'status', 'started_tick', 'ended_tick']).orderBy('started_tick').orderBy('id')).all();
  const sagaDeadLetters = new Prepared(dbs.orchestrator, o.selectFrom('dead_letters').select(['saga_id', 'step', 'command']).orderBy('seq')).all();
  const orders = new Prepared(dbs.order, queryBuilder<OrderTables>().selectFrom('orders').select(['order_id', 'saga_id', 'status']).orderBy('order_id')).all();
  const inv = queryBuilder<InventoryTables>();
  const reservations = new Prepared(dbs.inventory, inv.selectFrom('reservations').select(['saga_id', 'sku', 'qty', 'status']).orderBy('saga_id')).all();
  const pay = queryBuilder<PaymentTables>();
  const accounts = new Prepared(dbs.payment, pay.selectFrom('accounts').select(['customer', 'initial_cents', 'balance_cents']).orderBy('customer')).all();
  const charges = new Prepared(dbs.payment, pay.selectFrom('charges').select(['id', 'saga_id', 'customer', 'amount_cents', 'status']).orderBy('tick').orderBy('id')).all();
  const refunds = new Prepared(dbs.payment, pay.selectFrom('refunds').select(['id', 'saga_id', 'charge_id', 'amount_cents']).orderBy('tick').orderBy('id')).all();
  const shipments = new Prepared(dbs.fulfillment, queryBuilder<FulfillmentTables>().selectFrom('shipments').select(['saga_id', 'status']).orderBy('saga_id')).all();
  const notifications = new Prepared(
    dbs.notification,
    queryBuilder<NotificationTables>().selectFrom('notifications').select(['saga_id', 'channel']).orderBy('saga_id').orderBy('channel').orderBy('id'),
  ).all();
  const unsent = Object.fromEntries(
    COMPONENTS.map((name) => {
      const row = new Prepared(dbs[name], queryBuilder<EndpointTables>().selectFrom('outbox').select((eb) => eb.fn.countAll<number>().as('n'))).get();
      return [name, row?.n ?? 0];
    }),
  ) as Record<ComponentName, number>;

  return {
    sagas: sagas.map((s) => ({ id: s.id, orderId: s.order_id, status: s.status, startedTick: s.started_tick, endedTick: s.ended_tick })),
    sagaDeadLetters: sagaDeadLetters.map((d) => ({ sagaId: d.saga_id, step: d.step, command: d.command })),
    orders: orders.map((r) => ({ orderId: r.order_id, sagaId: r.saga_id, status: r.status })),
    stock: stockQuery(dbs.inventory).all(),
    reservations: reservations.map((r) => ({ sagaId: r.saga_id, sku: r.sku, qty: r.qty, status: r.status })),
    accounts: accounts.map((a) => ({ customer: a.customer, initialCents: a.initial_cents, balanceCents: a.balance_cents })),
    charges: charges.map((c) => ({ id: c.id, sagaId: c.saga_id, customer: c.customer, amountCents: c.amount_cents, status: c.status })),
    refunds: refunds.map((r) => ({ id: r.id, sagaId: r.saga_id, chargeId: r.charge_id, amountCents: r.amount_cents })),
    shipments: shipments.map((s) => ({ sagaId: s.saga_id, status: s.status })),
    notifications: notifications.map((n) => ({ sagaId: n.saga_id, channel: n.channel })),
    broker: {
      depths: broker.depths(),
      deadLetters: broker.deadLetters().map((d) => ({ type: d.message.type, msgId: d.message.id, sagaId: d.message.sagaId })),
      unsent,
    },
    ...run,
  };
}
