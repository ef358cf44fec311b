import type { Scenario } from '../src/scenario/index.js';
import { compensationOrder } from './expectations.js';

export const fulfillmentFails: Scenario = {
  name: 'fulfillment-fails',
  description:
    'No carrier will take the shipment: the saga refunds, releases and cancels, in that order — the reverse of how it went forward.',
  fault: 'fulfillment.schedule refused',
  shop: { orders: 2, stockPerSku: 100 },
  faults: [{ kind: 'fail-command', type: 'fulfillment.schedule', mode: 'fail', times: Infinity }],
  expectedStatuses: ['COMPENSATED'],
  expect: (outcome) => compensationOrder(outcome, ['payment.refund', 'inventory.release', 'order.cancel']),
};
