/**
 * Every component the shop can run: the five services, and around them what coordinates
 * them in each style (see STYLE_COMPONENTS): the orchestrator and its reconciler (the sweep
 * for stuck sagas); in choreography the projection (the read model of every saga) and the
 * janitor (it compensates from the error topic and nudges stalled sagas); in two-phase commit
 * the coordinator (it asks every participant to prepare, then tells them all the one decision
 * its log holds). Each has its own
 * database and its own queue on the broker, named after it. This list is the one place they
 * are named; everything else (queues, kill targets, databases, id prefixes) derives from it.
 */
export const COMPONENTS = [
  'orchestrator',
  'order',
  'inventory',
  'payment',
  'fulfillment',
  'notification',
  'reconciler',
  'projection',
  'janitor',
  'coordinator',
] as const;
export type ComponentName = (typeof COMPONENTS)[number];

/** The participants of the saga: the five services, in every style. */
export type ServiceName = Exclude<ComponentName, 'orchestrator' | 'reconciler' | 'projection' | 'janitor' | 'coordinator'>;

/**
 * How the services are coordinated. Orchestration: one orchestrator with durable state sends
 * every command and compensates in reverse order. Choreography: no coordinator; each service
 * reacts to the event before it, failures go to an error topic, and a projection keeps the
 * read model of every saga. Two-phase commit (`2pc`): not a saga at all, the alternative sagas
 * are chosen over; a coordinator asks every participant to prepare (hold what the order needs
 * and vote), then commits or aborts them all, and participants that voted yes wait in doubt,
 * holding their locks, until they hear which.
 */
export const STYLES = ['orchestration', 'choreography', '2pc'] as const;
export type Style = (typeof STYLES)[number];

/** The components each style runs, in the order the world serves them. */
export const STYLE_COMPONENTS: Readonly<Record<Style, readonly ComponentName[]>> = Object.freeze({
  orchestration: ['orchestrator', 'order', 'inventory', 'payment', 'fulfillment', 'notification', 'reconciler'],
  choreography: ['order', 'inventory', 'payment', 'fulfillment', 'notification', 'projection', 'janitor'],
  '2pc': ['coordinator', 'order', 'inventory', 'payment', 'fulfillment', 'notification'],
});

/** Where the client places an order in each style: the orchestrator starts a saga; in choreography the order service starts the chain; the coordinator a transaction. */
export const ENTRY_QUEUE: Readonly<Record<Style, ComponentName>> = Object.freeze({
  orchestration: 'orchestrator',
  choreography: 'order',
  '2pc': 'coordinator',
});

/**
 * Who undoes the steps of a failed saga in choreography: the janitor, which subscribes to the
 * error topic and sends each compensation (the Pub/Sub design), or each service itself, on
 * the failure events downstream of it.
 */
export const COMPENSATORS = ['janitor', 'services'] as const;
export type Compensator = (typeof COMPENSATORS)[number];

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
  projection: 'pj',
  janitor: 'ja',
  coordinator: 'co',
});

/** The prefix of the ids the client mints for the orders it places; no component uses it. */
export const CLIENT_ID_PREFIX = 'cl';
