import { describe, expect, it } from 'vitest';
import {
  DEFAULT_APPROVAL,
  newSaga,
  PLACE_ORDER_SAGA,
  SagaStatus,
  transition,
  type ApprovalPolicy,
  type SagaEvent,
  type SagaState,
} from '../../src/orchestrator/index.js';

const large = { orderId: 'order-1', customer: 'c', sku: 'SKU-A', qty: 1, amountCents: DEFAULT_APPROVAL.thresholdCents };
const small = { ...large, amountCents: DEFAULT_APPROVAL.thresholdCents - 1 };

/** Feeds events one after another under an approval policy, collecting what was sent, left for a person, and said. */
function drive(events: SagaEvent[], approval: ApprovalPolicy = DEFAULT_APPROVAL, start: SagaState = newSaga('saga-1', large)) {
  let saga = start;
  let now = 0;
  const sent: string[] = [];
  const deadLetters: Array<{ kind: string; command: string }> = [];
  const facts: string[] = [];
  for (const event of events) {
    if (event.kind === 'deadline') now = saga.deadlineTick ?? now;
    else now += 1;
    const t = transition(PLACE_ORDER_SAGA, saga, event, now, { retryCompensations: true, approval });
    saga = t.saga;
    sent.push(...t.commands.map((c) => c.type));
    deadLetters.push(...t.deadLetters.map((d) => ({ kind: d.kind, command: d.command })));
    facts.push(...t.events.map((e) => e.kind));
  }
  return { saga, sent, deadLetters, facts, now };
}

const done = (command: string): SagaEvent => ({ kind: 'reply', command, ok: true });
const deadline: SagaEvent = { kind: 'deadline' };
const approve: SagaEvent = { kind: 'approve', by: 'ana', note: 'ok' };
const reject: SagaEvent = { kind: 'reject', by: 'ana', note: 'fraud' };
const parked: SagaEvent[] = [{ kind: 'start' }, done('order.create'), done('inventory.reserve')];

describe('an order at or above the approval threshold', () => {
  it('parks after its reservation, before the charge: nothing sent, its SLA armed', () => {
    const { saga, sent, now } = drive(parked);
    expect(saga).toMatchObject({ status: SagaStatus.AwaitingApproval, waiting: 'approval', approvedBy: null });
    expect(PLACE_ORDER_SAGA.steps[saga.step]!.name).toBe('charge-payment');
    expect(saga.deadlineTick).toBe(now + DEFAULT_APPROVAL.slaTicks);
    expect(sent).toEqual(['order.create', 'inventory.reserve']);
  });

  it('below the threshold it never waits', () => {
    const { saga, sent } = drive(parked, DEFAULT_APPROVAL, newSaga('saga-1', small));
    expect(saga.status).toBe(SagaStatus.Running);
    expect(sent.at(-1)).toBe('payment.charge');
  });

  it('approved, it charges and completes, and records who approved it', () => {
    const { saga, sent } = drive([...parked, approve, ...['payment.charge', 'fulfillment.schedule', 'notification.send'].map(done)]);
    expect(saga).toMatchObject({ status: SagaStatus.Completed, approvedBy: 'ana' });
    expect(sent.slice(2, 3)).toEqual(['payment.charge']);
  });

  it('approved, a charge retried after a timeout does not ask again', () => {
    const { saga, sent, facts } = drive([...parked, approve, deadline, deadline]);
    expect(saga).toMatchObject({ status: SagaStatus.Running, attempt: 2, waiting: 'reply' });
    expect(sent.filter((t) => t === 'payment.charge')).toHaveLength(2);
    expect(facts.filter((f) => f === 'awaiting-approval')).toHaveLength(1);
  });

  it('rejected, it releases the stock, cancels the order and ends COMPENSATED', () => {
    const { saga, sent, facts } = drive([...parked, reject, done('inventory.release'), done('order.cancel')]);
    expect(saga.status).toBe(SagaStatus.Compensated);
    expect(sent.slice(2)).toEqual(['inventory.release', 'order.cancel']);
    expect(facts).toContain('rejected');
  });

  it('past its SLA with the reject policy, the saga rejects it itself', () => {
    const { saga, sent, facts } = drive([...parked, deadline, done('inventory.release'), done('order.cancel')]);
    expect(saga.status).toBe(SagaStatus.Compensated);
    expect(sent.slice(2)).toEqual(['inventory.release', 'order.cancel']);
    expect(facts).toContain('approval-expired');
  });

  it('past its SLA with the escalate policy, it leaves a dead letter and waits for a person with no deadline', () => {
    const escalate = { ...DEFAULT_APPROVAL, onSla: 'escalate' } as const;
    const { saga, sent, deadLetters } = drive([...parked, deadline], escalate);
    expect(saga).toMatchObject({ status: SagaStatus.AwaitingApproval, waiting: 'approval', deadlineTick: null, deadLetters: 0 });
    expect(deadLetters).toEqual([{ kind: 'approval', command: 'payment.charge' }]);
    expect(sent).toEqual(['order.create', 'inventory.reserve']);
    // A person decides later: the saga goes on as if they had decided in time.
    expect(drive([...parked, deadline, approve], escalate).sent.at(-1)).toBe('payment.charge');
    const rejected = drive([...parked, deadline, reject, done('inventory.release'), done('order.cancel')], escalate);
    expect(rejected.saga.status).toBe(SagaStatus.Compensated);
  });

  it('a decision for a saga that awaits none changes nothing', () => {
    for (const start of [drive([{ kind: 'start' }]).saga, drive([...parked, approve]).saga, drive([...parked, reject]).saga]) {
      for (const decision of [approve, reject]) {
        const t = transition(PLACE_ORDER_SAGA, start, decision, 50);
        expect(t.saga).toBe(start);
        expect(t.commands).toEqual([]);
        expect(t.events.map((e) => e.kind)).toEqual(['decision-ignored']);
      }
    }
  });

  it('a late duplicate of the reservation reply while parked is stale, not a second start of the charge', () => {
    const { saga, sent } = drive([...parked, done('inventory.reserve')]);
    expect(saga.status).toBe(SagaStatus.AwaitingApproval);
    expect(sent).toEqual(['order.create', 'inventory.reserve']);
  });
});
