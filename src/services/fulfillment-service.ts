import type { Message } from '../broker/index.js';
import type { EndpointContext, EndpointTables, HandleOutcome } from '../endpoint/index.js';
import { arg, Prepared, queryBuilder, type Database, type Migration } from '../store/index.js';
import { Service } from './service.js';

export type ShipmentStatus = 'SCHEDULED' | 'CANCELLED' | 'FAILED';

export interface ShipmentsTable {
  saga_id: string;
  order_id: string;
  status: ShipmentStatus;
  tick: number;
}

export interface FulfillmentTables extends EndpointTables {
  shipments: ShipmentsTable;
}

const q = queryBuilder<FulfillmentTables>();

export const FULFILLMENT_MIGRATIONS: readonly Migration[] = [
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
export class FulfillmentService extends Service<FulfillmentTables> {
  private readonly find;
  private readonly insert;
  private readonly setStatus;

  constructor(db: Database, ctx: EndpointContext) {
    super('fulfillment', db, ctx, FULFILLMENT_MIGRATIONS);
    this.find = new Prepared(db, this.q.selectFrom('shipments').select('status').where('saga_id', '=', arg('sagaId')));
    this.insert = new Prepared(db, this.q.insertInto('shipments').values({ saga_id: arg('sagaId'), order_id: arg('orderId'), status: arg<ShipmentStatus>('status'), tick: arg<number>('tick') }));
    this.setStatus = new Prepared(db, this.q.updateTable('shipments').set({ status: arg<ShipmentStatus>('status'), tick: arg<number>('tick') }).where('saga_id', '=', arg('sagaId')));
  }

  protected apply(message: Message, failureInjected: boolean): HandleOutcome | void {
    const sagaId = message.sagaId;
    const tick = this.ctx.clock.now();
    const existing = this.find.get({ sagaId });
    switch (message.type) {
      case 'fulfillment.schedule': {
        if (existing) {
          this.reply(message, existing.status === 'SCHEDULED', existing.status === 'SCHEDULED' ? undefined : `shipment already ${existing.status}`);
          return 'duplicate';
        }
        const { orderId } = this.payload(message);
        this.insert.run({ sagaId, orderId, status: failureInjected ? 'FAILED' : 'SCHEDULED', tick });
        if (failureInjected) return this.reply(message, false, 'no carrier can take the shipment (injected)');
        this.note('SCHEDULED');
        return this.reply(message, true);
      }
      case 'fulfillment.cancel': {
        if (failureInjected) return this.reply(message, false, 'cancel failed (injected)');
        if (existing && existing.status !== 'SCHEDULED') {
          this.reply(message, true);
          return 'duplicate';
        }
        if (existing) this.setStatus.run({ sagaId, status: 'CANCELLED', tick });
        // Cancelled before it was scheduled: the record makes a late schedule fail.
        else this.insert.run({ sagaId, orderId: this.payload(message).orderId, status: 'CANCELLED', tick });
        this.note('CANCELLED');
        return this.reply(message, true);
      }
      default:
        throw new Error(`fulfillment service cannot handle ${message.type}`);
    }
  }
}
