import type { ServiceName } from './components.js';

/**
 * The messages between the orchestrator and the services. A command `x.y` goes to service
 * `x` and is answered by `x.y.done` or `x.y.failed`; commands sent once the saga is decided
 * (confirm, commit) are not answered: the outbox and the at-least-once broker make sure they arrive.
 */
export const Command = {
  createOrder: 'order.create',
  confirmOrder: 'order.confirm',
  cancelOrder: 'order.cancel',
  reserveStock: 'inventory.reserve',
  commitStock: 'inventory.commit',
  releaseStock: 'inventory.release',
  chargePayment: 'payment.charge',
  refundPayment: 'payment.refund',
  /** Two-phase commit only: a charge prepared holds the funds until the decision captures or voids them. */
  capturePayment: 'payment.capture',
  voidPayment: 'payment.void',
  scheduleShipment: 'fulfillment.schedule',
  cancelShipment: 'fulfillment.cancel',
  /** Two-phase commit only: a shipment prepared holds a slot, and leaves once the decision confirms it. */
  confirmShipment: 'fulfillment.confirm',
  notifyCustomer: 'notification.send',
} as const;
export type Command = (typeof Command)[keyof typeof Command];

/** The command that undoes each reversible command, in the order the saga runs them; notifying the customer cannot be undone. */
export const UNDO: ReadonlyMap<Command, Command> = new Map([
  [Command.createOrder, Command.cancelOrder],
  [Command.reserveStock, Command.releaseStock],
  [Command.chargePayment, Command.refundPayment],
  [Command.scheduleShipment, Command.cancelShipment],
]);

/** The commands that undo a step, in the order of the steps they undo. */
export const COMPENSATIONS: readonly Command[] = [...UNDO.values()];

/** The service a command goes to: the part of its name before the dot. */
export function serviceOf(command: Command): ServiceName {
  return command.slice(0, command.indexOf('.')) as ServiceName;
}

/** What every saga command carries: the whole order, so a compensation that arrives first can still leave a record. */
export interface OrderPayload {
  readonly orderId: string;
  readonly customer: string;
  readonly sku: string;
  readonly qty: number;
  readonly amountCents: number;
}

/** The body of a reply; a `permanent` refusal is one no retry can change (a shipment already dispatched cannot be cancelled). */
export interface ReplyBody {
  readonly ok: boolean;
  readonly reason?: string;
  readonly permanent?: true;
  /** payment.charge.done from version 2 (see schemas.ts): the charge made; null in a version 1 reply brought up to 2. */
  readonly chargeId?: string | null;
}

const DONE = '.done';
const FAILED = '.failed';

/** The type of the reply to `command`. */
export function replyType(command: string, ok: boolean): string {
  return command + (ok ? DONE : FAILED);
}

/** Splits a reply type into its command and outcome, or null when the type is not a reply. */
export function parseReplyType(type: string): { command: string; ok: boolean } | null {
  if (type.endsWith(DONE)) return { command: type.slice(0, -DONE.length), ok: true };
  if (type.endsWith(FAILED)) return { command: type.slice(0, -FAILED.length), ok: false };
  return null;
}

/** The message that asks the orchestrator to start a saga for an order. */
export const PLACE_ORDER = 'saga.place-order';

/**
 * The saga that runs an order is named after it (`order-007` → `saga-007`): the same order
 * gets the same saga id in every run, whatever other orders the workload holds, so a fault
 * addressed to a saga stays on it when a shrinker removes other orders.
 */
export function sagaIdFor(orderId: string): string {
  return `saga-${orderId.replace(/^order-/, '')}`;
}

/**
 * What a person asks of the orchestrator: for a dead letter it left, send the compensation
 * again with a fresh attempt budget, or record that they did its work by hand; for an order
 * awaiting approval, approve or reject it. It travels to the orchestrator like any message
 * (its inbox makes it happen once) and is handled in its transaction, so the saga's own log
 * says who acted, and why.
 */
export const OperatorAction = {
  redrive: 'operator.redrive',
  resolve: 'operator.resolve',
  approve: 'operator.approve',
  reject: 'operator.reject',
} as const;
export type OperatorAction = (typeof OperatorAction)[keyof typeof OperatorAction];

/** The body of an operator's message: who, and why. */
export interface OperatorBody {
  readonly by: string;
  readonly note: string;
}

/** The body of a redrive or a resolution: which dead letter, by its number in the orchestrator's dead_letters. */
export interface DeadLetterBody extends OperatorBody {
  readonly deadLetter: number;
}

/** The prefix of the ids of operators' messages; no component uses it. */
export const OPERATOR_ID_PREFIX = 'op';

/**
 * The reconciler's conversation with the orchestrator. On its own timer it asks for a sweep;
 * the orchestrator looks for sagas that made no progress for longer than their SLA, acts on
 * each in its own transaction (the saga's log says so), and answers with how many sagas it
 * still drives. With none, the reconciler rests until the orchestrator wakes it (a saga started).
 */
export const Reconcile = { sweep: 'reconcile.sweep', wake: 'reconcile.wake' } as const;

/** The body of a sweep: its number, so that a late answer to an older sweep is recognised. */
export interface SweepBody {
  readonly sweep: number;
}

/** The orchestrator's answer to a sweep: the sagas it found stuck and acted on, and how many it still drives (0: the reconciler may rest). */
export interface SweepAnswer extends SweepBody {
  readonly stuck: readonly string[];
  readonly active: number;
}
