import { availableParallelism } from 'node:os';
import { runSagaBench, type BenchResult } from '../bench/index.js';
import { fuzz } from '../fuzz/index.js';
import { wallClockMs } from '../kernel/index.js';
import { plural } from './user-text.js';
import type { CliIo } from './cli-io.js';
import { sagaDir } from './saga-home.js';
import { EXIT, type ExitCode } from './exit-codes.js';
import { parseStorage } from './parse-options.js';
import { makeProgress } from './progress.js';
import { makeStyle, makeTable } from './style.js';
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
  const progress = makeProgress(io, options.json === true);
  const r = runSagaBench(orders, storage, sagaDir(io, 'bench'), (done) =>
    progress.show(`bench: ${done.toLocaleString('en-US')} of ${orders.toLocaleString('en-US')} sagas`),
  );
  progress.end();
  if (options.json) {
    io.out(JSON.stringify(r, null, 2) + '\n');
  } else {
    io.out(renderBench(r, makeStyle(io.env)));
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
    ['wall ms per saga (median / p99)', `${f(r.wallMsPerSaga.median, 1)} / ${f(r.wallMsPerSaga.p99, 1)}`],
    ['virtual ticks per saga (median / p99)', `${f(r.virtualTicksPerSaga.median)} / ${f(r.virtualTicksPerSaga.p99)}`],
    ['peak RSS (MB)', f(r.peakRssMb)],
    ['SQLite ceiling: 3-statement tx/s', f(r.ceilingTxPerSec)],
    ['SQLite ceiling: sagas/s (tx/s ÷ 11)', f(r.ceilingSagasPerSec)],
    ['ratio (sagas/s ÷ ceiling)', f(r.ratio, 3)],
  );
  const verdict = r.ok
    ? c.green('every saga completed and every invariant held')
    : c.red.bold('FAIL: not every saga completed consistently');
  return `${table.toString()}\n${verdict} (${f(r.seconds, 2)} s running, then ${f(r.checkSeconds, 2)} s reading back and checking)\n`;
}

/** Seeds/s of the default fuzz workload (every defence on, no shrinking), on one worker and on every core. */
async function benchFuzz(seeds: number, json: boolean, io: CliIo): Promise<ExitCode> {
  const rate = async (workers: number): Promise<{ seedsPerSec: number; violations: number }> => {
    const start = wallClockMs();
    const { summary } = await fuzz({ range: { from: 1, seeds }, disabled: [], workers, shrink: false });
    return { seedsPerSec: seeds / ((wallClockMs() - start) / 1000), violations: summary.violations.length };
  };
  const workers = availableParallelism();
  const single = await rate(1);
  const all = await rate(workers);
  const result = {
    seeds,
    workers,
    singleWorkerSeedsPerSec: single.seedsPerSec,
    allWorkersSeedsPerSec: all.seedsPerSec,
    violations: all.violations,
  };
  if (json) {
    io.out(JSON.stringify(result, null, 2) + '\n');
  } else {
    const table = makeTable(['fuzz, default workload, in memory', 'seeds/s']);
    table.push(['1 worker', single.seedsPerSec.toFixed(0)], [plural(workers, 'worker'), all.seedsPerSec.toFixed(0)]);
    io.out(`${table.toString()}\n${plural(seeds, 'seed')} each, ${plural(all.violations, 'violation')}\n`);
  }
  return all.violations === 0 ? EXIT.held : EXIT.violated;
}
