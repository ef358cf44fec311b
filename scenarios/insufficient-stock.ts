import type { Scenario } from '../src/scenario/index.js';

export const insufficientStock: Scenario = {
  name: 'insufficient-stock',
  description: 'Each order wants more units than the shop holds: the reservation fails, the order is cancelled, nothing is charged.',
  fault: 'order exceeds stock',
  lesson: {
    watch: 'Watch the reservation fail: there are not enough units.',
    showed:
      'A business failure is a normal reply, not an exception: the orchestrator undoes what came before it (the order) and the saga ends COMPENSATED.',
  },
  shop: { orders: 3, skus: 1, stockPerSku: 1, beyondStock: true, minQty: 1, maxQty: 3 },
  faults: [],
  expectedStatuses: ['COMPENSATED'],
  expect: ({ snapshot }) => {
    // Two-phase commit asks every participant at once: payment held the money, and the abort gave it back.
    if (snapshot.style === '2pc')
      return snapshot.charges.some((c) => c.status !== 'VOIDED' && c.status !== 'DECLINED') ? ['a hold was not voided'] : [];
    return snapshot.charges.length > 0 ? ['a charge was attempted although no stock was reserved'] : [];
  },
};
