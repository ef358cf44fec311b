import type { ServiceName } from './components.js';
import { Command } from './messages.js';

/**
 * One participant of the two-phase commit: the command that asks it to prepare (its step of
 * the saga, done so that it can still be undone: the stock reserved, the funds held, a slot
 * held), and the commands that carry the decision to it. Preparing is voting: `.done` is yes
 * (and a promise that the commit will succeed), `.failed` is no. Each decision is acknowledged
 * with its own `.done`, so the coordinator knows when it may forget the transaction.
 */
export interface Participant {
  readonly service: ServiceName;
  readonly prepare: Command;
  readonly commit: Command;
  readonly abort: Command;
}

/** The participants, in the saga's order. The prepares are the saga's forward steps, under their own names, so a fault aimed at a step hits it in every style. */
export const PARTICIPANTS: readonly Participant[] = [
  { service: 'order', prepare: Command.createOrder, commit: Command.confirmOrder, abort: Command.cancelOrder },
  { service: 'inventory', prepare: Command.reserveStock, commit: Command.commitStock, abort: Command.releaseStock },
  { service: 'payment', prepare: Command.chargePayment, commit: Command.capturePayment, abort: Command.voidPayment },
  { service: 'fulfillment', prepare: Command.scheduleShipment, commit: Command.confirmShipment, abort: Command.cancelShipment },
];

/** Told once the transaction committed, and acknowledged like a decision: an email cannot be prepared, nor taken back. */
const AFTER_COMMIT: Command = Command.notifyCustomer;

/** What the coordinator sends once it decided: every participant's commit and the notification, or every participant's abort. */
export const DECISION_MESSAGES: Readonly<Record<'COMMIT' | 'ABORT', readonly Command[]>> = Object.freeze({
  COMMIT: [...PARTICIPANTS.map((p) => p.commit), AFTER_COMMIT],
  ABORT: PARTICIPANTS.map((p) => p.abort),
});

/** What a participant in doubt asks the coordinator: the decision, sent again to it (the termination protocol). */
export const ASK_DECISION = '2pc.ask-decision';

/** The aborts, in the participants' order. */
export const ABORTS: readonly Command[] = DECISION_MESSAGES.ABORT;

/** How many bits are set: the yes votes, or the acknowledgements, a transaction's row holds as bits by participant. */
export function bitsSet(bits: number): number {
  let n = 0;
  for (let b = bits; b; b &= b - 1) n++;
  return n;
}

/** Whether a service answers `command` of its own accord; the decisions it does not answer, its participant acknowledges for it. */
export function isDecision(command: string): boolean {
  return DECISION_MESSAGES.COMMIT.includes(command as Command) || ABORTS.includes(command as Command);
}
