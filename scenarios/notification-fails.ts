import { SagaStatus } from '../src/orchestrator/index.js';
import { shopWorkload, type Scenario } from '../src/scenario/index.js';
import { compensationOrder } from './expectations.js';

export const notificationFails: Scenario = {
  name: 'notification-fails',
  description: 'The notification service refuses for good: nothing was sent, so steps 4 to 1 are undone in reverse order.',
  fault: 'notification.send refused',
  workload: (rng, o) => shopWorkload(rng, { orders: o.orders ?? 2, stockPerSku: o.stock ?? 100 }),
  faults: [{ kind: 'fail-command', type: 'notification.send', mode: 'fail', times: Infinity }],
  expectedStatuses: [SagaStatus.Compensated],
  expect: (outcome) => compensationOrder(outcome, ['fulfillment.cancel', 'payment.refund', 'inventory.release', 'order.cancel']),
};
