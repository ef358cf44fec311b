import type { ScriptedFault } from '../chaos/index.js';
import { STYLES, type ComponentName, type Style } from '../protocol/index.js';
import type { ApprovalPolicy, SagaStatus } from '../orchestrator/index.js';
import type { OperatorScript, RunOutcome } from '../world/index.js';
import type { ShopOptions } from './shop-workload.js';

/** How a user reshaped a scenario from the command line. */
export interface WorkloadOverrides {
  readonly orders?: number;
  readonly stock?: number;
}

/**
 * A named experiment, as data: what the shop starts with, what goes wrong, and what must
 * come out. A scenario file holds one of these and imports from src nothing but types and
 * the builder's few helpers (`src/scenario/index.js`); the runner turns it into a run.
 */
export interface Scenario {
  readonly name: string;
  /** One line for `saga scenarios`. */
  readonly description: string;
  /** The fault, in a few words, for the scenario table. */
  readonly fault: string;
  /** A walkthrough's own words: what to watch for before it starts, and what the run showed at its end. */
  readonly lesson?: { readonly watch: string; readonly showed: string };
  /** The shop and its orders (arrival times and SKUs are drawn from the seed); `--orders` and `--stock` override `orders` and `stockPerSku`. */
  readonly shop: Partial<ShopOptions>;
  /** Targeted faults, fired by what happens rather than when. */
  readonly faults: readonly ScriptedFault[];
  /** A seeded network fault profile the scenario runs under (by name); `--faults` combines with it. */
  readonly profile?: string;
  /** The statuses every saga may end in. */
  readonly expectedStatuses: readonly SagaStatus[];
  /** What may vary when a user overlays a fault profile (a timeout can turn success into compensation); defaults to COMPLETED or COMPENSATED. */
  readonly expectedStatusesUnderFaults?: readonly SagaStatus[];
  /** A person who comes by at given ticks: redrives or resolves the dead letters left, approves or rejects orders (see OperatorScript). */
  readonly operator?: readonly OperatorScript[];
  /** Which orders wait for a person's approval, and for how long; the rest of DEFAULT_APPROVAL applies. */
  readonly approval?: Partial<ApprovalPolicy>;
  /** How long after it is scheduled a parcel leaves the warehouse, past which it cannot be cancelled; never, unless set. */
  readonly dispatchAfterTicks?: number;
  /** How long every inbox remembers a message id; for ever, unless set (see Workload). */
  readonly dedupeWindowTicks?: number;
  /** The release of its code each component starts on (1 unless given): see src/protocol/schemas.ts for what a release reads and writes. */
  readonly releases?: Partial<Record<ComponentName, number>>;
  /** Dead letters the scenario causes on purpose (a poison message). */
  readonly toleratedDeadLetters?: number;
  /** Where its story does not apply, and why: a scenario about the orchestrator has nothing to tell where there is none. */
  readonly notFor?: { readonly [S in Style]?: string };
  /** Further expectations, as problems (empty when met); it reads the outcome and nothing else. */
  readonly expect?: (outcome: RunOutcome) => string[];
}

/** The first style `scenario` applies to, in the order of STYLES: orchestration, but for a scenario about another style. */
export function firstStyleFor(scenario: Scenario): Style {
  return STYLES.find((style) => notApplicable(scenario, { style }) === null) ?? 'orchestration';
}

/** Why `scenario` does not apply to a world coordinated as `how` says (orchestration when undefined), or null when it does. */
export function notApplicable(scenario: Scenario, how: { readonly style: Style } | undefined): string | null {
  return scenario.notFor?.[how?.style ?? 'orchestration'] ?? null;
}
