import { SagaStatus } from '../src/orchestrator/index.js';
import { shopWorkload, type Scenario } from '../src/scenario/index.js';

export const happyPath: Scenario = {
  name: 'happy-path',
  description: 'Orders with stock and money to spare, on a network that never fails: every saga completes.',
  fault: 'none',
  workload: (rng, o) => shopWorkload(rng, { orders: o.orders ?? 5, stockPerSku: o.stock ?? 100 }),
  faults: [],
  expectedStatuses: [SagaStatus.Completed],
};
