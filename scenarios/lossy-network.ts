import { SagaStatus } from '../src/orchestrator/index.js';
import { shopWorkload, type Scenario } from '../src/scenario/index.js';

export const lossyNetwork: Scenario = {
  name: 'lossy-network',
  description: '30% of publishes and deliveries are lost: outbox relays publish again, the broker redelivers, every saga still ends consistent.',
  fault: '30% of publishes and deliveries dropped',
  profile: 'lossy',
  workload: (rng, o) => shopWorkload(rng, { orders: o.orders ?? 6, stockPerSku: o.stock ?? 100 }),
  faults: [],
  expectedStatuses: [SagaStatus.Completed, SagaStatus.Compensated],
  expect: ({ broker }) => (broker.dropped > 0 ? [] : ['nothing was dropped']),
};
