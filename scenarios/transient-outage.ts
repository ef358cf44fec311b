import type { Scenario } from '../src/scenario/index.js';

export const transientOutage: Scenario = {
  name: 'transient-outage',
  description: 'The payment service is down for less than the retry budget: the retries get through and every saga completes.',
  fault: 'payment down shorter than the retry budget',
  lesson: {
    watch: 'Watch payment go down for less than the retry budget.',
    showed: 'Timeouts and retries ride out a short outage: the saga waits and every order completes.',
  },
  shop: { orders: 2, stockPerSku: 100 },
  faults: [{ kind: 'kill', component: 'payment', when: { on: 'publish', type: 'payment.charge' }, downTicks: 180 }],
  expectedStatuses: ['COMPLETED'],
};
