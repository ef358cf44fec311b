import type { Scenario } from '../src/scenario/index.js';
import { compensationOrder } from './expectations.js';

export const fulfillmentFails: Scenario = {
  name: 'fulfillment-fails',
  description:
    'No carrier will take the shipment: the saga refunds, releases and cancels, in that order — the reverse of how it went forward.',
  fault: 'fulfillment.schedule refused',
  notFor: { '2pc': 'its check is the order the compensations ran in; two-phase commit aborts every participant at once' },
  lesson: {
    watch: 'Watch the shipment fail after the stock was reserved and the money taken.',
    showed:
      'Undoing goes backwards through what succeeded: refund, then release, then cancel. Each compensation is a new local transaction, not a rollback.',
  },
  shop: { orders: 2, stockPerSku: 100 },
  faults: [{ kind: 'fail-command', type: 'fulfillment.schedule', mode: 'fail', times: Infinity }],
  expectedStatuses: ['COMPENSATED'],
  expect: (outcome) => compensationOrder(outcome, ['payment.refund', 'inventory.release', 'order.cancel']),
};
