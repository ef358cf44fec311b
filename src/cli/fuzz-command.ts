import { availableParallelism } from 'node:os';
import { defenceFlag } from '../defences/index.js';
import {
  coveragePathsOf,
  fuzz,
  mergeShards,
  readJsonFile,
  SWEEP_SUMMARY_SCHEMA,
  type FuzzReport,
  styleOf,
  type SweepSummary,
} from '../fuzz/index.js';
import { formatRecipe, replayLine, styleShape } from '../scenario/index.js';
import { plural, quote, styleNote } from './user-text.js';
import { outputWidth, type CliIo } from './cli-io.js';
import { sagaDir } from './saga-home.js';
import { EXIT, interruptExit, type ExitCode } from './exit-codes.js';
import { MAX_SEED, parseCoordination, parseDisabled } from './parse-options.js';
import { listenForInterrupts } from './interrupts.js';
import { makeProgress } from './progress.js';
import { makeStyle, makeTable, wrap } from './style.js';
import { parseWholeNumber, UsageError } from './usage-error.js';

export interface FuzzCommandOptions {
  readonly seeds: string;
  readonly from: string;
  readonly shard?: string;
  readonly workers?: string;
  readonly disable?: string[];
  readonly style?: string;
  readonly compensator?: string;
  readonly json?: boolean;
  readonly shrink: boolean;
  /** The sweep options typed on the command line (not defaulted): `fuzz merge` refuses them. */
  readonly given?: readonly string[];
}

/** `saga fuzz`: random workloads and fault schedules, one per seed; exit 1 if any seed broke an invariant. */
export async function fuzzCommand(words: readonly string[], options: FuzzCommandOptions, io: CliIo): Promise<ExitCode> {
  if (words[0] === 'merge') {
    const ignored = options.given ?? [];
    if (ignored.length > 0)
      throw new UsageError(`fuzz merge takes the settings from its files, not from --${ignored.join(', --')}; drop them.`);
    return mergeCommand(words.slice(1), options.json === true, io);
  }
  if (words.length > 0) throw new UsageError(`saga fuzz takes no argument ${quote(words[0]!)}; did you mean 'saga fuzz merge <files...>'?`);
  const seeds = parseWholeNumber('--seeds', options.seeds, 1, 100_000_000);
  const from = parseWholeNumber('--from', options.from, 0, MAX_SEED);
  if (from + seeds - 1 > MAX_SEED)
    throw new UsageError(
      `--from ${from} with --seeds ${seeds} runs past the last seed, ${MAX_SEED}; give at most ${plural(MAX_SEED - from + 1, 'seed')} from there.`,
    );
  const workers = options.workers === undefined ? availableParallelism() : parseWholeNumber('--workers', options.workers, 1, 256);
  const disabled = parseDisabled(options.disable);
  const coordination = parseCoordination(options.style, options.compensator);
  let shard: { index: number; count: number } | undefined;
  if (options.shard !== undefined) {
    const m = /^(\d+)\/(\d+)$/.exec(options.shard);
    const [index, count] = m ? [Number(m[1]), Number(m[2])] : [0, 0];
    if (!m || count < 1 || index < 1 || index > count)
      throw new UsageError(`--shard takes i/n with 1 ≤ i ≤ n, e.g. 3/8, not ${quote(options.shard)}.`);
    shard = { index, count };
  }

  const c = makeStyle(io.env);
  const progress = makeProgress(io, options.json === true);
  // Ctrl-C stops the sweep (and any shrinking) at the next seed or probe; what was done is reported, not lost.
  const interrupts = listenForInterrupts(io, progress, 'seeds or the shrink');
  if (!options.json) {
    const without = disabled.length ? `, without ${disabled.map(defenceFlag).join(', ')}` : '';
    io.out(
      `saga fuzz: ${plural(seeds, 'seed')} from ${from}${shard ? ` (shard ${shard.index}/${shard.count})` : ''}${styleNote(coordination)} on ${plural(workers, 'worker')}${without}\n`,
    );
  }
  let report: FuzzReport;
  try {
    report = await fuzz({
      range: { from, seeds, ...(shard ? { shard } : {}) },
      disabled,
      ...(coordination ? { coordination } : {}),
      workers,
      shrink: options.shrink,
      failuresDir: sagaDir(io, 'failures'),
      shouldStop: () => interrupts.heard !== null,
      onProgress: (done, total, bad) => progress.show(`${progressBar(done, total)} ${done}/${total} seeds, ${bad} failing`),
      onShrinkProgress: (invariant, probes, max) => progress.show(`shrinking ${invariant}: ${probes} of at most ${max} runs`),
      onFileWritten: (file) => {
        // Announced as soon as it exists, so nothing on disk is a surprise, whatever happens next.
        if (options.json) return;
        progress.end();
        io.out(`wrote ${file}\n`);
      },
    });
  } finally {
    interrupts.stop();
  }
  progress.end();
  const { sweepSeconds, shrinkSeconds } = report.timing;
  const seedsPerSec = report.summary.seedsRun / Math.max(sweepSeconds, 1e-9);
  if (options.json) {
    io.out(
      JSON.stringify(
        {
          ...report.summary,
          shrunk: report.shrunk,
          notReproduced: report.notReproduced,
          recipe: report.recipe,
          stopped: report.stopped && { ...report.stopped, by: interrupts.heard },
          timing: { seconds: sweepSeconds, seedsPerSec, shrinkSeconds, workers },
        },
        null,
        2,
      ) + '\n',
    );
  } else {
    io.out(renderSummary(report.summary, c, outputWidth(io), report.stopped !== null));
    const shrinking = shrinkSeconds >= 0.05 ? `; shrinking took ${shrinkSeconds.toFixed(1)} s more` : '';
    io.out(
      `${plural(report.summary.seedsRun, 'seed')} in ${sweepSeconds.toFixed(1)} s: ${seedsPerSec.toFixed(0)} seeds/s on ${plural(workers, 'worker')}${shrinking}\n`,
    );
    io.out(renderShrunk(report, c, outputWidth(io)));
    // Stopped while shrinking: the files are written, but their stories may not be the shortest there is.
    if (interrupts.heard && !report.stopped && report.shrunk.length > 0)
      io.out(
        c.yellow(
          wrap(`shrinking was cut short by ${interrupts.heard}: each replay file holds the smallest story found by then`, outputWidth(io)),
        ) + '\n',
      );
    if (report.stopped) {
      io.out(
        c.yellow(
          `stopped by ${interrupts.heard ?? 'request'} with ${plural(report.stopped.seedsLeft, 'seed')} not run; continue with:\n  ${formatRecipe(report.stopped.continueWith)}\n`,
        ),
      );
    }
  }
  if (interrupts.heard) return interruptExit(interrupts.heard);
  return report.summary.violations.length > 0 ? EXIT.violated : EXIT.held;
}

function mergeCommand(files: readonly string[], json: boolean, io: CliIo): ExitCode {
  const shards = files.map((file) => ({
    file,
    summary: readJsonFile(file, SWEEP_SUMMARY_SCHEMA, "'saga fuzz --json' output") as SweepSummary,
  }));
  const merged = mergeShards(shards);
  io.out(json ? JSON.stringify(merged, null, 2) + '\n' : renderSummary(merged, makeStyle(io.env), outputWidth(io)));
  return merged.violations.length > 0 ? EXIT.violated : EXIT.held;
}

/** The sweep's report; a sweep `stopped` before its last seed says so where it would say PASS, since it proved less. */
function renderSummary(s: SweepSummary, c: ReturnType<typeof makeStyle>, width = Infinity, stopped = false): string {
  const lines: string[] = [];
  const shard = s.range.shard ? ` (shard ${s.range.shard.index}/${s.range.shard.count})` : '';
  const without = s.disabled.length ? `, without ${s.disabled.map(defenceFlag).join(', ')}` : '';
  lines.push(
    c.bold(
      `saga fuzz: ${plural(s.seedsRun, 'seed')} from ${s.range.from}${shard}${styleNote(s.coordination)}${without}, ${plural(s.faultsInjected, 'fault')} injected`,
    ),
  );
  const paths = coveragePathsOf(styleOf(s));
  const coverage = makeTable(['path', 'seeds that reached it', 'share']);
  for (const p of paths) {
    const n = s.coverage[p] ?? 0;
    coverage.push([p, n === 0 ? c.red('never') : String(n), `${((100 * n) / Math.max(1, s.seedsRun)).toFixed(1)}%`]);
  }
  lines.push(coverage.toString());
  const never = paths.filter((p) => (s.coverage[p] ?? 0) === 0);
  if (never.length) lines.push(c.yellow(wrap(`never reached: ${never.join(', ')} — this sweep proves nothing about them`, width)));
  const names = Object.keys(s.byInvariant).sort();
  if (names.length === 0) {
    lines.push(
      stopped
        ? c.yellow.bold(`STOPPED  no invariant violated in the ${plural(s.seedsRun, 'seed')} run before the stop`)
        : c.green.bold(`PASS  no invariant violated in ${plural(s.seedsRun, 'seed')}`),
    );
  } else {
    const table = makeTable(['invariant', 'failing seeds', 'first seed', 'detail'], [24, 15, 12, 70], width);
    for (const name of names) {
      const first = s.violations.find((v) => v.invariant === name)!;
      table.push([name, String(s.byInvariant[name]), String(first.seed), first.detail]);
    }
    lines.push(table.toString());
    lines.push(c.red.bold(`FAIL  ${new Set(s.violations.map((v) => v.seed)).size} of ${s.seedsRun} seeds violated an invariant`));
  }
  return lines.join('\n') + '\n';
}

function renderShrunk(report: FuzzReport, c: ReturnType<typeof makeStyle>, width: number): string {
  const indented = (text: string): string => `  ${wrap(text, width - 2).replace(/\n/g, '\n  ')}`;
  const lines = report.shrunk.map(
    (f) =>
      `${c.red(f.invariant)}: ${wrap(`seed ${f.seed} shrunk from ${plural(f.faultsBefore, 'fault')} and ${plural(f.ordersBefore, 'order')} to ${plural(f.faultsAfter, 'fault')} and ${plural(f.ordersAfter, 'order')}`, width - f.invariant.length - 2).replace(/\n/g, '\n  ')}\n` +
      `${indented(f.detail)}\n  ${f.recipe ? replayLine({ ...f.recipe, trace: true }) : c.red(indented(`the replay file could not be written: ${f.writeError}`).trimStart())}`,
  );
  for (const detail of report.notReproduced)
    lines.push(c.yellow(`not reproduced from its own schedule (a non-determinism to report): ${detail}`));
  if (report.shrunk.length === 0 && report.summary.violations.length > 0) {
    const first = report.summary.violations[0]!;
    lines.push(
      `rerun the first failing seed:\n  ${formatRecipe({ command: 'fuzz', from: first.seed, seeds: 1, disabled: report.summary.disabled, ...styleShape(report.summary.coordination) })}`,
    );
  }
  return lines.length ? lines.join('\n') + '\n' : '';
}

function progressBar(done: number, total: number): string {
  const width = 30;
  const filled = Math.round((width * done) / Math.max(1, total));
  return `[${'#'.repeat(filled)}${'.'.repeat(width - filled)}]`;
}
