import type { ComponentName } from '../protocol/index.js';

/**
 * Where a kill can land. Inside a local transaction (a handled message, or `timer` work):
 * `before-commit` (its writes are made but not committed: they roll back) and `after-commit`
 * (committed, and nothing after it done: no relay hand-off, no callback, no ack). Between the
 * phases of a tick: `handle` (a handled message committed with all that follows it, not yet
 * acked), `ack` (acked, not yet relayed), `publish` (relayed, not yet confirmed).
 */
export type KillMoment = 'before-commit' | 'after-commit' | 'handle' | 'ack' | 'publish';

/** A moment in the run, named by what happens rather than by tick, so a scenario survives changes to timing. */
export interface Trigger {
  /** The kind of moment to wait for. */
  readonly on: KillMoment;
  /** Its message type, e.g. `payment.charge`. */
  readonly type?: string;
  /** The component it happens in. */
  readonly actor?: ComponentName;
  /** The saga whose message it concerns (a timer's work belongs to none). */
  readonly saga?: string;
  /**
   * Inside a transaction only: what the work noted, as the timeline shows it, begins with
   * this. It names a moment by what was decided rather than by the message that decided it
   * (a two-phase commit decides on whichever vote comes last, and faults change which).
   */
  readonly detail?: string;
  /** Fire at the n-th match (1 = the first), counted among the matches of everything above. */
  readonly nth?: number;
}

/**
 * Where a message fault applies: the first `times` messages of its type (default 1), or, when
 * `nth` is given, exactly the nth (1-based). With `saga`, only that saga's messages count: the
 * form the fuzzer records, so that a schedule replays without the generator that produced it,
 * and removing a fault or an order from it leaves the other faults on the messages they hit.
 */
interface MessageTarget {
  readonly type: string;
  readonly saga?: string;
  readonly times?: number;
  readonly nth?: number;
}

/** A targeted fault a scenario declares, or the fuzzer recorded. */
export type ScriptedFault =
  /** Deliver messages of `type` `copies` extra times. */
  | ({ readonly kind: 'duplicate-delivery'; readonly copies?: number } & MessageTarget)
  /** Lose deliveries of `type` on the wire (they come back after the visibility timeout). */
  | ({ readonly kind: 'drop-delivery' } & MessageTarget)
  /** Hold deliveries of `type` back for `ticks`. */
  | ({ readonly kind: 'delay-delivery'; readonly ticks: number } & MessageTarget)
  /** Lose publishes of `type` before the broker has them (the publisher retries). */
  | ({ readonly kind: 'drop-publish' } & MessageTarget)
  /**
   * Make the component answer commands of `type` with a failure (`fail`) or crash while
   * handling them (`throw`). A scenario's refusals stay on in the calm phase (they are the
   * service's behaviour); one drawn from a fault profile is marked `faultPhaseOnly`.
   */
  | ({ readonly kind: 'fail-command'; readonly mode: 'fail' | 'throw'; readonly faultPhaseOnly?: true } & MessageTarget)
  /** In the `batch`-th batch of ready deliveries with more than one message, deliver position `swap[1]` before `swap[0]`. */
  | { readonly kind: 'reorder'; readonly batch: number; readonly swap: readonly [number, number] }
  /** At the `nth` restart of `queue`'s component, the messages waiting for it come back newest first. */
  | { readonly kind: 'reverse-queue'; readonly queue: ComponentName; readonly nth: number }
  /** Make the first message of `type` poison: its handler throws on every delivery, until the broker dead-letters it. */
  | { readonly kind: 'poison'; readonly type: string }
  /**
   * Kill a component when the trigger fires, and restart it `downTicks` later; with
   * `forgetsTimers`, it comes back without re-arming its timers; with `upgradesTo`, it comes
   * back on that release of its code (a rolling upgrade: a deploy is a restart).
   */
  | {
      readonly kind: 'kill';
      readonly component: ComponentName;
      readonly when: Trigger;
      readonly downTicks: number;
      readonly forgetsTimers?: true;
      readonly upgradesTo?: number;
    };

/** A one-line description of a fault, for tables and timelines. */
export function describeFault(f: ScriptedFault): string {
  const which = (t: MessageTarget): string =>
    (t.nth !== undefined ? ` #${t.nth}` : t.times === undefined || t.times === 1 ? '' : t.times === Infinity ? ' always' : ` x${t.times}`) +
    (t.saga !== undefined ? ` of ${t.saga}` : '');
  switch (f.kind) {
    case 'duplicate-delivery':
      return `duplicate ${f.type}${which(f)}${(f.copies ?? 1) > 1 ? ` (${f.copies} copies)` : ''}`;
    case 'drop-delivery':
      return `drop delivery of ${f.type}${which(f)}`;
    case 'delay-delivery':
      return `delay ${f.type}${which(f)} ${f.ticks} ticks`;
    case 'drop-publish':
      return `drop publish of ${f.type}${which(f)}`;
    case 'fail-command':
      return `${f.mode === 'fail' ? 'fail' : 'crash on'} ${f.type}${which(f)}`;
    case 'reverse-queue':
      return `${f.queue}'s queue back newest first after its restart${f.nth > 1 ? ` #${f.nth}` : ''}`;
    case 'reorder':
      return `reorder batch #${f.batch}: ${f.swap[1]} before ${f.swap[0]}`;
    case 'poison':
      return `poison the first ${f.type}`;
    case 'kill': {
      const w = f.when;
      return `kill ${f.component} on ${w.on}${w.type ? ` ${w.type}` : ''}${w.actor ? ` by ${w.actor}` : ''}${w.nth && w.nth > 1 ? ` #${w.nth}` : ''}${w.saga ? ` of ${w.saga}` : ''}${w.detail ? ` noting "${w.detail}"` : ''}, down ${f.downTicks} ticks${f.forgetsTimers ? ', back without its timers' : ''}${f.upgradesTo ? `, back on release ${f.upgradesTo}` : ''}`;
    }
  }
}
