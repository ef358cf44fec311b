import type { Message } from './message.js';

/** What happens to a message on its way into the broker. A dropped publish is not confirmed, so the publisher keeps it and retries. */
export type PublishFault = { readonly kind: 'none' } | { readonly kind: 'drop' };

/** What happens to a ready message on its way to the consumer. A dropped delivery stays unacked and comes back after the visibility timeout. */
export type DeliveryFault =
  | { readonly kind: 'none' }
  | { readonly kind: 'drop' }
  | { readonly kind: 'delay'; readonly ticks: number }
  | { readonly kind: 'duplicate'; readonly copies: number };

/** What the broker knows about a hand-over that the fault plan needs to decide within what the network promises. */
export interface DeliveryContext {
  /** A copy made by an earlier duplicate fault. */
  readonly copy: boolean;
  /** Held back once already by a delay fault. */
  readonly delayed: boolean;
}

/**
 * Decides the broker's faults; the fault engine implements it. The broker asks and obeys:
 * whatever the plan returns happens, so the plan's record of what it decided is exactly
 * what the network did.
 */
export interface FaultPlan {
  onPublish(message: Message, now: number): PublishFault;
  onDeliver(message: Message, now: number, delivery: DeliveryContext): DeliveryFault;
  /** Given a batch of ready messages, a pair of positions to swap (a later message delivered first), or null. */
  reorder(batchSize: number, now: number): readonly [number, number] | null;
}

const NONE = { kind: 'none' } as const;

/** A network that never misbehaves. */
export const NO_FAULTS: FaultPlan = Object.freeze({
  onPublish: () => NONE,
  onDeliver: () => NONE,
  reorder: () => null,
});
