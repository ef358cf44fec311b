import { serviceFactsOf, type Compensator, type Style } from '../protocol/index.js';
import { runScenario } from './run-scenario.js';
import { notApplicable, type Scenario } from './scenario.js';

/** A way of coordinating the order that `saga compare` puts side by side with the others. */
export interface ComparedStyle {
  readonly label: string;
  readonly style: Style;
  readonly compensator: Compensator;
}

/** Every coordination the lab runs: the orchestrator, choreography with each compensator, and two-phase commit. */
export const COMPARED_STYLES: readonly ComparedStyle[] = [
  { label: 'orchestration', style: 'orchestration', compensator: 'janitor' },
  { label: 'choreography (janitor)', style: 'choreography', compensator: 'janitor' },
  { label: 'choreography (services)', style: 'choreography', compensator: 'services' },
  { label: 'two-phase commit', style: '2pc', compensator: 'janitor' },
];

/** What one scenario came to under one style, per order where a count grows with the orders. */
export type StyleRow =
  | { readonly scenario: string; readonly style: string; readonly verdict: 'n/a'; readonly why: string }
  | {
      readonly scenario: string;
      readonly style: string;
      readonly verdict: 'pass' | 'FAIL';
      /** The invariants and expectations that broke (none when it passed). */
      readonly broken: readonly string[];
      /** Messages the broker delivered, per order: what the style costs the network. */
      readonly messagesPerOrder: number;
      /** Local transactions committed by every component, per order. */
      readonly commitsPerOrder: number;
      /** Virtual ticks from an order's saga starting to its end. */
      readonly latency: { readonly p50Ticks: number; readonly p99Ticks: number };
      /** Units of stock held reserved, summed over every tick: what waiting for a decision locks up. */
      readonly heldUnitTicks: number;
      /** Reservations refused for lack of stock that other orders only held (reserved, not sold): what locking costs in orders. */
      readonly refusedForLockedStock: number;
      readonly digest: string;
    };

/** Runs `scenario` once per style with the same seed and faults, in memory, and says what each came to. */
export function compareStyles(scenario: Scenario, seed: number, styles: readonly ComparedStyle[] = COMPARED_STYLES): StyleRow[] {
  return styles.map((s) => {
    const how = { style: s.style, compensator: s.compensator };
    const why = notApplicable(scenario, how);
    if (why !== null) return { scenario: scenario.name, style: s.label, verdict: 'n/a', why };
    const { result, outcome } = runScenario({ scenario, seed, storage: 'memory', coordination: how });
    const orders = Math.max(1, result.sagas.length);
    return {
      scenario: scenario.name,
      style: s.label,
      verdict: result.ok ? 'pass' : 'FAIL',
      broken: [...result.invariants, ...result.expectations].filter((r) => !r.ok).map((r) => r.name),
      messagesPerOrder: outcome.broker.delivered / orders,
      commitsPerOrder: outcome.commits / orders,
      latency: result.latency,
      heldUnitTicks: outcome.heldUnitTicks,
      refusedForLockedStock: outcome.traceEvents.filter((e) => serviceFactsOf(e).some((f) => f.kind === 'refused-for-locked-stock')).length,
      digest: result.digest,
    };
  });
}
