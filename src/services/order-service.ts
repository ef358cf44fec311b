import { sql } from 'kysely';
import type { Message } from '../broker/index.js';
import { Command } from '../protocol/index.js';
import type { ComponentDefinition, HandleOutcome, Handler, HandlerTx } from '../endpoint/index.js';
import { arg, Prepared, queryBuilder, type Database, type Migration } from '../store/index.js';
import { orderOf, reply } from './reply.js';

/** REJECTED: the order service refused to create it; kept so a retried create gets the same answer. */
export type OrderStatus = 'PENDING' | 'CONFIRMED' | 'CANCELLED' | 'REJECTED';

export interface OrdersTable {
  order_id: string;
  saga_id: string;
  customer: string;
  sku: string;
  qty: number;
  amount_cents: number;
  status: OrderStatus;
  tick: number;
}

/** The customers the shop knows: an order from anyone else is refused at the first step. */
export interface CustomersTable {
  customer: string;
}

/** The component's own tables; the inbox and outbox belong to its endpoint, and a handler cannot reach them. */
export interface OrderTables {
  orders: OrdersTable;
  customers: CustomersTable;
}

const q = queryBuilder<OrderTables>();

/** What the checker reads of this service: each query ordered, so the snapshot is the same on every run, and named as the snapshot names it. */
export const ORDER_SNAPSHOT = {
  orders: q.selectFrom('orders').select(['order_id as orderId', 'saga_id as sagaId', 'status', 'tick']).orderBy('order_id'),
  /** What the orders ask for in all, per SKU and per customer: a few rows, however many orders. */
  demand: q
    .selectFrom('orders')
    .select((eb) => ['sku', eb.fn.sum<number>('qty').as('units')])
    .groupBy('sku')
    .orderBy('sku'),
  spend: q
    .selectFrom('orders')
    .select((eb) => ['customer', eb.fn.sum<number>('amount_cents').as('cents')])
    .groupBy('customer')
    .orderBy('customer'),
};

const ORDER_MIGRATIONS: readonly Migration[] = [
  [
    q.schema
      .createTable('orders')
      .addColumn('order_id', 'text', (c) => c.primaryKey())
      .addColumn('saga_id', 'text', (c) => c.notNull())
      .addColumn('customer', 'text', (c) => c.notNull())
      .addColumn('sku', 'text', (c) => c.notNull())
      .addColumn('qty', 'integer', (c) => c.notNull())
      .addColumn('amount_cents', 'integer', (c) => c.notNull())
      .addColumn('status', 'text', (c) => c.notNull())
      .addColumn('tick', 'integer', (c) => c.notNull())
      // WITHOUT ROWID: keyed by text, each row is stored once, in its key's b-tree, not in a table and again in the key's index.
      .modifyEnd(sql`without rowid`),
    q.schema.createTable('customers').addColumn('customer', 'text', (c) => c.primaryKey()),
  ],
];

/** Registers the shop's customers; called once when a run's world is built. */
export function seedCustomers(db: Database, customers: ReadonlyArray<{ customer: string }>): void {
  const insert = new Prepared(db, q.insertInto('customers').values({ customer: arg('customer') }));
  db.transaction(() => customers.forEach((c) => insert.run({ customer: c.customer })))();
}

/** Owns orders: create (PENDING), confirm (CONFIRMED), cancel (CANCELLED, the compensation). */
class OrderHandler implements Handler {
  private readonly find;
  private readonly findCustomer;
  private readonly insert;
  private readonly setStatus;

  constructor(db: Database) {
    this.find = new Prepared(db, q.selectFrom('orders').select('status').where('order_id', '=', arg('orderId')));
    this.findCustomer = new Prepared(db, q.selectFrom('customers').select('customer').where('customer', '=', arg('customer')).limit(1));
    this.insert = new Prepared(
      db,
      q.insertInto('orders').values({
        order_id: arg('orderId'),
        saga_id: arg('sagaId'),
        customer: arg('customer'),
        sku: arg('sku'),
        qty: arg<number>('qty'),
        amount_cents: arg<number>('amountCents'),
        status: arg<OrderStatus>('status'),
        tick: arg<number>('tick'),
      }),
    );
    this.setStatus = new Prepared(
      db,
      q
        .updateTable('orders')
        .set({ status: arg<OrderStatus>('status'), tick: arg<number>('tick') })
        .where('order_id', '=', arg('orderId')),
    );
  }

  handle(tx: HandlerTx, message: Message): HandleOutcome | void {
    const order = orderOf(message);
    const existing = this.find.get({ orderId: order.orderId });
    const tick = tx.now;
    const row = { ...order, sagaId: message.sagaId, tick };
    switch (message.type) {
      case Command.createOrder:
        if (existing) {
          // The business key (the order id) was seen: answer as before.
          const refused = existing.status === 'CANCELLED' || existing.status === 'REJECTED';
          reply(tx, message, !refused, refused ? `order already ${existing.status}` : undefined);
          return 'duplicate';
        }
        // A refusal is recorded like any decision: a retried create must get the same answer, not a new order.
        if (!this.findCustomer.get({ customer: order.customer })) {
          this.insert.run({ ...row, status: 'REJECTED' });
          return reply(tx, message, false, `unknown customer ${order.customer}`);
        }
        if (tx.injectedFailure()) {
          this.insert.run({ ...row, status: 'REJECTED' });
          return reply(tx, message, false, 'order rejected (injected)');
        }
        this.insert.run({ ...row, status: 'PENDING' });
        tx.note('PENDING');
        return reply(tx, message, true);
      case Command.confirmOrder:
        if (existing?.status !== 'PENDING') return 'duplicate';
        this.setStatus.run({ orderId: order.orderId, status: 'CONFIRMED', tick });
        return tx.note('CONFIRMED');
      case Command.cancelOrder:
        if (tx.injectedFailure()) return reply(tx, message, false, 'cancel failed (injected)');
        if (existing?.status === 'CONFIRMED') return reply(tx, message, false, 'order already confirmed');
        if (existing?.status === 'CANCELLED' || existing?.status === 'REJECTED') {
          reply(tx, message, true);
          return 'duplicate';
        }
        // A cancel that arrives before its create leaves a CANCELLED record, so a late create is refused.
        if (existing) this.setStatus.run({ orderId: order.orderId, status: 'CANCELLED', tick });
        else {
          this.insert.run({ ...row, status: 'CANCELLED' });
          tx.fact({ kind: 'compensation-first', compensation: Command.cancelOrder });
        }
        tx.note('CANCELLED');
        return reply(tx, message, true);
      default:
        throw new Error(`order service cannot handle ${message.type}`);
    }
  }
}

export const ORDER_SERVICE: ComponentDefinition = Object.freeze<ComponentDefinition>({
  name: 'order',
  migrations: ORDER_MIGRATIONS,
  createHandler: (db) => new OrderHandler(db),
});
