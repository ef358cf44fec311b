import { SagaStatus } from '../src/orchestrator/index.js';
import { shopWorkload, type Scenario } from '../src/scenario/index.js';

export const paymentDeclined: Scenario = {
  name: 'payment-declined',
  description: 'Customers whose balance cannot cover the order: the charge is declined, the stock released and the order cancelled.',
  fault: 'charge declined (balance too low)',
  workload: (rng, o) => shopWorkload(rng, { orders: o.orders ?? 3, stockPerSku: o.stock ?? 100, balanceCents: 500 }),
  faults: [],
  expectedStatuses: [SagaStatus.Compensated],
  expect: ({ snapshot }) => {
    const problems: string[] = [];
    if (snapshot.charges.some((c) => c.status === 'CHARGED')) problems.push('a charge went through');
    if (snapshot.stock.some((s) => s.available !== s.initial)) problems.push('stock was not all released');
    return problems;
  },
};
