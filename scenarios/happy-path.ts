import type { Scenario } from '../src/scenario/index.js';

export const happyPath: Scenario = {
  name: 'happy-path',
  description: 'Orders with stock and money to spare, on a network that never fails: every saga completes.',
  fault: 'none',
  shop: { orders: 5, stockPerSku: 100 },
  faults: [],
  expectedStatuses: ['COMPLETED'],
};
