import { runSagaBench, type BenchResult } from '../bench/index.js';
import type { CliIo } from './cli-io.js';
import { parseStorage } from './parse-options.js';
import { makeStyle, makeTable } from './style.js';
import { parseWholeNumber } from './usage-error.js';

export interface BenchOptions {
  readonly orders: string;
  readonly storage: string;
  readonly json?: boolean;
}

/** `saga bench`: happy-path sagas as fast as the engine goes, against the SQLite ceiling measured right before. */
export function benchCommand(options: BenchOptions, io: CliIo): number {
  const orders = parseWholeNumber('--orders', options.orders, 1, 10_000_000);
  const storage = parseStorage(options.storage);
  const r = runSagaBench(orders, storage);
  if (options.json) {
    io.out(JSON.stringify(r, null, 2) + '\n');
  } else {
    io.out(renderBench(r, makeStyle(io.env)));
  }
  return r.ok ? 0 : 1;
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
  const verdict = r.ok ? c.green('every saga completed and every invariant held') : c.red.bold('FAIL: not every saga completed consistently');
  return `${table.toString()}\n${verdict} (${f(r.seconds, 2)} s)\n`;
}
