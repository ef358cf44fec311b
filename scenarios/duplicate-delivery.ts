import { SagaStatus } from '../src/orchestrator/index.js';
import { shopWorkload, type Scenario } from '../src/scenario/index.js';

export const duplicateDelivery: Scenario = {
  name: 'duplicate-delivery',
  description: 'The broker delivers the charge command twice: the payment service finds it in its inbox, skips it, and charges once.',
  fault: 'payment.charge delivered twice',
  workload: (rng, o) => shopWorkload(rng, { orders: o.orders ?? 1, stockPerSku: o.stock ?? 100 }),
  faults: [{ kind: 'duplicate-delivery', type: 'payment.charge', copies: 1 }],
  expectedStatuses: [SagaStatus.Completed],
  expect: ({ eventCounts, broker }) => {
    const problems: string[] = [];
    if (broker.duplicated < 1) problems.push('the charge was never duplicated');
    if (!eventCounts['skip:payment']) problems.push('the payment service never skipped a duplicate');
    return problems;
  },
};
