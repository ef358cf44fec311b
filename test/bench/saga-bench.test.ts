import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { benchWorkload, measureSqliteCeiling, MIN_COMMITS_PER_SAGA, runSagaBench } from '../../src/bench/index.js';
import { scratchDir } from '../helpers.js';

// Speed targets live in `npm run bench`; these only check that the benchmark measures what it says.
describe('saga bench', () => {
  it('runs happy-path sagas to completion and reports every measure', () => {
    const r = runSagaBench(60, 'memory', scratchDir('bench'));
    expect(r.ok).toBe(true);
    expect(r.orders).toBe(60);
    // A five-step saga needs at least 11 local commits; ours adds the two completion commands and relay confirmations.
    expect(r.txPerSaga).toBeGreaterThanOrEqual(MIN_COMMITS_PER_SAGA);
    expect(r.ceilingSagasPerSec).toBeCloseTo(r.ceilingTxPerSec / MIN_COMMITS_PER_SAGA);
    expect(r.ratio).toBeCloseTo(r.sagasPerSec / r.ceilingSagasPerSec);
    expect(r.virtualTicksPerSaga.median).toBeGreaterThan(0);
    expect(r.peakRssMb).toBeGreaterThan(0);
  });

  it('the ceiling runs on files too', () => {
    expect(measureSqliteCeiling('file', 200, join(scratchDir('bench'), 'ceiling'))).toBeGreaterThan(0);
  });

  it('the bench workload is happy: stock and money for every order', () => {
    const w = benchWorkload(250);
    expect(w.orders).toHaveLength(250);
    const units = w.stock.reduce((n, s) => n + s.units, 0);
    expect(units).toBeGreaterThanOrEqual(250);
  });
});
