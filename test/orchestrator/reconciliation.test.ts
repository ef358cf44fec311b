import { describe, expect, it } from 'vitest';
import { approvalEscalated } from '../../scenarios/approval-escalated.js';
import { stuckSagaReconciled } from '../../scenarios/stuck-saga-reconciled.js';
import { withDisabled } from '../../src/defences/index.js';
import {
  DEFAULT_RECONCILIATION,
  newSaga,
  PLACE_ORDER_SAGA,
  SagaStatus,
  transition,
  type SagaEvent,
  type SagaState,
} from '../../src/orchestrator/index.js';
import { sagaEventsOf } from '../../src/protocol/index.js';
import { runScenario, type Scenario } from '../../src/scenario/index.js';

const payload = { orderId: 'order-1', customer: 'c', sku: 'SKU-A', qty: 1, amountCents: 100 };
const done = (command: string): SagaEvent => ({ kind: 'reply', command, ok: true });
const { stuckAfterTicks, compensateAfterTicks } = DEFAULT_RECONCILIATION;
const stuck = (compensate = false): SagaEvent => ({
  kind: 'stuck',
  idleTicks: compensate ? compensateAfterTicks : stuckAfterTicks,
  compensate,
});

/** A saga after these events, each a tick apart. */
function after(events: SagaEvent[]): SagaState {
  let saga = newSaga('saga-1', payload);
  events.forEach((e, i) => (saga = transition(PLACE_ORDER_SAGA, saga, e, i).saga));
  return saga;
}
const charging = after([{ kind: 'start' }, done('order.create'), done('inventory.reserve')]);

describe('the stuck transition: the reconciler does now what a lost timer would have done', () => {
  it('sends the current action again, as the next attempt, and waits for it with a fresh deadline', () => {
    const t = transition(PLACE_ORDER_SAGA, charging, stuck(), 2_000);
    expect(t.commands.map((c) => c.type)).toEqual(['payment.charge']);
    expect(t.saga).toMatchObject({ status: SagaStatus.Running, attempt: 2, waiting: 'reply', deadlineTick: 2_100 });
    expect(t.log.join('; ')).toBe('reconciler: no progress for 1000 ticks and its timer lost; sending payment.charge again (attempt 2)');
  });

  it('past its retry budget, gives up as the saga would have: the step is compensated', () => {
    const spent = { ...charging, attempt: PLACE_ORDER_SAGA.steps[2]!.retry.maxAttempts };
    const t = transition(PLACE_ORDER_SAGA, spent, stuck(), 2_000);
    expect(t.saga.status).toBe(SagaStatus.Compensating);
    expect(t.commands.map((c) => c.type)).toEqual(['payment.refund']);
  });

  it('past the second SLA, compensates a forward step that can be undone, but only resends the one that cannot', () => {
    const t = transition(PLACE_ORDER_SAGA, charging, stuck(true), 4_000);
    expect(t.events.map((e) => e.kind)).toEqual(['stuck', 'reconciler-compensates']);
    expect(t.commands.map((c) => c.type)).toEqual(['payment.refund']);
    const notifying = after([
      { kind: 'start' },
      ...['order.create', 'inventory.reserve', 'payment.charge', 'fulfillment.schedule'].map(done),
    ]);
    expect(transition(PLACE_ORDER_SAGA, notifying, stuck(true), 4_000).commands.map((c) => c.type)).toEqual(['notification.send']);
  });

  it('resends a compensation; an ended saga is left alone', () => {
    const undoing = after([{ kind: 'start' }, done('order.create'), { kind: 'reply', command: 'inventory.reserve', ok: false }]);
    expect(undoing.status).toBe(SagaStatus.Compensating);
    expect(transition(PLACE_ORDER_SAGA, undoing, stuck(true), 4_000).commands.map((c) => c.type)).toEqual(['order.cancel']);
    const ended = after([{ kind: 'start' }, { kind: 'reply', command: 'order.create', ok: false }]);
    const t = transition(PLACE_ORDER_SAGA, ended, stuck(), 4_000);
    expect(t.commands).toEqual([]);
    expect(t.saga).toBe(ended);
  });
});

/** The facts the orchestrator recorded over a run. */
const factsOf = (scenario: Scenario, disabled: Parameters<typeof withDisabled>[0] = []) => {
  const { result, outcome } = runScenario({ scenario, seed: 1, storage: 'memory', defences: withDisabled(disabled) });
  return { result, outcome, facts: outcome.traceEvents.flatMap(sagaEventsOf).map((f) => f.kind) };
};

describe('the reconciler in a world', () => {
  it('finds the saga a forgetful restart left waiting, and it completes; switched off, the saga waits forever', () => {
    const on = factsOf(stuckSagaReconciled);
    expect(on.result.ok).toBe(true);
    expect(on.facts).toContain('resent');
    expect(on.outcome.snapshot.stuckSagas).toEqual([{ sagaId: 'saga-001' }]);
    const off = factsOf(stuckSagaReconciled, ['reconciliation']);
    expect(off.result.invariants.find((i) => i.name === 'saga-terminal')).toMatchObject({ ok: false, detail: 'saga 001 still RUNNING' });
  });

  it('rests when nothing is left to watch, so a world still goes idle, and is woken by the next saga', () => {
    const late: Scenario = { ...stuckSagaReconciled, name: 'late', faults: [], toleratedDeadLetters: 0, expect: () => [] };
    const { outcome } = factsOf({ ...late, shop: { orders: 2, arrivalTicks: 50 } });
    const reconciler = outcome.traceEvents.filter((e) => e.kind === 'handle' && e.actor === 'reconciler').map((e) => e.detail);
    // At start-up it sweeps at once and rests; the first saga wakes it; its next sweep finds nothing left and it rests again.
    expect(reconciler).toEqual([
      'no saga to watch: resting until woken',
      'woken: next sweep in 500 ticks',
      'no saga to watch: resting until woken',
    ]);
    expect(outcome.snapshot.settled).toBe(true);
  });

  it('woken while a sweep is out, it keeps watching whatever that sweep answers: the answer counted before the saga started', () => {
    // The first answer (nothing to watch) crashes its handler once and comes back after the visibility timeout, long after the wake.
    const late: Scenario = {
      ...stuckSagaReconciled,
      name: 'late-answer',
      faults: [{ kind: 'fail-command', type: 'reconcile.sweep.done', mode: 'throw', nth: 1 }],
      toleratedDeadLetters: 0,
      expect: () => [],
    };
    const { outcome } = factsOf(late);
    const notes = outcome.traceEvents.filter((e) => e.kind === 'handle' && e.actor === 'reconciler').map((e) => e.detail);
    expect(notes.slice(0, 3)).toEqual([
      'woken while sweep 1 is out: watching on whatever it finds',
      '0 stuck of 0 unfinished; next sweep in 500 ticks',
      'no saga to watch: resting until woken',
    ]);
  });

  it('an approval escalated to a person is not watched, so the reconciler may rest; the decision wakes it', () => {
    const { outcome } = factsOf(approvalEscalated);
    const reconciler = outcome.traceEvents
      .filter((e) => e.kind === 'handle' && e.actor === 'reconciler')
      .map((e) => `${e.tick} ${e.detail}`);
    const decided = outcome.traceEvents.find((e) => sagaEventsOf(e).some((f) => f.kind === 'approved'))!.tick;
    const restedWhileEscalated = reconciler.filter((l) => l.endsWith('resting until woken') && Number(l.split(' ')[0]) < decided);
    const wokenAfter = reconciler.filter((l) => l.includes('woken: next sweep') && Number(l.split(' ')[0]) > decided);
    expect(restedWhileEscalated.length).toBeGreaterThan(1);
    expect(wokenAfter).toHaveLength(1);
  });

  it('a sweep it sent before a crash is answered, and ignored, once it has sent a newer one', () => {
    const crashing: Scenario = {
      ...stuckSagaReconciled,
      name: 'reconciler-crash',
      faults: [{ kind: 'kill', component: 'reconciler', when: { on: 'publish', type: 'reconcile.sweep', nth: 2 }, downTicks: 5 }],
      toleratedDeadLetters: 0,
      expect: () => [],
    };
    const { result, outcome } = factsOf(crashing);
    expect(result.ok).toBe(true);
    const notes = outcome.traceEvents.filter((e) => e.kind === 'handle' && e.actor === 'reconciler').map((e) => e.detail);
    expect(notes).toContain('answer to sweep 2, not the latest');
  });
});
