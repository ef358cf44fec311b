import { describe, expect, it } from 'vitest';
import { FAULT_PROFILES } from '../../src/chaos/index.js';
import { simulate, type Workload } from '../../src/world/index.js';

const shop = (orders: Workload['orders']): Workload => ({
  stock: [{ sku: 'SKU-A', units: 10, priceCents: 100 }],
  customers: [{ customer: 'alice', balanceCents: 10_000 }],
  orders,
});
const order = (orderId: string, atTick: number) => ({ orderId, customer: 'alice', sku: 'SKU-A', qty: 1, atTick });
const run = (workload: Workload, maxTicks = 10_000) =>
  simulate({
    seed: 1,
    storage: 'memory',
    dataDir: '',
    workload,
    profile: FAULT_PROFILES.calm!,
    script: [],
    keepTrace: false,
    faultPhaseTicks: 0,
    maxTicks,
  });

describe('order arrivals', () => {
  it('places orders by tick, and orders of one tick in workload order, whatever order the workload lists them in', () => {
    const outcome = run(shop([order('late-1', 30), order('early', 0), order('late-2', 30)]));
    // Placed at its tick, published in that tick's relay phase, started by the orchestrator the tick after.
    expect(outcome.snapshot.sagas.map((s) => `${s.startedTick} ${s.orderId}`)).toEqual(['1 early', '31 late-1', '31 late-2']);
  });

  it('a run stopped before every order arrived says how many were never placed', () => {
    const outcome = run(shop([order('now', 0), order('much-later', 5_000)]), 100);
    expect(outcome.snapshot.settled).toBe(false);
    expect(outcome.snapshot.pending).toContain('1 orders not yet placed');
  });
});
