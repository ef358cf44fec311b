import { SagaStatus } from '../src/orchestrator/index.js';
import { shopWorkload, type Scenario } from '../src/scenario/index.js';

export const insufficientStock: Scenario = {
  name: 'insufficient-stock',
  description: 'Each order wants more units than the shop holds: the reservation fails, the order is cancelled, nothing is charged.',
  fault: 'order exceeds stock',
  workload: (rng, o) => {
    const stock = o.stock ?? 1;
    return shopWorkload(rng, { orders: o.orders ?? 3, skus: 1, stockPerSku: stock, minQty: stock + 1, maxQty: stock + 3 });
  },
  faults: [],
  expectedStatuses: [SagaStatus.Compensated],
  expect: ({ snapshot }) => (snapshot.charges.length > 0 ? ['a charge was attempted although no stock was reserved'] : []),
};
