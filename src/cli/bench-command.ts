import { availableParallelism } from 'node:os';
import { runSagaBench, type BenchResult } from '../bench/index.js';
import { replayLine, type Recipe } from '../scenario/index.js';
import { fuzz } from '../fuzz/index.js';
import { plural } from './user-text.js';
import { outputWidth, type CliIo } from './cli-io.js';
import { ensureFolder, sagaDir } from './saga-home.js';
import { EXIT, interruptExit, type ExitCode } from './exit-codes.js';
import { listenForInterrupts } from './interrupts.js';
import { parseStorage } from './parse-options.js';
import { makeProgress } from './progress.js';
import { makeStyle, makeTable, wrap } from './style.js';
import { parseWholeNumber } from './usage-error.js';

export interface BenchOptions {
  readonly orders: string;
  readonly storage: string;
  readonly json?: boolean;
  readonly fuzz?: boolean;
  readonly seeds: string;
}

/** `saga bench`: happy-path sagas as fast as the engine goes, against the SQLite ceiling measured right before; `--fuzz`: fuzz seeds/s. */
export async function benchCommand(options: BenchOptions, io: CliIo): Promise<ExitCode> {
  if (options.fuzz) return benchFuzz(parseWholeNumber('--seeds', options.seeds, 1, 1_000_000), options.json === true, io);
  const orders = parseWholeNumber('--orders', options.orders, 1, 10_000_000);
  const storage = parseStorage(options.storage);
  const recipe: Recipe = { command: 'bench', orders, storage };
  const progress = makeProgress(io, options.json === true);
  const interrupts = listenForInterrupts(io, progress, 'tick');
  let r: Awaited<ReturnType<typeof runSagaBench>>;
  try {
    // Files only for file storage: the SQLite ceiling's database and the world's.
    const dir = storage === 'file' ? ensureFolder(sagaDir(io, 'bench')) : sagaDir(io, 'bench');
    r = await runSagaBench(orders, storage, dir, {
      onProgress: (done) => progress.show(`bench: ${done.toLocaleString('en-US')} of ${orders.toLocaleString('en-US')} sagas`),
      shouldStop: () => interrupts.heard !== null,
    });
  } finally {
    interrupts.stop();
    progress.end();
  }
  if ('stopped' in r) {
    // Nothing was checked, so there is no verdict: only how far it got.
    const line = `stopped by ${interrupts.heard} after ${r.completed.toLocaleString('en-US')} of ${orders.toLocaleString('en-US')} sagas completed (${Math.round(r.sagasPerSec).toLocaleString('en-US')} sagas/s so far); nothing was checked`;
    io.out(options.json ? JSON.stringify({ ...r, by: interrupts.heard, recipe }, null, 2) + '\n' : `${wrap(line, outputWidth(io))}\n`);
    return interruptExit(interrupts.heard!);
  }
  if (options.json) {
    io.out(JSON.stringify({ ...r, recipe }, null, 2) + '\n');
  } else {
    io.out(renderBench(r, makeStyle(io.env)) + makeStyle(io.env).dim(replayLine(recipe)) + '\n');
  }
  return r.ok ? EXIT.held : EXIT.violated;
}

function renderBench(r: BenchResult, c: ReturnType<typeof makeStyle>): string {
  const f = (n: number, digits = 0): string => n.toLocaleString('en-US', { maximumFractionDigits: digits, minimumFractionDigits: digits });
  const table = makeTable(['measure', 'value']);
  table.push(
    ['orders (happy path, faults off)', f(r.orders)],
    ['storage', r.storage],
    ['sagas/s', f(r.sagasPerSec)],
    ['messages/s', f(r.messagesPerSec)],
    ['local commits per saga', f(r.txPerSaga, 2)],
    ['latency per saga, wall ms (median / p99)', `${f(r.wallMsPerSaga.median, 1)} / ${f(r.wallMsPerSaga.p99, 1)}`],
    ['virtual ticks per saga (median / p99)', `${f(r.virtualTicksPerSaga.median)} / ${f(r.virtualTicksPerSaga.p99)}`],
    ['peak RSS (MB)', f(r.peakRssMb)],
    ['SQLite ceiling: 3-statement tx/s', f(r.ceilingTxPerSec)],
    ['SQLite ceiling: sagas/s (tx/s ÷ 11)', f(r.ceilingSagasPerSec)],
    ['ratio (sagas/s ÷ ceiling)', f(r.ratio, 3)],
    ['SQL floor: its own statements alone, sagas/s', r.floorSagasPerSec === null ? '- (20,000 orders at most)' : f(r.floorSagasPerSec)],
    ['ratio to the SQL floor (sagas/s ÷ floor)', r.floorRatio === null ? '-' : f(r.floorRatio, 3)],
  );
  const verdict = r.ok
    ? c.green('every saga completed and every invariant held')
    : c.red.bold('FAIL: not every saga completed consistently');
  return `${table.toString()}\n${verdict}\n${f(r.seconds, 2)} s running, then ${f(r.checkSeconds, 2)} s reading back and checking\n`;
}

/** Seeds/s of the default fuzz workload (every defence on, no shrinking), on one worker and on every core. Ctrl-C reports the rates measured so far. */
async function benchFuzz(seeds: number, json: boolean, io: CliIo): Promise<ExitCode> {
  const recipe: Recipe = { command: 'bench-fuzz', seeds };
  const progress = makeProgress(io, json);
  const interrupts = listenForInterrupts(io, progress, 'seed');
  const workers = availableParallelism();
  const rates: { workers: number; seedsRun: number; seedsPerSec: number; violations: number }[] = [];
  try {
    for (const w of [1, workers]) {
      if (interrupts.heard) break;
      const { summary, timing } = await fuzz({
        range: { from: 1, seeds },
        disabled: [],
        workers: w,
        shrink: false,
        shouldStop: () => interrupts.heard !== null,
        onProgress: (done) => progress.show(`bench --fuzz: ${plural(w, 'worker')}, ${done}/${seeds} seeds`),
      });
      rates.push({
        workers: w,
        seedsRun: summary.seedsRun,
        seedsPerSec: summary.seedsRun / timing.sweepSeconds,
        violations: summary.violations.length,
      });
    }
  } finally {
    interrupts.stop();
    progress.end();
  }
  const violations = rates.reduce((n, r) => n + r.violations, 0);
  if (json) {
    io.out(JSON.stringify({ seeds, workers, rates, violations, recipe, stopped: interrupts.heard }, null, 2) + '\n');
  } else {
    const table = makeTable(['fuzz, default workload, in memory', 'seeds run', 'seeds/s']);
    for (const r of rates) table.push([plural(r.workers, 'worker'), r.seedsRun, r.seedsPerSec.toFixed(0)]);
    io.out(`${table.toString()}\n${plural(violations, 'violation')}\n`);
    if (interrupts.heard) io.out(`stopped by ${interrupts.heard} before every rate was measured\n`);
    io.out(makeStyle(io.env).dim(replayLine(recipe)) + '\n');
  }
  if (interrupts.heard) return interruptExit(interrupts.heard);
  return violations === 0 ? EXIT.held : EXIT.violated;
}
