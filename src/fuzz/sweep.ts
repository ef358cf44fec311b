import type { DefenceName } from '../defences/index.js';
import { withDisabled } from '../defences/index.js';
import type { Coordination } from '../world/index.js';
import { coveragePathsOf, type CoveragePath } from './coverage.js';
import { generateCase } from './fuzz-case.js';
import { caseInput, runCase } from './run-case.js';

/** Which seeds a sweep (or one shard of it) runs. */
export interface SeedRange {
  /** The first seed. */
  readonly from: number;
  /** How many seeds the whole sweep covers. */
  readonly seeds: number;
  /** This shard (1-based) of `count`; seed `from + k` belongs to shard `k mod count + 1`. */
  readonly shard?: { readonly index: number; readonly count: number };
}

/** One seed's verdict, small enough to send back from a worker. */
export interface SeedOutcome {
  readonly seed: number;
  readonly violations: ReadonlyArray<{ readonly name: string; readonly detail: string }>;
  readonly coverage: readonly CoveragePath[];
  readonly faults: number;
}

/** What a sweep found; the same seeds give the same summary whatever the worker count or sharding. */
export interface SweepSummary {
  readonly seedsRun: number;
  readonly range: SeedRange;
  readonly disabled: readonly DefenceName[];
  /** How the sagas were coordinated, when not orchestrated. */
  readonly coordination?: Coordination;
  readonly faultsInjected: number;
  readonly violations: ReadonlyArray<{ readonly seed: number; readonly invariant: string; readonly detail: string }>;
  readonly byInvariant: Readonly<Record<string, number>>;
  /** How many seeds reached each path the style has (see coveragePathsOf). */
  readonly coverage: Readonly<Partial<Record<CoveragePath, number>>>;
}

/** The style a sweep ran: orchestration unless its summary says otherwise. */
export function styleOf(s: Pick<SweepSummary, 'coordination'>): Coordination['style'] {
  return s.coordination?.style ?? 'orchestration';
}

export function seedsOf(range: SeedRange): number[] {
  const seeds: number[] = [];
  for (let k = 0; k < range.seeds; k++) {
    if (!range.shard || k % range.shard.count === range.shard.index - 1) seeds.push(range.from + k);
  }
  return seeds;
}

/** Runs one seed's case and keeps what the summary needs. */
export function runSeed(seed: number, disabled: readonly DefenceName[], coordination?: Coordination): SeedOutcome {
  const c = generateCase(seed, coordination?.style);
  const r = runCase(caseInput(c, withDisabled(disabled), coordination));
  return {
    seed,
    violations: r.violations.map((v) => ({ name: v.name, detail: v.detail })),
    coverage: r.coverage,
    faults: r.schedule.length,
  };
}

/** Folds seed outcomes (in any order) into a summary, ordered by seed. */
export function summarize(
  outcomes: readonly SeedOutcome[],
  range: SeedRange,
  disabled: readonly DefenceName[],
  coordination?: Coordination,
): SweepSummary {
  const sorted = [...outcomes].sort((a, b) => a.seed - b.seed);
  const violations = sorted
    .flatMap((o) => o.violations.map((v) => ({ seed: o.seed, invariant: v.name, detail: v.detail })))
    .sort(bySeedThenInvariant);
  const coverage = Object.fromEntries(coveragePathsOf(coordination?.style ?? 'orchestration').map((p) => [p, 0])) as Record<
    CoveragePath,
    number
  >;
  for (const o of sorted) for (const p of o.coverage) if (p in coverage) coverage[p]++;
  return {
    seedsRun: sorted.length,
    range,
    disabled,
    ...(coordination ? { coordination } : {}),
    faultsInjected: sorted.reduce((n, o) => n + o.faults, 0),
    violations,
    byInvariant: countInvariants(violations),
    coverage,
  };
}

/** Merges shard summaries into one, as if one sweep had run every seed. */
export function mergeSummaries(parts: readonly SweepSummary[]): SweepSummary {
  if (parts.length === 0) throw new Error('nothing to merge');
  const first = parts[0]!;
  const violations = parts.flatMap((p) => p.violations).sort(bySeedThenInvariant);
  const coverage = Object.fromEntries(
    coveragePathsOf(styleOf(first)).map((p) => [p, parts.reduce((n, s) => n + (s.coverage[p] ?? 0), 0)]),
  ) as Record<CoveragePath, number>;
  return {
    seedsRun: parts.reduce((n, p) => n + p.seedsRun, 0),
    range: { from: first.range.from, seeds: first.range.seeds },
    disabled: first.disabled,
    ...(first.coordination ? { coordination: first.coordination } : {}),
    faultsInjected: parts.reduce((n, p) => n + p.faultsInjected, 0),
    violations,
    byInvariant: countInvariants(violations),
    coverage,
  };
}

/** One order for violations everywhere, so a merged summary equals a single run's. */
function bySeedThenInvariant(a: { seed: number; invariant: string }, b: { seed: number; invariant: string }): number {
  return a.seed - b.seed || (a.invariant < b.invariant ? -1 : a.invariant > b.invariant ? 1 : 0);
}

function countInvariants(violations: ReadonlyArray<{ invariant: string }>): Record<string, number> {
  const counts: Record<string, number> = {};
  for (const v of violations) counts[v.invariant] = (counts[v.invariant] ?? 0) + 1;
  return counts;
}
