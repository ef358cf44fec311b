import { STYLE_COMPONENTS, type Scenario } from '../src/scenario/index.js';

const everyone = STYLE_COMPONENTS.orchestration;

export const fullRestart: Scenario = {
  name: 'full-restart',
  description: 'Mid-run, every service and the orchestrator die at once and come back one by one, each from its own database.',
  fault: 'everything killed mid-run',
  notFor: {
    '2pc': 'its kills are set off by the orchestrator and include the reconciler, which two-phase commit does not run',
    choreography: 'its kill is set off by the orchestrator publishing payment.charge, a command nobody sends in choreography',
  },
  lesson: {
    watch: 'Watch every component die at once and come back one by one.',
    showed: 'Each component rebuilds from its own database: sagas resume where their rows say, outboxes are relayed, queues redeliver.',
  },
  shop: { orders: 8, stockPerSku: 100, arrivalTicks: 40 },
  faults: everyone.map((component, i) => ({
    kind: 'kill',
    component,
    when: { on: 'publish', type: 'payment.charge', nth: 2 },
    downTicks: 60 + 40 * i,
  })),
  expectedStatuses: ['COMPLETED', 'COMPENSATED'],
  expect: ({ eventCounts }) =>
    eventCounts.crash === everyone.length ? [] : [`${eventCounts.crash ?? 0} crashes; expected ${everyone.length}`],
};
