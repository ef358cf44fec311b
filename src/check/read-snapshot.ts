import type { Broker } from '../broker/index.js';
import { ENDPOINT_SNAPSHOT, type EndpointTables } from '../endpoint/index.js';
import { ORCHESTRATOR_SNAPSHOT, RECONCILER_SNAPSHOT } from '../orchestrator/index.js';
import { COMPONENTS, SERVICES, type ComponentName } from '../protocol/index.js';
import { FULFILLMENT_SNAPSHOT, INVENTORY_SNAPSHOT, NOTIFICATION_SNAPSHOT, ORDER_SNAPSHOT, PAYMENT_SNAPSHOT } from '../services/index.js';
import type { Compilable } from 'kysely';
import { Prepared, queryBuilder, type Database } from '../store/index.js';
import type { StockRow, WorldSnapshot } from './world-snapshot.js';

/** The stock table, compiled once; the run reads it after every tick. */
export function stockQuery(db: Database): Prepared<StockRow> {
  return new Prepared(db, INVENTORY_SNAPSHOT.stock);
}

type Queries = Readonly<Record<string, Compilable<object>>>;
type RowsOf<Q extends Queries> = { [K in keyof Q]: Q[K] extends Compilable<infer Row> ? Row[] : never };

/**
 * Reads what the checker needs from every database and the broker. Each component says what
 * it shows the checker (its `*_SNAPSHOT` queries, next to its tables); this puts them together.
 */
export function readSnapshot(
  dbs: Readonly<Record<ComponentName, Database>>,
  broker: Broker,
  run: Pick<
    WorldSnapshot,
    | 'stockViolationDuringRun'
    | 'settled'
    | 'pending'
    | 'toleratedDeadLetters'
    | 'faultsInjected'
    | 'approvalThresholdCents'
    | 'timersForgotten'
  >,
): WorldSnapshot {
  // Each query selects its columns under the snapshot's own names: at 100,000 sagas a second,
  // renamed copy of every row would double what the check holds in memory. For the same
  // reason equal strings are kept once: SQLite hands back a new string for every value, and
  // the rows repeat each saga id six times and a handful of statuses everywhere.
  const strings = new Map<string, string>();
  const read = <Q extends Queries>(db: Database, queries: Q): RowsOf<Q> =>
    Object.fromEntries(
      Object.entries(queries).map(([name, query]) => [name, shareStrings(new Prepared(db, query).iterate(), strings)]),
    ) as RowsOf<Q>;
  const unsent = Object.fromEntries(
    COMPONENTS.map((name) => {
      const row = new Prepared(dbs[name], ENDPOINT_SNAPSHOT.unsent).get();
      return [name, row?.n ?? 0];
    }),
  ) as Record<ComponentName, number>;
  // Grouped in SQL, and only the counts above the least patient policy: a few rows, however many sagas.
  const commandsSent = SERVICES.flatMap((name) =>
    new Prepared(dbs[name], commandsAbove(LEAST_PATIENCE)).all().map((r) => ({ sagaId: r.sagaId, type: r.type, messages: r.messages })),
  );
  return {
    ...read(dbs.orchestrator, ORCHESTRATOR_SNAPSHOT),
    commandsSent,
    ...read(dbs.order, ORDER_SNAPSHOT),
    ...read(dbs.inventory, INVENTORY_SNAPSHOT),
    ...read(dbs.payment, PAYMENT_SNAPSHOT),
    ...read(dbs.fulfillment, FULFILLMENT_SNAPSHOT),
    ...read(dbs.notification, NOTIFICATION_SNAPSHOT),
    ...read(dbs.reconciler, RECONCILER_SNAPSHOT),
    broker: {
      depths: broker.depths(),
      deadLetters: broker.deadLetters().map((d) => ({
        type: d.message.type,
        msgId: d.message.id,
        sagaId: d.message.sagaId,
        attempts: d.attempts,
        ...(d.refused ? { refused: d.refused } : {}),
      })),
      maxDeliveries: broker.maxDeliveries,
      unsent,
    },
    ...run,
  };
}

/** Every command is sent once unless a retry policy allows more: the rows worth reading are those sent more than once. */
const LEAST_PATIENCE = 1;

/** Distinct messages of each type per saga in an inbox, where more than `atLeast`. */
function commandsAbove(atLeast: number) {
  return queryBuilder<EndpointTables>()
    .selectFrom('inbox')
    .select((eb) => ['saga_id as sagaId', 'type', eb.fn.countAll<number>().as('messages')])
    .groupBy(['saga_id', 'type'])
    .having((eb) => eb.fn.countAll(), '>', atLeast)
    .orderBy('saga_id')
    .orderBy('type');
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
