import { beforeAll, describe, expect, it } from 'vitest';
import { happyPath } from '../../scenarios/happy-path.js';
import { paymentDeclined } from '../../scenarios/payment-declined.js';
import { manualApproval } from '../../scenarios/manual-approval.js';
import {
  approvalBeforeCharge,
  brokerDrained,
  nothingStuck,
  calmRunCompletes,
  compensationOrder,
  deadLettersEarned,
  sendsWithinPolicy,
  checkWorld,
  moneyConserved,
  refundsWithinCharges,
  noOrphanReservation,
  notificationOnce,
  orderMatchesSaga,
  sagaTerminal,
  shipmentMatches,
  singleCharge,
  stockConserved,
  type Invariant,
  type WorldSnapshot,
} from '../../src/check/index.js';
import { runScenario } from '../../src/scenario/index.js';

let completed: WorldSnapshot;
let compensated: WorldSnapshot;
/** Three large orders: one approved and completed, one rejected, one past its SLA (rejected by the saga). */
let decided: WorldSnapshot;
/** The same orders with nobody deciding and the escalate policy: all three AWAITING_APPROVAL, each with a dead letter for a person. */
let escalated: WorldSnapshot;

beforeAll(() => {
  decided = runScenario({ scenario: manualApproval, seed: 3, storage: 'memory' }).outcome.snapshot;
  const nobody = { ...manualApproval, operator: [], approval: { ...manualApproval.approval, onSla: 'escalate' as const } };
  escalated = runScenario({ scenario: nobody, seed: 3, storage: 'memory' }).outcome.snapshot;
  completed = runScenario({ scenario: happyPath, seed: 3, storage: 'memory' }).outcome.snapshot;
  compensated = runScenario({ scenario: paymentDeclined, seed: 3, storage: 'memory' }).outcome.snapshot;
});

/** Asserts the invariant holds on the real world and fails on the broken copy, naming the problem. */
function catches(invariant: Invariant, good: () => WorldSnapshot, breakIt: (w: WorldSnapshot) => WorldSnapshot, detail: RegExp): void {
  expect(invariant.check(good()).ok).toBe(true);
  const result = invariant.check(breakIt(structuredClone(good())));
  expect(result.ok).toBe(false);
  expect(result.detail).toMatch(detail);
}

describe('every invariant holds on a consistent world', () => {
  it('after a completed and a compensated run', () => {
    expect(checkWorld(completed).filter((r) => !r.ok)).toEqual([]);
    expect(checkWorld(compensated).filter((r) => !r.ok)).toEqual([]);
    expect(checkWorld(decided).filter((r) => !r.ok)).toEqual([]);
    expect(checkWorld(escalated).filter((r) => !r.ok)).toEqual([]);
    expect(escalated.sagas.map((s) => s.status)).toEqual(Array(3).fill('AWAITING_APPROVAL'));
    const byOrder = [...decided.sagas].sort((a, b) => a.orderId.localeCompare(b.orderId));
    expect(byOrder.map((s) => [s.orderId, s.status, s.approvedBy])).toEqual([
      ['order-001', 'COMPLETED', 'ana'],
      ['order-002', 'COMPENSATED', null],
      ['order-003', 'COMPENSATED', null],
    ]);
    // The sixteen the README documents, in its order: none dropped or renamed unnoticed.
    expect(checkWorld(completed).map((r) => r.name)).toEqual([
      'saga-terminal',
      'order-matches-saga',
      'stock-conserved',
      'no-orphan-reservation',
      'single-charge',
      'money-conserved',
      'refunds-within-charges',
      'shipment-matches',
      'notification-once',
      'broker-drained',
      'dead-letters-earned',
      'compensation-order',
      'sends-within-policy',
      'approval-before-charge',
      'nothing-stuck',
      'calm-run-completes',
    ]);
  });
});

describe('each invariant fails on a broken world', () => {
  const first = (w: WorldSnapshot) => w.sagas[0]!;
  const set = <T>(o: T, patch: Partial<T>): T => Object.assign(o as object, patch) as T;

  it('saga-terminal: a saga left running, a FAILED saga with no dead letter, a run that never settled', () => {
    catches(
      sagaTerminal,
      () => completed,
      (w) => (set(first(w), { status: 'RUNNING' }), w),
      /still RUNNING/,
    );
    catches(
      sagaTerminal,
      () => completed,
      (w) => (set(first(w), { status: 'FAILED' }), w),
      /without a dead-letter/,
    );
    catches(
      sagaTerminal,
      () => completed,
      (w) => ({ ...w, settled: false, pending: ['3 timers'] }),
      /did not settle: 3 timers/,
    );
    catches(
      sagaTerminal,
      () => completed,
      (w) => (set(first(w), { status: 'ESCALATED' }), w),
      /ESCALATED without a dead-letter/,
    );
    // Waiting for a person is an end only once a person was told (an escalated approval's dead letter).
    catches(
      sagaTerminal,
      () => escalated,
      (w) => ({ ...w, sagaDeadLetters: w.sagaDeadLetters.slice(1) }),
      /still AWAITING_APPROVAL, and no person was told/,
    );
  });

  it('approval-before-charge: a large order charged with nobody approving it; a parked order charged, shipped, or holding no stock', () => {
    const approved = (w: WorldSnapshot) => w.sagas.find((s) => s.approvedBy !== null)!;
    catches(
      approvalBeforeCharge,
      () => decided,
      (w) => (set(approved(w), { approvedBy: null }), w),
      /charged 60000 cents with no approval/,
    );
    // The threshold is the run's: the same charge under a higher one needed nobody.
    expect(approvalBeforeCharge.check({ ...structuredClone(decided), approvalThresholdCents: 60_001 }).ok).toBe(true);
    const parked = (w: WorldSnapshot) => w.sagas[0]!;
    catches(
      approvalBeforeCharge,
      () => escalated,
      (w) => ({ ...w, charges: [{ id: 'ch-1', sagaId: parked(w).id, customer: 'c', amountCents: 60_000, status: 'CHARGED', tick: 5 }] }),
      /AWAITING_APPROVAL but already charged/,
    );
    catches(
      approvalBeforeCharge,
      () => escalated,
      (w) => ({ ...w, shipments: [{ sagaId: parked(w).id, status: 'SCHEDULED', tick: 9 }] }),
      /AWAITING_APPROVAL but a shipment is scheduled/,
    );
    catches(
      approvalBeforeCharge,
      () => escalated,
      (w) => ({ ...w, notifications: [{ sagaId: parked(w).id, channel: 'email' }] }),
      /AWAITING_APPROVAL but the customer was notified/,
    );
    catches(
      approvalBeforeCharge,
      () => escalated,
      (w) => ({ ...w, reservations: w.reservations.filter((r) => r.sagaId !== parked(w).id) }),
      /AWAITING_APPROVAL holds 0 reservations, not 1/,
    );
  });

  it('order-matches-saga: a completed saga whose order is still pending, an order placed and never started', () => {
    catches(
      orderMatchesSaga,
      () => completed,
      (w) => (set(w.orders[0]!, { status: 'PENDING' }), w),
      /COMPLETED but order PENDING/,
    );
    catches(
      orderMatchesSaga,
      () => compensated,
      (w) => (set(w.orders[0]!, { status: 'CONFIRMED' }), w),
      /COMPENSATED but order CONFIRMED/,
    );
    // A place-order lost before any saga started leaves no row anywhere: the client's count is what tells.
    catches(
      orderMatchesSaga,
      () => completed,
      (w) => ({ ...w, ordersPlaced: w.ordersPlaced + 1 }),
      /(\d+) orders placed but (?!\1)\d+ started a saga or wait in the dead-letter queue/,
    );
    // One its consumer could never handle waits in the dead-letter queue for a person: not lost.
    const parked = { type: 'saga.place-order', msgId: 'm-9', sagaId: 'saga-009', attempts: 8 };
    const placedOneMore = { ...completed, ordersPlaced: completed.ordersPlaced + 1 };
    expect(orderMatchesSaga.check({ ...placedOneMore, broker: { ...completed.broker, deadLetters: [parked] } }).ok).toBe(true);
    // Still on its way in a run that did not settle: saga-terminal reports that run, this does not count it lost.
    expect(orderMatchesSaga.check({ ...completed, ordersPlaced: completed.ordersPlaced + 1, settled: false }).ok).toBe(true);
  });

  it('stock-conserved: a unit appears from nowhere, a count goes negative, an imbalance seen mid-run', () => {
    catches(
      stockConserved,
      () => completed,
      (w) => (set(w.stock[0]!, { available: w.stock[0]!.available + 1 }), w),
      /initial .* ≠/,
    );
    catches(
      stockConserved,
      () => completed,
      (w) => (set(w.stock[0]!, { available: -1, sold: w.stock[0]!.sold + w.stock[0]!.available + 1 }), w),
      /negative/,
    );
    catches(
      stockConserved,
      () => completed,
      (w) => ({ ...w, stockViolationDuringRun: 'tick 40: SKU-A: initial 100 ≠ …' }),
      /during the run: tick 40/,
    );
  });

  it('no-orphan-reservation: stock still held by a compensated saga, or by a failed one whose release is not what waits for a person', () => {
    catches(
      noOrphanReservation,
      () => compensated,
      (w) => {
        const r = w.reservations[0]!;
        set(r, { status: 'RESERVED', qty: 2 });
        const s = w.stock.find((x) => x.sku === r.sku)!;
        set(s, { available: s.available - 2, reserved: s.reserved + 2 });
        return w;
      },
      /COMPENSATED still holds 2/,
    );
    catches(
      noOrphanReservation,
      () => completed,
      (w) => (set(w.reservations[0]!, { status: 'RELEASED' }), w),
      /COMPLETED but sold nothing/,
    );
    // A saga left to a person holds its stock only while its release is the one waiting for them: a parked refund excuses nothing.
    const failedHolding = (command: string) => (w: WorldSnapshot) => {
      const saga = first(w);
      const r = w.reservations.find((x) => x.sagaId === saga.id)!;
      set(r, { status: 'RESERVED', qty: 2 });
      const s = w.stock.find((x) => x.sku === r.sku)!;
      set(s, { available: s.available - 2, reserved: s.reserved + 2 });
      set(saga, { status: 'FAILED' });
      return { ...w, sagaDeadLetters: [{ sagaId: saga.id, kind: 'compensation' as const, step: 2, command }] };
    };
    catches(noOrphanReservation, () => compensated, failedHolding('payment.refund'), /FAILED still holds 2/);
    expect(noOrphanReservation.check(failedHolding('inventory.release')(structuredClone(compensated))).ok).toBe(true);
  });

  it('single-charge: a saga charged twice, a compensated saga that kept the money', () => {
    catches(
      singleCharge,
      () => completed,
      (w) => ({ ...w, charges: [...w.charges, { ...w.charges[0]!, id: 'ch-dup' }] }),
      /2 charges, 0 refunds/,
    );
    catches(
      singleCharge,
      () => compensated,
      (w) => ({
        ...w,
        charges: [...w.charges, { id: 'ch-x', sagaId: first(w).id, customer: 'x', amountCents: 700, status: 'CHARGED', tick: 5 }],
      }),
      /COMPENSATED but 700 cents kept/,
    );
  });

  it('money-conserved: a balance that does not add up', () => {
    catches(
      moneyConserved,
      () => completed,
      (w) => (set(w.accounts[0]!, { balanceCents: w.accounts[0]!.balanceCents + 1 }), w),
      /balance .* ≠/,
    );
  });

  it('dead-letters-earned: a message parked before its deliveries ran out', () => {
    catches(
      deadLettersEarned,
      () => completed,
      (w) => ({ ...w, broker: { ...w.broker, deadLetters: [{ type: 'payment.charge', msgId: 'm-1', sagaId: 's', attempts: 3 }] } }),
      /payment.charge m-1 dead-lettered after 3 of 8 deliveries/,
    );
  });

  it('refunds-within-charges: a charge refunded twice, for the saga and for the account; a charge after a refund that came first', () => {
    catches(
      refundsWithinCharges,
      () => completed,
      (w) => {
        // The charge refunded, and then refunded again: each refund alone would look like a compensation.
        const charge = w.charges.find((c) => c.status === 'CHARGED')!;
        const refund = { sagaId: charge.sagaId, chargeId: charge.id, amountCents: charge.amountCents, tick: 99 };
        return { ...w, refunds: [...w.refunds, { ...refund, id: 'rf-1' }, { ...refund, id: 'rf-2' }] };
      },
      /refunded \d+ cents of \d+ charged/,
    );
    // A refund of nothing came first; the late charge took the money anyway (in the same tick, or later) and a late-success refund gave it back.
    const chargedAfterGivingUp = (chargeTick: number) => (w: WorldSnapshot) => {
      const charge = w.charges.find((c) => c.status === 'CHARGED')!;
      const first = { id: 'rf-0', sagaId: charge.sagaId, chargeId: null, amountCents: 0, tick: 40 };
      const back = { id: 'rf-1', sagaId: charge.sagaId, chargeId: charge.id, amountCents: charge.amountCents, tick: 90 };
      return { ...w, charges: w.charges.map((c) => (c === charge ? { ...c, tick: chargeTick } : c)), refunds: [first, back] };
    };
    catches(
      refundsWithinCharges,
      () => completed,
      chargedAfterGivingUp(40),
      /charge CHARGED at tick 40, after its refund of nothing at tick 40/,
    );
    catches(refundsWithinCharges, () => completed, chargedAfterGivingUp(41), /after its refund of nothing/);
    // A charge before the refund of nothing took nothing after it; nor did one declined in the same tick, before it.
    expect(refundsWithinCharges.check(chargedAfterGivingUp(39)(structuredClone(completed))).ok).toBe(true);
    const declined = chargedAfterGivingUp(40)(structuredClone(completed));
    const declinedFirst = {
      ...declined,
      charges: declined.charges.map((c) => ({ ...c, status: 'DECLINED' as const })),
      refunds: declined.refunds.filter((r) => r.chargeId === null),
    };
    expect(refundsWithinCharges.check(declinedFirst).ok).toBe(true);
  });

  it('single-charge and money-conserved: funds still held once a two-phase transaction ended', () => {
    const held = (w: WorldSnapshot): WorldSnapshot => {
      const saga = first(w);
      const customer = w.accounts[0]!.customer;
      return {
        ...w,
        style: '2pc',
        charges: [...w.charges, { id: 'ch-held', sagaId: saga.id, customer, amountCents: 300, status: 'HELD', tick: 5 }],
        accounts: w.accounts.map((a) => (a.customer === customer ? { ...a, balanceCents: a.balanceCents - 300 } : a)),
      };
    };
    catches(singleCharge, () => compensated, held, /saga \d+ COMPENSATED but still holds 300 cents/);
    // The held funds are accounted for: the balance is right, only the lock is wrong.
    expect(moneyConserved.check(held(compensated)).ok).toBe(true);
    catches(
      moneyConserved,
      () => held(compensated),
      (w) => ({ ...w, charges: w.charges.filter((c) => c.status !== 'HELD') }),
      /balance \d+ ≠/,
    );
    // A void a person must finish excuses the lock.
    const parked = { sagaId: first(compensated).id, kind: 'compensation' as const, step: 2, command: 'payment.void' };
    expect(singleCharge.check({ ...held(compensated), sagaDeadLetters: [parked] }).ok).toBe(true);
  });

  it('shipment-matches: a compensated saga whose shipment still goes out', () => {
    catches(
      shipmentMatches,
      () => compensated,
      (w) => ({ ...w, shipments: [{ sagaId: first(w).id, status: 'SCHEDULED', tick: 9 }] }),
      /COMPENSATED but its shipment/,
    );
    catches(
      shipmentMatches,
      () => completed,
      (w) => ({ ...w, shipments: w.shipments.slice(1) }),
      /COMPLETED with 0 scheduled/,
    );
    // A parcel that left is not undone: counting the saga COMPENSATED would be a lie.
    catches(
      shipmentMatches,
      () => compensated,
      (w) => ({ ...w, shipments: [{ sagaId: first(w).id, status: 'DISPATCHED', tick: 9 }] }),
      /COMPENSATED but its shipment is still dispatched/,
    );
    catches(
      shipmentMatches,
      () => compensated,
      (w) => ({
        ...w,
        shipments: [{ sagaId: first(w).id, status: 'DISPATCHED', tick: 9 }],
        sagas: w.sagas.map((s) => ({ ...s, status: 'FAILED' as const })),
      }),
      /released its stock although its parcel was dispatched/,
    );
    // Two-phase commit: a slot held for a transaction that ended is a lock nobody will release, unless its cancel waits for a person.
    const heldSlot = (w: WorldSnapshot): WorldSnapshot => ({
      ...w,
      shipments: [...w.shipments, { sagaId: first(w).id, status: 'HELD' as const, tick: 9 }],
    });
    catches(shipmentMatches, () => compensated, heldSlot, /saga \d+ ended but still holds a slot/);
    const parked = heldSlot(compensated);
    const cancel = { sagaId: first(compensated).id, kind: 'compensation' as const, step: 3, command: 'fulfillment.cancel' };
    expect(shipmentMatches.check({ ...parked, sagaDeadLetters: [cancel] }).ok).toBe(true);
    // A dispatched shipment goes out as surely as a scheduled one.
    const dispatched = structuredClone(completed);
    for (const s of dispatched.shipments) Object.assign(s, { status: 'DISPATCHED' });
    expect(shipmentMatches.check(dispatched).ok).toBe(true);
  });

  it('notification-once: a customer told twice, or told about a cancelled order', () => {
    catches(
      notificationOnce,
      () => completed,
      (w) => ({ ...w, notifications: [...w.notifications, w.notifications[0]!] }),
      /2 (email|push) notifications/,
    );
    catches(
      notificationOnce,
      () => compensated,
      (w) => ({ ...w, notifications: [{ sagaId: first(w).id, channel: 'email' }] }),
      /COMPENSATED but the customer was notified/,
    );
  });

  it('broker-drained: a message left in a queue, an unsent outbox row, a dead letter', () => {
    catches(
      brokerDrained,
      () => completed,
      (w) => ({ ...w, broker: { ...w.broker, depths: { ...w.broker.depths, payment: 2 } } }),
      /2 messages left in queue payment/,
    );
    catches(
      brokerDrained,
      () => completed,
      (w) => ({ ...w, broker: { ...w.broker, unsent: { ...w.broker.unsent, orchestrator: 1 } } }),
      /1 unsent outbox row in orchestrator/,
    );
    catches(
      brokerDrained,
      () => completed,
      (w) => ({ ...w, broker: { ...w.broker, deadLetters: [{ type: 'payment.charge', msgId: 'm-1', sagaId: 's', attempts: 8 }] } }),
      /payment.charge m-1 dead-lettered/,
    );
  });

  it('compensation-order: the order cancelled before its stock was released', () => {
    // The first saga's order cancelled this many ticks after its stock was released (it must be at least one).
    const cancelledAt =
      (after: number) =>
      (w: WorldSnapshot): WorldSnapshot => {
        const saga = first(w).id;
        const released = w.reservations.find((r) => r.sagaId === saga)!.tick;
        return { ...w, orders: w.orders.map((o) => (o.sagaId === saga ? { ...o, tick: released + after } : o)) };
      };
    catches(compensationOrder, () => compensated, cancelledAt(-1), /order cancelled at tick \d+, not after stock released at tick \d+/);
    // In the same tick is not after: each compensation waits for the reply to the one before it, a tick at least.
    catches(compensationOrder, () => compensated, cancelledAt(0), /order cancelled at tick (\d+), not after stock released at tick \1/);
    // A release a person redrove ran when they acted, out of order on purpose: not judged; another saga's redrive excuses nothing.
    const cancelledFirst = cancelledAt(-1);
    const redrove = (sagaId: string) => (w: WorldSnapshot) => ({
      ...w,
      sagaActedOn: [{ sagaId, command: 'inventory.release', state: 'redriven' }],
    });
    expect(compensationOrder.check(redrove(first(compensated).id)(cancelledFirst(compensated))).ok).toBe(true);
    expect(compensationOrder.check(redrove('saga-other')(cancelledFirst(compensated))).ok).toBe(false);
    // Two-phase commit aborts every participant at once: there is no order to judge.
    const inTwoPhase = compensationOrder.check({ ...cancelledFirst(compensated), style: '2pc' });
    expect(inTwoPhase).toMatchObject({ ok: true, detail: 'not applicable: two-phase commit aborts every participant at once' });
  });

  it('sends-within-policy: a step sent once more than its retries allow, a compensation past its cap and its late re-sends, a confirmation sent twice', () => {
    const sent = (type: string, messages: number) => (w: WorldSnapshot) => ({
      ...w,
      commandsSent: [{ sagaId: first(w).id, type, messages }],
    });
    expect(sendsWithinPolicy.check(sent('inventory.reserve', 4)(completed)).ok).toBe(true);
    // Eight tries, plus one more for each of the reservation's four tries that succeeds after the saga gave up on it.
    expect(sendsWithinPolicy.check(sent('inventory.release', 12)(completed)).ok).toBe(true);
    catches(sendsWithinPolicy, () => completed, sent('inventory.reserve', 5), /inventory.reserve sent 5 times; its policy allows 4/);
    catches(sendsWithinPolicy, () => completed, sent('inventory.release', 13), /inventory.release sent 13 times; its policy allows 12/);
    catches(sendsWithinPolicy, () => completed, sent('order.confirm', 2), /order.confirm sent 2 times; its policy allows 1/);
    // A person's redrive gives the compensation eight more tries; another saga's redrive gives this one none.
    const redriven = (sagaId: (w: WorldSnapshot) => string) => (w: WorldSnapshot) => ({
      ...w,
      sagaActedOn: [{ sagaId: sagaId(w), command: 'inventory.release', state: 'redriven' }],
    });
    expect(sendsWithinPolicy.check(redriven((w) => first(w).id)(sent('inventory.release', 20)(completed))).ok).toBe(true);
    catches(
      sendsWithinPolicy,
      () => redriven((w) => first(w).id)(completed),
      sent('inventory.release', 21),
      /sent 21 times; its policy allows 20/,
    );
    catches(sendsWithinPolicy, () => redriven(() => 'saga-other')(completed), sent('inventory.release', 13), /its policy allows 12/);
  });

  it('nothing-stuck: the reconciler found a stuck saga although no restart forgot its timers', () => {
    catches(
      nothingStuck,
      () => completed,
      (w) => ({ ...w, stuckSagas: [{ sagaId: w.sagas[0]!.id }] }),
      /saga \d+ found stuck by the reconciler, with no restart that forgot/,
    );
    // A restart that forgot its timers is the one way a saga gets stuck with every defence on: then the reconciler is doing its job.
    const stuckSagas = [{ sagaId: 'saga-001' }, { sagaId: 'saga-002' }];
    expect(nothingStuck.check({ ...completed, stuckSagas, timersForgotten: 1 })).toMatchObject({
      ok: true,
      detail: '2 stuck sagas found by the reconciler, after 1 restart that forgot its timers',
    });
  });

  it('calm-run-completes: a saga refused with stock, money and no fault in its way; not judged once anything stood in the way', () => {
    catches(
      calmRunCompletes,
      () => completed,
      (w) => (set(first(w), { status: 'COMPENSATED' }), w),
      /COMPENSATED with nothing in its way/,
    );
    const refused = structuredClone(completed);
    set(first(refused), { status: 'COMPENSATED' });
    expect(calmRunCompletes.check({ ...refused, faultsInjected: 1 })).toMatchObject({
      ok: true,
      detail: 'not applicable: 1 fault injected',
    });
    const scarce = { ...refused, stock: refused.stock.map((s) => ({ ...s, initial: 0 })) };
    expect(calmRunCompletes.check(scarce)).toMatchObject({ ok: true, detail: 'not applicable: not enough stock for every order' });
    // A person may say no to a large order: only the others are the machine's to complete.
    expect(calmRunCompletes.check(decided)).toMatchObject({
      ok: true,
      detail: "not applicable: every order was left to a person's approval",
    });
    catches(
      calmRunCompletes,
      () => decided,
      (w) => ({ ...w, approvalThresholdCents: 60_001 }),
      /COMPENSATED with nothing in its way/,
    );
  });
});
