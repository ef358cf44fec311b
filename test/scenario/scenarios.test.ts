import { describe, expect, it } from 'vitest';
import { SCENARIOS } from '../../scenarios/index.js';
import { FAULT_PROFILES } from '../../src/chaos/index.js';
import { randomStreams } from '../../src/kernel/index.js';
import { notApplicable, runScenario, shopWorkload, type Scenario } from '../../src/scenario/index.js';
import { STYLES } from '../../src/protocol/index.js';
import { ALL_DEFENCES } from '../../src/defences/index.js';
import { simulate, type RunOutcome } from '../../src/world/index.js';
import { compensationOrder } from '../../scenarios/expectations.js';
import { ownStyle, scratchDir } from '../helpers.js';

// Twenty seeds per scenario, spread over the whole seed range.
const SEEDS = [...Array.from({ length: 18 }, (_, i) => 1 + i * 7919), 99_999, 4_294_967_295];

describe.each(SCENARIOS.map((s) => [s.name, s] as const))('%s', (_name, scenario) => {
  it.each(SEEDS)('holds every invariant and expectation with seed %i', (seed) => {
    const { result } = runScenario({ scenario, seed, storage: 'memory', ...ownStyle(scenario) });
    const failures = [...result.invariants, ...result.expectations].filter((r) => !r.ok);
    expect(failures).toEqual([]);
    expect(result.ok).toBe(true);
  });
});

// A set piece must survive the network around it: a scenario's own checks name what it shows, not the one timing a calm run gives.
describe.each(STYLES)('under the chaotic profile, in %s', (style) => {
  const applicable = SCENARIOS.filter((s) => notApplicable(s, { style }) === null);
  const coordination = style === 'orchestration' ? {} : { coordination: { style, compensator: 'janitor' as const } };
  it.each([1, 2, 3])('every scenario that applies holds its own checks with seed %i', (seed) => {
    const failed = applicable.flatMap((scenario) => {
      const { result } = runScenario({ scenario, seed, storage: 'memory', profile: FAULT_PROFILES.chaotic!, ...coordination });
      return [...result.invariants, ...result.expectations].filter((r) => !r.ok).map((r) => `${scenario.name}: ${r.name}: ${r.detail}`);
    });
    expect(applicable.length).toBeGreaterThan(10);
    expect(failed).toEqual([]);
  });
});

describe('determinism', () => {
  const crash = SCENARIOS.find((s) => s.name === 'crash-mid-payment')!;

  it('the same seed gives the same digest and byte-identical JSON, run after run and with either storage', () => {
    const dataRoot = scratchDir('runs');
    const json = (storage: 'memory' | 'file') => JSON.stringify(runScenario({ scenario: crash, seed: 11, storage, dataRoot }).result);
    const first = json('memory');
    expect(json('memory')).toBe(first);
    expect(json('file')).toBe(first);
  });

  it('every scenario gives the same report and digest in memory and on files', () => {
    const dataRoot = scratchDir('runs');
    for (const scenario of SCENARIOS) {
      const json = (storage: 'memory' | 'file') =>
        JSON.stringify(runScenario({ scenario, seed: 7, storage, dataRoot, ...ownStyle(scenario) }).result);
      expect(json('file'), scenario.name).toBe(json('memory'));
    }
  });

  it('different seeds give different runs', () => {
    const digest = (seed: number) => runScenario({ scenario: crash, seed, storage: 'memory' }).result.digest;
    expect(digest(1)).not.toBe(digest(2));
  });

  it('keeping the trace does not change the digest', () => {
    const run = (keepTrace: boolean) =>
      simulate({
        seed: 5,
        storage: 'memory',
        dataDir: '',
        workload: shopWorkload(randomStreams(5).workload, crash.shop),
        profile: FAULT_PROFILES.chaotic!,
        script: crash.faults,
        keepTrace,
        faultPhaseTicks: 5_000,
        maxTicks: 100_000,
      });
    const kept = run(true);
    expect(kept.traceEvents.length).toBeGreaterThan(0);
    expect(run(false).traceEvents).toEqual([]);
    expect(kept.digest).toBe(run(false).digest);
  });

  it('stays consistent and deterministic under a seeded fault profile on top', () => {
    for (const profile of Object.values(FAULT_PROFILES)) {
      const run = () => runScenario({ scenario: crash, seed: 21, storage: 'memory', profile, overrides: { orders: 8 } }).result;
      const a = run();
      expect(
        [...a.invariants, ...a.expectations].filter((r) => !r.ok),
        profile.name,
      ).toEqual([]);
      expect(run().digest).toBe(a.digest);
    }
  });
});

describe('the scenarios show what they claim', () => {
  it('duplicate-delivery: one charge, and the duplicate skipped in the trace', () => {
    const scenario = SCENARIOS.find((s) => s.name === 'duplicate-delivery')!;
    const { result, outcome } = runScenario({ scenario, seed: 4, storage: 'memory' });
    expect(result.services.payment.charges).toBe(1);
    expect(outcome.traceEvents.some((e) => e.kind === 'skip' && e.actor === 'payment' && e.type === 'payment.charge')).toBe(true);
  });

  it('duplicate-after-window: the late copy gets past the inbox, which forgot its id, and the business key catches it', () => {
    const scenario = SCENARIOS.find((s) => s.name === 'duplicate-after-window')!;
    const paymentSkip = (s: Scenario) =>
      runScenario({ scenario: s, seed: 4, storage: 'memory' }).outcome.traceEvents.find((e) => e.kind === 'skip' && e.actor === 'payment')
        ?.detail;
    expect(paymentSkip(scenario)).toBe('already done for this saga (business key)');
    // An inbox that remembers for ever stops the same copy itself.
    const { dedupeWindowTicks: _window, ...forever } = scenario;
    expect(paymentSkip(forever)).toBe('message id already in inbox');
    // Without idempotency, nothing stops it.
    const { result } = runScenario({ scenario, seed: 4, storage: 'memory', defences: { ...ALL_DEFENCES, idempotency: false } });
    expect(result.invariants.find((i) => i.name === 'single-charge')?.ok).toBe(false);
  });

  it('crash-mid-payment: the orchestrator dies after the charge is published, before its reply is handled', () => {
    const scenario = SCENARIOS.find((s) => s.name === 'crash-mid-payment')!;
    const { outcome } = runScenario({ scenario, seed: 4, storage: 'memory' });
    const lines = outcome.traceEvents;
    const crash = lines.findIndex((e) => e.kind === 'crash' && e.actor === 'orchestrator');
    const charge = lines.findIndex((e) => e.kind === 'publish' && e.type === 'payment.charge');
    const reply = lines.findIndex((e) => e.kind === 'handle' && e.actor === 'orchestrator' && e.type === 'payment.charge.done');
    expect(charge).toBeGreaterThanOrEqual(0);
    expect(crash).toBeGreaterThan(charge);
    expect(reply).toBeGreaterThan(crash);
    expect(lines.some((e) => e.kind === 'restart' && e.actor === 'orchestrator')).toBe(true);
  });

  it('payment-declined: the stock comes back and nothing is charged', () => {
    const scenario = SCENARIOS.find((s) => s.name === 'payment-declined')!;
    const { result } = runScenario({ scenario, seed: 4, storage: 'memory' });
    expect(result.services.payment.charges).toBe(0);
    expect(result.services.order.CANCELLED).toBe(result.sagas.length);
    expect(result.services.inventory.reservations.RELEASED).toBe(result.sagas.length);
  });
});

describe('scenario checks compare whole sequences', () => {
  const outcome = (types: string[]) =>
    ({
      traceEvents: types.map((type, i) => ({ kind: 'handle', tick: i, actor: type.split('.')[0], type, sagaId: 'saga-1' })),
      snapshot: { sagas: [{ id: 'saga-1' }] },
    }) as unknown as RunOutcome;

  it('the compensation order fails on a compensation it did not list, a missing one, or the wrong order', () => {
    const expected = ['payment.refund', 'inventory.release', 'order.cancel'];
    expect(compensationOrder(outcome(['payment.charge', ...expected]), expected)).toEqual([]);
    expect(compensationOrder(outcome(['fulfillment.cancel', ...expected]), expected)).toHaveLength(1);
    expect(compensationOrder(outcome(expected.slice(1)), expected)).toHaveLength(1);
    expect(compensationOrder(outcome([...expected].reverse()), expected)).toHaveLength(1);
  });
});
