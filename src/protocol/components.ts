/**
 * The components of the shop: the orchestrator and the five services. Each has its own
 * database and its own queue on the broker, named after it. This list is the one place
 * they are named; everything else (queues, kill targets, databases, id prefixes) derives from it.
 */
export const COMPONENTS = ['orchestrator', 'order', 'inventory', 'payment', 'fulfillment', 'notification'] as const;
export type ComponentName = (typeof COMPONENTS)[number];

/** The participants: every component but the orchestrator. */
export type ServiceName = Exclude<ComponentName, 'orchestrator'>;

/**
 * Message ids start with their sender, then the sender's sequence: two senders can never
 * mint the same id, so an inbox never mistakes a new message for a redelivery.
 */
export const MESSAGE_ID_PREFIX: Readonly<Record<ComponentName, string>> = Object.freeze({
  orchestrator: 'os',
  order: 'or',
  inventory: 'in',
  payment: 'pa',
  fulfillment: 'fu',
  notification: 'no',
});

/** The prefix of the ids the client mints for the orders it places; no component uses it. */
export const CLIENT_ID_PREFIX = 'cl';
