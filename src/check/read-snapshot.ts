import type { Broker } from '../broker/index.js';
import { COMPONENTS, type ComponentName } from '../protocol/index.js';
import type { EndpointTables } from '../endpoint/index.js';
import type { OrchestratorTables } from '../orchestrator/index.js';
import type { FulfillmentTables, InventoryTables, NotificationTables, OrderTables, PaymentTables } from '../services/index.js';
import type { Compilable } from 'kysely';
import { Prepared, queryBuilder, type Database } from '../store/index.js';
import type { StockRow, WorldSnapshot } from './world-snapshot.js';

/** The stock table, compiled once; the run reads it after every tick. */
export function stockQuery(db: Database): Prepared<StockRow> {
  return new Prepared(
    db,
    queryBuilder<InventoryTables>().selectFrom('stock').select(['sku', 'initial', 'available', 'reserved', 'sold']).orderBy('sku'),
  );
}

/** Reads what the checker needs from every database and the broker. Every query is ordered, so the snapshot is the same on every run. */
export function readSnapshot(
  dbs: Readonly<Record<ComponentName, Database>>,
  broker: Broker,
  run: Pick<WorldSnapshot, 'stockViolationDuringRun' | 'settled' | 'pending' | 'toleratedDeadLetters'>,
): WorldSnapshot {
  // Each query selects its columns under the snapshot's own names: at 100,000 sagas a second,
  // renamed copy of every row would double what the check holds in memory. For the same
  // reason equal strings are kept once: SQLite hands back a new string for every value, and
  // the rows repeat each saga id six times and a handful of statuses everywhere.
  const strings = new Map<string, string>();
  const rows = <Row extends object>(db: Database, query: Compilable<Row>): Row[] =>
    shareStrings(new Prepared(db, query).iterate(), strings);
  const o = queryBuilder<OrchestratorTables>();
  const pay = queryBuilder<PaymentTables>();
  const unsent = Object.fromEntries(
    COMPONENTS.map((name) => {
      const row = new Prepared(
        dbs[name],
        queryBuilder<EndpointTables>()
          .selectFrom('outbox')
          .select((eb) => eb.fn.countAll<number>().as('n')),
      ).get();
      return [name, row?.n ?? 0];
    }),
  ) as Record<ComponentName, number>;
  return {
    sagas: rows(
      dbs.orchestrator,
      o
        .selectFrom('sagas')
        .select(['id', 'order_id as orderId', 'status', 'started_tick as startedTick', 'ended_tick as endedTick'])
        .orderBy('started_tick')
        .orderBy('id'),
    ),
    sagaDeadLetters: rows(dbs.orchestrator, o.selectFrom('dead_letters').select(['saga_id as sagaId', 'step', 'command']).orderBy('seq')),
    orders: rows(
      dbs.order,
      queryBuilder<OrderTables>().selectFrom('orders').select(['order_id as orderId', 'saga_id as sagaId', 'status']).orderBy('order_id'),
    ),
    stock: stockQuery(dbs.inventory).all(),
    reservations: rows(
      dbs.inventory,
      queryBuilder<InventoryTables>().selectFrom('reservations').select(['saga_id as sagaId', 'sku', 'qty', 'status']).orderBy('saga_id'),
    ),
    accounts: rows(
      dbs.payment,
      pay.selectFrom('accounts').select(['customer', 'initial_cents as initialCents', 'balance_cents as balanceCents']).orderBy('customer'),
    ),
    charges: rows(
      dbs.payment,
      pay
        .selectFrom('charges')
        .select(['id', 'saga_id as sagaId', 'customer', 'amount_cents as amountCents', 'status'])
        .orderBy('tick')
        .orderBy('id'),
    ),
    refunds: rows(
      dbs.payment,
      pay
        .selectFrom('refunds')
        .select(['id', 'saga_id as sagaId', 'charge_id as chargeId', 'amount_cents as amountCents'])
        .orderBy('tick')
        .orderBy('id'),
    ),
    shipments: rows(
      dbs.fulfillment,
      queryBuilder<FulfillmentTables>().selectFrom('shipments').select(['saga_id as sagaId', 'status']).orderBy('saga_id'),
    ),
    notifications: rows(
      dbs.notification,
      queryBuilder<NotificationTables>()
        .selectFrom('notifications')
        .select(['saga_id as sagaId', 'channel'])
        .orderBy('saga_id')
        .orderBy('channel')
        .orderBy('id'),
    ),
    broker: {
      depths: broker.depths(),
      deadLetters: broker.deadLetters().map((d) => ({ type: d.message.type, msgId: d.message.id, sagaId: d.message.sagaId })),
      unsent,
    },
    ...run,
  };
}

/** Collects `rows`, replacing each string by the first equal string seen, so that equal values share one copy. */
function shareStrings<Row extends object>(rows: Iterable<Row>, strings: Map<string, string>): Row[] {
  const kept: Row[] = [];
  for (const row of rows) {
    const fields = row as Record<string, unknown>;
    for (const key in fields) {
      const value = fields[key];
      if (typeof value !== 'string') continue;
      const first = strings.get(value);
      if (first === undefined) strings.set(value, value);
      else fields[key] = first;
    }
    kept.push(row);
  }
  return kept;
}
