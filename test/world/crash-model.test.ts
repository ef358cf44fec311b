import { describe, expect, it } from 'vitest';
import { FAULT_PROFILES } from '../../src/chaos/index.js';
import { withDisabled } from '../../src/defences/index.js';
import { World, type Workload } from '../../src/world/index.js';

const workload: Workload = {
  stock: [{ sku: 'SKU-A', units: 10, priceCents: 100 }],
  customers: [{ customer: 'alice', balanceCents: 10_000 }],
  orders: [{ orderId: 'order-1', customer: 'alice', sku: 'SKU-A', qty: 1, atTick: 0 }],
};

/** A one-order world; the reconciler is off, so that the only timers are the saga's and the only messages its own. */
function world(): World {
  return new World({
    seed: 1,
    storage: 'memory',
    dataDir: '',
    workload,
    profile: FAULT_PROFILES.calm!,
    script: [],
    keepTrace: true,
    defences: withDisabled(['reconciliation']),
  });
}

/** One tick, all five phases, kills applied between phases as the simulation does. */
function tick(w: World, at: number, stopAfter?: 'deliver'): void {
  w.clock.advanceTo(at);
  const phases = [() => w.fireTimers(), () => w.deliver(), () => w.ack(), () => w.relayPublish(), () => w.relayConfirm()];
  for (const [i, phase] of phases.entries()) {
    phase();
    w.crashes.applyPending();
    if (stopAfter === 'deliver' && i === 1) return;
  }
}

const count = (w: World, sql: string): unknown => w.host('orchestrator').database().prepare(sql).pluck().get();

describe('crash model', () => {
  it('a crash forgets the timers of the component, keeps its database, and the restart re-arms them from the persisted deadlines', () => {
    const w = world();
    for (let t = 0; t <= 1; t++) tick(w, t);
    // The saga has started and waits for the order service's reply, with a timer for its deadline.
    expect(count(w, 'select count(*) from sagas')).toBe(1);
    const timersBefore = w.scheduler.size;
    expect(timersBefore).toBeGreaterThan(0);
    w.crashes.kill({ component: 'orchestrator', downTicks: 10 });
    expect(w.host('orchestrator').up).toBe(false);
    expect(w.scheduler.size).toBe(1); // only the crash model's own restart timer is left
    expect(count(w, 'select count(*) from sagas')).toBe(1);
    tick(w, 11);
    expect(w.host('orchestrator').up).toBe(true);
    expect(w.scheduler.size).toBe(timersBefore);
    expect(
      w.trace
        .events()
        .filter((e) => e.kind === 'crash' || e.kind === 'restart')
        .map((e) => `${e.tick} ${e.kind} ${e.actor}`),
    ).toEqual(['1 crash orchestrator', '11 restart orchestrator']);
    w.close();
  });

  it('a restart that forgets its timers comes back without them: the saga keeps its deadline in the database, and nothing will fire it', () => {
    const w = world();
    for (let t = 0; t <= 1; t++) tick(w, t);
    w.crashes.kill({ component: 'orchestrator', downTicks: 10, forgetsTimers: true });
    tick(w, 11);
    expect(w.host('orchestrator').up).toBe(true);
    expect(w.scheduler.size).toBe(0);
    expect(count(w, 'select count(*) from sagas where deadline_tick is not null')).toBe(1);
    expect(w.trace.events().find((e) => e.kind === 'restart')?.detail).toBe('without its timers');
    w.close();
  });

  it('a crash between handling and acking forgets the ack: the delivery goes back to the queue at once and is redelivered', () => {
    const w = world();
    tick(w, 0);
    tick(w, 1, 'deliver');
    // The orchestrator committed the new saga but has not acked the place-order message.
    expect(w.host('orchestrator').acks).toHaveLength(1);
    w.crashes.kill({ component: 'orchestrator', downTicks: 5 });
    expect(w.broker.depths().orchestrator).toBe(1);
    tick(w, 6);
    tick(w, 7);
    const redelivered = w.trace
      .events()
      .filter((e) => e.kind === 'redeliver' || e.kind === 'skip')
      .map((e) => `${e.kind} ${e.detail}`);
    expect(redelivered).toEqual(['redeliver consumer crashed', 'skip message id already in inbox']);
    w.close();
  });

  it('kills decided at a moment wait for the phase boundary, and killing a component that is down, or restarting one that is up, does nothing', () => {
    const w = new World({
      seed: 1,
      storage: 'memory',
      dataDir: '',
      workload,
      profile: FAULT_PROFILES.calm!,
      keepTrace: true,
      script: [{ kind: 'kill', component: 'order', when: { on: 'handle', type: 'order.create' }, downTicks: 50 }],
    });
    w.crashes.at({ on: 'handle', actor: 'order', type: 'order.create' });
    expect(w.host('order').up).toBe(true);
    w.crashes.applyPending();
    expect(w.crashes.down()).toEqual(['order']);
    w.crashes.kill({ component: 'order', downTicks: 5 });
    w.crashes.restart('inventory');
    expect(w.trace.events().map((e) => `${e.kind} ${e.actor} ${e.detail ?? ''}`)).toEqual(['crash order down for 50 ticks']);
    w.close();
  });
});
