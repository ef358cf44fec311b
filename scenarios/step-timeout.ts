import { SagaStatus } from '../src/orchestrator/index.js';
import { shopWorkload, type Scenario } from '../src/scenario/index.js';

export const stepTimeout: Scenario = {
  name: 'step-timeout',
  description: 'The payment service is down longer than the retry budget: the step times out, the saga compensates; the charges that land when it returns are refunded.',
  fault: 'payment down longer than the retry budget',
  workload: (rng, o) => shopWorkload(rng, { orders: o.orders ?? 1, stockPerSku: o.stock ?? 100 }),
  faults: [{ kind: 'kill', component: 'payment', when: { on: 'publish', type: 'payment.charge' }, downTicks: 1_500 }],
  expectedStatuses: [SagaStatus.Compensated],
};
