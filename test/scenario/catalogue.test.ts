import { describe, expect, it } from 'vitest';
import { ORCHESTRATED } from '../helpers.js';
import { SCENARIOS } from '../../scenarios/index.js';
import { INVARIANTS } from '../../src/check/index.js';
import { DEFENCE_NAMES, withDisabled, type DefenceName } from '../../src/defences/index.js';
import { FAULT_PROFILES } from '../../src/chaos/index.js';
import { planCrashMatrix, runCrashMatrix, runCrashPoint, runDefenceAb, runScenario } from '../../src/scenario/index.js';

const INVARIANT_NAMES = new Set(INVARIANTS.map((i) => i.name));

describe('the fault catalogue', () => {
  it('holds every scenario the catalogue promises', () => {
    const promised = [
      'happy-path',
      'insufficient-stock',
      'payment-declined',
      'fulfillment-fails',
      'notification-fails',
      'duplicate-delivery',
      'duplicate-storm',
      'lossy-network',
      'reorder-and-delay',
      'crash-mid-payment',
      'crash-before-publish',
      'crash-after-commit-before-ack',
      'crash-during-compensation',
      'compensation-retry',
      'compensation-exhausted',
      'step-timeout',
      'transient-outage',
      'late-reply-after-timeout',
      'concurrent-orders',
      'poison-message',
      'full-restart',
      'peak-load',
    ];
    expect(SCENARIOS.map((s) => s.name)).toEqual(expect.arrayContaining(promised));
    for (const s of SCENARIOS) {
      expect(s.description.length, s.name).toBeGreaterThan(20);
      expect(s.fault.length, s.name).toBeGreaterThan(0);
    }
  });
});

describe('every scenario under every fault profile overlay', () => {
  it.each(Object.keys(FAULT_PROFILES))('%s: consistent, outcome within what the scenario says may vary', (name) => {
    const failures = ORCHESTRATED.filter((s) => s.name !== 'peak-load').flatMap((scenario) => {
      const { result } = runScenario({ scenario, seed: 17, storage: 'memory', profile: FAULT_PROFILES[name]! });
      return [...result.invariants, ...result.expectations].filter((r) => !r.ok).map((r) => `${scenario.name}: ${r.name}: ${r.detail}`);
    });
    expect(failures).toEqual([]);
  });
});

describe('switching a defence off breaks an invariant in at least one scenario', () => {
  it.each(DEFENCE_NAMES)('%s', (defence) => {
    const rows = runDefenceAb(ORCHESTRATED, [defence], 1);
    expect(rows.every((r) => r.withDefence)).toBe(true);
    const invariantsBroken = rows.flatMap((r) =>
      r.broken.filter((b) => INVARIANT_NAMES.has(b.name)).map((b) => `${r.scenario}: ${b.name}: ${b.detail}`),
    );
    expect(invariantsBroken.length, `nothing broke without ${defence}`).toBeGreaterThan(0);
    // A learner can read what went wrong: the detail names a saga, a SKU, an order or a queue.
    expect(invariantsBroken.join('\n')).toMatch(/saga \d+|SKU-|order|queue/);
  });
});

describe('the crash matrix', () => {
  it('passes at every crash point of every baseline, inside transactions and between phases, short and long kills, forward and while compensating', () => {
    const rows = runCrashMatrix(3);
    expect(rows.filter((r) => !r.ok).map((r) => `${r.label}: ${r.failed.map((f) => f.detail).join('; ')}`)).toEqual([]);
    const components = new Set(rows.map((r) => r.point.component));
    expect([...components].sort()).toEqual(['fulfillment', 'inventory', 'notification', 'orchestrator', 'order', 'payment', 'reconciler']);
    expect(new Set(rows.map((r) => r.point.moment))).toEqual(
      new Set(['before-commit', 'after-commit', 'after-handling', 'after-ack', 'after-publish']),
    );
    expect(new Set(rows.map((r) => r.point.baseline))).toEqual(
      new Set(['forward', 'compensation', 'contended', 'undo-retried', 'poisoned', 'parked', 'relay-refused']),
    );
    expect(new Set(rows.map((r) => r.point.downTicks))).toEqual(new Set([40, 150]));
    // Restarts that forget their timers, which only the reconciler recovers from; and kills while an order awaits approval.
    expect(rows.some((r) => r.point.forgetsTimers)).toBe(true);
    expect(rows.some((r) => r.point.baseline === 'parked' && r.point.type === 'operator.approve')).toBe(true);
    expect(rows.some((r) => r.point.compensating)).toBe(true);
    // Kills at the orchestrator's timer work: a deadline or backoff fires in a transaction of its own.
    expect(rows.some((r) => r.point.component === 'orchestrator' && r.point.type === 'timer')).toBe(true);
  });

  it('catches a crash between commit and publish once the outbox is switched off, and never one before it', () => {
    const rows = runCrashMatrix(3, withDisabled(['outbox']));
    const failed = rows.filter((r) => !r.ok);
    expect(failed.length).toBeGreaterThan(0);
    // Without an outbox a message lives in memory from the commit until the relay publishes it: only a crash in that window loses it.
    const moments = (of: typeof rows) => new Set(of.map((r) => r.point.moment));
    expect(moments(failed.filter((r) => r.point.baseline !== 'relay-refused'))).toEqual(
      new Set(['after-commit', 'after-handling', 'after-ack']),
    );
    // A publish the broker refused keeps it there for ticks: a kill anywhere in them loses it, even before another message's commit.
    const refused = failed.filter((r) => r.point.baseline === 'relay-refused');
    expect(moments(refused)).toContain('before-commit');
    expect(refused.every((r) => r.point.type === 'notification.send.done')).toBe(true);
  });

  it('fails with each of the seven defences switched off', () => {
    const planned = planCrashMatrix(3);
    // Stops at the first failing point: the matrix need not run whole to show it sees the defence.
    const firstFailure = (defence: DefenceName) => {
      for (const point of planned) {
        const row = runCrashPoint(point, 3, withDisabled([defence]));
        if (!row.ok) return row;
      }
      return undefined;
    };
    for (const defence of DEFENCE_NAMES) expect(firstFailure(defence)?.label, defence).toBeDefined();
  });
});
