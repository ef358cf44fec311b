import { sql } from 'kysely';
import type { Message } from '../broker/index.js';
import { Command } from '../protocol/index.js';
import type { ComponentDefinition, HandleOutcome, Handler, HandlerEnv, HandlerTx } from '../endpoint/index.js';
import { arg, Prepared, queryBuilder, type Database, type Migration } from '../store/index.js';
import { orderOf, reply } from './reply.js';

export type ReservationStatus = 'RESERVED' | 'COMMITTED' | 'RELEASED' | 'REJECTED';

export interface StockTable {
  sku: string;
  initial: number;
  available: number;
  reserved: number;
  sold: number;
}

/** One row per saga: the semantic lock on the stock it holds, and the record of what became of it. */
export interface ReservationsTable {
  saga_id: string;
  sku: string;
  qty: number;
  status: ReservationStatus;
  tick: number;
}

/** The component's own tables; the inbox and outbox belong to its endpoint, and a handler cannot reach them. */
export interface InventoryTables {
  stock: StockTable;
  reservations: ReservationsTable;
}

const q = queryBuilder<InventoryTables>();

/** What the checker reads of this service: each query ordered, so the snapshot is the same on every run, and named as the snapshot names it. */
export const INVENTORY_SNAPSHOT = {
  /** Also read after every tick: stock must balance at every moment, not only at the end. */
  stock: q.selectFrom('stock').select(['sku', 'initial', 'available', 'reserved', 'sold']).orderBy('sku'),
  reservations: q.selectFrom('reservations').select(['saga_id as sagaId', 'sku', 'qty', 'status', 'tick']).orderBy('saga_id'),
};

const INVENTORY_MIGRATIONS: readonly Migration[] = [
  [
    q.schema
      .createTable('stock')
      .addColumn('sku', 'text', (c) => c.primaryKey())
      .addColumn('initial', 'integer', (c) => c.notNull())
      .addColumn('available', 'integer', (c) => c.notNull())
      .addColumn('reserved', 'integer', (c) => c.notNull())
      .addColumn('sold', 'integer', (c) => c.notNull()),
    q.schema
      .createTable('reservations')
      .addColumn('saga_id', 'text', (c) => c.primaryKey())
      .addColumn('sku', 'text', (c) => c.notNull())
      .addColumn('qty', 'integer', (c) => c.notNull())
      .addColumn('status', 'text', (c) => c.notNull())
      .addColumn('tick', 'integer', (c) => c.notNull())
      // WITHOUT ROWID: keyed by text, each row is stored once, in its key's b-tree, not in a table and again in the key's index.
      .modifyEnd(sql`without rowid`),
  ],
];

/** Sets the starting stock of each SKU; called once when a run's world is built. */
export function seedStock(db: Database, stock: ReadonlyArray<{ sku: string; units: number }>): void {
  const insert = new Prepared(
    db,
    q.insertInto('stock').values({ sku: arg('sku'), initial: arg<number>('units'), available: arg<number>('units'), reserved: 0, sold: 0 }),
  );
  db.transaction(() => stock.forEach((s) => insert.run(s)))();
}

/**
 * Owns stock. reserve moves units from available to reserved only if enough are available
 * (a conditional update: two concurrent sagas can never both take the last unit), commit
 * turns reserved into sold, release (the compensation) gives them back.
 */
class InventoryHandler implements Handler {
  private readonly findReservation;
  private readonly insertReservation;
  private readonly setReservation;
  private readonly take;
  private readonly takeUnchecked;
  private readonly giveBack;
  private readonly sell;
  private readonly findStock;

  constructor(
    db: Database,
    private readonly env: HandlerEnv,
  ) {
    const qty = arg<number>('qty');
    this.findReservation = new Prepared(
      db,
      q.selectFrom('reservations').select(['sku', 'qty', 'status']).where('saga_id', '=', arg('sagaId')),
    );
    this.insertReservation = new Prepared(
      db,
      q
        .insertInto('reservations')
        .values({ saga_id: arg('sagaId'), sku: arg('sku'), qty, status: arg<ReservationStatus>('status'), tick: arg<number>('tick') }),
    );
    this.setReservation = new Prepared(
      db,
      q
        .updateTable('reservations')
        .set({ status: arg<ReservationStatus>('status'), tick: arg<number>('tick') })
        .where('saga_id', '=', arg('sagaId')),
    );
    this.take = new Prepared(
      db,
      q
        .updateTable('stock')
        .set({ available: sql`available - ${qty}`, reserved: sql`reserved + ${qty}` })
        .where('sku', '=', arg('sku'))
        .where('available', '>=', qty),
    );
    // Without isolation: the same update without its condition, as a read-then-write would behave.
    this.takeUnchecked = new Prepared(
      db,
      q
        .updateTable('stock')
        .set({ available: sql`available - ${qty}`, reserved: sql`reserved + ${qty}` })
        .where('sku', '=', arg('sku')),
    );
    this.giveBack = new Prepared(
      db,
      q
        .updateTable('stock')
        .set({ available: sql`available + ${qty}`, reserved: sql`reserved - ${qty}` })
        .where('sku', '=', arg('sku')),
    );
    this.findStock = new Prepared(db, q.selectFrom('stock').select(['available', 'reserved']).where('sku', '=', arg('sku')));
    this.sell = new Prepared(
      db,
      q
        .updateTable('stock')
        .set({ reserved: sql`reserved - ${qty}`, sold: sql`sold + ${qty}` })
        .where('sku', '=', arg('sku')),
    );
  }

  /**
   * A refusal for lack of stock, where the units held for other orders would have covered it:
   * refused for stock that was only locked. What blocking costs, counted (see saga compare).
   */
  private lockedOut(tx: HandlerTx, sku: string, qty: number): void {
    const stock = this.findStock.get({ sku });
    if (stock && stock.available + stock.reserved >= qty) tx.fact({ kind: 'refused-for-locked-stock', locked: stock.reserved });
  }

  handle(tx: HandlerTx, message: Message): HandleOutcome | void {
    const sagaId = message.sagaId;
    const tick = tx.now;
    const existing = this.findReservation.get({ sagaId });
    switch (message.type) {
      case Command.reserveStock: {
        if (existing) {
          const held = existing.status === 'RESERVED' || existing.status === 'COMMITTED';
          reply(tx, message, held, held ? undefined : `reservation already ${existing.status}`);
          return 'duplicate';
        }
        const { sku, qty } = orderOf(message);
        const take = this.env.defences.isolation ? this.take : this.takeUnchecked;
        const refused = tx.injectedFailure();
        const reserved = !refused && take.run({ sku, qty }) === 1;
        this.insertReservation.run({ sagaId, sku, qty, status: reserved ? 'RESERVED' : 'REJECTED', tick });
        if (!reserved && !refused) this.lockedOut(tx, sku, qty);
        if (!reserved) return reply(tx, message, false, refused ? 'reserve failed (injected)' : `insufficient stock of ${sku}`);
        tx.note(`reserved ${qty} ${sku}`);
        return reply(tx, message, true);
      }
      case Command.releaseStock: {
        if (tx.injectedFailure()) return reply(tx, message, false, 'release failed (injected)');
        if (existing?.status === 'COMMITTED') return reply(tx, message, false, 'stock already sold');
        if (existing && existing.status !== 'RESERVED') {
          reply(tx, message, true);
          return 'duplicate';
        }
        if (existing) {
          this.giveBack.run({ sku: existing.sku, qty: existing.qty });
          this.setReservation.run({ sagaId, status: 'RELEASED', tick });
          tx.note(`released ${existing.qty} ${existing.sku}`);
        } else {
          // Released before it was reserved: the record makes a late reserve fail instead of holding stock forever.
          const { sku } = orderOf(message);
          this.insertReservation.run({ sagaId, sku, qty: 0, status: 'RELEASED', tick });
          tx.note('nothing reserved yet; release recorded');
          tx.fact({ kind: 'compensation-first', compensation: Command.releaseStock });
        }
        return reply(tx, message, true);
      }
      case Command.commitStock:
        if (existing?.status !== 'RESERVED') return 'duplicate';
        this.sell.run({ sku: existing.sku, qty: existing.qty });
        this.setReservation.run({ sagaId, status: 'COMMITTED', tick });
        return tx.note(`sold ${existing.qty} ${existing.sku}`);
      default:
        throw new Error(`inventory service cannot handle ${message.type}`);
    }
  }
}

export const INVENTORY_SERVICE: ComponentDefinition = Object.freeze<ComponentDefinition>({
  name: 'inventory',
  migrations: INVENTORY_MIGRATIONS,
  createHandler: (db, env) => new InventoryHandler(db, env),
});
