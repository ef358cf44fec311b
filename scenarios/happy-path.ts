import type { Scenario } from '../src/scenario/index.js';

export const happyPath: Scenario = {
  name: 'happy-path',
  description: 'Orders with stock and money to spare, on a network that never fails: every saga completes.',
  fault: 'none',
  lesson: {
    watch:
      'Nothing goes wrong: watch the shape every other scenario bends. The orchestrator sends one command at a time, and each service answers from one local transaction.',
    showed:
      "A saga is a chain of local commits, each in its own database, joined by messages. No lock spans two services; the orchestrator's own table remembers where each saga stands.",
  },
  shop: { orders: 5, stockPerSku: 100 },
  faults: [],
  expectedStatuses: ['COMPLETED'],
};
