import { describe, expect, it } from 'vitest';
import { FAULT_PROFILES, type FaultProfile } from '../../src/chaos/index.js';
import type { TraceEvent } from '../../src/kernel/index.js';
import { simulate, type Workload } from '../../src/world/index.js';

const workload: Workload = {
  stock: [{ sku: 'SKU-A', units: 6, priceCents: 100 }],
  customers: ['a', 'b', 'c', 'd'].map((customer) => ({ customer, balanceCents: customer === 'd' ? 0 : 10_000 })),
  orders: ['a', 'b', 'c', 'd'].map((customer, i) => ({ orderId: `order-${i}`, customer, sku: 'SKU-A', qty: 2, atTick: i * 3 })),
};
// Every family of fault, kills included: the run depends on many decisions a listener could disturb if it could.
const stormy: FaultProfile = {
  ...FAULT_PROFILES.chaotic!,
  name: 'stormy',
  kill: 0.05,
  maxDownTicks: 80,
  failCommand: 0.05,
  throwCommand: 0.02,
};
const run = (onEvent?: (e: TraceEvent) => void) =>
  simulate({
    seed: 3,
    storage: 'memory',
    dataDir: '',
    workload,
    profile: stormy,
    script: [],
    keepTrace: false,
    faultPhaseTicks: 2_000,
    maxTicks: 200_000,
    ...(onEvent ? { onEvent } : {}),
  });

describe('the trace is observation only', () => {
  it('a listener that throws, or one that is slow, changes no digest and no outcome', () => {
    const quiet = run();
    expect(quiet.eventCounts.crash).toBeGreaterThan(0);
    let seen = 0;
    const throwing = run(() => {
      if (++seen % 3 === 0) throw new Error('a report listener failed');
    });
    let spin = 0;
    const slow = run(() => {
      for (let i = 0; i < 2_000; i++) spin += i % 7;
    });
    expect(throwing.digest).toBe(quiet.digest);
    expect(slow.digest).toBe(quiet.digest);
    expect(throwing.schedule).toEqual(quiet.schedule);
    expect(throwing.invariants).toEqual(quiet.invariants);
    // What the listener threw is not lost: the run says so.
    expect(throwing.listenerFailures.length).toBe(Math.floor(seen / 3));
    expect(throwing.listenerFailures[0]).toMatch(/a report listener failed$/);
    expect(quiet.listenerFailures).toEqual([]);
    expect(spin).toBeGreaterThan(0);
  });
});
