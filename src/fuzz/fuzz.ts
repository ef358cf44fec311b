import type { DefenceName } from '../defences/index.js';
import { withDisabled } from '../defences/index.js';
import { styleShape, type Recipe } from '../scenario/index.js';
import type { Coordination } from '../world/index.js';
import { wallClockMs } from '../kernel/index.js';
import { buildVersion } from '../version.js';
import { generateCase } from './fuzz-case.js';
import { FAILURES_DIR, REPLAY_FORMAT, writeReplayFile } from './replay-file.js';
import { caseInput, runCase } from './run-case.js';
import { MAX_PROBES, shrink, type Shrunk } from './shrink.js';
import { seedsOf, summarize, type SeedOutcome, type SeedRange, type SweepSummary } from './sweep.js';
import { runSeeds } from './worker-pool.js';

/**
 * Per violated invariant, how many failing seeds are shrunk at most, the schedule length that
 * ends the search, and the probes all of them share: a world that storms (a style or a defence
 * off that multiplies messages) makes each probe slow, and the budget bounds the whole search.
 */
const SEEDS_TO_SHRINK = 3;
const SHORT_ENOUGH = 1;
const PROBES_PER_INVARIANT = MAX_PROBES;

export interface FuzzOptions {
  readonly range: SeedRange;
  readonly disabled: readonly DefenceName[];
  /** How the sagas are coordinated (orchestration unless told). */
  readonly coordination?: Coordination;
  readonly workers: number;
  /** Shrink the first failing seed of each violated invariant and write its replay file. */
  readonly shrink: boolean;
  readonly failuresDir?: string;
  readonly onProgress?: (done: number, total: number, violations: number) => void;
  /** While shrinking: which invariant, and how many probes of at most `max`. */
  readonly onShrinkProgress?: (invariant: string, probes: number, max: number) => void;
  /** Each replay file as soon as it is written. */
  readonly onFileWritten?: (file: string) => void;
  /** Checked between seeds and between shrink probes: once true, the sweep stops and reports what it has. */
  readonly shouldStop?: () => boolean;
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
  /** Where the replay file is, or null when it could not be written (`writeError` says why). */
  readonly file: string | null;
  readonly writeError?: string;
  /** Replays the shrunk failure from its file. */
  readonly recipe: Extract<Recipe, { command: 'replay' }> | null;
}

export interface FuzzReport {
  readonly summary: SweepSummary;
  readonly shrunk: readonly ShrunkFailure[];
  /** Failures whose recorded schedule did not break the invariant again: each a non-determinism to investigate. */
  readonly notReproduced: readonly string[];
  /** Runs this sweep again. */
  readonly recipe: Recipe;
  /** Set when the sweep was stopped before its last seed: where, and the command that continues it. */
  readonly stopped: { readonly seedsLeft: number; readonly continueWith: Recipe } | null;
  /** Wall time of the sweep and of the shrinking apart, so seeds/s counts the sweep alone. */
  readonly timing: { readonly sweepSeconds: number; readonly shrinkSeconds: number };
}

/** Sweeps the seeds, then shrinks the first failure of each invariant to a minimal replayable schedule. */
export async function fuzz(options: FuzzOptions): Promise<FuzzReport> {
  const seeds = seedsOf(options.range);
  const shouldStop = options.shouldStop ?? ((): boolean => false);
  const outcomes: SeedOutcome[] = [];
  let violations = 0;
  const sweepStart = wallClockMs();
  await runSeeds(
    seeds,
    { disabled: options.disabled, ...(options.coordination ? { coordination: options.coordination } : {}) },
    options.workers,
    (o) => {
      outcomes.push(o);
      if (o.violations.length > 0) violations++;
      options.onProgress?.(outcomes.length, seeds.length, violations);
    },
    shouldStop,
  );
  const sweepSeconds = (wallClockMs() - sweepStart) / 1000;
  const summary = summarize(outcomes, options.range, options.disabled, options.coordination);
  const shrunk: ShrunkFailure[] = [];
  const notReproduced: string[] = [];
  const shrinkStart = wallClockMs();
  if (options.shrink) {
    const rules = { defences: withDisabled(options.disabled), ...(options.coordination ? { coordination: options.coordination } : {}) };
    const candidates = new Map<string, number[]>();
    // The shortest stories first (fewest faults and orders): shrinking starts closer to its end, and each probe runs faster.
    const size = new Map(outcomes.map((o) => [o.seed, o.faults + generateCase(o.seed, rules.coordination?.style).workload.orders.length]));
    const shortestFirst = [...summary.violations].sort((x, y) => size.get(x.seed)! - size.get(y.seed)! || x.seed - y.seed);
    for (const v of shortestFirst) {
      const seeds = candidates.get(v.invariant) ?? [];
      if (seeds.length < SEEDS_TO_SHRINK && !seeds.includes(v.seed)) seeds.push(v.seed);
      candidates.set(v.invariant, seeds);
    }
    for (const [invariant, seeds] of candidates) {
      // Shrinking works on the schedule one seed happened to draw; another failing seed may tell a shorter story.
      let best: { seed: number; found: ReturnType<typeof runCase>; small: Shrunk; orders: number } | null = null;
      let probesLeft = PROBES_PER_INVARIANT;
      for (const seed of seeds) {
        if (best && (shouldStop() || probesLeft <= 0)) break;
        const c = generateCase(seed, rules.coordination?.style);
        const found = runCase(caseInput(c, rules.defences, rules.coordination));
        const small = await shrink(seed, c.workload, found.schedule, invariant, rules, {
          shouldStop,
          maxProbes: probesLeft,
          onProbe: (probes) => options.onShrinkProgress?.(invariant, PROBES_PER_INVARIANT - probesLeft + probes, PROBES_PER_INVARIANT),
        });
        if (small.kind === 'shrunk') probesLeft -= small.probes;
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
      const replay = {
        format: REPLAY_FORMAT,
        build: buildVersion(),
        seed,
        disabled: options.disabled,
        ...(options.coordination ? { coordination: options.coordination } : {}),
        invariant,
        detail: violation.detail,
        workload: small.workload,
        schedule: small.schedule,
        digest: small.result.digest,
      } as const;
      // One file that cannot be written is reported with its failure; the others, and the report, go on.
      let file: string | null = null;
      let writeError: string | undefined;
      try {
        file = writeReplayFile(replay, options.failuresDir ?? FAILURES_DIR);
        options.onFileWritten?.(file);
      } catch (error) {
        writeError = error instanceof Error ? error.message : String(error);
      }
      shrunk.push({
        invariant,
        seed,
        detail: violation.detail,
        faultsBefore: found.schedule.length,
        faultsAfter: small.schedule.length,
        ordersBefore: best.orders,
        ordersAfter: small.workload.orders.length,
        file,
        ...(writeError !== undefined ? { writeError } : {}),
        recipe: file ? { command: 'replay', file } : null,
      });
    }
  }
  const shrinkSeconds = (wallClockMs() - shrinkStart) / 1000;
  const { from, seeds: count, shard } = options.range;
  return {
    summary,
    shrunk,
    notReproduced,
    recipe: {
      command: 'fuzz',
      from,
      seeds: count,
      ...(shard ? { shard } : {}),
      disabled: options.disabled,
      ...styleShape(options.coordination),
    },
    stopped: outcomes.length < seeds.length ? continuation(options.range, outcomes, options.disabled, options.coordination) : null,
    timing: { sweepSeconds, shrinkSeconds },
  };
}

/**
 * Where a stopped sweep picks up: from its first seed not run, with the same shard. Seeds
 * after it that did run are run again (a handful, when workers finish out of order), so the
 * continued sweep and this one together cover every seed.
 */
function continuation(
  range: SeedRange,
  done: readonly SeedOutcome[],
  disabled: readonly DefenceName[],
  coordination?: Coordination,
): FuzzReport['stopped'] {
  const ran = new Set(done.map((o) => o.seed));
  const firstLeft = seedsOf(range).find((seed) => !ran.has(seed))!;
  // A shard's seeds sit `count` apart from `from + index - 1`: start the continuation on that grid.
  const offset = range.shard ? range.shard.index - 1 : 0;
  const from = firstLeft - offset;
  const seeds = range.from + range.seeds - from;
  const continueWith: Recipe = {
    command: 'fuzz',
    from,
    seeds,
    ...(range.shard ? { shard: range.shard } : {}),
    disabled,
    ...styleShape(coordination),
  };
  return { seedsLeft: seedsOf({ ...range, from, seeds }).length, continueWith };
}
