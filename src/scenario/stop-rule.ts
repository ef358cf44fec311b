import type { TraceEvent, TraceKind } from '../kernel/index.js';
import type { TickBoundary } from '../world/index.js';
import { sagaEventsOf } from '../protocol/index.js';

/** The moments `--stop-when` can name: the first event of a kind, the first saga parked for a person, or a world with nothing left to do. */
export const STOP_WHEN: Readonly<Record<string, string>> = {
  crash: 'the first crash',
  restart: 'the first restart',
  'dead-letter': 'the first dead letter',
  fault: 'the first injected fault',
  redeliver: 'the first redelivery',
  reject: 'the first handler that threw',
  skip: 'the first duplicate skipped',
  parked: 'the first saga parked for a person',
  approval: 'the first order awaiting approval',
  idle: 'the world has nothing left to do',
};

const ofKind =
  (kind: TraceKind) =>
  (e: TraceEvent): boolean =>
    e.kind === kind;

/** The event each moment waits for (idle waits for none: it is asked at the boundary). */
const EVENT_OF: Readonly<Record<string, (e: TraceEvent) => boolean>> = {
  crash: ofKind('crash'),
  restart: ofKind('restart'),
  'dead-letter': ofKind('dead-letter'),
  fault: ofKind('fault'),
  redeliver: ofKind('redeliver'),
  reject: ofKind('reject'),
  skip: ofKind('skip'),
  // The orchestrator gave up on a step or a compensation and left a dead letter: only a person can move the saga on.
  parked: (e) => e.kind === 'dead-letter' && e.actor === 'orchestrator',
  // An order large enough to need a person's approval: `saga approve` or `saga reject` decides it.
  approval: (e) => sagaEventsOf(e).some((f) => f.kind === 'awaiting-approval'),
};

/** When to stop a run before it settles: before any work after a tick, or at the end of the tick in which something happens. */
export interface StopRule {
  readonly atTick?: number;
  /** A key of STOP_WHEN. */
  readonly when?: string;
}

/**
 * Watches a run for the moment its stop rule names. It listens to the trace (observation
 * only) and answers at each tick boundary; the run stops there, between two ticks, where
 * a world can be written down and carried on.
 */
export function stopWatch(rule: StopRule): { onEvent(e: TraceEvent): void; reason(at: TickBoundary): string | null } {
  const matches = rule.when === undefined ? undefined : EVENT_OF[rule.when];
  let seen: TraceEvent | null = null;
  return {
    onEvent: (e) => {
      if (seen === null && matches?.(e)) seen = e;
    },
    reason: (at) => {
      if (seen !== null) return `${STOP_WHEN[rule.when!]!} (${describe(seen)})`;
      const next = rule.atTick !== undefined || rule.when === 'idle' ? at.nextTick() : 0;
      if (rule.when === 'idle' && next === Infinity) return STOP_WHEN.idle!;
      // A world about to settle (nothing next) is left to finish: a run that ends before the tick reports as usual.
      if (rule.atTick !== undefined && next !== Infinity && next > rule.atTick) return `the next work is after tick ${rule.atTick}`;
      return null;
    },
  };
}

function describe(e: TraceEvent): string {
  return [`tick ${e.tick}`, e.actor, e.type, e.detail].filter((part) => part !== undefined).join(' ');
}
