import type { Scenario } from '../src/scenario/index.js';

export const paymentDeclined: Scenario = {
  name: 'payment-declined',
  description: 'Customers whose balance cannot cover the order: the charge is declined, the stock released and the order cancelled.',
  fault: 'charge declined (balance too low)',
  lesson: {
    watch: 'Watch the charge come back declined after the stock was reserved.',
    showed: "Compensations run last first: the reservation is released, then the order cancelled, each in its own service's transaction.",
  },
  shop: { orders: 3, stockPerSku: 100, balanceCents: 500 },
  faults: [],
  expectedStatuses: ['COMPENSATED'],
  expect: ({ snapshot }) => {
    const problems: string[] = [];
    if (snapshot.charges.some((c) => c.status === 'CHARGED')) problems.push('a charge went through');
    if (snapshot.stock.some((s) => s.available !== s.initial)) problems.push('stock was not all released');
    return problems;
  },
};
