import type { TraceEvent } from '../kernel/index.js';
import { PLACE_ORDER_SAGA } from '../orchestrator/index.js';
import { ABORTS, COMPENSATIONS, sagaEventsOf, serviceFactsOf, type Style } from '../protocol/index.js';

/**
 * The paths a sweep must reach to prove anything: each path of the saga's transition
 * function, and each service's compensation, in time and ahead of its step. A fuzzer that
 * never compensates has tested nothing.
 */
export const COVERAGE_PATHS = [
  ...COMPENSATIONS.map((c) => `compensate:${c}` as const),
  // A compensation that overtook the step it undoes, at each service: the race the early-compensation records exist for.
  ...COMPENSATIONS.map((c) => `compensation-first:${c}` as const),
  ...PLACE_ORDER_SAGA.steps.map((s) => `step-failed:${s.name}` as const),
  'timeout',
  'step-gave-up',
  'compensation-retry',
  'compensation-gave-up',
  // The broker's, for a message its handler failed on every time; the orchestrator's count as compensation-gave-up.
  'broker-dead-letter',
  'saga-failed',
  'duplicate-skipped',
  'late-success-compensated',
  'stale-reply',
  // Not here: a duplicate start and a stale deadline, which the transition ignores but the orchestrator never hands it
  // (it finds the order's saga first, and drops a timer armed for an older state); its unit tests take those paths.
  'crash-recovery',
  'timeout-after-restart',
  // A person in the loop: an order parked for approval, decided either way, or left to its SLA (rejected, or escalated).
  'awaiting-approval',
  'approved',
  'rejected',
  'approval-expired',
  'approval-escalated',
  // Past the point of no return: a cancel refused for good, the saga escalated.
  'escalated',
  // The janitor: a saga found stuck after a restart that forgot its timers.
  'stuck',
] as const;

/**
 * The paths a choreographed sweep must reach. There is no saga transition function: what is
 * left is each service's compensation, the broker's and the consumers' defences, and the
 * janitor's two ways of driving a stalled saga to an end. Not here: a compensation ahead of
 * its step. A service acts only on the event of the step before it, so a step's failure is
 * heard only once the step before it is done; a late copy of a step's command is a duplicate.
 */
export const CHOREOGRAPHY_COVERAGE_PATHS = [
  ...COMPENSATIONS.map((c) => `compensate:${c}` as const),
  'broker-dead-letter',
  'duplicate-skipped',
  // The janitor published again what should have moved a stalled saga on; or, out of nudges, left a compensation to a person.
  'nudged',
  'left-to-person',
] as const;

/**
 * The paths a two-phase commit sweep must reach: each participant's abort, in time and ahead
 * of the prepare it undoes; each way the coordinator decides to abort (a no, or a vote that
 * never came); a decision sent again; and the broker's and the consumers' defences.
 */
export const TWO_PHASE_COVERAGE_PATHS = [
  ...ABORTS.map((c) => `abort:${c}` as const),
  ...ABORTS.map((c) => `abort-first:${c}` as const),
  'voted-no',
  'vote-timeout',
  'decision-resent',
  // A participant in doubt for long asked the coordinator for the decision (the termination protocol).
  'asked-for-decision',
  'broker-dead-letter',
  'duplicate-skipped',
] as const;

export type CoveragePath =
  (typeof COVERAGE_PATHS)[number] | (typeof CHOREOGRAPHY_COVERAGE_PATHS)[number] | (typeof TWO_PHASE_COVERAGE_PATHS)[number];

/** Every path any style can reach: what a sweep summary file may name. */
export const ALL_COVERAGE_PATHS: readonly CoveragePath[] = [
  ...new Set<CoveragePath>([...COVERAGE_PATHS, ...CHOREOGRAPHY_COVERAGE_PATHS, ...TWO_PHASE_COVERAGE_PATHS]),
];

/** The paths a sweep of `style` must reach. */
export function coveragePathsOf(style: Style): readonly CoveragePath[] {
  return style === 'choreography' ? CHOREOGRAPHY_COVERAGE_PATHS : style === '2pc' ? TWO_PHASE_COVERAGE_PATHS : COVERAGE_PATHS;
}

const COMPENSATION_SET = new Set<string>(COMPENSATIONS);
const ABORT_SET = new Set<string>(ABORTS);

/** Which paths one run reached, from its trace events as they happen: the saga's typed step events, never its log text. */
export class CoverageTracker {
  readonly reached = new Set<CoveragePath>();
  private restarted = false;

  observe(e: TraceEvent): void {
    switch (e.kind) {
      case 'handle':
        // A sweep counts the paths of its own style: an abort is also a compensation's name, and both are noted.
        if (e.type !== undefined && COMPENSATION_SET.has(e.type)) this.reached.add(`compensate:${e.type}` as CoveragePath);
        if (e.type !== undefined && ABORT_SET.has(e.type)) this.reached.add(`abort:${e.type}` as CoveragePath);
        for (const fact of serviceFactsOf(e)) {
          if (fact.kind === 'compensation-first') {
            this.reached.add(`compensation-first:${fact.compensation}` as CoveragePath);
            if (ABORT_SET.has(fact.compensation)) this.reached.add(`abort-first:${fact.compensation}` as CoveragePath);
          } else if (
            fact.kind === 'nudged' ||
            fact.kind === 'left-to-person' ||
            fact.kind === 'decision-resent' ||
            fact.kind === 'asked-for-decision'
          )
            this.reached.add(fact.kind);
          else if (fact.kind === 'decided' && fact.why !== 'votes') this.reached.add(fact.why === 'no-vote' ? 'voted-no' : 'vote-timeout');
        }
        break;
      case 'skip':
        this.reached.add('duplicate-skipped');
        break;
      case 'dead-letter':
        if (e.actor === 'broker') this.reached.add('broker-dead-letter');
        break;
      case 'restart':
        this.restarted = true;
        break;
      case 'saga':
        if (this.restarted) this.reached.add('crash-recovery');
        for (const fact of sagaEventsOf(e)) {
          switch (fact.kind) {
            case 'timed-out':
              this.reached.add('timeout');
              if (this.restarted) this.reached.add('timeout-after-restart');
              break;
            case 'compensation-failed':
              this.reached.add('compensation-retry');
              break;
            case 'failed':
              this.reached.add('saga-failed');
              break;
            case 'step-failed':
              this.reached.add(`step-failed:${fact.step}` as CoveragePath);
              break;
            case 'step-gave-up':
            case 'compensation-gave-up':
            case 'late-success-compensated':
            case 'stale-reply':
            case 'awaiting-approval':
            case 'approved':
            case 'rejected':
            case 'approval-expired':
            case 'approval-escalated':
            case 'escalated':
            case 'stuck':
              this.reached.add(fact.kind);
              break;
          }
        }
        break;
    }
  }
}
