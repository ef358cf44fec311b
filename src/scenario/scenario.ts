import type { ScriptedFault } from '../chaos/index.js';
import type { Rng } from '../kernel/index.js';
import type { SagaStatus } from '../orchestrator/index.js';
import type { RunOutcome, Workload } from '../world/index.js';

/** How a user reshaped a scenario from the command line. */
export interface WorkloadOverrides {
  readonly orders?: number;
  readonly stock?: number;
}

/** A named, declarative experiment: what the shop starts with, what goes wrong, and what must come out. */
export interface Scenario {
  readonly name: string;
  /** One line for `saga scenarios`. */
  readonly description: string;
  /** The fault, in a few words, for the scenario table. */
  readonly fault: string;
  /** The shop and its orders; `rng` is forked from the seed, so each seed can vary arrival times. */
  workload(rng: Rng, overrides: WorkloadOverrides): Workload;
  /** Targeted faults, fired by what happens rather than when. */
  readonly faults: readonly ScriptedFault[];
  /** A seeded network fault profile the scenario runs under (by name); `--faults` replaces it. */
  readonly profile?: string;
  /** The statuses every saga may end in. */
  readonly expectedStatuses: readonly SagaStatus[];
  /** What may vary when a user overlays a fault profile (a timeout can turn success into compensation); defaults to COMPLETED or COMPENSATED. */
  readonly expectedStatusesUnderFaults?: readonly SagaStatus[];
  /** Dead letters the scenario causes on purpose (a poison message). */
  readonly toleratedDeadLetters?: number;
  /** Further expectations, as problems (empty when met). */
  readonly expect?: (outcome: RunOutcome) => string[];
}
