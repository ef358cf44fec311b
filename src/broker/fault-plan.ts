import type { Message } from './message.js';

/** What happens to a message on its way into the broker. A dropped publish is not confirmed, so the publisher keeps it and retries. */
export type PublishFault = { readonly kind: 'none' } | { readonly kind: 'drop' } | { readonly kind: 'delay'; readonly ticks: number };

/** What happens to a ready message on its way to the consumer. A dropped delivery stays unacked and comes back after the visibility timeout. */
export type DeliveryFault =
  | { readonly kind: 'none' }
  | { readonly kind: 'drop' }
  | { readonly kind: 'delay'; readonly ticks: number }
  | { readonly kind: 'duplicate'; readonly copies: number };

/** Decides the broker's faults; the chaos layer implements it from a seeded profile or a script. */
export interface FaultPlan {
  onPublish(message: Message, now: number): PublishFault;
  onDeliver(message: Message, now: number): DeliveryFault;
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
