import type { ScriptedFault } from '../chaos/index.js';
import { parseReplyType, type ComponentName, type Style } from '../protocol/index.js';
import type { Defences } from '../defences/index.js';
import type { InvariantResult } from '../check/index.js';
import { SagaStatus } from '../orchestrator/index.js';
import type { Coordination } from '../world/index.js';
import { runScenario } from './run-scenario.js';
import type { Scenario } from './scenario.js';

/** One place a crash can land: which component dies, right after which of its events, and for how long. */
export interface CrashPoint {
  /** The baseline run it breaks (see BASELINES). */
  readonly baseline: string;
  readonly component: ComponentName;
  /**
   * Inside a transaction: `before-commit` (rolled back), `after-commit` (committed, nothing after it done).
   * Between phases: `after-handling` (handled, not yet acked or relayed), `after-ack` (acked, not yet relayed),
   * `after-publish` (relayed, not yet confirmed).
   */
  readonly moment: (typeof MOMENTS)[keyof typeof MOMENTS];
  readonly type: string;
  /** Which occurrence of that event (1 = the first). */
  readonly nth: number;
  /** Whether the saga was compensating at that point. */
  readonly compensating: boolean;
  /** How long the component stays down: shorter or longer than a step's timeout. */
  readonly downTicks: number;
  /** It comes back without re-arming its timers (a start-up that forgets): only the reconciler finds the saga. */
  readonly forgetsTimers: boolean;
}

/** A row of the matrix: the point and what the checker said after the crash and restart. */
export interface CrashMatrixRow {
  readonly point: CrashPoint;
  readonly label: string;
  readonly ok: boolean;
  readonly failed: readonly InvariantResult[];
  readonly statuses: readonly SagaStatus[];
}

const MOMENTS = {
  'before-commit': 'before-commit',
  'after-commit': 'after-commit',
  handle: 'after-handling',
  ack: 'after-ack',
  publish: 'after-publish',
} as const;

/**
 * Every point is tried with a kill shorter than a step's timeout (the saga waits it out) and
 * one longer (the timeout fires while the component is down); in a forgetful baseline, also
 * one longer after which the component comes back without its timers.
 */
const KILLS = [
  { downTicks: 40, forgetsTimers: false },
  { downTicks: 150, forgetsTimers: false },
] as const;
const FORGETFUL_KILL = { downTicks: 150, forgetsTimers: true } as const;

/**
 * The runs the matrix breaks, each chosen so that one or more defences matter in it:
 * - `forward`: one order that completes (idempotency, outbox);
 * - `compensation`: one order whose charge is declined, broken only while compensating;
 * - `contended`: three orders racing for two units on a network that duplicates, broken at
 *   the inventory (isolation: without the conditional reservation it oversells);
 * - `undo-retried`: a declined charge whose stock release fails once, so the orchestrator
 *   waits on a backoff timer, broken at the orchestrator (compensation-retry; recovery: a
 *   restart must re-arm the timer it was waiting on; reconciliation: a restart that forgets
 *   it leaves the saga to the reconciler);
 * - `poisoned`: a charge command that crashes its handler until the broker dead-letters it,
 *   broken at the orchestrator and the payment service (timeouts: only the step timeout
 *   sends a fresh command; reconciliation, again, after a restart that forgets);
 * - `unvoted` (two-phase commit only): the same poisoned charge, a prepare whose vote never
 *   comes, broken at the coordinator and the payment service (timeouts: only the end of the
 *   vote aborts the transaction and frees what the others hold);
 * - `parked`: two large orders that wait for a person's approval, one approved and one left
 *   to its SLA, broken at the orchestrator and the reconciler while they wait (recovery: a
 *   restart must re-arm the SLA's timer);
 * - `relay-refused`: two orders, the second a tick behind; the broker refuses the first's
 *   stock commit three times, and the confirm sent after it in the same transaction waits
 *   behind it. Broken at the orchestrator while the refused row waits in its outbox, as it
 *   handles the second order's replies (outbox: a relay that confirmed past a row the broker
 *   has not taken would have deleted it). Not in two-phase commit: its coordinator sends a
 *   decision again until it is acknowledged, which makes up for a row lost this way.
 */
interface Baseline {
  readonly scenario: Scenario;
  /** Only points reached while the saga compensates (in two-phase commit: aborts). */
  readonly compensating?: boolean;
  /**
   * In each style, only points at these components ('all': at every one). In choreography the
   * janitor stands where the orchestrator and the reconciler stood (it waits, and it drives
   * compensation); in two-phase commit the coordinator does. A style absent: the baseline does
   * not apply there (it waits on an approval, which only the orchestrator has a step for).
   */
  readonly at: { readonly [S in Style]?: readonly ComponentName[] | 'all' };
  /** Each point also with a restart that forgets its timers. */
  readonly forgetful?: boolean;
}

/** Who hears a step fail and starts undoing, in each style. */
const WATCHERS: readonly ComponentName[] = ['orchestrator', 'janitor', 'coordinator'];

const matrixScenario = (name: string, description: string, rest: Partial<Scenario>): Scenario => ({
  name: `crash-matrix-${name}`,
  description,
  fault: 'one crash',
  faults: [],
  shop: { orders: 1, arrivalTicks: 1 },
  expectedStatuses: [SagaStatus.Completed],
  ...rest,
});

const BASELINES: readonly Baseline[] = [
  { at: { orchestration: 'all', choreography: 'all', '2pc': 'all' }, scenario: matrixScenario('forward', 'one order that completes', {}) },
  {
    compensating: true,
    at: { orchestration: 'all', choreography: 'all', '2pc': 'all' },
    scenario: matrixScenario('compensation', 'one order whose charge is declined', {
      shop: { orders: 1, arrivalTicks: 1, balanceCents: 0 },
      expectedStatuses: [SagaStatus.Compensated],
    }),
  },
  {
    at: { orchestration: ['inventory'], choreography: ['inventory'], '2pc': ['inventory'] },
    scenario: matrixScenario('contended', 'three orders racing for two units, on a network that duplicates', {
      shop: { orders: 3, skus: 1, stockPerSku: 2, minQty: 1, maxQty: 1, arrivalTicks: 2 },
      profile: 'duplicating',
      expectedStatuses: [SagaStatus.Completed, SagaStatus.Compensated],
    }),
  },
  {
    compensating: true,
    at: { orchestration: ['orchestrator'], choreography: ['janitor', 'inventory'], '2pc': ['coordinator', 'inventory'] },
    forgetful: true,
    scenario: matrixScenario('undo-retried', 'a declined charge whose stock release fails once and is retried after a backoff', {
      shop: { orders: 1, arrivalTicks: 1, balanceCents: 0 },
      faults: [{ kind: 'fail-command', type: 'inventory.release', mode: 'fail', times: 1 }],
      expectedStatuses: [SagaStatus.Compensated],
    }),
  },
  {
    // Not in two-phase commit: a prepare that never gets a vote aborts the transaction, by design.
    at: { orchestration: ['orchestrator', 'payment'], choreography: ['janitor', 'payment'] },
    forgetful: true,
    scenario: matrixScenario('poisoned', 'a charge command that crashes its handler until it is dead-lettered', {
      faults: [{ kind: 'poison', type: 'payment.charge' }],
      toleratedDeadLetters: 1,
    }),
  },
  {
    at: { '2pc': ['coordinator', 'payment'] },
    scenario: matrixScenario('unvoted', 'a prepared charge that crashes its handler until it is dead-lettered: no vote ever comes', {
      faults: [{ kind: 'poison', type: 'payment.charge' }],
      toleratedDeadLetters: 1,
      expectedStatuses: [SagaStatus.Compensated],
    }),
  },
  {
    at: { orchestration: ['orchestrator', 'reconciler'] },
    scenario: matrixScenario('parked', 'two large orders that wait for a person: one approved at tick 300, one left to its SLA', {
      shop: { orders: 2, arrivalTicks: 1, priceCents: 60_000, minQty: 1, maxQty: 1 },
      approval: { slaTicks: 400 },
      operator: [{ atTick: 300, action: 'approve', orders: ['order-001'], note: 'approved' }],
      expectedStatuses: [SagaStatus.Completed, SagaStatus.Compensated],
    }),
  },
  {
    at: { orchestration: ['orchestrator'] },
    scenario: matrixScenario('relay-refused', 'two orders; the broker refuses the first one’s stock commit three times', {
      shop: { orders: 2, arrivalTicks: 1 },
      expectedStatuses: [SagaStatus.Completed],
      faults: [
        // The second order's last reply comes a tick after the first's, while the first's stock commit waits.
        { kind: 'delay-delivery', type: 'notification.send', saga: 'saga-002', ticks: 1 },
        { kind: 'drop-publish', type: 'inventory.commit', times: 3 },
      ],
    }),
  },
];

/** A crash point and the run that tests it. */
export interface PlannedCrash {
  readonly point: CrashPoint;
  readonly scenario: Scenario;
  /** How the sagas are coordinated, when not orchestrated. */
  readonly coordination?: Coordination;
  readonly kill: ScriptedFault;
}

/**
 * Kills a component at each point where it is about to commit, has just committed, handled,
 * acked, or published, in each baseline, for a short and a long time, restarts it, and
 * checks the world. The points are the moments the crash model was told of in the
 * baseline's own run with the same seed, so every one is reached.
 */
export function runCrashMatrix(seed: number, defences?: Defences, coordination?: Coordination): CrashMatrixRow[] {
  return planCrashMatrix(seed, coordination).map((planned) => runCrashPoint(planned, seed, defences));
}

/** The crash points of the matrix for a style (orchestration unless told), in order, each with the run that tests it. */
export function planCrashMatrix(seed: number, coordination?: Coordination): PlannedCrash[] {
  const planned: PlannedCrash[] = [];
  const style = coordination?.style ?? 'orchestration';
  for (const baselineOf of BASELINES) {
    const { scenario, compensating: onlyCompensating, forgetful } = baselineOf;
    const at = baselineOf.at[style];
    if (at === undefined) continue;
    const components = at === 'all' ? undefined : at;
    const how = coordination && style !== 'orchestration' ? { coordination } : {};
    const baseline = runScenario({ scenario, seed, storage: 'memory', keepMoments: true, ...how }).outcome;
    const seen = new Map<string, number>();
    let compensating = false;
    for (const m of baseline.moments) {
      // The first failure heard (by the orchestrator, in choreography by the janitor, in two-phase commit by the coordinator) starts the compensation.
      if (WATCHERS.includes(m.actor) && parseReplyType(m.type)?.ok === false) compensating = true;
      // Counted as the trigger will count it: among the moments of this kind, actor, type and saga.
      const key = `${m.on} ${m.actor} ${m.type} ${m.saga ?? ''}`;
      const nth = (seen.get(key) ?? 0) + 1;
      seen.set(key, nth);
      if ((onlyCompensating && !compensating) || (components && !components.includes(m.actor))) continue;
      // Not in choreography: there the janitor is the watcher a forgetful start-up relies on, and a watcher that forgets
      // its own sweep has nobody to find it (as a reconciler forgetting its own would not be found; the matrix spares both).
      // In two-phase commit the participants in doubt remind a coordinator that forgot.
      for (const { downTicks, forgetsTimers } of forgetful && style !== 'choreography' ? [...KILLS, FORGETFUL_KILL] : KILLS) {
        const point: CrashPoint = {
          baseline: scenario.name.replace('crash-matrix-', ''),
          component: m.actor,
          moment: MOMENTS[m.on],
          type: m.type,
          nth,
          compensating,
          downTicks,
          forgetsTimers,
        };
        const when = { ...m, nth };
        planned.push({
          point,
          scenario,
          ...how,
          kill: { kind: 'kill', component: m.actor, when, downTicks, ...(forgetsTimers ? { forgetsTimers } : {}) },
        });
      }
    }
  }
  return planned;
}

/** How a point reads in a table: what the component had just done, and for how long it died. */
export function describeCrashPoint(p: CrashPoint): string {
  return `${p.type}${p.nth > 1 ? ` #${p.nth}` : ''}${p.compensating ? ' (compensating)' : ''}, down ${p.downTicks}${p.forgetsTimers ? ', back without its timers' : ''}`;
}

/** The baseline with the point's kill added to its faults: the run a crash point is. */
export function crashPointScenario({ scenario, kill }: PlannedCrash): Scenario {
  return { ...scenario, faults: [...scenario.faults, kill] };
}

/** Runs one crash point and says what the checker found after the crash and restart. */
export function runCrashPoint(planned: PlannedCrash, seed: number, defences?: Defences): CrashMatrixRow {
  const { point } = planned;
  const { result } = runScenario({
    scenario: crashPointScenario(planned),
    seed,
    storage: 'memory',
    ...(defences ? { defences } : {}),
    ...(planned.coordination ? { coordination: planned.coordination } : {}),
  });
  return {
    point,
    label: `${point.baseline}: ${point.component} ${point.moment} ${describeCrashPoint(point)}`,
    ok: result.ok,
    failed: [...result.invariants, ...result.expectations].filter((r) => !r.ok),
    statuses: result.sagas.map((s) => s.status),
  };
}
