import type { Scenario } from '../src/scenario/index.js';
import { compensationOrder } from './expectations.js';

export const notificationFails: Scenario = {
  name: 'notification-fails',
  description: 'The notification service refuses for good: nothing was sent, so steps 4 to 1 are undone in reverse order.',
  fault: 'notification.send refused',
  notFor: {
    '2pc':
      'the customer is told after the decision in two-phase commit, and an email that cannot go out does not undo a committed order: the coordinator asks again',
  },
  lesson: {
    watch: 'Watch the last step fail for good, after four steps succeeded.',
    showed:
      'Four compensations in reverse order undo four commits in four databases: the saga ends COMPENSATED and the checker finds nothing left behind.',
  },
  shop: { orders: 2, stockPerSku: 100 },
  faults: [{ kind: 'fail-command', type: 'notification.send', mode: 'fail', times: Infinity }],
  expectedStatuses: ['COMPENSATED'],
  expect: (outcome) => compensationOrder(outcome, ['fulfillment.cancel', 'payment.refund', 'inventory.release', 'order.cancel']),
};
