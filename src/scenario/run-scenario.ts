import { join } from 'node:path';
import type { BrokerStats } from '../broker/index.js';
import { combineProfiles, findProfile, type FaultProfile } from '../chaos/index.js';
import { ALL_DEFENCES, type Defences } from '../defences/index.js';
import type { InvariantResult } from '../check/index.js';
import { plural, randomStreams } from '../kernel/index.js';
import { DEFAULT_APPROVAL, SagaStatus } from '../orchestrator/index.js';
import {
  runToEnd,
  simulation,
  type RunOutcome,
  type SimulationImage,
  type SimulationOptions,
  type Coordination,
  type TickBoundary,
  type Workload,
} from '../world/index.js';
import { disabledOf, styleShape, type Recipe } from './recipe.js';
import { claimRunDir, createRunDir, finishRunDir } from './run-dir.js';
import { dropWorldFile, hasWorldFile, writeWorldFile } from './world-file.js';
import { buildVersion } from '../version.js';
import type { Scenario, WorkloadOverrides } from './scenario.js';
import { shopWorkload } from './shop-workload.js';
import { percentile, summarizeServices, type ServicesSummary } from './summarize.js';

/** How to run a scenario. */
export interface RunRequest {
  readonly scenario: Scenario;
  readonly seed: number;
  readonly storage: 'memory' | 'file';
  /** File storage goes to a new directory under `dataRoot` (see run-dir.ts), named after what shaped the run. */
  readonly dataRoot?: string;
  readonly overrides?: WorkloadOverrides;
  /** A seeded network fault profile on top of the scenario's own faults (combined with the scenario's own profile). */
  readonly profile?: FaultProfile;
  /** Defences left on; all unless some are switched off to see what breaks. */
  readonly defences?: Defences;
  /** How the saga is coordinated (orchestration unless told). */
  readonly coordination?: Coordination;
  /** Told the run's directory as soon as it exists (file storage), before the first tick. */
  readonly onRunDir?: (dir: string) => void;
  /** Called for every trace event as it happens (a caller watching for the moment to stop). */
  readonly onEvent?: SimulationOptions['onEvent'];
  /** Keep every moment a kill could have landed, in the outcome (the crash matrix plans its points from them). */
  readonly keepMoments?: boolean;
  /** Told the world as it ended, with its databases before they close (see SimulationOptions.onEnd). */
  readonly onEnd?: SimulationOptions['onEnd'];
  /** Carry on a stopped file run in its own directory, from the world it stopped with (see world-file.ts). */
  readonly resume?: { readonly dir: string; readonly image: SimulationImage };
}

/** The report of one run; it holds nothing that depends on the machine, the storage or the wall clock. */
export interface ScenarioResult {
  readonly scenario: string;
  readonly seed: number;
  readonly ok: boolean;
  readonly invariants: readonly InvariantResult[];
  readonly expectations: readonly InvariantResult[];
  readonly sagas: ReadonlyArray<{
    readonly id: string;
    readonly orderId: string;
    readonly status: SagaStatus;
    readonly latencyTicks: number | null;
  }>;
  readonly services: ServicesSummary;
  readonly broker: BrokerStats & { readonly duplicatesSkipped: number };
  readonly latency: { readonly p50Ticks: number; readonly p99Ticks: number };
  readonly ticks: number;
  readonly digest: string;
  /** How to run it again (without what a person did to it: see interventions). */
  readonly recipe: Recipe;
  /** Times a person acted on this run (saga dlq, approve, reject); absent when none (the recipe alone reproduces it). */
  readonly interventions?: number;
}

const DEFAULT_DATA_ROOT = join('.saga', 'runs');
const FAULT_PHASE_TICKS = 20_000;
const MAX_TICKS = 600_000;

/** What running a scenario gives: the judged result, the raw outcome, and where its databases are (file storage). */
export interface ScenarioRun {
  readonly result: ScenarioResult;
  readonly outcome: RunOutcome;
  readonly dataDir: string | null;
}

/** Runs one scenario with one seed and judges it; with file storage, also says where its databases are. */
export function runScenario(request: RunRequest): ScenarioRun {
  return runToEnd(scenarioRun(request));
}

/**
 * The same run, a tick per step (it yields where the run stands after each tick), for a caller
 * that may stop it between two ticks: the run directory then records that it stopped, and
 * keeps the databases; a caller that wrote the world down first (`writeWorldFile`) can carry
 * it on later (`resume`).
 */
export function* scenarioRun(request: RunRequest): Generator<TickBoundary, ScenarioRun> {
  const recipe = runRecipe(request, request.scenario.name);
  const build = buildVersion();
  let dataDir: string | null = null;
  if (request.resume) {
    if (request.storage !== 'file') throw new Error('only a file run can be resumed');
    dataDir = claimRunDir(request.resume.dir, recipe, build);
    // From here on the databases move on: the stopped world no longer matches them.
    dropWorldFile(dataDir);
  } else if (request.storage === 'file') dataDir = createRunDir(request.dataRoot ?? DEFAULT_DATA_ROOT, recipe, build);
  if (dataDir) request.onRunDir?.(dataDir);
  let finished = false;
  try {
    const judged = yield* judge(request, dataDir ?? '', recipe);
    finished = true;
    if (dataDir) finishRunDir(dataDir, { recipe, build, status: 'finished', ok: judged.result.ok, digest: judged.result.digest });
    return { ...judged, dataDir };
  } finally {
    if (dataDir && !finished) finishRunDir(dataDir, { recipe, build, status: 'stopped', resumable: hasWorldFile(dataDir) });
  }
}

function* judge(
  request: RunRequest,
  dataDir: string,
  recipe: Recipe,
): Generator<TickBoundary, { result: ScenarioResult; outcome: RunOutcome }> {
  const { scenario, seed } = request;
  const workload: Workload = {
    ...shopWorkload(randomStreams(seed).workload, scenario.shop, request.overrides ?? {}),
    ...(scenario.operator ? { operator: scenario.operator } : {}),
    ...(scenario.approval ? { approval: { ...DEFAULT_APPROVAL, ...scenario.approval } } : {}),
    ...(scenario.dispatchAfterTicks !== undefined ? { dispatchAfterTicks: scenario.dispatchAfterTicks } : {}),
    ...(scenario.releases ? { releases: scenario.releases } : {}),
    ...(scenario.dedupeWindowTicks !== undefined ? { dedupeWindowTicks: scenario.dedupeWindowTicks } : {}),
  };
  const own = findProfile(scenario.profile ?? 'calm');
  if (!own) throw new Error(`scenario ${scenario.name} names an unknown fault profile '${scenario.profile}'`);
  const profile = request.profile ? combineProfiles(own, request.profile) : own;
  // Only when someone reads it: imaging a world copies its trace, and most runs (the crash matrix, the catalogue in memory) need none.
  const onEnd: SimulationOptions['onEnd'] =
    dataDir || request.onEnd
      ? (image, dbs) => {
          // The world as it ended stays beside its databases: its queues, dead letters and trace are what an operator reads.
          if (dataDir) writeWorldFile(dataDir, image, buildVersion());
          request.onEnd?.(image, dbs);
        }
      : undefined;
  const outcome = yield* simulation({
    seed,
    storage: request.storage,
    dataDir,
    workload,
    profile,
    script: scenario.faults,
    // Scenarios are small: the trace is always kept, so expectations can read it.
    keepTrace: true,
    ...(request.keepMoments ? { keepMoments: true } : {}),
    defences: request.defences ?? ALL_DEFENCES,
    ...(request.coordination ? { coordination: request.coordination } : {}),
    toleratedDeadLetters: scenario.toleratedDeadLetters ?? 0,
    faultPhaseTicks: FAULT_PHASE_TICKS,
    maxTicks: MAX_TICKS,
    ...(request.onEvent ? { onEvent: request.onEvent } : {}),
    ...(request.resume ? { resume: request.resume.image } : {}),
    ...(onEnd ? { onEnd } : {}),
  });
  const { snapshot } = outcome;
  const allowed = request.profile
    ? (scenario.expectedStatusesUnderFaults ?? [SagaStatus.Completed, SagaStatus.Compensated])
    : scenario.expectedStatuses;
  const expectations: InvariantResult[] = [expectStatuses(allowed, outcome, workload.orders.length)];
  if (outcome.interventions > 0) {
    // A person changed the story the scenario tells: its own expectations describe the run without them. The invariants still judge it.
    expectations.splice(0, 1, {
      name: 'expected-outcome',
      ok: true,
      detail: `not judged: a person acted on this run (${plural(outcome.interventions, 'time')}, saga dlq, approve or reject); the invariants judge it alone`,
    });
  } else if (scenario.expect) {
    const problems = scenario.expect(outcome);
    expectations.push({ name: 'scenario', ok: problems.length === 0, detail: problems.join('; ') || 'as the scenario expects' });
  }
  const latencies = snapshot.sagas.filter((s) => s.endedTick !== null).map((s) => s.endedTick! - s.startedTick);
  const result: ScenarioResult = {
    scenario: scenario.name,
    seed,
    ok: outcome.invariants.every((i) => i.ok) && expectations.every((e) => e.ok),
    invariants: outcome.invariants,
    expectations,
    sagas: snapshot.sagas.map((s) => ({
      id: s.id,
      orderId: s.orderId,
      status: s.status,
      latencyTicks: s.endedTick === null ? null : s.endedTick - s.startedTick,
    })),
    services: summarizeServices(snapshot),
    broker: { ...outcome.broker, duplicatesSkipped: outcome.duplicatesSkipped },
    latency: { p50Ticks: percentile(latencies, 50), p99Ticks: percentile(latencies, 99) },
    ticks: outcome.ticks,
    digest: outcome.digest,
    recipe,
    ...(outcome.interventions > 0 ? { interventions: outcome.interventions } : {}),
  };
  return { result, outcome };
}

/** The recipe of a run of one scenario, or of the whole catalogue when no scenario is named. */
export function runRecipe(request: Omit<RunRequest, 'scenario'>, scenario?: string): Recipe {
  const o = request.overrides ?? {};
  const shape = {
    seed: request.seed,
    ...(o.orders !== undefined ? { orders: o.orders } : {}),
    ...(o.stock !== undefined ? { stock: o.stock } : {}),
    ...(request.profile ? { faults: request.profile.name } : {}),
    disabled: disabledOf(request.defences ?? ALL_DEFENCES),
    ...styleShape(request.coordination),
  };
  return scenario === undefined ? { command: 'run-all', ...shape } : { command: 'run', scenario, ...shape };
}

function expectStatuses(allowed: readonly SagaStatus[], outcome: RunOutcome, orders: number): InvariantResult {
  const problems: string[] = [];
  const sagas = outcome.snapshot.sagas;
  if (sagas.length !== orders) problems.push(`${orders} orders placed but ${sagas.length} sagas started`);
  for (const s of sagas) {
    if (!allowed.includes(s.status)) problems.push(`${s.orderId} ended ${s.status}`);
  }
  const expected = allowed.join(' or ');
  return {
    name: 'expected-outcome',
    ok: problems.length === 0,
    detail: problems.length ? `expected ${expected}: ${problems.slice(0, 3).join('; ')}` : `every saga ${expected}`,
  };
}
