import type { Scenario } from '../src/scenario/index.js';

/**
 * The handlings of payment's charge event (the orchestrator's, or in choreography the
 * fulfillment service's, which it makes schedule a shipment): those written before the upgrade
 * and brought up to version 2, and those written in it.
 */
function chargeReplies(details: readonly string[]): { upcast: number; current: number } {
  const upcast = details.filter((d) => d.includes('upcast')).length;
  return { upcast, current: details.length - upcast };
}

export const rollingUpgrade: Scenario = {
  name: 'rolling-upgrade',
  description:
    "The payment service is upgraded mid-run: its new release answers a charge with the charge's id, version 2 of payment.charge.done. Its readers were upgraded first and read both versions (the orchestrator; in choreography the fulfillment service, the projection and the janitor): a message written by the old release, still in flight, is brought up to version 2 (its charge id unknown), and every saga completes.",
  fault: 'payment restarted on release 2 while its old replies are in flight',
  notFor: {
    '2pc':
      'it upgrades the readers of payment.charge.done, the orchestrator and the choreographed services; in two-phase commit that answer is a vote, and its version teaches nothing new',
  },
  lesson: {
    watch:
      'Watch a reply the old payment service wrote reach its reader during the deploy, and the new release answer with the charge id after it.',
    showed:
      "Messages are a public contract: a new field is a new version, the consumer learns to read it before the producer writes it, and an old message is upcast rather than refused. Upgrading in the other order is what refuses: see the unreadable version's dead letter in the tests.",
  },
  shop: { orders: 4, stockPerSku: 100, arrivalTicks: 40 },
  // Every reader of payment's charge event, in either style, runs release 2 from the start: a consumer learns a version before its producer writes it.
  releases: { orchestrator: 2, fulfillment: 2, projection: 2, janitor: 2 },
  faults: [
    { kind: 'kill', component: 'payment', when: { on: 'publish', type: 'payment.charge.done', nth: 2 }, downTicks: 30, upgradesTo: 2 },
  ],
  expectedStatuses: ['COMPLETED'],
  expect: ({ traceEvents }) => {
    const details = traceEvents
      .filter(
        (e) =>
          e.kind === 'handle' &&
          ((e.actor === 'orchestrator' && e.type === 'payment.charge.done') || (e.detail ?? '').startsWith('on payment.charge.done')),
      )
      .map((e) => e.detail ?? '');
    const { upcast, current } = chargeReplies(details);
    return [
      ...(upcast === 0 ? ['no reply of the old release was upcast'] : []),
      ...(current === 0 ? ['no reply of the new release was read'] : []),
    ];
  },
};
