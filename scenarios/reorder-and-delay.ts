import { SagaStatus } from '../src/orchestrator/index.js';
import { shopWorkload, type Scenario } from '../src/scenario/index.js';

export const reorderAndDelay: Scenario = {
  name: 'reorder-and-delay',
  description: 'Deliveries are held back and overtaken by later ones: late and stale replies are recognised, sagas stay consistent.',
  fault: 'deliveries reordered and delayed',
  profile: 'delaying',
  workload: (rng, o) => shopWorkload(rng, { orders: o.orders ?? 8, stockPerSku: o.stock ?? 100 }),
  faults: [],
  expectedStatuses: [SagaStatus.Completed, SagaStatus.Compensated],
  expect: ({ broker }) => (broker.delayed > 0 && broker.reordered > 0 ? [] : ['nothing was both delayed and reordered']),
};
