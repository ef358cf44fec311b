import type { Message } from '../broker/index.js';
import { Command } from '../protocol/index.js';
import type { ComponentDefinition, HandleOutcome, Handler, HandlerTx } from '../endpoint/index.js';
import { arg, Prepared, queryBuilder, type Database, type Migration } from '../store/index.js';
import { orderOf, reply } from './reply.js';

export type ShipmentStatus = 'SCHEDULED' | 'CANCELLED' | 'FAILED';

export interface ShipmentsTable {
  saga_id: string;
  order_id: string;
  status: ShipmentStatus;
  tick: number;
}

/** The component's own tables; the inbox and outbox belong to its endpoint, and a handler cannot reach them. */
export interface FulfillmentTables {
  shipments: ShipmentsTable;
}

const q = queryBuilder<FulfillmentTables>();

/** What the checker reads of this service: each query ordered, so the snapshot is the same on every run, and named as the snapshot names it. */
export const FULFILLMENT_SNAPSHOT = {
  shipments: q.selectFrom('shipments').select(['saga_id as sagaId', 'status', 'tick']).orderBy('saga_id'),
};

const FULFILLMENT_MIGRATIONS: readonly Migration[] = [
  [
    q.schema
      .createTable('shipments')
      .addColumn('saga_id', 'text', (c) => c.primaryKey())
      .addColumn('order_id', 'text', (c) => c.notNull())
      .addColumn('status', 'text', (c) => c.notNull())
      .addColumn('tick', 'integer', (c) => c.notNull()),
  ],
];

/** Owns shipments: schedule one (SCHEDULED), cancel it while it is not dispatched (the compensation). */
class FulfillmentHandler implements Handler {
  private readonly find;
  private readonly insert;
  private readonly setStatus;

  constructor(db: Database) {
    this.find = new Prepared(db, q.selectFrom('shipments').select('status').where('saga_id', '=', arg('sagaId')));
    this.insert = new Prepared(
      db,
      q
        .insertInto('shipments')
        .values({ saga_id: arg('sagaId'), order_id: arg('orderId'), status: arg<ShipmentStatus>('status'), tick: arg<number>('tick') }),
    );
    this.setStatus = new Prepared(
      db,
      q
        .updateTable('shipments')
        .set({ status: arg<ShipmentStatus>('status'), tick: arg<number>('tick') })
        .where('saga_id', '=', arg('sagaId')),
    );
  }

  handle(tx: HandlerTx, message: Message): HandleOutcome | void {
    const sagaId = message.sagaId;
    const tick = tx.now;
    const existing = this.find.get({ sagaId });
    switch (message.type) {
      case Command.scheduleShipment: {
        if (existing) {
          reply(
            tx,
            message,
            existing.status === 'SCHEDULED',
            existing.status === 'SCHEDULED' ? undefined : `shipment already ${existing.status}`,
          );
          return 'duplicate';
        }
        const { orderId } = orderOf(message);
        const refused = tx.injectedFailure();
        this.insert.run({ sagaId, orderId, status: refused ? 'FAILED' : 'SCHEDULED', tick });
        if (refused) return reply(tx, message, false, 'no carrier can take the shipment (injected)');
        tx.note('SCHEDULED');
        return reply(tx, message, true);
      }
      case Command.cancelShipment: {
        if (tx.injectedFailure()) return reply(tx, message, false, 'cancel failed (injected)');
        if (existing && existing.status !== 'SCHEDULED') {
          reply(tx, message, true);
          return 'duplicate';
        }
        if (existing) this.setStatus.run({ sagaId, status: 'CANCELLED', tick });
        else {
          // Cancelled before it was scheduled: the record makes a late schedule fail.
          this.insert.run({ sagaId, orderId: orderOf(message).orderId, status: 'CANCELLED', tick });
          tx.fact({ kind: 'compensation-first', compensation: Command.cancelShipment });
        }
        tx.note('CANCELLED');
        return reply(tx, message, true);
      }
      default:
        throw new Error(`fulfillment service cannot handle ${message.type}`);
    }
  }
}

export const FULFILLMENT_SERVICE: ComponentDefinition = Object.freeze<ComponentDefinition>({
  name: 'fulfillment',
  migrations: FULFILLMENT_MIGRATIONS,
  createHandler: (db) => new FulfillmentHandler(db),
});
