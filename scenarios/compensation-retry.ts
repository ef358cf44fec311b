import { SagaStatus } from '../src/orchestrator/index.js';
import { shopWorkload, type Scenario } from '../src/scenario/index.js';

export const compensationRetry: Scenario = {
  name: 'compensation-retry',
  description: 'The charge is declined and releasing the stock fails twice before it works: the orchestrator retries with backoff until it is undone.',
  fault: 'inventory.release fails twice',
  workload: (rng, o) => shopWorkload(rng, { orders: o.orders ?? 1, stockPerSku: o.stock ?? 100, balanceCents: 0 }),
  faults: [{ kind: 'fail-command', type: 'inventory.release', mode: 'fail', times: 2 }],
  expectedStatuses: [SagaStatus.Compensated],
};
