import { describe, expect, it } from 'vitest';
import { checkWorld, readSnapshot } from '../../src/check/index.js';
import { FAULT_PROFILES } from '../../src/chaos/index.js';
import { World } from '../../src/world/index.js';

describe('the checker reads the real databases', () => {
  it('a charge written behind the orchestrator’s back, and stock that vanished, are caught', () => {
    const world = new World({
      seed: 1,
      storage: 'memory',
      dataDir: '',
      profile: FAULT_PROFILES.calm!,
      script: [],
      keepTrace: false,
      workload: { stock: [{ sku: 'SKU-A', units: 5, priceCents: 100 }], customers: [{ customer: 'c', balanceCents: 1000 }], orders: [] },
    });
    const dbs = Object.fromEntries(world.components.map((n) => [n, world.host(n).database()])) as Parameters<typeof readSnapshot>[0];
    const check = () =>
      Object.fromEntries(
        checkWorld(
          readSnapshot(dbs, world.broker, {
            settled: true,
            pending: [],
            stockViolationDuringRun: null,
            toleratedDeadLetters: 0,
            faultsInjected: 0,
            ordersPlaced: 0,
            approvalThresholdCents: 50_000,
            timersForgotten: 0,
          }),
        ).map((r) => [r.name, r.ok]),
      );
    expect(Object.values(check()).every(Boolean)).toBe(true);
    dbs.payment!.prepare("insert into charges values ('ch-1', 'saga-x', 'c', 100, 'CHARGED', null, 0)").run();
    dbs.inventory!.prepare("update stock set available = 4 where sku = 'SKU-A'").run();
    const after = check();
    expect(after['single-charge']).toBe(false);
    expect(after['money-conserved']).toBe(false);
    expect(after['stock-conserved']).toBe(false);
    // One reservation sent five times (five message ids in the inventory's inbox): one more than its retry policy allows.
    for (let i = 1; i <= 5; i++)
      dbs.inventory!.prepare(`insert into inbox values ('os-00000${i}-x', 'inventory.reserve', 'saga-y', ${i})`).run();
    expect(check()['sends-within-policy']).toBe(false);
    world.close();
  });
});
