import type { Scenario } from '../src/scenario/index.js';

export const stepTimeout: Scenario = {
  name: 'step-timeout',
  description:
    'The payment service is down longer than the retry budget: the step times out, the saga compensates; the charges that land when it returns are refunded.',
  fault: 'payment down longer than the retry budget',
  notFor: {
    choreography:
      'a step times out only where someone waits for its reply: without a coordinator the saga waits, and completes once the service answers',
  },
  lesson: {
    watch: "Watch payment stay down longer than the step's whole retry budget.",
    showed:
      'Silence is not failure, but it cannot last: the orchestrator gives up and compensates, and the charges that land when payment returns are refunded.',
  },
  shop: { orders: 1, stockPerSku: 100 },
  faults: [{ kind: 'kill', component: 'payment', when: { on: 'publish', type: 'payment.charge' }, downTicks: 1_500 }],
  expectedStatuses: ['COMPENSATED'],
};
