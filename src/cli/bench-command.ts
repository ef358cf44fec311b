import { availableParallelism } from 'node:os';
import { runSagaBench, type BenchResult } from '../bench/index.js';
import { replayLine, styleShape, type Recipe } from '../scenario/index.js';
import { STYLES } from '../protocol/index.js';
import type { Coordination } from '../world/index.js';
import { plural } from './user-text.js';
import { outputWidth, type CliIo } from './cli-io.js';
import { ensureFolder, sagaDir } from './saga-home.js';
import { EXIT, interruptExit, type ExitCode } from './exit-codes.js';
import { listenForInterrupts } from './interrupts.js';
import { parseCoordination, parseStorage } from './parse-options.js';
import { makeProgress } from './progress.js';
import { makeStyle, makeTable, wrap } from './style.js';
import { parseWholeNumber, UsageError } from './usage-error.js';

export interface BenchOptions {
  readonly orders: string;
  readonly storage: string;
  readonly json?: boolean;
  readonly fuzz?: boolean;
  readonly seeds: string;
  readonly style?: string;
  readonly compensator?: string;
}

/** `saga bench`: happy-path sagas as fast as the engine goes, against the SQLite ceiling measured right before; `--fuzz`: fuzz seeds/s. */
export async function benchCommand(options: BenchOptions, io: CliIo): Promise<ExitCode> {
  if (options.fuzz) return benchFuzz(parseWholeNumber('--seeds', options.seeds, 1, 1_000_000), options.json === true, io);
  const orders = parseWholeNumber('--orders', options.orders, 1, 10_000_000);
  const storage = parseStorage(options.storage);
  const every = options.style === 'all';
  if (every && options.compensator !== undefined)
    throw new UsageError('--style all runs each style with its default compensator; drop --compensator, or name one style.');
  const one = every ? undefined : parseCoordination(options.style, options.compensator);
  const styles: ReadonlyArray<Coordination | undefined> = every
    ? STYLES.map((style) => ({ style, compensator: 'janitor' as const }))
    : [one];
  const recipe: Recipe = { command: 'bench', orders, storage, ...(every ? { style: 'all' as const } : styleShape(one)) };
  const progress = makeProgress(io, options.json === true);
  const interrupts = listenForInterrupts(io, progress, 'tick');
  const results: BenchResult[] = [];
  let r: Awaited<ReturnType<typeof runSagaBench>> | undefined;
  try {
    // Files only for file storage: the SQLite ceiling's database and the world's.
    const dir = storage === 'file' ? ensureFolder(sagaDir(io, 'bench')) : sagaDir(io, 'bench');
    for (const how of styles) {
      const name = how?.style ?? 'orchestration';
      r = await runSagaBench(
        orders,
        storage,
        dir,
        {
          onProgress: (done) =>
            progress.show(`bench${every ? ` ${name}` : ''}: ${done.toLocaleString('en-US')} of ${orders.toLocaleString('en-US')} sagas`),
          shouldStop: () => interrupts.heard !== null,
        },
        how,
      );
      if ('stopped' in r) break;
      results.push(r);
    }
  } finally {
    interrupts.stop();
    progress.end();
  }
  if (r && 'stopped' in r) {
    // Nothing was checked, so there is no verdict: only how far it got.
    const line = `stopped by ${interrupts.heard} after ${r.completed.toLocaleString('en-US')} of ${orders.toLocaleString('en-US')} sagas completed (${Math.round(r.sagasPerSec).toLocaleString('en-US')} sagas/s so far); nothing was checked`;
    io.out(options.json ? JSON.stringify({ ...r, by: interrupts.heard, recipe }, null, 2) + '\n' : `${wrap(line, outputWidth(io))}\n`);
    return interruptExit(interrupts.heard!);
  }
  const c = makeStyle(io.env);
  if (options.json) {
    io.out(JSON.stringify(every ? { styles: results, recipe } : { ...results[0]!, recipe }, null, 2) + '\n');
  } else {
    io.out((every ? renderStyles(results, c, outputWidth(io)) : renderBench(results[0]!, c)) + c.dim(replayLine(recipe)) + '\n');
  }
  return results.every((x) => x.ok) ? EXIT.held : EXIT.violated;
}

/** The styles side by side, from one run each: what coordinating the same orders costs each way. */
function renderStyles(results: readonly BenchResult[], c: ReturnType<typeof makeStyle>, width: number): string {
  const f = (n: number, digits = 0): string => n.toLocaleString('en-US', { maximumFractionDigits: digits, minimumFractionDigits: digits });
  const table = makeTable(
    [
      'style',
      'sagas/s',
      'messages per saga',
      'commits per saga',
      'virtual ticks per saga (median / p99)',
      'ratio to its SQL floor',
      'result',
    ],
    [15, 9, 10, 10, 16, 10, 8],
    width,
  );
  for (const r of results)
    table.push([
      r.style,
      f(r.sagasPerSec),
      f(r.messagesPerSaga, 2),
      f(r.txPerSaga, 2),
      `${f(r.virtualTicksPerSaga.median)} / ${f(r.virtualTicksPerSaga.p99)}`,
      r.floorRatio === null ? '-' : f(r.floorRatio, 3),
      r.ok ? c.green('pass') : c.red.bold('FAIL'),
    ]);
  const first = results[0]!;
  return `${table.toString()}\n${f(first.orders)} happy-path orders each, ${first.storage} storage, faults off; one run per style, one after the other in this process\n`;
}

function renderBench(r: BenchResult, c: ReturnType<typeof makeStyle>): string {
  const f = (n: number, digits = 0): string => n.toLocaleString('en-US', { maximumFractionDigits: digits, minimumFractionDigits: digits });
  const table = makeTable(['measure', 'value']);
  table.push(
    ['orders (happy path, faults off)', f(r.orders)],
    ['storage', r.storage],
    ['style', r.style],
    ['sagas/s', f(r.sagasPerSec)],
    ['messages/s', f(r.messagesPerSec)],
    ['messages per saga', f(r.messagesPerSaga, 2)],
    ['local commits per saga', f(r.txPerSaga, 2)],
    ['inbox dedupe window (ticks)', f(r.dedupeWindowTicks)],
    ['latency per saga, wall ms (median / p99)', `${f(r.wallMsPerSaga.median, 1)} / ${f(r.wallMsPerSaga.p99, 1)}`],
    ['virtual ticks per saga (median / p99)', `${f(r.virtualTicksPerSaga.median)} / ${f(r.virtualTicksPerSaga.p99)}`],
    ['peak RSS while running (MB)', f(r.peakRssMb)],
    ['RSS after reading back and checking (MB)', f(r.rssAfterCheckMb)],
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
      // Loaded here: the fuzzer's file schemas would otherwise count in the sagas' bench's memory.
      const { fuzz } = await import('../fuzz/index.js');
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
