import type { ScriptedFault } from '../chaos/index.js';
import { parseReplyType, type ComponentName } from '../protocol/index.js';
import type { Defences } from '../defences/index.js';
import type { InvariantResult } from '../check/index.js';
import { SagaStatus } from '../orchestrator/index.js';
import { runScenario } from './run-scenario.js';
import type { Scenario } from './scenario.js';

/** One place a crash can land: which component dies, and right after which of its events. */
export interface CrashPoint {
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
const DOWN_TICKS = 150;

/** The two sagas the matrix breaks: one that completes, one that compensates (the charge is declined). */
const BASELINES: ReadonlyArray<{ scenario: Scenario; compensates: boolean }> = [
  {
    compensates: false,
    scenario: {
      name: 'crash-matrix-forward',
      description: 'one order that completes',
      fault: 'one crash',
      faults: [],
      shop: { orders: 1, arrivalTicks: 1 },
      expectedStatuses: [SagaStatus.Completed, SagaStatus.Compensated],
    },
  },
  {
    compensates: true,
    scenario: {
      name: 'crash-matrix-compensation',
      description: 'one order whose charge is declined',
      fault: 'one crash',
      faults: [],
      shop: { orders: 1, arrivalTicks: 1, balanceCents: 0 },
      expectedStatuses: [SagaStatus.Compensated],
    },
  },
];

/** A crash point and the run that tests it. */
export interface PlannedCrash {
  readonly point: CrashPoint;
  readonly scenario: Scenario;
  readonly kill: ScriptedFault;
}

/**
 * Kills each component at each point where it has just committed, acked, or published,
 * in a saga that completes and in one that compensates, restarts it, and checks the world.
 * The points are the moments the crash model was told of in a fault-free run with the same
 * seed, so every one is reached.
 */
export function runCrashMatrix(seed: number, defences?: Defences): CrashMatrixRow[] {
  return planCrashMatrix(seed).map((planned) => runCrashPoint(planned, seed, defences));
}

/** The crash points of the matrix, in order, each with the run that tests it. */
export function planCrashMatrix(seed: number): PlannedCrash[] {
  const planned: PlannedCrash[] = [];
  for (const { scenario, compensates } of BASELINES) {
    const baseline = runScenario({ scenario, seed, storage: 'memory' }).outcome;
    const seen = new Map<string, number>();
    let compensating = false;
    for (const m of baseline.moments) {
      // The orchestrator's handling of the first failure reply is the first compensating transition.
      if (m.actor === 'orchestrator' && parseReplyType(m.type)?.ok === false) compensating = true;
      const key = `${m.on} ${m.actor} ${m.type}`;
      const nth = (seen.get(key) ?? 0) + 1;
      seen.set(key, nth);
      // The compensating baseline adds only the points reached while compensating; the rest are the forward baseline's.
      if (compensates && !compensating) continue;
      const point: CrashPoint = { component: m.actor, moment: MOMENTS[m.on], type: m.type, nth, compensating };
      planned.push({ point, scenario, kill: { kind: 'kill', component: m.actor, when: { ...m, nth }, downTicks: DOWN_TICKS } });
    }
  }
  return planned;
}

/** Runs one crash point and says what the checker found after the crash and restart. */
export function runCrashPoint({ point, scenario, kill }: PlannedCrash, seed: number, defences?: Defences): CrashMatrixRow {
  const { result } = runScenario({ scenario: { ...scenario, faults: [kill] }, seed, storage: 'memory', ...(defences ? { defences } : {}) });
  return {
    point,
    label: `${point.component} ${point.moment} ${point.type}${point.nth > 1 ? ` #${point.nth}` : ''}${point.compensating ? ' (compensating)' : ''}`,
    ok: result.ok,
    failed: [...result.invariants, ...result.expectations].filter((r) => !r.ok),
    statuses: result.sagas.map((s) => s.status),
  };
}
