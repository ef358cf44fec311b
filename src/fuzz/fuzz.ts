import type { DefenceName } from '../defences/index.js';
import { withDisabled } from '../defences/index.js';
import type { Recipe } from '../scenario/index.js';
import { buildVersion } from '../version.js';
import { generateCase } from './fuzz-case.js';
import { FAILURES_DIR, REPLAY_FORMAT, writeReplayFile } from './replay-file.js';
import { caseInput, runCase } from './run-case.js';
import { shrink, type Shrunk } from './shrink.js';
import { seedsOf, summarize, type SeedOutcome, type SeedRange, type SweepSummary } from './sweep.js';
import { runSeeds } from './worker-pool.js';

/** Per violated invariant, how many failing seeds are shrunk at most, and the schedule length that ends the search. */
const SEEDS_TO_SHRINK = 3;
const SHORT_ENOUGH = 5;

export interface FuzzOptions {
  readonly range: SeedRange;
  readonly disabled: readonly DefenceName[];
  readonly workers: number;
  /** Shrink the first failing seed of each violated invariant and write its replay file. */
  readonly shrink: boolean;
  readonly failuresDir?: string;
  readonly onProgress?: (done: number, total: number, violations: number) => void;
}

/** A violation found, shrunk, and written down for replay. */
export interface ShrunkFailure {
  readonly invariant: string;
  readonly seed: number;
  readonly detail: string;
  readonly faultsBefore: number;
  readonly faultsAfter: number;
  readonly ordersBefore: number;
  readonly ordersAfter: number;
  readonly file: string;
  /** Replays the shrunk failure from its file. */
  readonly recipe: Extract<Recipe, { command: 'replay' }>;
}

export interface FuzzReport {
  readonly summary: SweepSummary;
  readonly shrunk: readonly ShrunkFailure[];
  /** Failures whose recorded schedule did not break the invariant again: each a non-determinism to investigate. */
  readonly notReproduced: readonly string[];
  /** Runs this sweep again. */
  readonly recipe: Recipe;
}

/** Sweeps the seeds, then shrinks the first failure of each invariant to a minimal replayable schedule. */
export async function fuzz(options: FuzzOptions): Promise<FuzzReport> {
  const seeds = seedsOf(options.range);
  const outcomes: SeedOutcome[] = [];
  let violations = 0;
  await runSeeds(seeds, options.disabled, options.workers, (o) => {
    outcomes.push(o);
    if (o.violations.length > 0) violations++;
    options.onProgress?.(outcomes.length, seeds.length, violations);
  });
  const summary = summarize(outcomes, options.range, options.disabled);
  const shrunk: ShrunkFailure[] = [];
  const notReproduced: string[] = [];
  if (options.shrink) {
    const defences = withDisabled(options.disabled);
    const candidates = new Map<string, number[]>();
    for (const v of summary.violations) {
      const seeds = candidates.get(v.invariant) ?? [];
      if (seeds.length < SEEDS_TO_SHRINK && !seeds.includes(v.seed)) seeds.push(v.seed);
      candidates.set(v.invariant, seeds);
    }
    for (const [invariant, seeds] of candidates) {
      // Shrinking works on the schedule one seed happened to draw; another failing seed may tell a shorter story.
      let best: { seed: number; found: ReturnType<typeof runCase>; small: Shrunk; orders: number } | null = null;
      for (const seed of seeds) {
        const c = generateCase(seed);
        const found = runCase(caseInput(c, defences));
        const small = shrink(seed, c.workload, found.schedule, invariant, defences);
        if (small.kind === 'not-reproduced') {
          notReproduced.push(small.detail);
          continue;
        }
        if (!best || small.schedule.length < best.small.schedule.length) best = { seed, found, small, orders: c.workload.orders.length };
        if (small.schedule.length <= SHORT_ENOUGH) break;
      }
      if (!best) continue;
      const { seed, found, small } = best;
      const violation = small.result.violations.find((v) => v.name === invariant)!;
      const file = writeReplayFile(
        {
          format: REPLAY_FORMAT,
          build: buildVersion(),
          seed,
          disabled: options.disabled,
          invariant,
          detail: violation.detail,
          workload: small.workload,
          schedule: small.schedule,
          digest: small.result.digest,
        },
        options.failuresDir ?? FAILURES_DIR,
      );
      shrunk.push({
        invariant,
        seed,
        detail: violation.detail,
        faultsBefore: found.schedule.length,
        faultsAfter: small.schedule.length,
        ordersBefore: best.orders,
        ordersAfter: small.workload.orders.length,
        file,
        recipe: { command: 'replay', file },
      });
    }
  }
  const { from, seeds: count, shard } = options.range;
  return {
    summary,
    shrunk,
    notReproduced,
    recipe: { command: 'fuzz', from, seeds: count, ...(shard ? { shard } : {}), disabled: options.disabled },
  };
}
