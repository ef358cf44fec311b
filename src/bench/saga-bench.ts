import { rmSync } from 'node:fs';
import { join } from 'node:path';
import { FAULT_PROFILES } from '../chaos/index.js';
import { nextTurn, wallClockMs, type TraceEvent } from '../kernel/index.js';
import { Command, sagaEventsOf, serviceFactsOf, SagaStatus } from '../protocol/index.js';
import { percentile } from '../scenario/index.js';
import { simulation, type Coordination, type OrderRequest, type RunOutcome, type Workload } from '../world/index.js';
import { measureSqliteCeiling, MIN_COMMITS_PER_SAGA } from './sqlite-ceiling.js';
import { measureSqlFloor } from './sql-floor.js';
import { startStatementLog, stopStatementLog, type StatementLog } from '../store/index.js';

/** What `saga bench` measured; every rate comes from one run, the ceiling from the same process right before. */
export interface BenchResult {
  readonly orders: number;
  readonly storage: 'memory' | 'file';
  readonly style: Coordination['style'];
  readonly ok: boolean;
  readonly sagasPerSec: number;
  readonly messagesPerSec: number;
  /** Messages the broker delivered per saga: what the style costs the network. */
  readonly messagesPerSaga: number;
  readonly txPerSaga: number;
  /** How long the inboxes remembered message ids. */
  readonly dedupeWindowTicks: number;
  readonly wallMsPerSaga: { readonly median: number; readonly p99: number };
  readonly virtualTicksPerSaga: { readonly median: number; readonly p99: number };
  /** Peak RSS while the sagas ran, until the last one completed. */
  readonly peakRssMb: number;
  /** RSS read once every database was read back and checked (the checker holds every saga's rows at once): the run's and the check's together. */
  readonly rssAfterCheckMb: number;
  readonly ceilingTxPerSec: number;
  readonly ceilingSagasPerSec: number;
  readonly ratio: number;
  /** Sagas/s if the run's own committed statements were all there was: the same SQL replayed alone (see sql-floor.ts); null past FLOOR_MAX_ORDERS. */
  readonly floorSagasPerSec: number | null;
  /** The engine's speed over the floor's: 1 would mean the engine costs nothing beyond its SQL. */
  readonly floorRatio: number | null;
  /** Wall time until the last saga completed (what sagas/s is computed from). */
  readonly seconds: number;
  /** Wall time after that: reading all seven databases back and checking every invariant. */
  readonly checkSeconds: number;
}

const ORDERS_PER_TICK = 100;
/** Up to this many orders the bench records the run's statements to measure the SQL floor. */
const FLOOR_MAX_ORDERS = 20_000;
const SKUS = 10;
const CUSTOMERS = 100;
/**
 * The inboxes remember message ids this long, as a broker dedupes within a window: without
 * one, a long run's inboxes hold every message it ever handled. Twice the broker's
 * visibility timeout, so a message redelivered once its delivery timed out is still caught by
 * its id (the bench has no faults: nothing is redelivered in it anyway).
 */
const BENCH_DEDUPE_WINDOW_TICKS = 100;

const SKU_NAMES = Array.from({ length: SKUS }, (_, i) => `SKU-${i}`);
const CUSTOMER_NAMES = Array.from({ length: CUSTOMERS }, (_, i) => `customer-${i}`);

/**
 * The bench's i-th order, its fields worked out from i when read. Held as objects of strings,
 * 100,000 orders were half of what a run kept live, and V8 lets its heap grow to several times
 * what is live before it collects: the bench's own input would have counted as the engine's memory.
 */
class BenchOrder implements OrderRequest {
  constructor(private readonly i: number) {}
  get orderId(): string {
    return `order-${String(this.i).padStart(6, '0')}`;
  }
  get customer(): string {
    return CUSTOMER_NAMES[this.i % CUSTOMERS]!;
  }
  get sku(): string {
    return SKU_NAMES[this.i % SKUS]!;
  }
  get qty(): number {
    return 1;
  }
  get atTick(): number {
    return Math.floor(this.i / ORDERS_PER_TICK);
  }
}

/**
 * `count` orders as an array whose i-th element is made from i each time it is read, so none is
 * held: even as 100,000 small objects they were a quarter of what a run kept live. The world
 * reads them in place (they come in arrival order); anything else sees an ordinary array.
 */
function benchOrders(count: number): readonly OrderRequest[] {
  const indexOf = (key: string | symbol): number | null => {
    if (typeof key !== 'string' || !/^(0|[1-9]\d*)$/.test(key)) return null;
    const i = Number(key);
    return i < count ? i : null;
  };
  return new Proxy<OrderRequest[]>([], {
    get(target, key, receiver) {
      if (key === 'length') return count;
      const i = indexOf(key);
      return i === null ? Reflect.get(target, key, receiver) : new BenchOrder(i);
    },
    has: (target, key) => indexOf(key) !== null || Reflect.has(target, key),
  });
}

/** Happy-path orders only, arriving at a steady rate, with stock and money for all of them. */
export function benchWorkload(orders: number): Workload {
  return {
    stock: SKU_NAMES.map((sku) => ({ sku, units: orders, priceCents: 1250 })),
    customers: CUSTOMER_NAMES.map((customer) => ({ customer, balanceCents: 1250 * orders })),
    orders: benchOrders(orders),
    dedupeWindowTicks: BENCH_DEDUPE_WINDOW_TICKS,
  };
}

/** How many completed sagas between two progress reports. */
const PROGRESS_EVERY = 1000;

/** How long the bench runs between two turns of the event loop (when a Ctrl-C is heard). */
const MS_BETWEEN_TURNS = 50;

/** What the caller hears while the bench runs, and how it stops it early. */
export interface BenchHooks {
  readonly onProgress?: (completed: number) => void;
  /** Asked between two ticks: true ends the run there, and the bench reports only what completed. */
  readonly shouldStop?: () => boolean;
}

/** A bench stopped before its last saga completed: how far it got, and the rate so far. */
export interface StoppedBench {
  readonly stopped: true;
  readonly orders: number;
  readonly completed: number;
  readonly seconds: number;
  readonly sagasPerSec: number;
}

/**
 * Whether `e` is a saga's first moment (the orchestrator records it, or in choreography the
 * order service creates its order) or the moment it completed (the orchestrator's record, or
 * in choreography the read model's): the two ends of a saga's wall time, whatever the style.
 * Anything else is neither, so events after a saga completed do not start it again.
 */
function milestoneOf(e: TraceEvent): 'first' | 'completed' | null {
  if (e.kind === 'saga') return sagaEventsOf(e).some((f) => f.kind === 'completed') ? 'completed' : 'first';
  if (e.kind !== 'handle') return null;
  if (serviceFactsOf(e).some((f) => f.kind === 'saga-ended' && f.status === SagaStatus.Completed)) return 'completed';
  return e.type === Command.createOrder ? 'first' : null;
}

/** Runs `orders` happy-path sagas through the real world (broker, relays, inboxes, orchestrator or not), faults off, as fast as it goes. */
export async function runSagaBench(
  orders: number,
  storage: 'memory' | 'file',
  dataRoot = join('.saga', 'bench'),
  hooks: BenchHooks = {},
  how?: Coordination,
): Promise<BenchResult | StoppedBench> {
  const ceilingTxPerSec = await measureSqliteCeiling(storage, orders * MIN_COMMITS_PER_SAGA, join(dataRoot, 'ceiling'), hooks.shouldStop);
  if (ceilingTxPerSec === null) return { stopped: true, orders, completed: 0, seconds: 0, sagasPerSec: 0 };
  const ceilingSagasPerSec = ceilingTxPerSec / MIN_COMMITS_PER_SAGA;

  const workload = benchWorkload(orders);
  // Peak RSS of the run itself, sampled as it goes (the ceiling's database is closed by then).
  let peakRss = process.memoryUsage().rss;
  let checking = false;
  const startedAt = new Map<string, number>();
  const wallMs: number[] = [];
  let events = 0;
  let lastCompletedAt = 0;
  const start = wallClockMs();
  // The benchmark's own scratch databases, made anew each time (nobody opens these).
  if (storage === 'file') rmSync(join(dataRoot, 'world'), { recursive: true, force: true });
  const steps = benchWorld(storage, join(dataRoot, 'world'), workload, how, (e) => {
    if (++events % 4096 === 0 && !checking) peakRss = Math.max(peakRss, process.memoryUsage().rss);
    if (e.sagaId === undefined) return;
    const milestone = milestoneOf(e);
    if (milestone === null) return;
    const now = wallClockMs();
    if (!startedAt.has(e.sagaId)) startedAt.set(e.sagaId, now);
    else if (milestone === 'completed') {
      wallMs.push(now - startedAt.get(e.sagaId)!);
      startedAt.delete(e.sagaId);
      lastCompletedAt = now;
      if (wallMs.length === orders) checking = true;
      if (wallMs.length % PROGRESS_EVERY === 0) hooks.onProgress?.(wallMs.length);
    }
  });
  let outcome: RunOutcome | undefined;
  let lastTurn = wallClockMs();
  while (!outcome) {
    if (hooks.shouldStop?.()) {
      // Closing the generator closes the world's databases; the sagas still in flight are not counted.
      steps.return(undefined as never);
      const seconds = ((lastCompletedAt || wallClockMs()) - start) / 1000;
      return { stopped: true, orders, completed: wallMs.length, seconds, sagasPerSec: seconds > 0 ? wallMs.length / seconds : 0 };
    }
    const step = steps.next();
    if (step.done) outcome = step.value;
    else if (wallClockMs() - lastTurn >= MS_BETWEEN_TURNS) {
      await nextTurn();
      lastTurn = wallClockMs();
    }
  }
  const end = wallClockMs();
  const seconds = ((lastCompletedAt || end) - start) / 1000;
  const checkSeconds = (end - (lastCompletedAt || end)) / 1000;
  const rssAfterCheck = process.memoryUsage().rss;

  // The SQL floor: the same run again, untimed, logging every statement that commits until the last saga completes; then those statements alone.
  // The log holds every statement with its values: past FLOOR_MAX_ORDERS it would not fit in memory, and the floor is left out.
  let floorSeconds: number | null = null;
  if (orders <= FLOOR_MAX_ORDERS) {
    const log = await recordStatements(orders, storage, join(dataRoot, 'recorded'), workload, how, hooks.shouldStop);
    floorSeconds = log ? await measureSqlFloor(log, storage, join(dataRoot, 'floor'), hooks.shouldStop) : null;
    if (floorSeconds === null) return { stopped: true, orders, completed: wallMs.length, seconds, sagasPerSec: orders / seconds };
  }
  const ticks = outcome.snapshot.sagas.map((s) => (s.endedTick ?? s.startedTick) - s.startedTick);
  const sagasPerSec = orders / seconds;
  return {
    orders,
    storage,
    style: how?.style ?? 'orchestration',
    ok: outcome.invariants.every((i) => i.ok) && outcome.snapshot.sagas.every((s) => s.status === 'COMPLETED'),
    sagasPerSec,
    messagesPerSec: outcome.broker.delivered / seconds,
    messagesPerSaga: outcome.broker.delivered / orders,
    txPerSaga: outcome.commits / orders,
    dedupeWindowTicks: BENCH_DEDUPE_WINDOW_TICKS,
    wallMsPerSaga: { median: percentile(wallMs, 50), p99: percentile(wallMs, 99) },
    virtualTicksPerSaga: { median: percentile(ticks, 50), p99: percentile(ticks, 99) },
    peakRssMb: peakRss / 2 ** 20,
    rssAfterCheckMb: rssAfterCheck / 2 ** 20,
    ceilingTxPerSec,
    ceilingSagasPerSec,
    ratio: sagasPerSec / ceilingSagasPerSec,
    floorSagasPerSec: floorSeconds === null ? null : orders / floorSeconds,
    floorRatio: floorSeconds === null ? null : floorSeconds / seconds,
    seconds,
    checkSeconds,
  };
}

/** Runs the workload again with the statement log on, and returns what committed until the last saga completed (null if stopped). */
async function recordStatements(
  orders: number,
  storage: 'memory' | 'file',
  dataDir: string,
  workload: Workload,
  how: Coordination | undefined,
  shouldStop: (() => boolean) | undefined,
): Promise<StatementLog | null> {
  if (storage === 'file') rmSync(dataDir, { recursive: true, force: true });
  let completed = 0;
  let log: StatementLog | null = null;
  startStatementLog();
  const steps = benchWorld(storage, dataDir, workload, how, (e) => {
    // What follows the last completion (reading every database back to check it) is not the engine's work.
    if (e.sagaId !== undefined && milestoneOf(e) === 'completed' && ++completed === orders) log = stopStatementLog();
  });
  try {
    let lastTurn = wallClockMs();
    for (let step = steps.next(); !step.done; step = steps.next()) {
      if (shouldStop?.()) return null;
      if (wallClockMs() - lastTurn >= MS_BETWEEN_TURNS) {
        await nextTurn();
        lastTurn = wallClockMs();
      }
    }
  } finally {
    steps.return(undefined as never);
    if (!log) stopStatementLog();
    if (storage === 'file') rmSync(dataDir, { recursive: true, force: true });
  }
  return log;
}

/** The bench's world: seed 1, faults off, no trace kept, run until every saga is done. */
function benchWorld(
  storage: 'memory' | 'file',
  dataDir: string,
  workload: Workload,
  how: Coordination | undefined,
  onEvent: (e: TraceEvent) => void,
) {
  return simulation({
    ...(how ? { coordination: how } : {}),
    seed: 1,
    storage,
    dataDir,
    workload,
    profile: FAULT_PROFILES.calm!,
    script: [],
    keepTrace: false,
    faultPhaseTicks: Number.MAX_SAFE_INTEGER,
    maxTicks: Number.MAX_SAFE_INTEGER,
    onEvent,
  });
}
