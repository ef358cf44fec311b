import type { Scenario } from '../src/scenario/index.js';

export const concurrentOrders: Scenario = {
  name: 'concurrent-orders',
  description: '50 orders race for one SKU with 10 units: the conditional reservation lets exactly 10 through and never oversells.',
  fault: '50 concurrent orders, stock 10',
  lesson: {
    watch: 'Watch fifty orders race for ten units.',
    showed:
      'A conditional update in one local transaction decides each reservation: exactly ten get through and nothing is oversold, with no lock across services.',
  },
  shop: { orders: 50, skus: 1, stockPerSku: 10, minQty: 1, maxQty: 1, arrivalTicks: 5 },
  faults: [],
  expectedStatuses: ['COMPLETED', 'COMPENSATED'],
  expect: ({ snapshot }) => {
    const stock = snapshot.stock[0]!;
    const completed = snapshot.sagas.filter((s) => s.status === 'COMPLETED').length;
    const want = Math.min(stock.initial, snapshot.sagas.length);
    return completed === want && stock.sold === want ? [] : [`${completed} completed and ${stock.sold} sold; expected ${want}`];
  },
};
