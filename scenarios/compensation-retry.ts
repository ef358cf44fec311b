import type { Scenario } from '../src/scenario/index.js';

export const compensationRetry: Scenario = {
  name: 'compensation-retry',
  description:
    'The charge is declined and releasing the stock fails twice before it works: the orchestrator retries with backoff until it is undone.',
  fault: 'inventory.release fails twice',
  lesson: {
    watch: 'Watch the release of the stock fail twice before it works.',
    showed: 'Compensations must succeed in the end: they are retried with backoff, and each try is safe to repeat.',
  },
  shop: { orders: 1, stockPerSku: 100, balanceCents: 0 },
  faults: [{ kind: 'fail-command', type: 'inventory.release', mode: 'fail', times: 2 }],
  expectedStatuses: ['COMPENSATED'],
};
