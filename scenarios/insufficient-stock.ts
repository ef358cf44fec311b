import type { Scenario } from '../src/scenario/index.js';

export const insufficientStock: Scenario = {
  name: 'insufficient-stock',
  description: 'Each order wants more units than the shop holds: the reservation fails, the order is cancelled, nothing is charged.',
  fault: 'order exceeds stock',
  shop: { orders: 3, skus: 1, stockPerSku: 1, beyondStock: true, minQty: 1, maxQty: 3 },
  faults: [],
  expectedStatuses: ['COMPENSATED'],
  expect: ({ snapshot }) => (snapshot.charges.length > 0 ? ['a charge was attempted although no stock was reserved'] : []),
};
