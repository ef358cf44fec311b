import type { InvariantResult } from '../check/index.js';
import { withDisabled, type DefenceName } from '../defences/index.js';
import { runScenario } from './run-scenario.js';
import type { Scenario } from './scenario.js';
import type { Coordination } from '../world/index.js';

/** What switching defences off did to one scenario. */
export interface AbRow {
  readonly scenario: string;
  readonly withDefence: boolean;
  readonly without: boolean;
  /** What broke only without the defence. */
  readonly broken: readonly InvariantResult[];
}

/** Runs each scenario with every defence on and with `disabled` off, and says what broke. */
export function runDefenceAb(
  scenarios: readonly Scenario[],
  disabled: readonly DefenceName[],
  seed: number,
  coordination?: Coordination,
): AbRow[] {
  return scenarios.map((scenario) => runAbRow(scenario, disabled, seed, coordination));
}

/** One scenario with every defence on and with `disabled` off, coordinated as `coordination` says (orchestration unless told). */
export function runAbRow(scenario: Scenario, disabled: readonly DefenceName[], seed: number, coordination?: Coordination): AbRow {
  const how = coordination ? { coordination } : {};
  const on = runScenario({ scenario, seed, storage: 'memory', ...how }).result;
  const off = runScenario({ scenario, seed, storage: 'memory', defences: withDisabled(disabled), ...how }).result;
  const failedBefore = new Set([...on.invariants, ...on.expectations].filter((r) => !r.ok).map((r) => r.name));
  const broken = [...off.invariants, ...off.expectations].filter((r) => !r.ok && !failedBefore.has(r.name));
  return { scenario: scenario.name, withDefence: on.ok, without: off.ok, broken };
}
