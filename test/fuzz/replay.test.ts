import { describe, expect, it } from 'vitest';
import { withDisabled } from '../../src/defences/index.js';
import { caseInput, generateCase, readReplayFile, runCase, writeReplayFile } from '../../src/fuzz/index.js';
import { scratchDir } from '../helpers.js';

describe('recorded schedules', () => {
  it.each([2, 9, 23, 57])('seed %i: replaying the recorded schedule alone gives the same run (same digest)', (seed) => {
    const c = generateCase(seed);
    const original = runCase(caseInput(c));
    const replayed = runCase({ seed, workload: c.workload, schedule: original.schedule });
    expect(replayed.digest).toBe(original.digest);
    expect(replayed.schedule).toEqual(original.schedule);
  });

  it('a replay file round-trips: written, read back, rerun, same violation and digest', () => {
    const dir = scratchDir('failures');
    const defences = withDisabled(['idempotency']);
    const workload = {
      stock: [{ sku: 'SKU-A', units: 5, priceCents: 100 }],
      customers: [{ customer: 'c', balanceCents: 10_000 }],
      orders: [{ orderId: 'order-1', customer: 'c', sku: 'SKU-A', qty: 1, atTick: 0 }],
    };
    const schedule = [{ kind: 'duplicate-delivery', type: 'payment.charge', nth: 1 } as const];
    const run = runCase({ seed: 5, workload, schedule, defences });
    expect(run.violations.map((v) => v.name)).toContain('single-charge');
    const path = writeReplayFile(
      {
        format: 'saga-lab-replay/1',
        build: 'test',
        seed: 5,
        disabled: ['idempotency'],
        invariant: 'single-charge',
        detail: '',
        workload,
        schedule: run.schedule,
        digest: run.digest,
      },
      dir,
    );
    const back = readReplayFile(path);
    const again = runCase({ seed: back.seed, workload: back.workload, schedule: back.schedule, defences: withDisabled(back.disabled) });
    expect(again.digest).toBe(run.digest);
    expect(again.violations.map((v) => v.name)).toContain('single-charge');
  });

  it('a file that is not a replay file is refused with a sentence', () => {
    expect(() => readReplayFile('package.json')).toThrow(/package.json is not a valid saga-lab replay file: at format, /);
    expect(() => readReplayFile('.saga/nope.json')).toThrow(/no such file/);
  });
});
