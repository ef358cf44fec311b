/**
 * The components of the shop: the orchestrator, the five services, and the reconciler (the
 * janitor that sweeps for stuck sagas). Each has its own database and its own queue on the
 * broker, named after it. This list is the one place they are named; everything else
 * (queues, kill targets, databases, id prefixes) derives from it.
 */
export const COMPONENTS = ['orchestrator', 'order', 'inventory', 'payment', 'fulfillment', 'notification', 'reconciler'] as const;
export type ComponentName = (typeof COMPONENTS)[number];

/** The participants of the saga: every component but the orchestrator and the reconciler. */
export type ServiceName = Exclude<ComponentName, 'orchestrator' | 'reconciler'>;

/** The participants, in the saga's order. */
export const SERVICES: readonly ServiceName[] = ['order', 'inventory', 'payment', 'fulfillment', 'notification'];

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
  reconciler: 're',
});

/** The prefix of the ids the client mints for the orders it places; no component uses it. */
export const CLIENT_ID_PREFIX = 'cl';
