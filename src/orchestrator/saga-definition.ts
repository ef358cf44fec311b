import { Command, serviceOf, UNDO, type ComponentName } from '../protocol/index.js';

/** How often an action is tried before the saga gives up on it, and how long it waits between tries. */
export interface RetryPolicy {
  readonly maxAttempts: number;
  readonly backoffTicks: number;
  readonly backoffFactor: number;
  readonly maxBackoffTicks: number;
}

/** One step: a command to a service, the command that undoes it (null for an irreversible step), and its patience. */
export interface SagaStep {
  readonly name: string;
  readonly service: ComponentName;
  readonly command: string;
  readonly compensation: string | null;
  readonly timeoutTicks: number;
  readonly retry: RetryPolicy;
  readonly compensationRetry: RetryPolicy;
}

/** A saga as data: the steps in order, and the commands sent once every step has succeeded. */
export interface SagaDefinition {
  readonly name: string;
  readonly steps: readonly SagaStep[];
  /** Retriable commands that cannot fail once the saga is decided; the outbox guarantees they arrive. */
  readonly onCompleted: ReadonlyArray<{ readonly service: ComponentName; readonly command: string }>;
  /** The step a large order may not start without a person's approval (by name); null when no step needs one. */
  readonly approvalBefore: string | null;
}

/**
 * When a person must approve an order, and how long they have: an order of `thresholdCents`
 * or more waits before the saga's `approvalBefore` step. Past `slaTicks` with no decision the
 * saga either rejects the order itself and compensates, or escalates: it leaves a dead letter
 * and keeps waiting for a person.
 */
export interface ApprovalPolicy {
  readonly thresholdCents: number;
  readonly slaTicks: number;
  readonly onSla: 'reject' | 'escalate';
}

/**
 * When a saga counts as stuck, and what the reconciler does about it. It sweeps every
 * `sweepEveryTicks`; a saga that made no progress (a new step or status) for
 * `stuckAfterTicks`, and whose own deadline passed more than a sweep ago (its timer is
 * lost), has its current action sent again; past `compensateAfterTicks` a forward step is
 * compensated instead. A saga whose own timers work is left alone: its deadline is never
 * more than a backoff away, so it is never a sweep overdue.
 */
export interface ReconciliationPolicy {
  readonly sweepEveryTicks: number;
  readonly stuckAfterTicks: number;
  readonly compensateAfterTicks: number;
}

export const DEFAULT_RECONCILIATION: ReconciliationPolicy = Object.freeze({
  sweepEveryTicks: 500,
  stuckAfterTicks: 1_000,
  compensateAfterTicks: 3_000,
});

export const DEFAULT_APPROVAL: ApprovalPolicy = Object.freeze({ thresholdCents: 50_000, slaTicks: 1_000, onSla: 'reject' });

const forwardRetry: RetryPolicy = { maxAttempts: 4, backoffTicks: 20, backoffFactor: 2, maxBackoffTicks: 400 };
// Compensations must not give up lightly: a saga that cannot undo a step needs a human.
const compensationRetry: RetryPolicy = { maxAttempts: 8, backoffTicks: 20, backoffFactor: 2, maxBackoffTicks: 400 };

// The irreversible last step never gives up on silence: a send that times out may still have reached the
// customer, and nothing could take it back. Only an explicit refusal from the service fails it.
const untilAnswered: RetryPolicy = { ...forwardRetry, maxAttempts: Number.POSITIVE_INFINITY };

/** A step of the saga: its command, and the command the protocol says undoes it (none for an irreversible step). */
function step(name: string, command: Command): SagaStep {
  const compensation = UNDO.get(command) ?? null;
  return {
    name,
    service: serviceOf(command),
    command,
    compensation,
    timeoutTicks: 100,
    retry: compensation === null ? untilAnswered : forwardRetry,
    compensationRetry,
  };
}

/**
 * The shop's order saga. Notification is last because it cannot be undone: once the
 * customer has been told, nothing may fail after it.
 */
export const PLACE_ORDER_SAGA: SagaDefinition = Object.freeze({
  name: 'place-order',
  steps: Object.freeze([
    step('create-order', Command.createOrder),
    step('reserve-stock', Command.reserveStock),
    step('charge-payment', Command.chargePayment),
    step('schedule-shipment', Command.scheduleShipment),
    step('notify-customer', Command.notifyCustomer),
  ]),
  onCompleted: Object.freeze([Command.commitStock, Command.confirmOrder].map((command) => ({ service: serviceOf(command), command }))),
  // Stock is held while a person looks; nothing is charged before they say yes.
  approvalBefore: 'charge-payment',
});

/** The wait before try number `attempt + 1`. */
export function backoffTicks(policy: RetryPolicy, attempt: number): number {
  return Math.min(policy.maxBackoffTicks, Math.round(policy.backoffTicks * policy.backoffFactor ** (attempt - 1)));
}
