import type { Scenario } from '../src/scenario/index.js';

export const lossyNetwork: Scenario = {
  name: 'lossy-network',
  description:
    '30% of publishes and deliveries are lost: outbox relays publish again, the broker redelivers, every saga still ends consistent.',
  fault: '30% of publishes and deliveries dropped',
  lesson: {
    watch: 'Watch publishes and deliveries vanish, three in ten.',
    showed:
      'Nothing is lost for good: an outbox row stays until the broker confirms it, and a delivery stays in its queue until it is acked.',
  },
  profile: 'lossy',
  shop: { orders: 6, stockPerSku: 100 },
  faults: [],
  expectedStatuses: ['COMPLETED', 'COMPENSATED'],
  expect: ({ broker }) => (broker.dropped > 0 ? [] : ['nothing was dropped']),
};
