import type { Scenario } from '../src/scenario/index.js';

export const crashMidPayment: Scenario = {
  name: 'crash-mid-payment',
  description:
    'The orchestrator dies right after publishing the charge, before it hears back; restarted from its database, it finishes every saga.',
  fault: 'orchestrator killed after publishing payment.charge',
  shop: { orders: 3, stockPerSku: 100 },
  faults: [{ kind: 'kill', component: 'orchestrator', when: { on: 'publish', type: 'payment.charge' }, downTicks: 250 }],
  expectedStatuses: ['COMPLETED', 'COMPENSATED'],
  expect: ({ eventCounts }) => (eventCounts['crash:orchestrator'] ? [] : ['the orchestrator was never killed']),
};
