import { describe, expect, it } from 'vitest';
import { PLACE_ORDER_SAGA } from '../../src/orchestrator/index.js';
import {
  Command,
  COMPENSATIONS,
  COMPONENTS,
  describeSagaEvent,
  MESSAGE_ID_PREFIX,
  parseReplyType,
  replyType,
  serviceOf,
  type SagaStepEvent,
} from '../../src/protocol/index.js';

describe('protocol', () => {
  it('every command goes to a service that exists, and every compensation is a command', () => {
    for (const command of Object.values(Command)) expect(COMPONENTS).toContain(serviceOf(command));
    expect(serviceOf(Command.refundPayment)).toBe('payment');
    expect(COMPENSATIONS.every((c) => Object.values(Command).includes(c))).toBe(true);
  });

  it('a reply type splits back into its command and outcome; anything else is not a reply', () => {
    for (const command of Object.values(Command)) {
      expect(parseReplyType(replyType(command, true))).toEqual({ command, ok: true });
      expect(parseReplyType(replyType(command, false))).toEqual({ command, ok: false });
    }
    expect(parseReplyType(Command.chargePayment)).toBeNull();
  });

  it('each component mints ids with a prefix of its own, so two senders never mint the same id', () => {
    const prefixes = COMPONENTS.map((c) => MESSAGE_ID_PREFIX[c]);
    expect(new Set(prefixes).size).toBe(COMPONENTS.length);
  });

  it('each saga step event reads as its own line in the step log', () => {
    const events: SagaStepEvent[] = [
      { kind: 'started' },
      { kind: 'start-ignored' },
      { kind: 'step-done', step: 'charge-payment' },
      { kind: 'step-failed', step: 'charge-payment', reason: 'insufficient funds' },
      { kind: 'step-undone', step: 'charge-payment' },
      { kind: 'compensation-failed', step: 'reserve-stock' },
      { kind: 'compensation-assumed' },
      { kind: 'late-success-compensated', command: 'payment.charge', compensation: 'payment.refund' },
      { kind: 'stale-reply', command: 'payment.charge', ok: false },
      { kind: 'deadline-ignored' },
      { kind: 'timed-out', action: 'payment.charge', attempt: 2 },
      { kind: 'retry-scheduled', waitTicks: 40 },
      { kind: 'step-gave-up', step: 'charge-payment', attempts: 4 },
      { kind: 'compensation-gave-up', command: 'inventory.release', attempts: 8 },
      { kind: 'completed' },
      { kind: 'compensated' },
      { kind: 'failed' },
    ];
    const lines = events.map(describeSagaEvent);
    expect(new Set(lines).size).toBe(events.length);
    expect(lines[3]).toBe('charge-payment failed: insufficient funds');
    expect(lines[10]).toBe('payment.charge timed out (attempt 2)');
  });
});

describe('the saga and the protocol', () => {
  it('the saga compensates with exactly the protocol’s compensations, in the order of its steps', () => {
    const compensations = PLACE_ORDER_SAGA.steps.map((s) => s.compensation).filter((c) => c !== null);
    expect(compensations).toEqual(COMPENSATIONS);
    expect(PLACE_ORDER_SAGA.steps.every((s) => s.service === serviceOf(s.command as Command))).toBe(true);
  });
});
