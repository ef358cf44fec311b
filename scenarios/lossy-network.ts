import type { Scenario } from '../src/scenario/index.js';

export const lossyNetwork: Scenario = {
  name: 'lossy-network',
  description:
    '30% of publishes and deliveries are lost: outbox relays publish again, the broker redelivers, every saga still ends consistent.',
  fault: '30% of publishes and deliveries dropped',
  profile: 'lossy',
  shop: { orders: 6, stockPerSku: 100 },
  faults: [],
  expectedStatuses: ['COMPLETED', 'COMPENSATED'],
  expect: ({ broker }) => (broker.dropped > 0 ? [] : ['nothing was dropped']),
};
