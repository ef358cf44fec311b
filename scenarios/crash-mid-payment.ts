import type { Scenario } from '../src/scenario/index.js';

export const crashMidPayment: Scenario = {
  name: 'crash-mid-payment',
  description:
    'The orchestrator dies right after publishing the charge, before it hears back; restarted from its database, it finishes every saga.',
  fault: 'orchestrator killed after publishing payment.charge',
  notFor: {
    '2pc': 'it kills the orchestrator; coordinator-crash-in-doubt kills the coordinator',
    choreography: 'it kills the orchestrator, and the choreographed saga has none',
  },
  lesson: {
    watch: 'Watch the orchestrator die right after it sends the charge, before it hears back.',
    showed:
      "The saga's state was in the orchestrator's database, not its memory. Restarted, it re-arms the step's timer from its row (past its deadline, it fires at once and schedules a retry); the reply that waited in its queue then moves the saga on, so the retry never goes out; its relay sends the charge still in its outbox again, the same message, and payment's inbox skips it. One charge.",
  },
  shop: { orders: 3, stockPerSku: 100 },
  faults: [{ kind: 'kill', component: 'orchestrator', when: { on: 'publish', type: 'payment.charge' }, downTicks: 250 }],
  expectedStatuses: ['COMPLETED', 'COMPENSATED'],
  expect: ({ eventCounts }) => (eventCounts['crash:orchestrator'] ? [] : ['the orchestrator was never killed']),
};
