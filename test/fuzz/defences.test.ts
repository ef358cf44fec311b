import { describe, expect, it } from 'vitest';
import { DEFENCE_NAMES, withDisabled } from '../../src/defences/index.js';
import { caseInput, generateCase, runCase, shrink } from '../../src/fuzz/index.js';

const MAX_SEEDS = 2_000;
const MAX_FAULTS = 5;
const MAX_ORDERS = 3;

describe('with a defence switched off, the fuzzer finds a violation and shrinks it to at most 5 faults and 3 orders', () => {
  it.each(DEFENCE_NAMES)(
    '%s',
    async (defence) => {
      const defences = withDisabled([defence]);
      let tried = 0;
      let smallest = Infinity;
      let fewestOrders = Infinity;
      for (let seed = 1; seed <= MAX_SEEDS && tried < 3 && (smallest > MAX_FAULTS || fewestOrders > MAX_ORDERS); seed++) {
        const c = generateCase(seed);
        const found = runCase(caseInput(c, defences));
        if (found.ok) continue;
        tried++;
        const invariant = found.violations[0]!.name;
        const small = await shrink(seed, c.workload, found.schedule, invariant, { defences });
        if (small.kind !== 'shrunk') throw new Error(small.detail);
        smallest = Math.min(smallest, small.schedule.length);
        if (small.schedule.length <= MAX_FAULTS) fewestOrders = Math.min(fewestOrders, small.workload.orders.length);
        if (small.schedule.length <= MAX_FAULTS) {
          // The shrunk schedule replays exactly, and still breaks the same invariant.
          const again = runCase({ seed, workload: small.workload, schedule: small.schedule, defences });
          expect(again.digest).toBe(small.result.digest);
          expect(again.violations.map((v) => v.name)).toContain(invariant);
          // And the defence is what stops it: the same story with the defence on holds.
          expect(runCase({ seed, workload: small.workload, schedule: small.schedule }).violations.map((v) => v.name)).not.toContain(
            invariant,
          );
        }
      }
      expect(tried, `no violation in ${MAX_SEEDS} seeds without ${defence}`).toBeGreaterThan(0);
      expect(smallest).toBeLessThanOrEqual(MAX_FAULTS);
      // Faults are addressed to the saga they hit, so the workload shrinks too: removing an order leaves the other faults in place.
      expect(fewestOrders).toBeLessThanOrEqual(MAX_ORDERS);
    },
    180_000,
  );
});
