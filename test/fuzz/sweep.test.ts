import { describe, expect, it } from 'vitest';
import { COVERAGE_PATHS, fuzz, mergeShards, seedsOf } from '../../src/fuzz/index.js';

describe('fuzz sweep', () => {
  it('with every defence on, a sweep finds no violation and reaches the paths that matter', async () => {
    const { summary } = await fuzz({ range: { from: 1, seeds: 150 }, disabled: [], workers: 1, shrink: false });
    expect(summary.violations).toEqual([]);
    expect(summary.seedsRun).toBe(150);
    const reached = COVERAGE_PATHS.filter((p) => (summary.coverage[p] ?? 0) > 0);
    for (const path of [
      'compensate:inventory.release',
      'compensate:payment.refund',
      'timeout',
      'duplicate-skipped',
      'crash-recovery',
    ] as const) {
      expect(reached, path).toContain(path);
    }
  });

  it('gives the same summary whatever the worker count', async () => {
    const range = { from: 40, seeds: 48 };
    const one = await fuzz({ range, disabled: [], workers: 1, shrink: false });
    const two = await fuzz({ range, disabled: [], workers: 2, shrink: false });
    expect(two.summary).toEqual(one.summary);
  });

  it('shards cover every seed once and merge to the totals of one run', async () => {
    const range = { from: 1, seeds: 30 };
    const shards = [1, 2, 3].map((index) => ({ ...range, shard: { index, count: 3 } }));
    expect(shards.flatMap(seedsOf).sort((a, b) => a - b)).toEqual(seedsOf(range));
    const parts = await Promise.all(shards.map((r) => fuzz({ range: r, disabled: ['idempotency'], workers: 1, shrink: false })));
    const whole = await fuzz({ range, disabled: ['idempotency'], workers: 1, shrink: false });
    const merged = mergeShards(parts.map((p, i) => ({ file: `shard${i + 1}.json`, summary: p.summary })));
    expect(merged.seedsRun).toBe(whole.summary.seedsRun);
    expect(merged.violations).toEqual(whole.summary.violations);
    expect(merged.byInvariant).toEqual(whole.summary.byInvariant);
    expect(merged.coverage).toEqual(whole.summary.coverage);
    expect(merged.faultsInjected).toBe(whole.summary.faultsInjected);
  });
});
