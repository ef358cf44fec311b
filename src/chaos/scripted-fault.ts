import type { TraceKind } from '../kernel/index.js';

/** The components a fault can kill. */
export const COMPONENTS = ['orchestrator', 'order', 'inventory', 'payment', 'fulfillment', 'notification'] as const;
export type ComponentName = (typeof COMPONENTS)[number];

/** A moment in the run, named by what happens rather than by tick, so a scenario survives changes to timing. */
export interface Trigger {
  /** The trace event to wait for. */
  readonly on: TraceKind;
  /** Its message type, e.g. `payment.charge`. */
  readonly type?: string;
  /** The component it happens in. */
  readonly actor?: string;
  /** Fire at the n-th match (1 = the first). */
  readonly nth?: number;
}

/** A targeted fault a scenario declares. */
export type ScriptedFault =
  /** Deliver the next `times` messages of `type` `copies` extra times. */
  | { readonly kind: 'duplicate-delivery'; readonly type: string; readonly copies?: number; readonly times?: number }
  /** Lose the next `times` deliveries of `type` on the wire. */
  | { readonly kind: 'drop-delivery'; readonly type: string; readonly times?: number }
  /** Hold the next `times` deliveries of `type` back for `ticks`. */
  | { readonly kind: 'delay-delivery'; readonly type: string; readonly ticks: number; readonly times?: number }
  /** Make the service answer the next `times` commands of `type` with a failure (`fail`) or crash while handling them (`throw`). */
  | { readonly kind: 'fail-command'; readonly type: string; readonly mode: 'fail' | 'throw'; readonly times?: number }
  /** Make the first message of `type` poison: its handler throws on every delivery, until the broker dead-letters it. */
  | { readonly kind: 'poison'; readonly type: string }
  /** Kill a component when the trigger fires, and restart it `downTicks` later. */
  | { readonly kind: 'kill'; readonly component: ComponentName; readonly when: Trigger; readonly downTicks: number };

/** A one-line description of a fault, for tables and timelines. */
export function describeFault(f: ScriptedFault): string {
  const times = (n: number | undefined): string => (n === undefined || n === 1 ? '' : n === Infinity ? ' always' : ` x${n}`);
  switch (f.kind) {
    case 'duplicate-delivery':
      return `duplicate ${f.type}${times(f.times)}`;
    case 'drop-delivery':
      return `drop ${f.type}${times(f.times)}`;
    case 'delay-delivery':
      return `delay ${f.type} ${f.ticks} ticks${times(f.times)}`;
    case 'fail-command':
      return `${f.mode === 'fail' ? 'fail' : 'crash on'} ${f.type}${times(f.times)}`;
    case 'poison':
      return `poison the first ${f.type}`;
    case 'kill': {
      const w = f.when;
      return `kill ${f.component} on ${w.on}${w.type ? ` ${w.type}` : ''}${w.actor ? ` by ${w.actor}` : ''}${w.nth && w.nth > 1 ? ` #${w.nth}` : ''}, down ${f.downTicks} ticks`;
    }
  }
}
