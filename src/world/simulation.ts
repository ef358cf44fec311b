import type { BrokerStats } from '../broker/index.js';
import {
  checkWorld,
  readSnapshot,
  stockProblems,
  stockQuery,
  type InvariantResult,
  type StockRow,
  type WorldSnapshot,
} from '../check/index.js';
import type { Moment, ScriptedFault } from '../chaos/index.js';
import type { ComponentName } from '../protocol/index.js';
import { DEFAULT_APPROVAL } from '../orchestrator/index.js';
import type { TraceEvent } from '../kernel/index.js';
import type { Database, Prepared } from '../store/index.js';
import { World, type WorldImage, type WorldOptions } from './world.js';

/** A run: the world, how long faults last, and when to give up waiting for it to settle. */
export interface SimulationOptions extends WorldOptions {
  /** Faults (the profile and kill triggers) stop at this tick, or earlier if the world goes idle; then every component is restarted. */
  readonly faultPhaseTicks: number;
  /** A run still busy at this tick has failed to settle (a liveness failure). */
  readonly maxTicks: number;
  /** Dead letters the run causes on purpose. */
  readonly toleratedDeadLetters?: number;
  /**
   * Called for every trace event as it happens (the benchmark samples memory and wall time
   * here), with a way to read a component's database as it stands then (null while a crash
   * has closed it): a report reads the rows a handler just committed. Reading only.
   */
  readonly onEvent?: (event: TraceEvent, databases: OpenDatabases) => void;
  /** Told the world as it ended (settled or given up), with its databases before they close: a file run writes it down, an operator's view reads it. */
  readonly onEnd?: (image: SimulationImage, dbs: Readonly<Partial<Record<ComponentName, Database>>>) => void;
  /** Carry on a run that stopped, from its image and its databases, instead of starting one. */
  readonly resume?: SimulationImage;
}

/** A component's database as it stands at this moment of the run, or null while a crash has closed it. */
export type OpenDatabases = (component: ComponentName) => Database | null;

/** A run stopped between two ticks, as plain data: its world, and where the run itself stood. */
export interface SimulationImage {
  readonly world: WorldImage;
  /** The tick the calm phase began, or -1 while faults are on. */
  readonly calmFromTick: number;
  readonly stockViolation: string | null;
  /** Units of stock held reserved so far, times the ticks they were held (see StockWatch); absent in worlds stopped before it was counted. */
  readonly heldUnitTicks?: number;
  /** Units held reserved when it stopped: they go on counting from the tick it stopped at. */
  readonly heldUnits?: number;
  /** Times a person acted on this world while it was stopped (`saga dlq`, `approve`, `reject`): its scenario's own expectations no longer describe it. */
  readonly interventions?: number;
}

/** Where a run stands before its first tick and after each tick: a caller may stop it here and carry it on later from `image()`. */
export interface TickBoundary {
  /** The tick just run. */
  readonly tick: number;
  /** The next tick with anything to do (Infinity when nothing is left). */
  nextTick(): number;
  /** The run as it stands, to carry on in a new process (the run must keep its trace). */
  image(): SimulationImage;
}

/** Everything a run produced. */
export interface RunOutcome {
  readonly snapshot: WorldSnapshot;
  readonly invariants: readonly InvariantResult[];
  readonly digest: string;
  readonly ticks: number;
  readonly calmFromTick: number;
  readonly broker: BrokerStats;
  readonly duplicatesSkipped: number;
  /** Local transactions committed by every component. */
  readonly commits: number;
  /** Units of stock held (reserved, neither sold nor free) summed over every tick of the run: what waiting for a decision locks up. */
  readonly heldUnitTicks: number;
  /** Every fault injected, in order, as targeted faults: replaying them alone reproduces the run. */
  readonly schedule: readonly ScriptedFault[];
  /** How many trace events of each kind, and of each kind per actor (`crash:orchestrator`), the run emitted. */
  readonly eventCounts: Readonly<Record<string, number>>;
  readonly traceEvents: readonly TraceEvent[];
  /** Every moment a kill could have landed, in order (kept with the trace). */
  readonly moments: readonly Moment[];
  /** What trace listeners threw (they cannot change the run; a report built from a failing listener may be incomplete). */
  readonly listenerFailures: readonly string[];
  /** Times a person acted on the world while it was stopped (see SimulationImage). */
  readonly interventions: number;
}

/** Runs one world to the end and returns what it produced. */
export function simulate(options: SimulationOptions): RunOutcome {
  return runToEnd(simulation(options));
}

/** Steps a generator to its end and returns its result. */
export function runToEnd<T>(steps: Generator<unknown, T>): T {
  for (;;) {
    const step = steps.next();
    if (step.done) return step.value;
  }
}

/**
 * One world's run, a tick per step: a fault phase, then a calm phase with the network
 * faults, kills and profile off and every component that is down restarted, which must
 * settle. Each tick runs five phases (timers, deliver, ack, relay publish, relay confirm); a
 * kill takes effect between two phases. It yields where the run stands, before its first
 * tick and after each one, so a caller can stop between two ticks (`return()` closes the
 * world's databases as they stand).
 */
export function* simulation(options: SimulationOptions): Generator<TickBoundary, RunOutcome> {
  const from = options.resume;
  const world = new World(options, from?.world);
  try {
    const phases = [
      () => world.fireTimers(),
      () => world.deliver(),
      () => world.ack(),
      () => world.relayPublish(),
      () => world.relayConfirm(),
    ];
    const stock = new StockWatch(from?.stockViolation ?? null, from?.heldUnitTicks ?? 0);
    if (from) stock.carryOn(from.heldUnits ?? 0, from.world.tick);
    const onEvent = options.onEvent;
    if (onEvent) {
      const databases: OpenDatabases = (name) => world.host(name).openDatabase();
      world.trace.on((event) => onEvent(event, databases));
    }
    // Counted per kind and actor without building a key per event; flattened to `kind:actor` at the end.
    const counts = new Map<string, Map<string, number>>();
    const count = (e: TraceEvent): void => {
      let byActor = counts.get(e.kind);
      if (!byActor) counts.set(e.kind, (byActor = new Map()));
      byActor.set(e.actor, (byActor.get(e.actor) ?? 0) + 1);
    };
    // A run carried on counts what happened before it stopped from the trace it kept.
    for (const e of world.trace.events()) count(e);
    world.trace.on(count);
    let calmFromTick = from?.calmFromTick ?? -1;
    const boundary = {
      tick: world.clock.now(),
      nextTick: () => world.nextEventTick(),
      image: (): SimulationImage => ({
        world: world.image(),
        calmFromTick,
        stockViolation: stock.firstViolation,
        heldUnitTicks: stock.heldUnitTicks,
        heldUnits: stock.heldUnits,
        ...(from?.interventions ? { interventions: from.interventions } : {}),
      }),
    };
    const enterCalm = (tick: number): void => {
      world.clock.advanceTo(tick);
      calmFromTick = tick;
      world.faults.enterCalm();
      world.trace.emit({ kind: 'phase', tick, actor: 'kernel', detail: 'calm: faults off, every component up' });
      for (const name of world.crashes.down()) world.crashes.restart(name);
    };
    let settled = false;
    // Where the run stands before its first tick (a resumed run: where it stopped), so a caller can stop it before any work.
    yield boundary;
    for (;;) {
      const next = world.nextEventTick();
      if (calmFromTick < 0 && next >= options.faultPhaseTicks) {
        // Idle before the fault phase ends: calm starts now; otherwise at the end of the fault phase.
        enterCalm(next === Infinity ? world.clock.now() : Math.max(world.clock.now(), options.faultPhaseTicks));
        continue;
      }
      if (next === Infinity) {
        settled = true;
        break;
      }
      if (next > options.maxTicks) break;
      // Work that waited for a component that was down can be due in the past: it runs now.
      world.clock.advanceTo(Math.max(next, world.clock.now()));
      for (const phase of phases) {
        phase();
        world.crashes.applyPending();
      }
      stock.check(world);
      boundary.tick = world.clock.now();
      yield boundary;
    }

    const dbs = Object.fromEntries(world.components.map((name) => [name, world.host(name).database()])) as Partial<
      Record<ComponentName, Database>
    >;
    options.onEnd?.(boundary.image(), dbs);
    const eventCounts: Record<string, number> = {};
    for (const [kind, byActor] of counts) {
      for (const [actor, n] of byActor) {
        eventCounts[kind] = (eventCounts[kind] ?? 0) + n;
        eventCounts[`${kind}:${actor}`] = n;
      }
    }
    const snapshot = readSnapshot(
      dbs,
      world.broker,
      {
        settled,
        pending: settled ? [] : describePending(world),
        stockViolationDuringRun: stock.firstViolation,
        toleratedDeadLetters: options.toleratedDeadLetters ?? 0,
        faultsInjected: world.faults.schedule().length,
        ordersPlaced: world.ordersPlaced,
        // Only the orchestrator parks an order for a person's approval: the choreographed saga has no such step.
        approvalThresholdCents:
          world.coordination.style === 'orchestration'
            ? (options.workload.approval ?? DEFAULT_APPROVAL).thresholdCents
            : Number.POSITIVE_INFINITY,
        // Only a coordinator's timers move sagas on (the orchestrator's, or two-phase commit's): a service that forgets its own strands none.
        timersForgotten: world.faults
          .schedule()
          .filter((f) => f.kind === 'kill' && f.forgetsTimers && (f.component === 'orchestrator' || f.component === 'coordinator')).length,
      },
      world.coordination,
    );
    return {
      snapshot,
      invariants: checkWorld(snapshot),
      digest: world.trace.digest(),
      ticks: world.clock.now(),
      calmFromTick,
      broker: { ...world.broker.stats },
      duplicatesSkipped: world.duplicatesSkipped,
      commits: world.stats.commits,
      heldUnitTicks: stock.heldUnitTicks,
      schedule: world.faults.schedule(),
      eventCounts,
      traceEvents: world.trace.events(),
      moments: world.crashes.moments ?? [],
      listenerFailures: world.trace.listenerFailures(),
      interventions: from?.interventions ?? 0,
    };
  } finally {
    world.close();
  }
}

/**
 * Reads stock after every tick: an imbalance that heals itself later is still caught, and the
 * units held reserved are summed over time (a reservation held for 10 ticks counts 10 per unit;
 * while the inventory is down, what it last held counts on).
 */
class StockWatch {
  constructor(
    public firstViolation: string | null,
    public heldUnitTicks: number,
  ) {}
  private db: Database | null = null;
  private query: Prepared<StockRow> | null = null;
  private held = 0;
  private heldSince = -1;

  /** Units held reserved at the last look. */
  get heldUnits(): number {
    return this.held;
  }

  /** A stopped run carried on: `held` units were reserved at `tick`, and count on from there. */
  carryOn(held: number, tick: number): void {
    this.held = held;
    this.heldSince = tick;
  }

  check(world: World): void {
    const now = world.clock.now();
    if (this.heldSince >= 0) this.heldUnitTicks += this.held * (now - this.heldSince);
    this.heldSince = now;
    const host = world.host('inventory');
    if (!host.up) return;
    const db = host.database();
    if (db !== this.db || !this.query) {
      this.db = db;
      this.query = stockQuery(db);
    }
    const stock = this.query.all();
    this.held = stock.reduce((n, s) => n + s.reserved, 0);
    if (this.firstViolation !== null) return;
    const problems = stockProblems(stock);
    if (problems.length > 0) this.firstViolation = `tick ${now}: ${problems[0]}`;
  }
}

function describePending(world: World): string[] {
  const pending: string[] = [];
  const depths = world.broker.depths();
  for (const [queue, n] of Object.entries(depths)) if (n > 0) pending.push(`${n} messages for ${queue}`);
  if (world.scheduler.size > 0) pending.push(`${world.scheduler.size} timers`);
  if (world.ordersNotPlaced > 0) pending.push(`${world.ordersNotPlaced} orders not yet placed`);
  for (const name of world.crashes.down()) pending.push(`${name} down`);
  return pending;
}
