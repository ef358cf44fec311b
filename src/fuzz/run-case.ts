import { FAULT_PROFILES, type FaultProfile, type ScriptedFault } from '../chaos/index.js';
import { ALL_DEFENCES, type Defences } from '../defences/index.js';
import type { InvariantResult } from '../check/index.js';
import { simulate, type Coordination, type RunOutcome, type SimulationOptions, type Workload } from '../world/index.js';
import { CoverageTracker, type CoveragePath } from './coverage.js';
import { FUZZ_FAULT_PHASE_TICKS, FUZZ_MAX_TICKS, type FuzzCase } from './fuzz-case.js';

/** What one fuzz run needs: the seed, the workload, and faults either drawn from a profile or replayed from a schedule. */
export interface CaseInput {
  readonly seed: number;
  readonly workload: Workload;
  readonly profile?: FaultProfile;
  /** Targeted faults: a recorded schedule to replay, or a case's own script. */
  readonly schedule?: readonly ScriptedFault[];
  readonly defences?: Defences;
  /** How the saga is coordinated (orchestration unless told). */
  readonly coordination?: Coordination;
}

/** What a case is run under besides its own faults and workload: the defences and the coordination style. */
export type CaseRules = Pick<CaseInput, 'defences' | 'coordination'>;

/** The run a generated case stands for. */
export function caseInput(c: FuzzCase, defences?: Defences, coordination?: Coordination): CaseInput {
  return {
    seed: c.seed,
    workload: c.workload,
    profile: c.profile,
    schedule: c.script,
    ...(defences ? { defences } : {}),
    ...(coordination ? { coordination } : {}),
  };
}

/** One fuzz run, judged. */
export interface CaseResult {
  readonly seed: number;
  readonly ok: boolean;
  readonly violations: readonly InvariantResult[];
  /** The faults actually injected, in order: replaying them reproduces this run. */
  readonly schedule: readonly ScriptedFault[];
  readonly digest: string;
  readonly coverage: readonly CoveragePath[];
  readonly outcome: RunOutcome;
}

/** Runs a fuzz case to the end (fault phase, then calm) and checks every invariant. */
export function runCase(input: CaseInput, keepTrace = false, watch?: Pick<SimulationOptions, 'onEvent' | 'onEnd'>): CaseResult {
  const coverage = new CoverageTracker();
  const outcome = simulate({
    seed: input.seed,
    storage: 'memory',
    dataDir: '',
    workload: input.workload,
    profile: input.profile ?? FAULT_PROFILES.calm!,
    script: input.schedule ?? [],
    keepTrace,
    defences: input.defences ?? ALL_DEFENCES,
    ...(input.coordination ? { coordination: input.coordination } : {}),
    faultPhaseTicks: FUZZ_FAULT_PHASE_TICKS,
    maxTicks: FUZZ_MAX_TICKS,
    onEvent: (e, databases) => {
      coverage.observe(e);
      watch?.onEvent?.(e, databases);
    },
    ...(watch?.onEnd ? { onEnd: watch.onEnd } : {}),
    // A poisoned message is meant to end in the dead-letter queue; dead-letters-earned still checks it got every delivery.
    toleratedDeadLetters: (input.schedule ?? []).filter((f) => f.kind === 'poison').length,
  });
  const violations = outcome.invariants.filter((i) => !i.ok);
  return {
    seed: input.seed,
    ok: violations.length === 0,
    violations,
    schedule: outcome.schedule,
    digest: outcome.digest,
    coverage: [...coverage.reached].sort(),
    outcome,
  };
}
