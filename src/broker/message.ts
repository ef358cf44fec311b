import type { ComponentName } from '../protocol/index.js';

/** A message as it travels: the body stays a JSON string from outbox row to handler. */
export interface Message {
  readonly id: string;
  readonly queue: ComponentName;
  /** e.g. `payment.charge`, `payment.charge.done`. */
  readonly type: string;
  readonly sagaId: string;
  readonly body: string;
  /** The schema version of its body, when past the first (see src/protocol/schemas.ts): a consumer reads the versions it knows. */
  readonly version?: number;
}

/** One hand-over of a message to its consumer; the token acknowledges exactly this hand-over. */
export interface Delivery {
  readonly token: number;
  readonly message: Message;
  /** How many times this message has reached its consumer, this one included. */
  readonly attempt: number;
}

/** Counters a run reports; every fault the broker injects is counted here. */
export interface BrokerStats {
  published: number;
  delivered: number;
  acked: number;
  dropped: number;
  duplicated: number;
  delayed: number;
  reordered: number;
  redelivered: number;
  deadLettered: number;
}

export function emptyBrokerStats(): BrokerStats {
  return { published: 0, delivered: 0, acked: 0, dropped: 0, duplicated: 0, delayed: 0, reordered: 0, redelivered: 0, deadLettered: 0 };
}
