import type { Scenario } from '../src/scenario/index.js';

export const reorderAndDelay: Scenario = {
  name: 'reorder-and-delay',
  description: 'Deliveries are held back and overtaken by later ones: late and stale replies are recognised, sagas stay consistent.',
  fault: 'deliveries reordered and delayed',
  lesson: {
    watch: 'Watch replies arrive late and out of order.',
    showed: "The orchestrator judges each reply against the saga's current step: a stale or late one is recorded and changes nothing.",
  },
  profile: 'delaying',
  shop: { orders: 8, stockPerSku: 100 },
  faults: [],
  expectedStatuses: ['COMPLETED', 'COMPENSATED'],
  expect: ({ broker }) => (broker.delayed > 0 && broker.reordered > 0 ? [] : ['nothing was both delayed and reordered']),
};
