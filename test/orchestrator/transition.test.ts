import { describe, expect, it } from 'vitest';
import { newSaga, PLACE_ORDER_SAGA, SagaStatus, transition, type SagaEvent, type SagaState } from '../../src/orchestrator/index.js';
import { lateUndosOf, MAX_LATE_UNDOS, withLateUndo } from '../../src/orchestrator/saga-state.js';
import { DEFAULT_APPROVAL } from '../../src/orchestrator/saga-definition.js';

const options = { retryCompensations: true, approval: DEFAULT_APPROVAL };

const def = PLACE_ORDER_SAGA;
const payload = { orderId: 'order-1', customer: 'c', sku: 'SKU-A', qty: 1, amountCents: 100 };
const steps = def.steps;

/** Feeds events one after another, collecting every command type sent. */
function drive(events: SagaEvent[], start: SagaState = newSaga('saga-1', payload)) {
  let saga = start;
  let now = 0;
  const sent: string[] = [];
  const deadLetters: string[] = [];
  for (const event of events) {
    if (event.kind === 'deadline') now = saga.deadlineTick ?? now;
    const t = transition(def, saga, event, now);
    saga = t.saga;
    sent.push(...t.commands.map((c) => c.type));
    deadLetters.push(...t.deadLetters.map((d) => d.command));
  }
  return { saga, sent, deadLetters };
}

const done = (command: string): SagaEvent => ({ kind: 'reply', command, ok: true });
const failed = (command: string): SagaEvent => ({ kind: 'reply', command, ok: false, reason: 'no' });
const deadline: SagaEvent = { kind: 'deadline' };

describe('transition', () => {
  it('runs the steps in order and completes, then confirms the order and commits the stock', () => {
    const { saga, sent } = drive([{ kind: 'start' }, ...steps.map((s) => done(s.command))]);
    expect(saga.status).toBe(SagaStatus.Completed);
    expect(sent).toEqual([...steps.map((s) => s.command), 'inventory.commit', 'order.confirm']);
    expect(saga.deadlineTick).toBeNull();
  });

  it('on a failure at step N compensates steps N-1..1 in reverse order, not step N itself', () => {
    const { saga, sent } = drive([
      { kind: 'start' },
      done('order.create'),
      done('inventory.reserve'),
      done('payment.charge'),
      failed('fulfillment.schedule'),
      done('payment.refund'),
      done('inventory.release'),
      done('order.cancel'),
    ]);
    expect(sent.slice(4)).toEqual(['payment.refund', 'inventory.release', 'order.cancel']);
    expect(saga.status).toBe(SagaStatus.Compensated);
  });

  it('a failure at the first step has nothing to undo', () => {
    const { saga, sent } = drive([{ kind: 'start' }, failed('order.create')]);
    expect(saga.status).toBe(SagaStatus.Compensated);
    expect(sent).toEqual(['order.create']);
  });

  it('retries a silent step with backoff, then gives up and compensates it too', () => {
    const attempts = steps[0]!.retry.maxAttempts;
    const events: SagaEvent[] = [{ kind: 'start' }, done('order.create'), done('inventory.reserve')];
    for (let i = 1; i < attempts; i++) events.push(deadline, deadline); // timeout, then end of backoff → resend
    events.push(deadline); // the last timeout: give up
    const { saga, sent } = drive(events);
    expect(sent.filter((c) => c === 'payment.charge')).toHaveLength(attempts);
    expect(saga.status).toBe(SagaStatus.Compensating);
    // The charge may have happened without an answer, so it is refunded before anything else.
    expect(sent.at(-1)).toBe('payment.refund');
  });

  it('waits longer before each retry', () => {
    let saga = drive([{ kind: 'start' }]).saga;
    const waits: number[] = [];
    for (let i = 0; i < 3; i++) {
      const timedOut = transition(def, saga, deadline, saga.deadlineTick!).saga;
      waits.push(timedOut.deadlineTick! - saga.deadlineTick!);
      saga = transition(def, timedOut, deadline, timedOut.deadlineTick!).saga;
    }
    expect(waits[1]).toBeGreaterThan(waits[0]!);
    expect(waits[2]).toBeGreaterThan(waits[1]!);
  });

  it('retries a failing compensation until it succeeds', () => {
    const { saga, sent } = drive([
      { kind: 'start' },
      done('order.create'),
      done('inventory.reserve'),
      failed('payment.charge'),
      failed('inventory.release'),
      deadline,
      failed('inventory.release'),
      deadline,
      done('inventory.release'),
      done('order.cancel'),
    ]);
    expect(sent.filter((c) => c === 'inventory.release')).toHaveLength(3);
    expect(saga.status).toBe(SagaStatus.Compensated);
  });

  it('parks a compensation that keeps failing, finishes the rest, and ends FAILED', () => {
    const cap = steps[1]!.compensationRetry.maxAttempts;
    const events: SagaEvent[] = [{ kind: 'start' }, done('order.create'), done('inventory.reserve'), failed('payment.charge')];
    for (let i = 1; i < cap; i++) events.push(failed('inventory.release'), deadline);
    events.push(failed('inventory.release'), done('order.cancel'));
    const { saga, sent, deadLetters } = drive(events);
    expect(deadLetters).toEqual(['inventory.release']);
    expect(sent.at(-1)).toBe('order.cancel');
    expect(saga.status).toBe(SagaStatus.Failed);
  });

  describe('a person acts on the dead letter', () => {
    /** A saga parked FAILED: its release gave up, the order was cancelled; and what it sent to get there. */
    const parked = () => {
      const cap = steps[1]!.compensationRetry.maxAttempts;
      const events: SagaEvent[] = [{ kind: 'start' }, done('order.create'), done('inventory.reserve'), failed('payment.charge')];
      for (let i = 1; i < cap; i++) events.push(failed('inventory.release'), deadline);
      events.push(failed('inventory.release'), done('order.cancel'));
      return drive(events).saga;
    };
    const act = (kind: 'redrive' | 'resolve'): SagaEvent => ({ kind, letter: 1, step: 1, by: 'alice', note: 'fixed' });

    it('redriven: the compensation goes again with a fresh budget, and once it works the saga ends COMPENSATED without undoing anything twice', () => {
      const first = transition(def, parked(), act('redrive'), 2000);
      expect(first.commands.map((c) => c.type)).toEqual(['inventory.release']);
      expect(first.saga).toMatchObject({ status: SagaStatus.Compensating, step: 1, attempt: 1, deadLetters: 0, redriving: 1 });
      expect(first.log).toEqual(['inventory.release redriven by alice: fixed']);
      const { saga, sent } = drive([done('inventory.release')], first.saga);
      expect(sent).toEqual([]);
      expect(saga).toMatchObject({ status: SagaStatus.Compensated, redriving: null });
    });

    it('redriven and failing again: parked again after its budget, and nothing below it is undone again', () => {
      const cap = steps[1]!.compensationRetry.maxAttempts;
      const start = transition(def, parked(), act('redrive'), 2000).saga;
      const events: SagaEvent[] = [];
      for (let i = 1; i < cap; i++) events.push(failed('inventory.release'), deadline);
      events.push(failed('inventory.release'));
      const { saga, sent, deadLetters } = drive(events, start);
      expect(sent.filter((c) => c !== 'inventory.release')).toEqual([]);
      expect(deadLetters).toEqual(['inventory.release']);
      expect(saga).toMatchObject({ status: SagaStatus.Failed, deadLetters: 1, redriving: null });
    });

    it('asked while the saga is still compensating: it waits, nothing changes', () => {
      const compensating = drive([{ kind: 'start' }, done('order.create'), done('inventory.reserve'), failed('payment.charge')]).saga;
      const t = transition(def, compensating, act('redrive'), 50);
      expect(t.commands).toEqual([]);
      expect(t.saga).toBe(compensating);
      expect(t.log).toEqual(['redrive of inventory.release by alice waits for the compensation in progress to end']);
    });

    it('resolved by hand: counted done; the last open letter makes the saga COMPENSATED', () => {
      const t = transition(def, parked(), act('resolve'), 2000);
      expect(t.commands).toEqual([]);
      expect(t.saga).toMatchObject({ status: SagaStatus.Compensated, deadLetters: 0 });
      const two = transition(def, { ...parked(), deadLetters: 2 }, act('resolve'), 2000);
      expect(two.saga).toMatchObject({ status: SagaStatus.Failed, deadLetters: 1 });
    });
  });

  it('undoes a success that arrives after the saga gave up on the step', () => {
    const attempts = steps[2]!.retry.maxAttempts;
    const events: SagaEvent[] = [{ kind: 'start' }, done('order.create'), done('inventory.reserve')];
    for (let i = 1; i < attempts; i++) events.push(deadline, deadline);
    events.push(deadline, done('payment.refund'), done('inventory.release'), done('order.cancel'));
    const before = drive(events);
    expect(before.saga.status).toBe(SagaStatus.Compensated);
    const late = transition(def, before.saga, done('payment.charge'), 10_000);
    expect(late.commands.map((c) => c.type)).toEqual(['payment.refund']);
    expect(late.saga.status).toBe(SagaStatus.Compensated);
    // Once for each time the charge was tried: any more successes are copies of an answer
    // (an inbox past its dedupe window took them for new), and undo nothing more.
    let saga = late.saga;
    const refunds: string[] = [...late.commands.map((c) => c.type)];
    for (let i = 0; i < attempts + 2; i++) {
      const again = transition(def, saga, done('payment.charge'), 10_001 + i);
      refunds.push(...again.commands.map((c) => c.type));
      saga = again.saga;
    }
    expect(refunds).toEqual(Array.from({ length: attempts }, () => 'payment.refund'));
    expect(saga.status).toBe(SagaStatus.Compensated);
    // Without idempotency there is no such count: every one is undone again.
    const unbounded = transition(def, saga, done('payment.charge'), 20_000, { ...options, boundLateSuccesses: false });
    expect(unbounded.commands.map((c) => c.type)).toEqual(['payment.refund']);
  });

  it('counts late successes four bits a step, each up to 15, for the first eight steps', () => {
    let packed = 0;
    for (let i = 0; i < 20; i++) packed = withLateUndo(packed, 7);
    packed = withLateUndo(withLateUndo(packed, 0), 0);
    expect([lateUndosOf(packed, 7), lateUndosOf(packed, 0), lateUndosOf(packed, 1)]).toEqual([MAX_LATE_UNDOS, 2, 0]);
    expect(withLateUndo(packed, 8)).toBe(packed);
    expect(lateUndosOf(packed, 8)).toBe(0);
  });

  it('ignores a stale reply and a duplicate start', () => {
    const running = drive([{ kind: 'start' }, done('order.create')]).saga;
    const stale = transition(def, running, done('order.create'), 5);
    expect(stale.commands).toEqual([]);
    expect(stale.saga).toEqual(running);
    expect(transition(def, running, { kind: 'start' }, 5).commands).toEqual([]);
  });

  it('never gives up on the irreversible last step because of silence', () => {
    let saga = drive([{ kind: 'start' }, ...steps.slice(0, -1).map((s) => done(s.command))]).saga;
    for (let i = 0; i < 50; i++) saga = transition(def, saga, deadline, saga.deadlineTick!).saga;
    expect(saga.status).toBe(SagaStatus.Running);
    expect(saga.step).toBe(steps.length - 1);
  });

  it('is pure: it never changes the state it is given, and what happened in between does not change its answer', () => {
    const saga = deepFreeze(drive([{ kind: 'start' }, done('order.create')]).saga);
    // A frozen input: any write to it throws.
    const first = transition(def, saga, done('inventory.reserve'), 7);
    // Other sagas moving in between leave no trace in this one's answer.
    drive([{ kind: 'start' }, failed('order.create'), deadline]);
    expect(transition(def, saga, done('inventory.reserve'), 7)).toEqual(first);
    expect(first.saga).not.toBe(saga);
    expect(first.commands).toEqual([{ service: 'payment', type: 'payment.charge' }]);
  });
});

function deepFreeze<T>(value: T): T {
  if (value && typeof value === 'object') {
    for (const v of Object.values(value)) deepFreeze(v);
    Object.freeze(value);
  }
  return value;
}

describe('the point of no return', () => {
  const refusedForGood: SagaEvent = {
    kind: 'reply',
    command: 'fulfillment.cancel',
    ok: false,
    reason: 'shipment dispatched at tick 9: it cannot be cancelled',
    permanent: true,
  };
  const escalating: SagaEvent[] = [
    { kind: 'start' },
    ...['order.create', 'inventory.reserve', 'payment.charge', 'fulfillment.schedule'].map(done),
    failed('notification.send'),
    refusedForGood,
  ];

  it('a compensation refused for good is not retried: the saga stops undoing, ESCALATED, with a dead letter', () => {
    const { saga, sent, deadLetters } = drive(escalating);
    expect(saga).toMatchObject({ status: SagaStatus.Escalated, deadLetters: 1, waiting: 'nothing', deadlineTick: null });
    // Nothing below the shipment is undone: refunding goods already on their way would be worse.
    expect(sent.slice(5)).toEqual(['fulfillment.cancel']);
    expect(deadLetters).toEqual(['fulfillment.cancel']);
  });

  it('once a person resolves it (the parcel recalled), the saga undoes the steps below and ends COMPENSATED', () => {
    const resolve: SagaEvent = { kind: 'resolve', letter: 1, step: 3, by: 'ana', note: 'parcel recalled' };
    const { saga, sent } = drive([...escalating, resolve, done('payment.refund'), done('inventory.release'), done('order.cancel')]);
    expect(saga.status).toBe(SagaStatus.Compensated);
    expect(sent.slice(6)).toEqual(['payment.refund', 'inventory.release', 'order.cancel']);
  });

  it('a redrive that works this time (the parcel came back) goes on to undo the steps below: COMPENSATED', () => {
    const redrive: SagaEvent = { kind: 'redrive', letter: 1, step: 3, by: 'ana', note: 'parcel back' };
    const rest = ['fulfillment.cancel', 'payment.refund', 'inventory.release', 'order.cancel'].map(done);
    const { saga, sent } = drive([...escalating, redrive, ...rest]);
    expect(sent.slice(6)).toEqual(['fulfillment.cancel', 'payment.refund', 'inventory.release', 'order.cancel']);
    expect(saga).toMatchObject({ status: SagaStatus.Compensated, deadLetters: 0, redriving: null });
  });

  it('a redrive starts at once, and is refused for good again', () => {
    const redrive: SagaEvent = { kind: 'redrive', letter: 1, step: 3, by: 'ana', note: 'try again' };
    const { saga, sent } = drive([...escalating, redrive, refusedForGood]);
    expect(sent.at(-1)).toBe('fulfillment.cancel');
    expect(saga).toMatchObject({ status: SagaStatus.Escalated, redriving: null, deadLetters: 1 });
  });
});
