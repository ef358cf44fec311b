import { sagaEventsOf, type Scenario } from '../src/scenario/index.js';

export const stuckSagaReconciled: Scenario = {
  name: 'stuck-saga-reconciled',
  description:
    "The orchestrator dies right after publishing a charge that crashes its handler every time, and comes back without re-arming its timers (its recovery forgot them): the saga waits for an answer that never comes, and nothing of its own will wake it. The reconciler's sweep finds it stuck and sends the charge again; the new one works.",
  fault: 'orchestrator restarted without its timers; the charge it waits on is poison',
  notFor: {
    '2pc': 'it kills the orchestrator so that it forgets its timers, for the reconciler to find; two-phase commit has neither',
    choreography:
      'it kills the orchestrator so that it forgets its timers; the choreographed saga has no orchestrator, and its janitor nudges stalled sagas in every run',
  },
  lesson: {
    watch: 'Watch the orchestrator come back without its timers, leaving a saga that nothing will wake.',
    showed: "A janitor for what falls through: the reconciler's sweep finds the idle saga and the orchestrator sends its action again.",
  },
  shop: { orders: 1, stockPerSku: 100 },
  faults: [
    { kind: 'poison', type: 'payment.charge' },
    { kind: 'kill', component: 'orchestrator', when: { on: 'publish', type: 'payment.charge' }, downTicks: 50, forgetsTimers: true },
  ],
  toleratedDeadLetters: 1,
  expectedStatuses: ['COMPLETED'],
  expect: (outcome) => {
    const facts = outcome.traceEvents.flatMap(sagaEventsOf).map((f) => f.kind);
    const problems: string[] = [];
    if (!outcome.eventCounts['crash:orchestrator']) problems.push('the orchestrator was never killed');
    if (!facts.includes('stuck') || !facts.includes('resent')) problems.push('the reconciler never found the saga stuck');
    return problems;
  },
};
