import { sql } from 'kysely';
import type { Message } from '../broker/index.js';
import { Command } from '../protocol/index.js';
import type { ComponentDefinition, HandleOutcome, Handler, HandlerEnv, HandlerTx } from '../endpoint/index.js';
import type { TimerData } from '../kernel/index.js';
import { arg, Prepared, queryBuilder, type Database, type Migration } from '../store/index.js';
import { orderOf, reply } from './reply.js';

/**
 * A shipment is SCHEDULED, then DISPATCHED once the parcel leaves (no cancelling it after
 * that), or CANCELLED, or FAILED (refused). In two-phase commit it is first HELD: a slot kept
 * for it, nothing leaves until the decision confirms it (SCHEDULED) or cancels it.
 */
export type ShipmentStatus = 'HELD' | 'SCHEDULED' | 'DISPATCHED' | 'CANCELLED' | 'FAILED';

export interface ShipmentsTable {
  saga_id: string;
  order_id: string;
  status: ShipmentStatus;
  tick: number;
  /** When the parcel leaves, if it is still scheduled then; null when this warehouse does not dispatch within a run. */
  dispatch_tick: number | null;
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
      .addColumn('tick', 'integer', (c) => c.notNull())
      .addColumn('dispatch_tick', 'integer')
      // WITHOUT ROWID: keyed by text, each row is stored once, in its key's b-tree, not in a table and again in the key's index.
      .modifyEnd(sql`without rowid`),
  ],
];

/**
 * Owns shipments: schedule one (SCHEDULED), cancel it while it is not dispatched (the
 * compensation). `dispatchAfterTicks` after it was scheduled the parcel leaves (DISPATCHED):
 * the saga's point of no return. A cancel after that is refused for good, and says so.
 */
class FulfillmentHandler implements Handler {
  private readonly find;
  private readonly insert;
  private readonly setStatus;
  private readonly dispatch;
  private readonly confirm;

  constructor(
    db: Database,
    private readonly env: HandlerEnv,
    private readonly dispatchAfterTicks: number,
    private readonly holds: boolean,
  ) {
    this.find = new Prepared(db, q.selectFrom('shipments').select(['status', 'tick']).where('saga_id', '=', arg('sagaId')));
    this.insert = new Prepared(
      db,
      q.insertInto('shipments').values({
        saga_id: arg('sagaId'),
        order_id: arg('orderId'),
        status: arg<ShipmentStatus>('status'),
        tick: arg<number>('tick'),
        dispatch_tick: arg<number | null>('dispatchTick'),
      }),
    );
    this.dispatch = new Prepared(
      db,
      q
        .updateTable('shipments')
        .set({ status: 'DISPATCHED', tick: arg<number>('tick') })
        .where('saga_id', '=', arg('sagaId'))
        .where('status', '=', 'SCHEDULED'),
    );
    this.confirm = new Prepared(
      db,
      q
        .updateTable('shipments')
        .set({ status: 'SCHEDULED', tick: arg<number>('tick'), dispatch_tick: arg<number | null>('dispatchTick') })
        .where('saga_id', '=', arg('sagaId'))
        .where('status', '=', 'HELD'),
    );
    // Recovery after a (re)start: every parcel still to leave gets its dispatch back.
    if (env.defences.recovery) {
      const waiting = db
        .prepare(
          "select saga_id as sagaId, dispatch_tick as dispatchTick from shipments where status = 'SCHEDULED' and dispatch_tick is not null order by dispatch_tick, saga_id",
        )
        .all() as Array<{ sagaId: string; dispatchTick: number }>;
      for (const s of waiting) env.timers.at(s.dispatchTick, { sagaId: s.sagaId });
    }
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
          const going = existing.status === 'HELD' || existing.status === 'SCHEDULED' || existing.status === 'DISPATCHED';
          reply(tx, message, going, going ? undefined : `shipment already ${existing.status}`);
          return 'duplicate';
        }
        const { orderId } = orderOf(message);
        const refused = tx.injectedFailure();
        if (refused) {
          this.insert.run({ sagaId, orderId, status: 'FAILED', tick, dispatchTick: null });
          return reply(tx, message, false, 'no carrier can take the shipment (injected)');
        }
        if (this.holds) {
          this.insert.run({ sagaId, orderId, status: 'HELD', tick, dispatchTick: null });
          tx.note('slot HELD until the decision');
        } else
          this.schedule(tx, sagaId, () =>
            this.insert.run({ sagaId, orderId, status: 'SCHEDULED', tick, dispatchTick: this.dispatchTick(tick) }),
          );
        return reply(tx, message, true);
      }
      case Command.confirmShipment:
        // The decision is commit: the slot held becomes a shipment (a duplicate finds it scheduled already).
        if (existing?.status !== 'HELD') return 'duplicate';
        return this.schedule(tx, sagaId, () => this.confirm.run({ sagaId, tick, dispatchTick: this.dispatchTick(tick) }));
      case Command.cancelShipment: {
        // Past the point of no return: no retry can change that, and the saga must hear so.
        if (existing?.status === 'DISPATCHED')
          return reply(tx, message, false, `shipment dispatched at tick ${existing.tick}: it cannot be cancelled`, true);
        if (tx.injectedFailure()) return reply(tx, message, false, 'cancel failed (injected)');
        if (existing && existing.status !== 'SCHEDULED' && existing.status !== 'HELD') {
          reply(tx, message, true);
          return 'duplicate';
        }
        if (existing) this.setStatus.run({ sagaId, status: 'CANCELLED', tick });
        else {
          // Cancelled before it was scheduled: the record makes a late schedule fail.
          this.insert.run({ sagaId, orderId: orderOf(message).orderId, status: 'CANCELLED', tick, dispatchTick: null });
          tx.fact({ kind: 'compensation-first', compensation: Command.cancelShipment });
        }
        tx.note('CANCELLED');
        return reply(tx, message, true);
      }
      default:
        throw new Error(`fulfillment service cannot handle ${message.type}`);
    }
  }

  /** When a parcel scheduled at `tick` leaves, or null when this warehouse does not dispatch within a run. */
  private dispatchTick(tick: number): number | null {
    return Number.isFinite(this.dispatchAfterTicks) ? tick + this.dispatchAfterTicks : null;
  }

  /** Schedules the shipment with `write`, and once that commits sets the parcel's time to leave. */
  private schedule(tx: HandlerTx, sagaId: string, write: () => void): void {
    write();
    const dispatchTick = this.dispatchTick(tx.now);
    tx.note(dispatchTick === null ? 'SCHEDULED' : `SCHEDULED, leaves at tick ${dispatchTick}`);
    if (dispatchTick !== null) tx.afterCommit(() => this.env.timers.at(dispatchTick, { sagaId }));
  }

  /** A parcel's time to leave: it is dispatched, unless it was cancelled first. */
  onTimer(data: TimerData): void {
    const sagaId = String(data.sagaId);
    this.env.transact((tx) => {
      // On the timeline: the moment the saga's point of no return passed.
      if (this.dispatch.run({ sagaId, tick: tx.now }) > 0)
        tx.emit({ kind: 'handle', tick: tx.now, actor: 'fulfillment', type: 'timer', sagaId, detail: 'shipment DISPATCHED' });
    });
  }
}

/**
 * The fulfillment service, whose warehouse dispatches a scheduled parcel `dispatchAfterTicks`
 * later (never, by default). With `holds`, a participant of a two-phase commit: a schedule
 * holds a slot, and the parcel is scheduled once the decision confirms it.
 */
export function fulfillmentService(dispatchAfterTicks = Number.POSITIVE_INFINITY, holds = false): ComponentDefinition {
  return {
    name: 'fulfillment',
    migrations: FULFILLMENT_MIGRATIONS,
    createHandler: (db, env) => new FulfillmentHandler(db, env, dispatchAfterTicks, holds),
  };
}
