import type { Broker } from '../broker/index.js';
import { ENDPOINT_SNAPSHOT, type EndpointTables } from '../endpoint/index.js';
import { ORCHESTRATOR_SNAPSHOT, RECONCILER_SNAPSHOT } from '../orchestrator/index.js';
import { JANITOR_SNAPSHOT, PROJECTION_SNAPSHOT } from '../choreography/index.js';
import {
  ABORTS,
  COMPENSATIONS,
  reactionsOf,
  SagaStatus,
  SERVICES,
  type Command,
  type ComponentName,
  type Compensator,
  type ServiceName,
  type Style,
} from '../protocol/index.js';
import { FULFILLMENT_SNAPSHOT, INVENTORY_SNAPSHOT, NOTIFICATION_SNAPSHOT, ORDER_SNAPSHOT, PAYMENT_SNAPSHOT } from '../services/index.js';
import type { Compilable } from 'kysely';
import { Prepared, queryBuilder, type Database } from '../store/index.js';
import { COORDINATOR_SNAPSHOT } from '../two-phase/index.js';
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
  dbs: Readonly<Partial<Record<ComponentName, Database>>>,
  broker: Broker,
  run: Pick<
    WorldSnapshot,
    | 'stockViolationDuringRun'
    | 'settled'
    | 'pending'
    | 'toleratedDeadLetters'
    | 'faultsInjected'
    | 'ordersPlaced'
    | 'approvalThresholdCents'
    | 'timersForgotten'
  >,
  how: { readonly style: Style; readonly compensator: Compensator } = { style: 'orchestration', compensator: 'janitor' },
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
  const db = (name: ComponentName): Database => dbs[name]!;
  const unsent = Object.fromEntries(
    Object.entries(dbs).map(([name, db]) => {
      const row = new Prepared(db, ENDPOINT_SNAPSHOT.unsent).get();
      return [name, row?.n ?? 0];
    }),
  ) as Partial<Record<ComponentName, number>>;
  // Grouped in SQL, and only the counts above the least patient policy: a few rows, however many sagas.
  const commandsSent = SERVICES.flatMap((name) =>
    new Prepared(db(name), commandsAbove(LEAST_PATIENCE)).all().map((r) => ({ sagaId: r.sagaId, type: r.type, messages: r.messages })),
  );
  const brokerLetters = broker.deadLetters();
  const { handsOver, ...sagaLevel }: SagaLevel =
    how.style === 'choreography'
      ? {
          ...choreographedSagas(read(db('projection'), PROJECTION_SNAPSHOT), brokerLetters, how.compensator),
          nudges: read(db('janitor'), JANITOR_SNAPSHOT).nudged,
        }
      : how.style === '2pc'
        ? twoPhaseTransactions(read(db('coordinator'), COORDINATOR_SNAPSHOT))
        : {
            ...read(db('orchestrator'), ORCHESTRATOR_SNAPSHOT),
            ...read(db('reconciler'), RECONCILER_SNAPSHOT),
            nudges: [],
            handsOver: new Set(),
          };
  return {
    ...sagaLevel,
    style: how.style,
    commandsSent,
    ...read(db('order'), ORDER_SNAPSHOT),
    ...read(db('inventory'), INVENTORY_SNAPSHOT),
    ...read(db('payment'), PAYMENT_SNAPSHOT),
    ...read(db('fulfillment'), FULFILLMENT_SNAPSHOT),
    ...read(db('notification'), NOTIFICATION_SNAPSHOT),
    broker: {
      depths: broker.depths(),
      deadLetters: brokerLetters.map((d) => ({
        type: d.message.type,
        msgId: d.message.id,
        sagaId: d.message.sagaId,
        attempts: d.attempts,
        ...(d.refused ? { refused: d.refused } : {}),
        ...(handsOver.has(d.message.id) ? { handsOver: true as const } : {}),
      })),
      maxDeliveries: broker.maxDeliveries,
      unsent,
    },
    ...run,
  };
}

/** What a style's coordinator tells the checker, and the ids of the broker's dead letters that are its sagas' (see WorldSnapshot). */
type SagaLevel = Pick<WorldSnapshot, 'sagas' | 'sagaDeadLetters' | 'sagaActedOn' | 'stuckSagas' | 'nudges'> & {
  readonly handsOver: ReadonlySet<string>;
};

/**
 * The saga-level facts of a choreographed world. Its sagas are the projection's view; a
 * compensation the broker parked (it failed every delivery) is the dead letter a person must
 * see, and a saga still compensating with one is FAILED, as the orchestrator would have said.
 * Nobody finds sagas stuck: nudging stalled ones is the janitor's ordinary work.
 */
function choreographedSagas(
  view: { readonly sagas: WorldSnapshot['sagas']; readonly escalations: ReadonlyArray<{ sagaId: string; command: string | null }> },
  letters: ReturnType<Broker['deadLetters']>,
  compensator: Compensator,
): Omit<SagaLevel, 'nudges'> {
  // A person sees one dead letter per compensation of a saga, however often the janitor asked for it again.
  const seen = new Set<string>();
  const handsOver = new Set<string>();
  const sagaDeadLetters = letters.flatMap(({ message }) => {
    const command = (COMPENSATIONS as readonly string[]).includes(message.type)
      ? message.type
      : SERVICES.includes(message.queue as ServiceName)
        ? reactionsOf(message.queue as ServiceName, compensator).get(message.type)
        : undefined;
    if (command === undefined || !COMPENSATIONS.includes(command as Command)) return [];
    handsOver.add(message.id);
    const key = `${message.sagaId} ${command}`;
    if (seen.has(key)) return [];
    seen.add(key);
    return [{ sagaId: message.sagaId, kind: 'compensation' as const, step: COMPENSATIONS.indexOf(command as Command), command }];
  });
  // A compensation refused for good hands the saga to a person, as the orchestrator's escalation does.
  for (const e of view.escalations)
    sagaDeadLetters.push({
      sagaId: e.sagaId,
      kind: 'compensation',
      step: COMPENSATIONS.indexOf(e.command as Command),
      command: e.command!,
    });
  const parked = new Set(sagaDeadLetters.map((d) => d.sagaId));
  const sagas = view.sagas.map((s) => (s.status === SagaStatus.Compensating && parked.has(s.id) ? { ...s, status: SagaStatus.Failed } : s));
  return { sagas, sagaDeadLetters, sagaActedOn: [], stuckSagas: [], handsOver };
}

/**
 * The saga-level facts of a two-phase commit: its transactions, in the sagas' words. An abort
 * not done after the coordinator's last send is left to a person (the transaction is FAILED);
 * the stuck ones are those a start without its recovery left overdue; each resend of a
 * decision is one more message allowed.
 */
function twoPhaseTransactions(log: {
  readonly sagas: WorldSnapshot['sagas'];
  readonly resends: WorldSnapshot['nudges'];
  readonly failed: ReadonlyArray<{ readonly sagaId: string; readonly acks: number }>;
  readonly stuck: WorldSnapshot['stuckSagas'];
}): SagaLevel {
  // An abort refused every time it was sent is a person's to finish, as a compensation given up on is.
  const sagaDeadLetters = log.failed.flatMap(({ sagaId, acks }) =>
    ABORTS.flatMap((command, step) => (acks & (1 << step) ? [] : [{ sagaId, kind: 'compensation' as const, step, command }])),
  );
  return { sagas: log.sagas, sagaDeadLetters, sagaActedOn: [], stuckSagas: log.stuck, nudges: log.resends, handsOver: new Set() };
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
