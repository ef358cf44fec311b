import { SagaStatus } from '../src/orchestrator/index.js';
import { shopWorkload, type Scenario } from '../src/scenario/index.js';
import { compensationOrder } from './expectations.js';

export const fulfillmentFails: Scenario = {
  name: 'fulfillment-fails',
  description: 'No carrier will take the shipment: the saga refunds, releases and cancels, in that order — the reverse of how it went forward.',
  fault: 'fulfillment.schedule refused',
  workload: (rng, o) => shopWorkload(rng, { orders: o.orders ?? 2, stockPerSku: o.stock ?? 100 }),
  faults: [{ kind: 'fail-command', type: 'fulfillment.schedule', mode: 'fail', times: Infinity }],
  expectedStatuses: [SagaStatus.Compensated],
  expect: (outcome) => compensationOrder(outcome, ['payment.refund', 'inventory.release', 'order.cancel']),
};
