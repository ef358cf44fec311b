import type { Scenario } from '../src/scenario/index.js';

export const duplicateDelivery: Scenario = {
  name: 'duplicate-delivery',
  description: 'The broker delivers the charge command twice: the payment service finds it in its inbox, skips it, and charges once.',
  fault: 'payment.charge delivered twice',
  notFor: {
    choreography:
      "it duplicates the orchestrator's payment.charge command; duplicate-storm duplicates every kind of message in both styles",
  },
  lesson: {
    watch: 'Watch the charge command arrive twice.',
    showed:
      'The inbox remembers every message id in the same transaction as the effect: the second copy is skipped and the customer is charged once.',
  },
  shop: { orders: 1, stockPerSku: 100 },
  faults: [{ kind: 'duplicate-delivery', type: 'payment.charge', copies: 1 }],
  expectedStatuses: ['COMPLETED'],
  expect: ({ eventCounts, broker }) => {
    const problems: string[] = [];
    if (broker.duplicated < 1) problems.push('the charge was never duplicated');
    if (!eventCounts['skip:payment']) problems.push('the payment service never skipped a duplicate');
    return problems;
  },
};
